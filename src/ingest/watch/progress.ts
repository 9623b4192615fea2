import path from 'node:path';
import type { WorkerActivity } from '../pool.js';
import { PROGRESS_DIR, PROGRESS_STALE_MS, readProgressFiles, startProgressWriter, type ProgressFile, type ReadProgressOptions, type WorkerActivityRecord } from '../progress-file.js';

/**
 * What `<data>/.progress/watch-<pid>.json` holds while `logscope watch` runs, rewritten every
 * second and after each batch: the dashboard's Jobs page and overview read it. Times ISO 8601
 * UTC, sizes in bytes.
 */
export interface WatchProgressRecord {
  pid: number;
  inputs: string[];
  started_at: string;
  updated_at: string;
  interval_ms: number;
  /** Lines and input bytes committed since the watcher started. */
  lines: number;
  bytes: number;
  batches: number;
  /** Lines committed per second over the last 10 s. */
  lines_per_second: number;
  last_batch: { id: string; committed_at: string; lines: number; bytes: number; elapsed_ms: number } | null;
  /** Each file followed: how far behind its end the store is. */
  files: WatchedFileRecord[];
  workers: WorkerActivityRecord[];
}

/** One followed file in the progress file. */
export interface WatchedFileRecord {
  /** The name its rows are stored under. */
  source: string;
  /** Where the file is now (a rotated file: its new name). */
  path: string;
  /** current: the file at its name; draining: rotated away or deleted, read to its end then let go. */
  role: 'current' | 'draining';
  size: number;
  /** Bytes committed. */
  offset: number;
  lines: number;
  /** Bytes written to it and not yet committed. */
  lag_bytes: number;
  /** Seconds since the store last held everything written to it; 0 when it does. */
  lag_seconds: number;
}

/** What the watcher knows at a moment. */
export interface WatchProgressSample {
  intervalMs: number;
  lines: number;
  bytes: number;
  batches: number;
  linesPerSecond: number;
  lastBatch: { id: string; at: number; lines: number; bytes: number; elapsedMs: number } | null;
  files: Array<{ source: string; path: string; role: 'current' | 'draining'; size: number; offset: number; lines: number; lagBytes: number; lagSeconds: number }>;
  workers: WorkerActivity[];
}

/** A watcher's progress file as the dashboard reads it. */
export interface WatchProgressState extends WatchProgressRecord {
  state: 'running' | 'stopped';
}

/** The progress file of the watcher with this pid. */
export function watchProgressPath(dataDir: string, pid: number): string {
  return path.join(dataDir, PROGRESS_DIR, `watch-${pid}.json`);
}

/** Starts writing a watcher's progress (see startProgressWriter); `remove()` when it stops. */
export function createWatchProgressFile(options: { dataDir: string; inputs: string[]; sample: () => WatchProgressSample; now?: () => number; pid?: number }): WatchProgressFile {
  const now = options.now ?? (() => Date.now());
  const pid = options.pid ?? process.pid;
  const startedAt = now();
  return startProgressWriter({
    file: watchProgressPath(options.dataDir, pid),
    now,
    record: (at) => describeWatchProgress(options.inputs, pid, startedAt, at, options.sample()),
  });
}

export type WatchProgressFile = ProgressFile;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The record written for a sample taken at `at`. */
export function describeWatchProgress(inputs: string[], pid: number, startedAt: number, at: number, s: WatchProgressSample): WatchProgressRecord {
  return {
    pid,
    inputs,
    started_at: iso(startedAt),
    updated_at: iso(at),
    interval_ms: s.intervalMs,
    lines: s.lines,
    bytes: s.bytes,
    batches: s.batches,
    lines_per_second: Math.round(s.linesPerSecond),
    last_batch: s.lastBatch === null ? null : { id: s.lastBatch.id, committed_at: iso(s.lastBatch.at), lines: s.lastBatch.lines, bytes: s.lastBatch.bytes, elapsed_ms: s.lastBatch.elapsedMs },
    files: s.files.map((f) => ({ source: f.source, path: f.path, role: f.role, size: f.size, offset: f.offset, lines: f.lines, lag_bytes: f.lagBytes, lag_seconds: Math.round(f.lagSeconds * 10) / 10 })),
    workers: s.workers.map((w) => ({
      worker: w.worker,
      chunk: w.chunk === null ? null : { source: w.chunk.source, start: w.chunk.start ?? null, end: w.chunk.end ?? null, bytes: w.chunk.bytes, since: iso(w.chunk.since) },
      chunks_done: w.chunksDone,
      lines_done: w.linesDone,
    })),
  };
}

/** The watchers of a data directory (running, or killed and their file left behind), newest first. */
export function readWatchProgress(dataDir: string, options: ReadProgressOptions = {}): WatchProgressState[] {
  // A watcher rewrites its file every second; a long interval never makes it look stale.
  return readProgressFiles<WatchProgressRecord>(dataDir, 'watch', { ...options, staleMs: (r) => Math.max(PROGRESS_STALE_MS, 3 * r.interval_ms) });
}
