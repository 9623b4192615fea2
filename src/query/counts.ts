import { parseDurationSeconds } from './params.js';
import { RECORDS_SOURCE } from './registry.js';

/**
 * The slots that make `sql/trends.sql` and `sql/top_series.sql` read a reader's `log_counts`
 * (the records counted per minute, service, host and level; see `src/store/rollup.ts`)
 * instead of the records: each of its rows stands for `n` lines.
 */
export const COUNTS_SOURCE = { source: 'log_counts', weight: 'n' } as const;

/**
 * Whether counts per minute, service, host and level give the same answer as the records for
 * a query over [since, until) (ISO times; null = open), split by `by`, in buckets of `bucket`:
 * `by` is nothing, service, host or level, the bucket is whole minutes, and each end of the
 * range is a whole minute (a minute cut by the range would be counted whole).
 */
export function countsAnswer(p: { since?: string | Date | null; until?: string | Date | null; by?: string; bucket?: string }): boolean {
  if (!['', 'service', 'host', 'level'].includes(p.by ?? '')) return false;
  if (p.bucket !== undefined) {
    const seconds = parseDurationSeconds(p.bucket);
    if (seconds === undefined || seconds % 60 !== 0) return false;
  }
  const wholeMinute = (t: string | Date | null | undefined) => t === null || t === undefined || (t instanceof Date ? t.getTime() : Date.parse(t)) % 60_000 === 0;
  return wholeMinute(p.since) && wholeMinute(p.until);
}

/** {@link COUNTS_SOURCE} where {@link countsAnswer} allows it, else the records without templates. */
export function countedSlots(p: { since?: string | null; until?: string | null; by?: string; bucket?: string }): Record<string, string> {
  return countsAnswer(p) ? COUNTS_SOURCE : RECORDS_SOURCE;
}
