import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChunkMinedSignature, ChunkTask } from '../ingest/index.js';
import type { ParseCounts } from '../parse/index.js';
import { findSqlDir } from '../query/index.js';
import type { StagedParquet } from '../store/index.js';

/**
 * The parser's version in a job's key: a chunk parsed by another logscope is parsed again.
 * Raise PARSER_REVISION when parsing changes within a release.
 */
const PARSER_REVISION = 1;
let parserVersion: string | undefined;

/** `<package version>+<PARSER_REVISION>`. */
export function getParserVersion(): string {
  if (parserVersion === undefined) {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(findSqlDir()), 'package.json'), 'utf8')) as { version: string };
    parserVersion = `${pkg.version}+${PARSER_REVISION}`;
  }
  return parserVersion;
}

/** What a worker needs to parse one chunk and write its Parquet files into the shared store. */
export interface ChunkJobData {
  /** The job's key (also its BullMQ job id): see {@link createJobKey}. */
  key: string;
  /** The shared store, an absolute path every worker mounts at the same place. */
  dataDir: string;
  /** The chunk, its input always a byte range of a file (stdin and .gz chunks are spooled into the store). */
  task: ChunkTask;
  /** The format label the rows are stored under (the manifest's). */
  formatLabel: string;
  /** Line number of the chunk's first line minus one. */
  base: number;
  /** The chunk's lines, counted by the coordinator: the worker's parse must count as many. */
  lines: number;
}

/** What a worker reports back: counts, the Parquet files it wrote, the template signatures. */
export interface ChunkJobResult {
  counts: ParseCounts;
  bytes: number;
  unparsedRows: number;
  /** Files under `<data>/.cluster/<key>/`, moved into the store by the batch's commit. */
  parquet: StagedParquet[];
  signatures?: ChunkMinedSignature[];
  host: string;
  pid: number;
}

/** The directory under the store where chunk jobs write, out of sight of readers until their batch commits. */
export const CLUSTER_DIR = '.cluster';

/** Where the job with this key leaves its Parquet files. */
export function jobDir(dataDir: string, key: string): string {
  return path.join(dataDir, CLUSTER_DIR, key);
}

/**
 * A job's key: a hash of the file's fingerprint, the byte range, the format, the parser's
 * version, and what else its rows depend on (store, line numbering, source name, zone, mining). The
 * same chunk planned again (a retry, a coordinator re-run) has the same key: its files overwrite.
 */
export function createJobKey(fingerprint: string, data: Omit<ChunkJobData, 'key' | 'lines'>): string {
  const t = data.task;
  const range = t.input.kind === 'file' ? [t.input.start, t.input.end] : [0, t.input.data.byteLength];
  const parts = [data.dataDir, fingerprint, range, t.format, getParserVersion(), data.base, data.formatLabel, t.source, t.timezone, t.referenceMicros, t.mining ?? null];
  return `c${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32)}`;
}

/** Lines in buf: its newlines, and one more when the last line has none. */
export function countLines(buf: Uint8Array): number {
  let n = 0;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  if (b.length > 0 && b[b.length - 1] !== 10) n++;
  return n;
}

/** Lines in bytes [start, end) of a file (whole lines: a chunk's), read in blocks of 1 MiB. */
export function countFileLines(file: string, start: number, end: number): number {
  const block = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, end - start)));
  const fd = fs.openSync(file, 'r');
  let n = 0;
  let last = 10;
  try {
    for (let at = start; at < end; ) {
      const got = fs.readSync(fd, block, 0, Math.min(block.length, end - at), at);
      if (got === 0) break;
      const view = block.subarray(0, got);
      for (let i = view.indexOf(10); i >= 0; i = view.indexOf(10, i + 1)) n++;
      last = view[got - 1];
      at += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return last !== 10 ? n + 1 : n;
}

/** Where a chunk is, for messages: `bytes 0-8388608`. */
export function describeRange(task: ChunkTask): string {
  return task.input.kind === 'file' ? `bytes ${task.input.start}-${task.input.end}` : `a chunk of ${task.input.data.byteLength} bytes read from it`;
}
