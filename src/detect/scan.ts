import { DuckDBInstance } from '../duckdb.js';
import { UsageError } from '../errors.js';
import { scanCounts, type ScanOptions, type ScanResult } from '../ingest/index.js';
import { DEFAULT_DETECT_BUCKET, parseDurationSeconds, parseQueryParams } from '../query/index.js';
import { connectUtc } from '../store/index.js';
import { detectAnomalies, type DetectOptions, type DetectResult } from './anomalies.js';
import { COUNTED_MEASURES } from './metric.js';

/** Options of {@link detectAnomaliesInFiles}: what to read, and the detection settings. */
export interface FileDetectOptions extends Omit<ScanOptions, 'bucketUs' | 'by'> {
  detect: Omit<DetectOptions, 'metric' | 'direction' | 'explain' | 'top'>;
  /**
   * Without `detect.bucket`: the bucket to judge in, chosen once the files are read, from the
   * span (ms) their records cover. They are counted per minute, which adds up into any whole
   * number of minutes. Default: 1m.
   */
  bucketFor?: (span: { min: number; max: number }) => string;
}

/**
 * Anomalies straight from log files, without a store: the files are parsed by the workers
 * into counts per bucket, level and series (nothing else is kept), and `sql/zscore.sql` runs
 * over those counts in an in-memory DuckDB. Same baselines and rules as over a store; no
 * `--metric` or `--explain`, which need the records.
 */
export async function detectAnomaliesInFiles(options: FileDetectOptions): Promise<DetectResult & { scan: ScanResult; bucket: string }> {
  const params = parseQueryParams('zscore', { ...options.detect, flagged_only: true });
  const by = params.by;
  if (by !== '' && by !== 'service' && by !== 'host') throw new UsageError(`reading files directly, --by can be service or host, got "${by}"; ingest the files to split by other fields`);
  const given = options.detect.bucket;
  const bucketSeconds = parseDurationSeconds(given ?? DEFAULT_DETECT_BUCKET) ?? 60;
  const scan = await scanCounts({ ...options, bucketUs: bucketSeconds * 1_000_000, by });
  const span = countsSpan(scan.counts.bucketUs, bucketSeconds);
  const bucket = given ?? (span !== null && options.bucketFor !== undefined ? options.bucketFor(span) : DEFAULT_DETECT_BUCKET);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await connectUtc(instance);
  try {
    await conn.run('CREATE TABLE counted (us BIGINT, series VARCHAR, level VARCHAR, n DOUBLE)');
    const appender = await conn.createAppender('counted');
    const c = scan.counts;
    for (let i = 0; i < c.count.length; i++) {
      appender.appendBigInt(BigInt(c.bucketUs[i]));
      appender.appendVarchar(c.series[i]);
      if (c.level[i] === null) appender.appendNull();
      else appender.appendVarchar(c.level[i]);
      appender.appendDouble(c.count[i]);
      appender.endRow();
    }
    appender.closeSync();
    await conn.run(
      `CREATE VIEW logs AS SELECT make_timestamp(us)::TIMESTAMPTZ AS ts,
         ${by === 'service' ? 'series' : 'NULL::VARCHAR'} AS service,
         ${by === 'host' ? 'series' : 'NULL::VARCHAR'} AS host,
         level, NULL::JSON AS attrs, n
       FROM counted`,
    );
    // The counts have no templates: the relation without them is the same one.
    await conn.run('CREATE VIEW log_records AS SELECT * FROM logs');
    const result = await detectAnomalies(conn, { ...options.detect, bucket, measures: COUNTED_MEASURES, fields: 'level, n' });
    return { ...result, scan, bucket };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The first and last instant (ms) the counted buckets cover, or null when nothing was counted. */
function countsSpan(bucketUs: ArrayLike<number>, bucketSeconds: number): { min: number; max: number } | null {
  if (bucketUs.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < bucketUs.length; i++) {
    if (bucketUs[i] < min) min = bucketUs[i];
    if (bucketUs[i] > max) max = bucketUs[i];
  }
  return { min: Math.floor(min / 1000), max: Math.floor(max / 1000) + bucketSeconds * 1000 - 1 };
}
