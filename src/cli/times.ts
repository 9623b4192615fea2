// The module, not ../parse/index.js: `logscope sql` would load the parsers and zod with it (issue 17: start-up).
import { createZone } from '../parse/timestamp.js';
import { LOCAL_ZONE_MARK } from './local-zone.js';
import { DEFAULT_DETECT_BUCKET, detectBucketFor } from '../query/buckets.js';
import type { TimeContext } from '../query/index.js';
import type { StoreSpan } from '../store/index.js';

/** The `--help` words on how a zone-less time on the command line is read. */
export function describeZonelessTimes(): string {
  return `zone-less times are read in the ingest zone (config ingest.timezone; default local, here ${LOCAL_ZONE_MARK})`;
}

/** The `--help` of `--from-last`. */
export const FROM_LAST_HELP = 'count times ago (--since 1h) and "now" back from the newest stored record instead of the clock';

/**
 * How the command line's times are read: zone-less in `zone` (the zone zone-less timestamps were
 * ingested in), times ago from the clock, or with `fromLast` from just after the newest stored
 * record (so that `--until now --from-last` still holds it).
 */
export function createTimeContext(zone: string, span: StoreSpan | null, fromLast: boolean): TimeContext {
  const anchor = fromLast && span !== null ? span.max + 1 : undefined;
  return { now: anchor === undefined ? () => Date.now() : () => anchor, zone: createZone(zone) };
}

const UNITS: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]];

/** A time ago that reaches back past `ms` (rounded up, a minute to spare): `14d`, `5h`, `20m`. */
function formatAgeReaching(ms: number): string {
  const reach = ms + 60_000;
  const [unit, size] = UNITS.find(([, size]) => reach >= 2 * size) ?? UNITS[UNITS.length - 1];
  return `${Math.ceil(reach / size)}${unit}`;
}

/**
 * The hint for a query over a range that holds no stored record while the store has some:
 * where the records are and which `--since` reaches them. Undefined when the range meets the
 * store's span or the store is empty.
 *
 * @example
 * describeEmptyRange(reader.span, '2026-12-03T10:00:00.000Z', null)
 * // 'no records since 2026-12-03T10:00:00.000Z; the store holds ... Try --since 14d or --since 1h --from-last.'
 */
export function describeEmptyRange(span: StoreSpan | null, since: string | null, until: string | null, now = Date.now()): string | undefined {
  if (span === null || (since === null && until === null)) return undefined;
  const from = since === null ? -Infinity : Date.parse(since);
  const to = until === null ? Infinity : Date.parse(until);
  if (from <= span.max && to > span.min) return undefined;
  const range = since !== null && until !== null ? `between ${since} and ${until}` : since !== null ? `since ${since}` : `before ${until}`;
  const held = `the store holds ${new Date(span.min).toISOString()} to ${new Date(span.max).toISOString()} (UTC)`;
  const age = now - span.max;
  const tries = [...(age > 0 ? [`--since ${formatAgeReaching(age)}`] : []), '--since 1h --from-last'];
  return `no records ${range}; ${held}. Try ${tries.join(' or ')}${to <= span.min ? ' (without --until)' : ''}.`;
}

/**
 * Buckets per series and measure from which `anomalies` says, before it starts, that the range is
 * long: every bucket of it is judged (zero-filled), about 9 µs of wall time (14 of CPU) per
 * bucket, series and measure with the default baseline on the 2-core development machine, so a
 * million takes tens of seconds.
 */
export const LONG_RANGE_BUCKETS = 1_000_000;

/**
 * The notice for an anomaly detection over a range of more than LONG_RANGE_BUCKETS buckets of
 * `bucket` (`bucketSeconds` long; the store's span, cut to `since` and `until`): how many, and what judges
 * fewer. Undefined for a shorter range or an empty store.
 *
 * @example
 * describeLongRange(reader.span, null, null, '1m', 60)
 * // 'judging 8,980,720 buckets of 1m per series and measure (2009-11-07 to 2026-12-04): this can take minutes; --since 30d or a wider --bucket (1h) judges fewer.'
 */
export function describeLongRange(span: StoreSpan | null, since: string | null, until: string | null, bucket: string, bucketSeconds: number): string | undefined {
  if (span === null || !(bucketSeconds > 0)) return undefined;
  const { from, to } = storedRange(span, since, until);
  const buckets = Math.floor((to - from) / (bucketSeconds * 1000)) + 1;
  if (!(buckets > LONG_RANGE_BUCKETS)) return undefined;
  const wider = bucketSeconds < 3600 ? '1h' : '1d';
  return `judging ${buckets.toLocaleString('en-US')} buckets of ${bucket} per series and measure (${day(from)} to ${day(to)}): this can take minutes; --since 30d or a wider --bucket (${wider}) judges fewer.`;
}

/** The UTC day of an instant (ms): `2026-12-04`. */
function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The records' span cut to `since` and `until`, in ms. */
function storedRange(span: Pick<StoreSpan, 'min' | 'max'>, since: string | null, until: string | null): { from: number; to: number } {
  return { from: Math.max(span.min, since === null ? -Infinity : Date.parse(since)), to: Math.min(span.max, until === null ? Infinity : Date.parse(until)) };
}

/**
 * The bucket `anomalies` judges in when `--bucket` is not given: 1m, or over a range of more than
 * MAX_DETECT_BUCKETS minutes the smallest wider width within it (as the dashboard chooses), with
 * the notice that says so. A given bucket is kept.
 *
 * @example
 * chooseDetectBucket(reader.span, null, null, undefined)
 * // { bucket: '3h', notice: 'the range 2009-11-07 to 2026-12-04 holds 8,980,720 minutes: judged in 3h buckets (--bucket 1m judges every minute, which can take minutes)' }
 */
export function chooseDetectBucket(span: Pick<StoreSpan, 'min' | 'max'> | null, since: string | null, until: string | null, given: string | undefined): { bucket: string; notice?: string } {
  if (given !== undefined || span === null) return { bucket: given ?? DEFAULT_DETECT_BUCKET };
  const { from, to } = storedRange(span, since, until);
  const bucket = detectBucketFor(to - from);
  if (bucket === DEFAULT_DETECT_BUCKET) return { bucket };
  const minutes = Math.floor((to - from) / 60_000) + 1;
  return { bucket, notice: `the range ${day(from)} to ${day(to)} holds ${minutes.toLocaleString('en-US')} minutes: judged in ${bucket} buckets (--bucket ${DEFAULT_DETECT_BUCKET} judges every minute, which can take minutes)` };
}

/** Prints the empty-range hint to stderr, when there is one (see describeEmptyRange). */
export function warnEmptyRange(span: StoreSpan | null, since: string | null, until: string | null): void {
  const hint = describeEmptyRange(span, since, until);
  if (hint !== undefined) process.stderr.write(`logscope: ${hint}\n`);
}
