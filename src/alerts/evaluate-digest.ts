import type { DuckDBConnection } from '@duckdb/node-api';
import type { DigestRule } from '../config/index.js';
import { detectAnomalies, findNewPatterns } from '../detect/index.js';
import { prepareQuery, RECORDS_SOURCE } from '../query/index.js';
import { dashboardPath, durationMs, firingKey, formatAmount, formatPercent, formatTime, iso, isoOfPrinted } from './evaluate-common.js';
import type { Firing, FiringTable } from './firing.js';

type Cell = string | number | null;

/**
 * Evaluates a `digest` rule for the period that ends at `at` (ms; the scheduled time): the
 * anomaly events of the period (the default detector of `logscope anomalies`, per `by`), the
 * log templates first seen in it, the top errors, and per series the lines and error rate
 * against the period before. Always one firing, with those as tables; when no anomaly fired
 * and no new pattern appeared its title and first line say "all quiet".
 */
export async function evaluateDigestRule(conn: DuckDBConnection, rule: DigestRule, at: number): Promise<Firing[]> {
  const periodMs = durationMs(rule.period);
  const from = at - periodMs;
  const range = { since: iso(from), until: iso(at) };

  const detected = await detectAnomalies(conn, { bucket: rule.bucket, by: rule.by, ...range });
  const events = [...detected.events].sort((a, b) => Math.abs(b.peak.z ?? Infinity) - Math.abs(a.peak.z ?? Infinity));
  const patterns = (await findNewPatterns(conn, range.since)).filter((p) => Date.parse(p.first_seen) < at);
  const topErrors = (await (await prepareQuery(conn, 'top-error-patterns', { ...range, limit: rule.top })).runAndReadAll()).getRowObjectsJson() as Array<Record<string, Cell>>;
  const trends = await compareWithPreviousPeriod(conn, rule, from, at, periodMs);

  const quiet = events.length === 0 && patterns.length === 0;
  const tables: FiringTable[] = [];
  if (events.length > 0) {
    tables.push({
      title: `anomalies (${events.length})`,
      columns: ['start', 'end', 'series', 'measure', 'peak z', 'observed', 'expected', 'severity'],
      rows: events.slice(0, rule.top).map((e) => [e.start, e.end, e.series, `${e.measure}/${rule.bucket}`, e.peak.z === null ? 'flat history' : Number(e.peak.z.toFixed(1)), e.peak.observed, e.peak.expected === null ? null : Number(e.peak.expected.toFixed(2)), e.severity]),
    });
  }
  if (patterns.length > 0) {
    tables.push({
      title: `new patterns (${patterns.length})`,
      columns: ['first seen', 'template', 'lines', 'errors'],
      rows: patterns.slice(0, rule.top).map((p) => [p.first_seen, p.text, p.count, (p.levels.ERROR ?? 0) + (p.levels.FATAL ?? 0)]),
    });
  }
  tables.push({
    title: 'top errors',
    columns: ['pattern', 'errors', 'services', 'hosts', 'last seen'],
    rows: topErrors.map((r) => [r.pattern, Number(r.errors), r.services, Number(r.hosts), r.last_seen === null ? null : isoOfPrinted(String(r.last_seen))]),
  });
  tables.push({
    title: `lines and error rate per ${rule.by === '' ? 'period' : rule.by}, against the ${rule.period} before`,
    columns: [rule.by === '' ? 'series' : rule.by, 'lines', 'lines before', 'change', 'error rate', 'error rate before'],
    rows: trends,
  });
  const lines = trends.reduce((n, r) => n + Number(r[1] ?? 0), 0);
  const headline = quiet
    ? `All quiet: no anomalies and no new log patterns from ${formatTime(from)} to ${formatTime(at)}.`
    : `${events.length} anomal${events.length === 1 ? 'y' : 'ies'} and ${patterns.length} new log pattern${patterns.length === 1 ? '' : 's'} from ${formatTime(from)} to ${formatTime(at)}.`;
  return [
    {
      rule: rule.name,
      kind: 'digest',
      severity: 'info',
      key: firingKey(rule.name, '*', range.since, range.until),
      series: '',
      firedAt: iso(at),
      eventStart: range.since,
      eventEnd: range.until,
      observed: events.length,
      title: quiet ? `digest of the last ${rule.period}: all quiet` : `digest of the last ${rule.period}: ${events.length} anomal${events.length === 1 ? 'y' : 'ies'}, ${patterns.length} new pattern${patterns.length === 1 ? '' : 's'}`,
      details: [headline, `${formatAmount(lines)} lines in the period; ${topErrors.length === 0 ? 'no errors' : `the commonest error: ${String(topErrors[0].pattern)} (${formatAmount(Number(topErrors[0].errors))} lines)`}.`],
      tables,
      sql: `SELECT ${rule.by === '' ? '' : `${rule.by}, `}count(*) AS lines, count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors\nFROM logs WHERE ts >= TIMESTAMPTZ '${range.since}' AND ts < TIMESTAMPTZ '${range.until}'\nGROUP BY ALL ORDER BY lines DESC;`,
      recipients: [...rule.recipients],
      dashboardPath: dashboardPath('/anomalies', { from: range.since, to: range.until, bucket: rule.bucket, by: rule.by }),
    },
  ];
}

/** Per series: lines in the period and the one before, the change, and both error rates (`sql/trends.sql`). */
async function compareWithPreviousPeriod(conn: DuckDBConnection, rule: DigestRule, from: number, at: number, periodMs: number): Promise<Cell[][]> {
  const prepared = await prepareQuery(conn, 'trends', { bucket: rule.bucket, by: rule.by, since: iso(from - periodMs), until: iso(at) }, RECORDS_SOURCE);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as Array<{ bucket: string; series: string; total: string | number; errors: string | number }>;
  const sums = new Map<string, { now: number; before: number; errorsNow: number; errorsBefore: number }>();
  for (const row of rows) {
    const s = sums.get(row.series) ?? { now: 0, before: 0, errorsNow: 0, errorsBefore: 0 };
    const current = Date.parse(`${row.bucket.replace(' ', 'T')}Z`) >= from;
    s[current ? 'now' : 'before'] += Number(row.total);
    s[current ? 'errorsNow' : 'errorsBefore'] += Number(row.errors);
    sums.set(row.series, s);
  }
  return [...sums]
    .sort(([, a], [, b]) => b.now - a.now)
    .slice(0, rule.top)
    .map(([series, s]) => [
      series,
      s.now,
      s.before,
      s.before === 0 ? null : `${s.now >= s.before ? '+' : ''}${formatPercent((s.now - s.before) / s.before)}`,
      s.now === 0 ? null : formatPercent(s.errorsNow / s.now),
      s.before === 0 ? null : formatPercent(s.errorsBefore / s.before),
    ]);
}
