import type { DuckDBConnection } from '@duckdb/node-api';
import type { ErrorRateRule } from '../config/index.js';
import { prepareQuery, RECORDS_SOURCE } from '../query/index.js';
import { dashboardPath, durationMs, firingKey, floorToBucket, formatPercent, formatTime, iso, lastCompleteBucketEnd, seriesCondition, timestampLiteral } from './evaluate-common.js';
import type { Firing, FiringPoint } from './firing.js';

/** How far back an evaluation follows a run of windows over the threshold to find where it began. */
const MIN_REACH_MS = 6 * 3_600_000;
const MAX_REACH_MS = 86_400_000;
/** Points in the chart of the error rate. */
const CHART_POINTS = 60;

/**
 * The step the window slides by: whole minutes dividing the window up to an hour, a sixtieth
 * of longer windows. The window is read as a whole number of steps.
 */
function stepMsOf(windowMs: number): number {
  const seconds = windowMs / 1000;
  if (seconds <= 3600) return gcd(seconds, 60) * 1000;
  return Math.ceil(seconds / 60) * 1000;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Evaluates an `error_rate` rule at `at` (ms): ERROR+FATAL lines over all lines in the
 * `window` before `at` (whole steps of `sql/trends.sql`'s buckets), per series when the rule
 * has `by`. A series fires when its rate is above `above` and the window holds at least
 * `minCount` lines. The firing's key holds the time its rate first went over the threshold, found
 * by sliding the window back, so that one episode keeps one key while it lasts.
 */
export async function evaluateErrorRateRule(conn: DuckDBConnection, rule: ErrorRateRule, at: number, dataEnd?: number): Promise<Firing[]> {
  const windowMsWanted = durationMs(rule.window);
  const stepMs = stepMsOf(windowMsWanted);
  const steps = Math.max(1, Math.ceil(windowMsWanted / stepMs));
  const windowMs = steps * stepMs;
  const until = lastCompleteBucketEnd(at, stepMs, dataEnd);
  const reach = Math.min(Math.max(MIN_REACH_MS, 4 * windowMs), MAX_REACH_MS);
  const since = floorToBucket(until - reach - windowMs, stepMs);
  const prepared = await prepareQuery(conn, 'trends', { bucket: `${stepMs / 1000}s`, by: rule.by, since: iso(since), until: iso(until) }, RECORDS_SOURCE);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as Array<{ bucket: string; series: string; total: string | number; errors: string | number }>;
  const n = Math.round((until - since) / stepMs);
  const perSeries = new Map<string, { total: Float64Array; errors: Float64Array }>();
  for (const row of rows) {
    const i = Math.round((Date.parse(`${row.bucket.replace(' ', 'T')}Z`) - since) / stepMs);
    if (i < 0 || i >= n) continue;
    let s = perSeries.get(row.series);
    if (s === undefined) perSeries.set(row.series, (s = { total: new Float64Array(n), errors: new Float64Array(n) }));
    s.total[i] += Number(row.total);
    s.errors[i] += Number(row.errors);
  }
  const firings: Firing[] = [];
  for (const [name, counts] of [...perSeries].sort(([a], [b]) => a.localeCompare(b))) {
    // rate[j]: over the window ending at the end of step j.
    const totals = new Float64Array(n);
    const errors = new Float64Array(n);
    let t = 0;
    let e = 0;
    for (let j = 0; j < n; j++) {
      t += counts.total[j];
      e += counts.errors[j];
      if (j >= steps) {
        t -= counts.total[j - steps];
        e -= counts.errors[j - steps];
      }
      totals[j] = t;
      errors[j] = e;
    }
    const over = (j: number) => j >= steps - 1 && totals[j] >= rule.minCount && errors[j] / totals[j] > rule.above;
    const last = n - 1;
    if (!over(last)) continue;
    let first = last;
    while (first - 1 >= 0 && over(first - 1)) first--;
    const firstOverAt = since + (first + 1) * stepMs;
    const rate = errors[last] / totals[last];
    const series = rule.by === '' ? '' : `${rule.by}=${name}`;
    const where = series === '' ? '' : ` (${series})`;
    const points: FiringPoint[] = [];
    for (let j = Math.max(steps - 1, n - CHART_POINTS); j <= last; j++) {
      points.push({ t: iso(since + j * stepMs), value: totals[j] > 0 ? (100 * errors[j]) / totals[j] : 0, expected: 100 * rule.above, ...(over(j) ? { flagged: true } : {}) });
    }
    const windowStart = until - windowMs;
    firings.push({
      rule: rule.name,
      kind: 'error_rate',
      severity: rate >= 2 * rule.above ? 'critical' : 'warning',
      key: firingKey(rule.name, series === '' ? '*' : series, iso(firstOverAt)),
      series,
      firedAt: iso(at),
      eventStart: iso(firstOverAt - stepMs),
      eventEnd: iso(until),
      observed: rate,
      expected: rule.above,
      title: `error rate ${formatPercent(rate)} > ${formatPercent(rule.above)} over ${rule.window}${where}`,
      details: [
        `${errors[last].toLocaleString('en-US')} of ${totals[last].toLocaleString('en-US')} lines${where} were ERROR or FATAL from ${formatTime(windowStart)} to ${formatTime(until)}: ${formatPercent(rate)}, over the rule's ${formatPercent(rule.above)}.`,
        first === 0 && over(0)
          ? `The rate has been over the threshold since at least ${formatTime(firstOverAt)} (as far back as the rule looks).`
          : `The rate over ${rule.window} first went over the threshold at ${formatTime(firstOverAt)}.`,
        `Critical from twice the threshold (${formatPercent(2 * rule.above)}); windows of fewer than ${rule.minCount} lines are not judged.`,
      ],
      chart: { bucketSeconds: stepMs / 1000, label: `error rate % over ${rule.window}${where}`, points },
      sql: [
        `SELECT ${rule.by === '' ? '' : `${rule.by}, `}count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors, count(*) AS total, round(errors / total, 4) AS error_rate`,
        `FROM logs`,
        `WHERE ts >= ${timestampLiteral(windowStart)} AND ts < ${timestampLiteral(until)}${rule.by === '' ? '' : ` AND ${seriesCondition(rule.by, name)}`}`,
        `GROUP BY ALL;`,
      ].join('\n'),
      recipients: [...rule.recipients],
      dashboardPath: dashboardPath('/trends', { from: iso(since + Math.max(steps - 1, n - CHART_POINTS) * stepMs), to: iso(until), bucket: `${stepMs / 1000}s`, by: rule.by }),
    });
  }
  return firings;
}
