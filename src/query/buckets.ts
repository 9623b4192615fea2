/** Bucket widths a range is shown or judged in, narrowest first. */
const BUCKETS: Array<[string, number]> = [
  ['1m', 60_000], ['5m', 300_000], ['10m', 600_000], ['15m', 900_000], ['30m', 1_800_000],
  ['1h', 3_600_000], ['3h', 10_800_000], ['6h', 21_600_000], ['12h', 43_200_000], ['1d', 86_400_000], ['7d', 604_800_000],
];

/** The smallest bucket width giving at most `max` buckets over `spanMs` (1h → 1m, 24h → 10m, 7d → 1h). */
export function chooseBucket(spanMs: number, max = 180): { bucket: string; bucketMs: number } {
  const found = BUCKETS.find(([, ms]) => spanMs / ms <= max) ?? BUCKETS[BUCKETS.length - 1];
  return { bucket: found[0], bucketMs: found[1] };
}

/** The detection bucket when none is given, for a range that is not too long (`logscope anomalies`' `--bucket` default). */
export const DEFAULT_DETECT_BUCKET = '1m';

/**
 * Buckets per series and measure that a range may hold at the default detection bucket. Every
 * bucket of the range is judged (about 9 µs of wall time per bucket, series and measure on the
 * 2-core development machine), and a store of logs from 2009 to 2026 held 9 M one-minute
 * buckets: `anomalies` took 160 s and the dashboard's event list 170 s.
 */
export const MAX_DETECT_BUCKETS = 100_000;

/**
 * The detection bucket when none is given: 1m while the range holds at most MAX_DETECT_BUCKETS
 * of them (about 69 days), else the smallest wider width that keeps within it (17 years: 3h).
 */
export function detectBucketFor(spanMs: number): string {
  return chooseBucket(spanMs, MAX_DETECT_BUCKETS).bucket;
}
