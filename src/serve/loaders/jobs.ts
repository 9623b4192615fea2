import { listHistory, type AlertHistoryEntry } from '../../alerts/history.js';
import type { ClusterStatus } from '../../cluster/index.js';
import { formatOptionsFlag, readIngestProgress, readWatchProgress, type IngestProgressState, type WatchProgressState } from '../../ingest/index.js';
import type { ServeContext } from '../context.js';
import { msOf, num, runQuery } from './common.js';

/** A source of the manifest, with its line accounting. */
export interface JobSource {
  source: string;
  format: string;
  /** The `--template '...'` or `--pattern '...'` the source is read with (given, or built by auto-detection), or null. */
  formatFlag: string | null;
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
  /** Size when last read; null for a .gz not read to its end. */
  bytes: number | null;
  compressed: boolean;
  firstIngested: string | null;
  lastIngested: string | null;
}

/** A committed batch, with the throughput since the commit before it in the same run. */
export interface JobBatch {
  id: string;
  committedAt: string;
  lines: number;
  bytes: number;
  seconds: number | null;
  linesPerSecond: number | null;
  bytesPerSecond: number | null;
}

/** What the Jobs page shows; also `GET /api/jobs`. */
export interface JobsData {
  sources: JobSource[];
  batches: JobBatch[];
  running: IngestProgressState[];
  /** The watchers following files into this store (`logscope watch`), from their progress files. */
  watching: WatchProgressState[];
  /** The latest alert firings and what became of their emails, read fresh from the outbox (`logscope alerts`). */
  alerts: AlertHistoryEntry[];
  /** With `serve --redis`: the cluster's workers and queue, or why Redis did not answer. */
  cluster?: ClusterStatus | { redis: string; error: string };
}

/** Alert firings shown on the Jobs page. */
export const JOBS_ALERTS = 20;

/** The ingests running now (and any a killed one left behind), from the progress files: no DuckDB. */
export function loadIngestProgress(ctx: ServeContext): IngestProgressState[] {
  return readIngestProgress(ctx.dataDir, { now: () => ctx.now() });
}

/** The watchers of this store (and any a killed one left behind), from their progress files: no DuckDB. */
export function loadWatchProgress(ctx: ServeContext): WatchProgressState[] {
  return readWatchProgress(ctx.dataDir, { now: () => ctx.now() });
}

/** The manifest's sources (`sql/ingest_sources.sql`), the latest batches (`sql/ingest_batches.sql`) and the running ingests. */
export async function loadJobs(ctx: ServeContext): Promise<JobsData> {
  const { sources, batches } = await ctx.read(async (reader) => ({
    sources: await runQuery(reader.connection, 'ingest_sources', {}),
    batches: await runQuery(reader.connection, 'ingest_batches', { limit: 20 }),
  }));
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(msOf(v)).toISOString());
  return {
    sources: sources.map((r) => ({
      source: String(r.source),
      format: String(r.format ?? ''),
      formatFlag: typeof r.format_options === 'string' ? (formatOptionsFlag(r.format_options) ?? null) : null,
      lines: Number(r.lines ?? 0),
      parsed: Number(r.parsed ?? 0),
      unparsed: Number(r.unparsed ?? 0),
      blank: Number(r.blank ?? 0),
      bytes: num(r.bytes) !== null && Number(r.bytes) >= 0 ? Number(r.bytes) : null,
      compressed: r.compressed === true,
      firstIngested: iso(r.first_ingested),
      lastIngested: iso(r.last_ingested),
    })),
    batches: batches.map((r) => ({
      id: String(r.id),
      committedAt: iso(r.committed_at) ?? '',
      lines: Number(r.lines ?? 0),
      bytes: Number(r.bytes ?? 0),
      seconds: num(r.seconds),
      linesPerSecond: num(r.lines_per_second),
      bytesPerSecond: num(r.bytes_per_second),
    })),
    running: loadIngestProgress(ctx),
    watching: loadWatchProgress(ctx),
    // From the outbox itself, not the reader's copy: a send that failed a second ago shows.
    alerts: await listHistory(ctx.dataDir, { limit: JOBS_ALERTS }),
    cluster: ctx.redisUrl !== undefined ? await loadClusterStatus(ctx.redisUrl) : undefined,
  };
}

/** The cluster's workers and queue (`cluster status`); an answer naming the error when Redis does not answer within 2 s. */
async function loadClusterStatus(redisUrl: string): Promise<ClusterStatus | { redis: string; error: string }> {
  const { readClusterStatus, describeRedisUrl } = await import('../../cluster/index.js');
  try {
    return await readClusterStatus(redisUrl, { timeoutMs: 2_000 });
  } catch (err) {
    return { redis: describeRedisUrl(redisUrl), error: (err as Error).message };
  }
}
