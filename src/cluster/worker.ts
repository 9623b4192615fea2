import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '../duckdb.js';
import { Worker, type Job } from 'bullmq';
import { createWorkerPool, isProcessAlive, type WorkerPool } from '../ingest/index.js';
import { inspectDataDir, writeChunksParquet } from '../store/index.js';
import { connectUtc } from '../store/index.js';
import { type ChunkJobData, type ChunkJobResult, describeRange, jobDir } from './chunk-job.js';
import { connectRedis, QUEUE_NAME, WORKERS_KEY } from './redis.js';

/** Options of {@link startClusterWorker}. */
export interface ClusterWorkerOptions {
  redisUrl: string;
  /** Chunk jobs at once, each on its own parse thread (default: one per core). */
  concurrency?: number;
  /**
   * How long a job's lock lives without renewal: a worker killed mid-job loses its job to
   * another after about this long (default 30 s).
   */
  stallTimeoutMs?: number;
  /** How many times a job may be lost by a dying worker before it fails (default 2). */
  maxStalls?: number;
  /** Told of each job taken and done, one line each (`worker --verbose`). */
  log?: (line: string) => void;
}

/** A running cluster worker. */
export interface ClusterWorker {
  /** Takes no new jobs, waits for those running, says goodbye to Redis. */
  close(): Promise<void>;
}

/** One worker's heartbeat in Redis, as `cluster status` shows it. */
export interface WorkerBeat {
  host: string;
  pid: number;
  concurrency: number;
  startedAt: number;
  lastSeen: number;
  jobsDone: number;
  linesDone: number;
  /** Lines per second over the last heartbeat interval. */
  linesPerSecond: number;
  active: number;
}

const HEARTBEAT_MS = 2_000;
/** A worker's local staging directory: `<tmp>/logscope-worker-<pid>-XXXXXX`. */
const LOCAL_DIR_PREFIX = 'logscope-worker-';

/** Removes the local staging directories of workers of this machine that died without cleaning up (kill -9). */
function removeDeadWorkersDirs(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(/^logscope-worker-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * Starts a worker of the cluster ingest: takes chunk jobs from the queue, parses each on a
 * thread of the same worker pool a local ingest uses, writes the chunk's Parquet files into
 * `<data>/.cluster/<job key>/` (a retry overwrites them) and returns counts and signatures.
 */
export async function startClusterWorker(options: ClusterWorkerOptions): Promise<ClusterWorker> {
  const concurrency = Math.max(1, options.concurrency ?? os.availableParallelism());
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const pool = createWorkerPool(concurrency);
  // One DuckDB thread: a chunk's COPY is small, and more threads beside the parse threads cost CPU (≈ 20% of the worker's in bench:cluster).
  // Staged files are read once: no cache of their contents (see StoreWriter.open).
  const duck = await DuckDBInstance.create(':memory:', { memory_limit: '512MB', preserve_insertion_order: 'false', threads: '1', enable_external_file_cache: 'false' });
  const conn = await connectUtc(duck);
  const redis = connectRedis(options.redisUrl);
  const host = os.hostname();
  const beat: WorkerBeat = { host, pid: process.pid, concurrency, startedAt: Date.now(), lastSeen: Date.now(), jobsDone: 0, linesDone: 0, linesPerSecond: 0, active: 0 };
  removeDeadWorkersDirs();
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), `${LOCAL_DIR_PREFIX}${process.pid}-`));
  // One Parquet writer at a time: writeChunksParquet defines types in the in-memory catalog.
  let writing: Promise<unknown> = Promise.resolve();
  const write = <T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    const run = writing.then(() => fn(conn));
    writing = run.catch(() => undefined);
    return run;
  };

  const processJob = async (job: Job<ChunkJobData, ChunkJobResult>): Promise<ChunkJobResult> => {
    beat.active++;
    const t = job.data.task;
    const what = `${t.source ?? 'stdin'} (${describeRange(t)})`;
    options.log?.(`took ${job.data.key}: ${what}`);
    try {
      const result = await runChunkJob(job.data, pool, write, localDir);
      beat.jobsDone++;
      beat.linesDone += result.counts.lines;
      options.log?.(`done ${job.data.key}: ${result.counts.lines} lines`);
      return { ...result, host, pid: process.pid };
    } finally {
      beat.active--;
    }
  };

  const worker = new Worker<ChunkJobData, ChunkJobResult>(QUEUE_NAME, processJob, {
    connection: redis,
    concurrency,
    lockDuration: stallTimeoutMs,
    stalledInterval: Math.max(500, Math.round(stallTimeoutMs / 2)),
    maxStalledCount: options.maxStalls ?? 2,
  });
  worker.on('error', () => undefined);

  let linesAtBeat = 0;
  let beatAt = Date.now();
  const sendBeat = async () => {
    const now = Date.now();
    beat.linesPerSecond = Math.round(((beat.linesDone - linesAtBeat) * 1000) / Math.max(1, now - beatAt));
    linesAtBeat = beat.linesDone;
    beatAt = now;
    beat.lastSeen = now;
    await redis.hset(WORKERS_KEY, `${host}:${process.pid}`, JSON.stringify(beat));
  };
  await sendBeat();
  const timer = setInterval(() => void sendBeat().catch(() => undefined), HEARTBEAT_MS);

  return {
    async close() {
      clearInterval(timer);
      await worker.close();
      await redis.hdel(WORKERS_KEY, `${host}:${process.pid}`).catch(() => undefined);
      redis.disconnect();
      await pool.close();
      await writing;
      conn.closeSync();
      duck.closeSync();
      fs.rmSync(localDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fault injection for the cluster's tests: $LOGSCOPE_CLUSTER_CRASH_ON (a substring of a file's
 * name) makes a chunk of such a file kill its worker every time it is taken; $LOGSCOPE_CLUSTER_JOB_DELAY_MS
 * holds every job that long first (a job in flight to kill, a run long enough to restart Redis in).
 */
async function injectFaults(file: string): Promise<void> {
  const crashOn = process.env.LOGSCOPE_CLUSTER_CRASH_ON;
  if (crashOn !== undefined && crashOn !== '' && file.includes(crashOn)) process.kill(process.pid, 'SIGKILL');
  const delay = Number(process.env.LOGSCOPE_CLUSTER_JOB_DELAY_MS ?? 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
}

/**
 * One chunk job: parse on the pool into local staging files, write its Parquet files beside
 * the store, then move them into the job's directory (replacing a lost attempt's).
 */
async function runChunkJob(data: ChunkJobData, pool: WorkerPool, write: <T>(fn: (c: DuckDBConnection) => Promise<T>) => Promise<T>, localDir: string): Promise<Omit<ChunkJobResult, 'host' | 'pid'>> {
  const task = data.task;
  const file = task.input.kind === 'file' ? task.input.path : (task.source ?? 'stdin');
  if (inspectDataDir(data.dataDir) !== 'marked') {
    throw new Error(`${os.hostname()} cannot see the store ${data.dataDir}: a cluster ingest's data directory must be on a filesystem every worker mounts at the same path`);
  }
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    throw new Error(`${file}: cannot be read on ${os.hostname()} (${(err as NodeJS.ErrnoException).code}): the inputs of a cluster ingest must be readable by every worker at the same path (a shared filesystem)`);
  }
  await injectFaults(path.basename(task.source ?? file));

  const staging = path.join(localDir, data.key);
  fs.mkdirSync(staging, { recursive: true });
  try {
    const r = await pool.run({ ...task, seq: 0, stagingDir: staging });
    if (r.counts.lines !== data.lines) {
      throw new Error(`${file} (${describeRange(task)}): parsed ${r.counts.lines} lines where the coordinator counted ${data.lines}; did the file change during the ingest?`);
    }
    const out = jobDir(data.dataDir, data.key);
    const tmp = `${out}.tmp-${os.hostname()}-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const chunk = { source: task.source ?? file, format: data.formatLabel, base: data.base, dayFiles: r.dayFiles, unparsedFile: r.unparsedFile, unparsedRows: r.unparsedRows };
    const written = await write((c) => writeChunksParquet(c, [chunk], tmp));
    fs.mkdirSync(out, { recursive: true });
    const name = data.key.slice(1, 17);
    const parquet = written.map((w) => {
      const to = path.join(out, path.basename(w.path));
      fs.renameSync(w.path, to);
      return { ...w, path: to, name };
    });
    fs.rmSync(tmp, { recursive: true, force: true });
    return { counts: r.counts, bytes: r.bytes, unparsedRows: r.unparsedRows, parquet, signatures: r.signatures };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
