import { parseDurationSeconds } from '../query/index.js';
import { quoteIdentifier, quoteString } from '../store/index.js';
import { SEVERITY_ORDER, type AlertSeverity } from './firing.js';

/** Buckets are aligned like the SQL's `time_bucket`: to 2000-01-03 00:00 UTC (a Monday). */
const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 3);

/** Milliseconds in a config duration (`15m`); the schema has checked it. */
export function durationMs(text: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new Error(`not a duration: ${text}`);
  return seconds * 1000;
}

/** The start of the bucket holding `ms`, aligned as the queries of `sql/` align buckets. */
export function floorToBucket(ms: number, bucketMs: number): number {
  return Math.floor((ms - BUCKET_ORIGIN_MS) / bucketMs) * bucketMs + BUCKET_ORIGIN_MS;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whether a firing of `severity` passes a rule's floor. */
export function meetsFloor(severity: AlertSeverity, floor: AlertSeverity): boolean {
  return SEVERITY_ORDER[severity] >= SEVERITY_ORDER[floor];
}

/** `rule|part|part`: the de-duplication key of a firing, the same across runs and restarts. */
export function firingKey(rule: string, ...parts: string[]): string {
  return [rule, ...parts].join('|');
}

/** A dashboard path with its query: `/anomalies?from=...&to=...&by=service`. Empty values are left out. */
export function dashboardPath(page: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return text === '' ? page : `${page}?${text}`;
}

/**
 * The SQL condition that selects one series of a `by` split, as `sql/trends.sql` and
 * `sql/zscore.sql` name series (`(none)` for records without the field). For SQL printed in an
 * email, to be run by a person with `logscope sql`: values are quoted, field names too.
 */
export function seriesCondition(by: string, series: string): string {
  if (by === '') return 'true';
  const column = by === 'service' || by === 'host' || by === 'level' ? quoteIdentifier(by) : `attrs ->> ${quoteString(by)}`;
  return series === '(none)' ? `${column} IS NULL` : `${column} = ${quoteString(series)}`;
}

/** A TIMESTAMP literal for printed SQL: `TIMESTAMP '2026-12-03 10:05:00'` (UTC, as the store keeps times). */
export function timestampLiteral(ms: number): string {
  return `TIMESTAMPTZ ${quoteString(iso(ms))}`;
}

/** `2026-12-03T10:05:00.000Z` → `2026-12-03 10:05 UTC`, seconds only when not zero. */
export function formatTime(ms: number): string {
  const text = iso(ms).replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
  return `${text.endsWith(':00') ? text.slice(0, -3) : text} UTC`;
}

/** Rounded for reading: 1,234 · 57 · 2.1 · 0.63; `?` when unknown. */
export function formatAmount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '?';
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (abs >= 1) return value.toFixed(1);
  return String(Number(value.toPrecision(2)));
}

/** `0.125` → `12.5%`. */
export function formatPercent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}

/**
 * The end (exclusive) of the last complete bucket to judge at `at`: the bucket holding `at`
 * is still filling, and so is the one holding the newest stored record (`dataEnd`) when the
 * ingest runs behind the clock.
 */
export function lastCompleteBucketEnd(at: number, bucketMs: number, dataEnd?: number): number {
  return floorToBucket(dataEnd === undefined ? at : Math.min(at, dataEnd + 1), bucketMs);
}

/** A timestamp as DuckDB prints it (`2026-11-20 12:31:05.5+00`) → ISO UTC; other text unchanged. */
export function isoOfPrinted(text: string): string {
  const ms = Date.parse(text.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z'));
  return Number.isNaN(ms) ? text : iso(ms);
}
