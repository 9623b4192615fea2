import fs from 'node:fs';
import path from 'node:path';
import type { WorkerActivity } from './pool.js';

/** The folder of a data directory where running ingests write their progress. */
export const PROGRESS_DIR = '.progress';

/** How often a running ingest rewrites its progress file, at most (ms). */
export const PROGRESS_INTERVAL_MS = 1000;

/**
 * A progress file not rewritten for this long belongs to an ingest that stopped without
 * removing it (killed), even when its pid is alive again (reused by another process).
 */
export const PROGRESS_STALE_MS = 10_000;

/**
 * What `<data>/.progress/ingest-<pid>.json` holds while `logscope ingest` runs: the dashboard's
 * Jobs page reads it. Times are ISO 8601 UTC; sizes in bytes.
 */
export interface IngestProgressRecord {
  pid: number;
  /** The inputs as given on the command line. */
  inputs: string[];
  started_at: string;
  updated_at: string;
  bytes_done: number;
  /** Null when standard input is among the inputs (no total known). */
  bytes_total: number | null;
  /** Whether bytes_total is an estimate (a .gz is among the inputs). */
  estimated: boolean;
  lines: number;
  lines_per_second: number;
  bytes_per_second: number;
  /** Seconds left at the rate so far; null when unknown. */
  eta_seconds: number | null;
  workers: WorkerActivityRecord[];
}

/** One parse worker in the progress file. */
export interface WorkerActivityRecord {
  worker: number;
  /** The chunk being parsed, or null when the worker waits. */
  chunk: { source: string; start: number | null; end: number | null; bytes: number; since: string } | null;
  chunks_done: number;
  lines_done: number;
}

/** What the ingest knows at a moment: totals so far and each worker's activity. */
export interface ProgressSample {
  bytesDone: number;
  bytesTotal: number | undefined;
  estimated: boolean;
  lines: number;
  workers: WorkerActivity[];
}

/** Options of {@link createProgressFile}. */
export interface ProgressFileOptions {
  dataDir: string;
  inputs: string[];
  /** Reads the ingest's progress now; called at most once per interval. */
  sample: () => ProgressSample;
  pid?: number;
  /** The clock (ms since the epoch); tests inject one. */
  now?: () => number;
  /** Rewrite at most this often (ms); default {@link PROGRESS_INTERVAL_MS}. */
  intervalMs?: number;
  /** Rewrite every interval even when no chunk finishes (default true; tests with a fake clock turn it off). */
  timer?: boolean;
}

/** A running ingest's progress file. */
export interface ProgressFile {
  readonly path: string;
  /** Writes the file now (atomically: a temporary file renamed over it). */
  write(): void;
  /** Called after each parsed chunk: rewrites the file when the interval has passed since the last write. */
  touch(): void;
  /** Stops the timer and removes the file. */
  remove(): void;
}

/** The progress file of the ingest with this pid. */
export function progressFilePath(dataDir: string, pid: number): string {
  return path.join(dataDir, PROGRESS_DIR, `ingest-${pid}.json`);
}

/**
 * Starts writing an ingest's progress to `<data>/.progress/ingest-<pid>.json`: once at once,
 * then at most once per interval (a timer keeps `updated_at` moving while a large chunk is
 * parsed). Each write replaces the file atomically, so a reader never sees half a file. The
 * file is removed by `remove()`; one left behind by a killed ingest is told apart by
 * {@link readIngestProgress}. A failure to write (a full disk) never fails the ingest.
 */
export function createProgressFile(options: ProgressFileOptions): ProgressFile {
  const now = options.now ?? (() => Date.now());
  const pid = options.pid ?? process.pid;
  const startedAt = now();
  return startProgressWriter({
    file: progressFilePath(options.dataDir, pid),
    now,
    intervalMs: options.intervalMs,
    timer: options.timer,
    record: (at) => describeProgress(options.inputs, pid, startedAt, at, options.sample()),
  });
}

/** Options of {@link startProgressWriter}. */
export interface ProgressWriterOptions {
  file: string;
  /** The record to write, as of `at` (ms). */
  record: (at: number) => unknown;
  now?: () => number;
  intervalMs?: number;
  timer?: boolean;
}

/**
 * Writes a running process's progress record to `file` (JSON): once at once, then at most once
 * per interval on `touch()`, and every interval from a timer (unless `timer` is false). Each
 * write replaces the file atomically; a failure to write (a full disk) is ignored.
 */
export function startProgressWriter(options: ProgressWriterOptions): ProgressFile {
  const now = options.now ?? (() => Date.now());
  const file = options.file;
  const tmp = `${file}.tmp`;
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  let lastWrite = -Infinity;
  let removed = false;

  const write = () => {
    if (removed) return;
    const at = now();
    lastWrite = at;
    const record = options.record(at);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(tmp, `${JSON.stringify(record, null, 1)}\n`);
      fs.renameSync(tmp, file);
    } catch {
      // Progress is a courtesy: the run goes on without it.
      fs.rmSync(tmp, { force: true });
    }
  };
  const timer = options.timer !== false ? setInterval(write, interval) : undefined;
  timer?.unref();
  write();
  return {
    path: file,
    write,
    touch() {
      if (now() - lastWrite >= interval) write();
    },
    remove() {
      removed = true;
      if (timer !== undefined) clearInterval(timer);
      fs.rmSync(tmp, { force: true });
      fs.rmSync(file, { force: true });
      try {
        fs.rmdirSync(path.dirname(file));
      } catch {
        // Another run's file is there, or it is already gone.
      }
    },
  };
}

/** The record written for a sample taken at `at`. */
export function describeProgress(inputs: string[], pid: number, startedAt: number, at: number, s: ProgressSample): IngestProgressRecord {
  const secs = Math.max((at - startedAt) / 1000, 1e-3);
  const bytesPerSecond = s.bytesDone / secs;
  const left = s.bytesTotal === undefined ? undefined : Math.max(0, s.bytesTotal - s.bytesDone);
  return {
    pid,
    inputs,
    started_at: new Date(startedAt).toISOString(),
    updated_at: new Date(at).toISOString(),
    bytes_done: s.bytesDone,
    bytes_total: s.bytesTotal ?? null,
    estimated: s.estimated,
    lines: s.lines,
    lines_per_second: Math.round(s.lines / secs),
    bytes_per_second: Math.round(bytesPerSecond),
    eta_seconds: left === undefined || bytesPerSecond <= 0 ? null : Math.round(left / bytesPerSecond),
    workers: s.workers.map((w) => ({
      worker: w.worker,
      chunk: w.chunk === null ? null : { source: w.chunk.source, start: w.chunk.start ?? null, end: w.chunk.end ?? null, bytes: w.chunk.bytes, since: new Date(w.chunk.since).toISOString() },
      chunks_done: w.chunksDone,
      lines_done: w.linesDone,
    })),
  };
}

/** A progress file as the dashboard reads it. */
export interface IngestProgressState extends IngestProgressRecord {
  /** `running`: its process is alive and wrote within {@link PROGRESS_STALE_MS}; `stopped`: it ended without removing the file (killed). */
  state: 'running' | 'stopped';
}

/** Options of {@link readIngestProgress}. */
export interface ReadProgressOptions {
  now?: () => number;
  /** Whether a process is alive; default: signal 0. */
  isAlive?: (pid: number) => boolean;
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The progress files of a data directory, newest first: those of running ingests, and any a
 * killed one left behind (`state: 'stopped'`). Files that do not parse are skipped (none
 * should: each is replaced by a rename).
 */
export function readIngestProgress(dataDir: string, options: ReadProgressOptions = {}): IngestProgressState[] {
  return readProgressFiles<IngestProgressRecord>(dataDir, 'ingest', options);
}

/**
 * The `<prefix>-<pid>.json` progress files of a data directory, newest first, each with its
 * state: `running` when its process is alive and wrote within `staleMs` (default
 * {@link PROGRESS_STALE_MS}), else `stopped`. Files that do not parse are skipped.
 */
export function readProgressFiles<R extends { pid: number; updated_at: string; started_at: string }>(
  dataDir: string,
  prefix: string,
  options: ReadProgressOptions & { staleMs?: (record: R) => number } = {},
): Array<R & { state: 'running' | 'stopped' }> {
  const now = options.now ?? (() => Date.now());
  const isAlive = options.isAlive ?? isProcessAlive;
  const dir = path.join(dataDir, PROGRESS_DIR);
  const pattern = new RegExp(`^${prefix}-\\d+\\.json$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => pattern.test(n));
  } catch {
    return [];
  }
  const out: Array<R & { state: 'running' | 'stopped' }> = [];
  for (const name of names) {
    let record: R;
    try {
      record = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as R;
    } catch {
      continue;
    }
    if (typeof record.pid !== 'number' || typeof record.updated_at !== 'string') continue;
    const fresh = now() - Date.parse(record.updated_at) <= (options.staleMs?.(record) ?? PROGRESS_STALE_MS);
    out.push({ ...record, state: fresh && isAlive(record.pid) ? 'running' : 'stopped' });
  }
  return out.sort((a, b) => b.started_at.localeCompare(a.started_at));
}
