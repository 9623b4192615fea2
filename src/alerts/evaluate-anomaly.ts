import type { DuckDBConnection } from '@duckdb/node-api';
import type { AnomalyRule } from '../config/index.js';
import { compileMetric, detectAnomalies, ERRORS_EXPRESSION, groupEvents, VOLUME_EXPRESSION, type AnomalyEvent, type DetectResult, type FiringRate } from '../detect/index.js';
import { quoteIdentifier, quoteString } from '../store/index.js';
import { dashboardPath, durationMs, firingKey, floorToBucket, formatAmount, formatTime, iso, lastCompleteBucketEnd, seriesCondition, timestampLiteral } from './evaluate-common.js';
import type { Firing, FiringContributor, FiringPoint } from './firing.js';

/** Buckets of the series shown before an event in its chart (and read for it). */
const CHART_BEFORE_BUCKETS = 30;
/** Buckets after an event's end shown in its chart, as far as the data goes. */
const CHART_AFTER_BUCKETS = 10;
/** How far back an evaluation reaches to find where a long event began (its key is its start). */
const MAX_EVENT_REACH_MS = 86_400_000;

/**
 * Evaluates an `anomaly` rule at `at` (ms): the detector of `logscope anomalies` over the
 * complete buckets before `at`, one firing per anomaly event still flagged within the rule's
 * `lookback`. Each firing has the series around the event for its chart, the contributors of
 * `--explain`, and the SQL that gives the observed values.
 *
 * Only recent data is read: the lookback, the chart's context and the detector's own baseline
 * history (the trailing window, and for a seasonal baseline the earlier days at the same time).
 * An event that began before that is followed back (at most a day) so that its key, which holds
 * its start, stays the same from one evaluation to the next.
 */
export async function evaluateAnomalyRule(conn: DuckDBConnection, rule: AnomalyRule, at: number, details = true, dataEnd?: number): Promise<Firing[]> {
  const bucketMs = durationMs(rule.bucket);
  const until = lastCompleteBucketEnd(at, bucketMs, dataEnd);
  const lookbackMs = Math.max(durationMs(rule.lookback), bucketMs);
  const activeFrom = until - lookbackMs;
  let reach = lookbackMs + CHART_BEFORE_BUCKETS * bucketMs;
  let result: DetectResult;
  let since: number;
  for (;;) {
    since = floorToBucket(until - reach, bucketMs);
    result = await detect(conn, rule, since, until, details);
    const clipped = result.events.some((e) => Date.parse(e.end) > activeFrom && Date.parse(e.start) <= since);
    if (!clipped || reach >= MAX_EVENT_REACH_MS) break;
    reach = Math.min(reach * 4, MAX_EVENT_REACH_MS);
  }
  const active = result.events.filter((e) => Date.parse(e.end) > activeFrom);
  const firings: Firing[] = [];
  for (const event of active) firings.push(await toFiring(conn, rule, event, result, at, until, bucketMs, details));
  return firings;
}

/**
 * The firings of an `anomaly` rule at each of `times` (ascending, ms), without details (chart,
 * explanation, SQL): what {@link evaluateAnomalyRule} gives at each time, from one run of the
 * detector over the whole range instead of one per time. The detector is causal — a bucket's
 * flag depends only on the data before its end (trailing window, earlier days, the bucket
 * before) — so the flagged buckets before a time are the same either way, and the events at that
 * time are those buckets grouped. For backtests over weeks of scheduled times.
 */
export async function evaluateAnomalyRuleAtTimes(conn: DuckDBConnection, rule: AnomalyRule, times: readonly number[], dataEnd?: number): Promise<{ firings: Firing[][]; firingRate?: FiringRate }> {
  if (times.length === 0) return { firings: [] };
  const bucketMs = durationMs(rule.bucket);
  const lookbackMs = Math.max(durationMs(rule.lookback), bucketMs);
  const firstActiveFrom = lastCompleteBucketEnd(times[0], bucketMs, dataEnd) - lookbackMs;
  const lastUntil = lastCompleteBucketEnd(times[times.length - 1], bucketMs, dataEnd);
  let reach = lookbackMs + CHART_BEFORE_BUCKETS * bucketMs;
  let result: DetectResult;
  for (;;) {
    const since = floorToBucket(firstActiveFrom + lookbackMs - reach, bucketMs);
    result = await detect(conn, rule, since, lastUntil, false, true);
    const clipped = result.events.some((e) => Date.parse(e.end) > firstActiveFrom && Date.parse(e.start) <= since);
    if (!clipped || reach >= MAX_EVENT_REACH_MS) break;
    reach = Math.min(reach * 4, MAX_EVENT_REACH_MS);
  }
  const out: Firing[][] = [];
  for (const at of times) {
    const until = lastCompleteBucketEnd(at, bucketMs, dataEnd);
    const before = result.anomalies.filter((a) => Date.parse(a.bucket) < until);
    const active = groupEvents(before, bucketMs).filter((e) => Date.parse(e.end) > until - lookbackMs);
    const firings: Firing[] = [];
    for (const event of active) firings.push(await toFiring(conn, rule, event, result, at, until, bucketMs, false));
    out.push(firings);
  }
  return { firings: out, ...(result.firingRate !== undefined ? { firingRate: result.firingRate } : {}) };
}

/** `details` false: no explanation and no chart buckets (a backtest needs only the events, and with `countJudged` the buckets judged). */
function detect(conn: DuckDBConnection, rule: AnomalyRule, since: number, until: number, details: boolean, countJudged = false): Promise<DetectResult> {
  return detectAnomalies(conn, {
    bucket: rule.bucket,
    by: rule.by,
    window: rule.window,
    baseline: rule.baseline,
    threshold: rule.threshold,
    min_count: rule.minCount,
    min_change: rule.minChange,
    since: iso(since),
    until: iso(until),
    metric: rule.metric,
    direction: rule.direction,
    explain: details,
    top: rule.top,
    allBuckets: details,
    countJudged,
  });
}

async function toFiring(conn: DuckDBConnection, rule: AnomalyRule, event: AnomalyEvent, result: DetectResult, at: number, until: number, bucketMs: number, details: boolean): Promise<Firing> {
  const { peak } = event;
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  const series = rule.by === '' ? '' : `${rule.by}=${event.series}`;
  const where = series === '' ? '' : ` (${series})`;
  const unit = event.measure === 'metric' ? `${rule.metric} per ${rule.bucket}` : `${event.measure}/${rule.bucket}`;
  const direction = (peak.observed ?? 0) >= (peak.expected ?? 0) ? 'rose' : 'fell';
  const z = peak.z === null ? 'after a flat history' : `z ${peak.z.toFixed(1)}`;
  const chartFrom = start - CHART_BEFORE_BUCKETS * bucketMs;
  const chartTo = Math.min(end + CHART_AFTER_BUCKETS * bucketMs, until);
  const points: FiringPoint[] = (result.buckets ?? [])
    .filter((b) => b.series === event.series && b.measure === event.measure && Date.parse(b.bucket) >= chartFrom && Date.parse(b.bucket) < chartTo)
    .map((b) => ({ t: b.bucket, value: b.observed ?? 0, ...(b.expected !== null ? { expected: b.expected } : {}), ...(b.flagged ? { flagged: true } : {}) }));
  const contributors: FiringContributor[] = (event.explanation ?? []).map((c) => ({
    dimension: c.dimension === 'message' ? 'template' : c.dimension,
    value: c.value,
    observed: c.during ?? 0,
    expected: c.before ?? 0,
  }));
  const reproduce = [
    `logscope anomalies --since ${event.start} --until ${iso(chartTo)} --bucket ${rule.bucket}`,
    rule.by !== '' ? `--by ${rule.by}` : '',
    `--window ${rule.window} --baseline ${rule.baseline} --threshold ${rule.threshold} --min-count ${rule.minCount}`,
    rule.metric !== undefined ? `--metric ${quoteShell(rule.metric)} --direction ${rule.direction} --min-change ${rule.minChange}` : '',
    '--explain',
  ].filter((s) => s !== '');
  return {
    rule: rule.name,
    kind: 'anomaly',
    severity: event.severity,
    key: firingKey(rule.name, series === '' ? '*' : series, event.measure, event.start),
    series,
    firedAt: iso(at),
    eventStart: event.start,
    eventEnd: event.end,
    ...(peak.observed !== null ? { observed: peak.observed } : {}),
    ...(peak.expected !== null ? { expected: peak.expected } : {}),
    ...(peak.z !== null ? { z: peak.z } : {}),
    title: `${unit} ${direction} to ${formatAmount(peak.observed)}, expected ${formatAmount(peak.expected)} (${z})${where}`,
    details: [
      `${event.measure === 'metric' ? rule.metric : event.measure} of ${series === '' ? 'all lines' : series} ${direction} to ${formatAmount(peak.observed)} per ${rule.bucket} at ${formatTime(Date.parse(peak.bucket))}, ` +
        `against an expected ${formatAmount(peak.expected)} (±${formatAmount(peak.stddev)}, ${peak.baseline ?? 'no'} baseline of ${peak.samples} values): ${z}.`,
      `${event.buckets} flagged bucket${event.buckets === 1 ? '' : 's'} of ${rule.bucket} from ${formatTime(start)} to ${formatTime(end)}${end >= until ? ' (still going at the last complete bucket)' : ''}.`,
      `Rule: |z| ≥ ${rule.threshold * 2} at once, or ≥ ${rule.threshold} two buckets in a row; ${rule.baseline} baseline, window ${rule.window} buckets, min count ${rule.minCount}.`,
      `Reproduce: ${reproduce.join(' ')}`,
    ],
    ...(details ? { chart: { bucketSeconds: bucketMs / 1000, label: unit + where, points } } : {}),
    ...(contributors.length > 0 ? { contributors } : {}),
    ...(details ? { sql: await reproduceSql(conn, rule, event, chartFrom, chartTo) } : {}),
    recipients: [...rule.recipients],
    dashboardPath: dashboardPath('/anomalies', { from: iso(chartFrom), to: iso(chartTo), bucket: rule.bucket, by: rule.by, series: rule.by === '' ? undefined : event.series }),
  };
}

/** The SQL that gives the measure per bucket of the event's series over the charted span. */
async function reproduceSql(conn: DuckDBConnection, rule: AnomalyRule, event: AnomalyEvent, from: number, to: number): Promise<string> {
  let measure: string;
  let source = 'logs';
  if (event.measure === 'metric' && rule.metric !== undefined) {
    const compiled = await compileMetric(conn, rule.metric, rule.direction);
    measure = `${compiled.measure.expression} AS metric`;
    if (compiled.fields.length > 0) {
      const extracted = compiled.fields.map((f) => (f.numeric ? `TRY_CAST(attrs ->> ${quoteString(f.name)} AS DOUBLE)` : `attrs ->> ${quoteString(f.name)}`) + ` AS ${quoteIdentifier(f.name)}`);
      source = `(SELECT *, ${extracted.join(', ')} FROM logs)`;
    }
  } else {
    measure = event.measure === 'volume' ? `${VOLUME_EXPRESSION} AS volume` : `${ERRORS_EXPRESSION} AS errors`;
  }
  return [
    `SELECT time_bucket(INTERVAL '${durationMs(rule.bucket) / 1000} seconds', ts) AS bucket, ${measure}`,
    `FROM ${source}`,
    `WHERE ts >= ${timestampLiteral(from)} AND ts < ${timestampLiteral(to)}${rule.by === '' ? '' : ` AND ${seriesCondition(rule.by, event.series)}`}`,
    'GROUP BY ALL ORDER BY bucket;',
  ].join('\n');
}

function quoteShell(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
