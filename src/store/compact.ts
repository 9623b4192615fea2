import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '../duckdb.js';
import { StoreError } from '../errors.js';
import { defineViews } from './catalog.js';
import { crashPoint } from './crash-point.js';
import { CATALOG_FILE } from './data-dir.js';
import { retireFiles, sweepRetired } from './retired.js';
import { moveRollups } from './rollup.js';
import { createBatchId, describeWriteFailure, listMoves, moveFiles, parquetWriteOptions, StoreWriter, withCatalog, type FileMove } from './store.js';

/** Options of {@link compactStore}. */
export interface CompactOptions {
  /** Partitions to compact: days (`2026-11-20`) and/or `unparsed`. Default: all. */
  partitions?: string[];
  /** Files of one size tier a partition must hold before they are merged (at least 2). Default 8. */
  minFiles?: number;
  /** The size a merged file grows to, in bytes; files of half of it or more are left alone. Default 128 MiB. */
  targetBytes?: number;
  /** Plan only: say what would be merged, change nothing (takes no writer lock). */
  dryRun?: boolean;
  /** The writer of the caller (a watcher holding the store): compaction runs beside its commits instead of opening one. */
  writer?: StoreWriter;
}

/** One merge: small files of a partition rewritten as one. */
export interface CompactedGroup {
  /** `2026-11-20` (the day directory `logs/dt=2026-11-20`) or `unparsed`. */
  partition: string;
  files: number;
  rows: number;
  bytesBefore: number;
  /** The merged file (relative to the data directory) and its size; null in a dry run or when skipped. */
  output: string | null;
  bytesAfter: number | null;
  /** Not swapped in: another rewrite (a forget) replaced one of its files meanwhile. */
  skipped: boolean;
}

/** What {@link compactStore} did (or, in a dry run, would do). */
export interface CompactionSummary {
  dataDir: string;
  dryRun: boolean;
  groups: CompactedGroup[];
  /** Live Parquet files before and after (after = as planned in a dry run). */
  filesBefore: number;
  filesAfter: number;
  /** Replaced files deleted now, and those kept until the readers that may read them close. */
  deleted: number;
  waiting: number;
  seconds: number;
}

/** A live file as the catalog lists it. */
export interface LiveFile {
  rel: string;
  kind: 'logs' | 'unparsed';
  dt: string | null;
  rows: number;
  bytes: number;
  batchId: string;
}

/** Files of a partition to merge into one. */
export interface PlannedMerge {
  partition: string;
  files: LiveFile[];
}

export const DEFAULT_MIN_FILES = 8;
export const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;
/** Files up to this size are all of the smallest tier (a merge of 8 micro-batches of a few KB is still in it: cheap to rewrite). */
const TIER_BASE_BYTES = 64 * 1024;

/**
 * Which files to merge (size-tiered, per partition). A file of half the target size or more
 * is done. The others fall in tiers by size (up to 64 KiB; then each tier minFiles times the
 * one before): a tier that holds minFiles files or more is merged, packed into files of up to
 * the target size. Micro-batches thus merge minFiles at a time and their merges again, so a
 * row is rewritten about log_minFiles(target / batch size) times (4 for 20 KB batches with the
 * defaults), not once per merge of its partition, and a partition keeps fewer than minFiles
 * files per tier (five tiers below 64 MiB with the defaults) beside its big ones.
 */
export function planCompaction(files: LiveFile[], options: Pick<CompactOptions, 'partitions' | 'minFiles' | 'targetBytes'> = {}): PlannedMerge[] {
  const minFiles = Math.max(2, options.minFiles ?? DEFAULT_MIN_FILES);
  const target = options.targetBytes ?? DEFAULT_TARGET_BYTES;
  const wanted = options.partitions === undefined ? undefined : new Set(options.partitions);
  const tiers = new Map<string, LiveFile[]>();
  for (const f of files) {
    const partition = partitionOf(f);
    if ((wanted !== undefined && !wanted.has(partition)) || f.bytes * 2 >= target) continue;
    const tier = f.bytes <= TIER_BASE_BYTES ? 0 : Math.ceil(Math.log(f.bytes / TIER_BASE_BYTES) / Math.log(minFiles));
    const key = `${partition}\u0000${tier}`;
    tiers.set(key, [...(tiers.get(key) ?? []), f]);
  }
  const merges: PlannedMerge[] = [];
  for (const [key, tier] of [...tiers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (tier.length < minFiles) continue;
    const partition = key.split('\u0000')[0];
    let pack: LiveFile[] = [];
    let bytes = 0;
    // Oldest batches first: a merged file holds neighbouring batches, so roughly one stretch of time.
    for (const f of tier.sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
      if (pack.length > 0 && bytes + f.bytes > target) {
        if (pack.length > 1) merges.push({ partition, files: pack });
        pack = [];
        bytes = 0;
      }
      pack.push(f);
      bytes += f.bytes;
    }
    if (pack.length > 1) merges.push({ partition, files: pack });
  }
  return merges;
}

function partitionOf(f: LiveFile): string {
  return f.kind === 'logs' ? (f.dt as string) : 'unparsed';
}

/**
 * Merges a store's small Parquet files (micro-batches, many small ingests) into bigger ones,
 * per day partition (and the unparsed files), with the same columns, zstd and layout. The swap
 * is one catalog transaction: a reader sees the old files or the merged ones, each line once.
 * The old files are deleted once no reader that may read them is open (see lease.ts); a crash
 * at any step leaves the store as before or as after.
 *
 * @example
 * const summary = await compactStore('logscope-data', { partitions: ['2026-11-20'] });
 * // summary.groups: [{ partition: '2026-11-20', files: 500, output: 'logs/dt=2026-11-20/part-….parquet', … }]
 */
export async function compactStore(dataDir: string, options: CompactOptions = {}): Promise<CompactionSummary> {
  const started = performance.now();
  const dir = path.resolve(options.writer?.dataDir ?? dataDir);
  if (!fs.existsSync(path.join(dir, CATALOG_FILE))) throw new StoreError(`no logscope data in ${dir} (no ${CATALOG_FILE}): nothing to compact`);
  const summarize = (groups: CompactedGroup[], before: number, sweep: { deleted: number; waiting: number }): CompactionSummary => ({
    dataDir: dir,
    dryRun: options.dryRun === true,
    groups,
    filesBefore: before,
    filesAfter: before - groups.reduce((n, g) => n + (g.skipped ? 0 : g.files - 1), 0),
    ...sweep,
    seconds: (performance.now() - started) / 1000,
  });
  if (options.dryRun === true) {
    const live = await withCatalog(dir, readLiveFiles);
    const groups = planCompaction(live, options).map((m) => ({ ...describeMerge(m), output: null, bytesAfter: null, skipped: false }));
    return summarize(groups, live.length, { deleted: 0, waiting: 0 });
  }
  const writer = options.writer ?? (await StoreWriter.open(dir));
  try {
    return await writer.maintain(async (conn) => {
      const live = await withCatalog(dir, readLiveFiles);
      const groups = await mergeAndSwap(writer, conn, planCompaction(live, options));
      crashPoint('compact:committed');
      return summarize(groups, live.length, await sweepRetired(dir));
    });
  } finally {
    if (options.writer === undefined) await writer.close();
  }
}

/** The live files, as the catalog lists them (inside a catalog transaction). */
export async function readLiveFiles(cat: DuckDBConnection): Promise<LiveFile[]> {
  const reader = await cat.runAndReadAll('SELECT path, kind, dt::VARCHAR, rows, bytes, batch_id FROM _logscope.files ORDER BY path');
  return reader.getRows().map((r) => ({
    rel: String(r[0]),
    kind: String(r[1]) as 'logs' | 'unparsed',
    dt: r[2] === null ? null : String(r[2]),
    rows: Number(r[3]),
    bytes: Number(r[4]),
    batchId: String(r[5]),
  }));
}

function describeMerge(m: PlannedMerge): Omit<CompactedGroup, 'output' | 'bytesAfter' | 'skipped'> {
  return { partition: m.partition, files: m.files.length, rows: m.files.reduce((n, f) => n + f.rows, 0), bytesBefore: m.files.reduce((n, f) => n + f.bytes, 0) };
}

/**
 * Writes each merge's file into staging, moves them into the store, and swaps them for their
 * inputs in one catalog transaction. A merge whose inputs are no longer all listed (a forget
 * rewrote one meanwhile) is left out of the swap and its file removed.
 */
async function mergeAndSwap(writer: StoreWriter, conn: DuckDBConnection, merges: PlannedMerge[]): Promise<CompactedGroup[]> {
  if (merges.length === 0) return [];
  const dataDir = writer.dataDir;
  const stagingDir = writer.createStagingDir(`compact-${createBatchId()}`);
  const moved: string[] = [];
  try {
    const moves: FileMove[] = [];
    for (const [i, m] of merges.entries()) moves.push(await writeMerge(conn, dataDir, m, path.join(stagingDir, `merge-${i}.parquet`)));
    crashPoint('compact:written');
    moveFiles(moves, moved);
    crashPoint('compact:moved');
    const swapped = await withCatalog(dataDir, async (cat) => {
      const listed = new Set((await readLiveFiles(cat)).map((f) => f.rel));
      const ok = merges.map((m) => m.files.every((f) => listed.has(f.rel)));
      const old = merges.filter((_, i) => ok[i]).flatMap((m) => m.files.map((f) => f.rel));
      if (old.length > 0) await cat.run('DELETE FROM _logscope.files WHERE list_contains($old, path)', { old: listValue(old) });
      await listMoves(cat, moves.filter((_, i) => ok[i]), '');
      // A merged file's counts are its inputs' rollups, which now name it (rollup.ts).
      for (const [i, m] of merges.entries()) if (ok[i] && m.files[0]?.kind === 'logs') await moveRollups(cat, m.files.map((f) => f.rel), moves[i].rel);
      await retireFiles(cat, dataDir, old);
      await defineViews(cat, dataDir);
      crashPoint('compact:committing');
      return ok;
    });
    moved.length = 0;
    for (const [i, m] of moves.entries()) if (!swapped[i]) fs.rmSync(m.to, { force: true });
    return merges.map((m, i) => ({
      ...describeMerge(m),
      output: swapped[i] ? moves[i].rel : null,
      bytesAfter: swapped[i] ? fs.statSync(moves[i].to).size : null,
      skipped: !swapped[i],
    }));
  } catch (err) {
    for (const file of moved) fs.rmSync(file, { force: true });
    throw describeWriteFailure(err, dataDir);
  } finally {
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

/** Writes one merge's file at `out` and describes the move that puts it in place. */
async function writeMerge(conn: DuckDBConnection, dataDir: string, m: PlannedMerge, out: string): Promise<FileMove> {
  const files = listValue(m.files.map((f) => path.join(dataDir, f.rel)));
  // hive_partitioning off: the dt of the directory is not a column of the files.
  await conn.run(`COPY (SELECT * FROM read_parquet($files, hive_partitioning = false, union_by_name = true)) TO $out (${parquetWriteOptions()})`, { files, out });
  const kind = m.files[0].kind;
  const stats = await conn.runAndReadAll(
    kind === 'logs' ? 'SELECT count(*), epoch_us(min(ts)), epoch_us(max(ts)) FROM read_parquet($out)' : 'SELECT count(*), NULL, NULL FROM read_parquet($out)',
    { out },
  );
  const [rows, minUs, maxUs] = stats.getRows()[0].map((v) => (v === null ? null : Number(v)));
  const expected = m.files.reduce((n, f) => n + f.rows, 0);
  if (rows !== expected) throw new StoreError(`compaction of ${m.partition}: the merged file holds ${rows} rows, its ${m.files.length} files ${expected}; nothing was swapped`);
  const id = createBatchId();
  const rel = kind === 'logs' ? path.join('logs', `dt=${m.partition}`, `part-${id}.parquet`) : path.join('unparsed', `part-${id}.parquet`);
  // Listed under its newest input's batch: the catalog's "newest file" (whose columns tell a mined store) stays the same one.
  const batchId = m.files.map((f) => f.batchId).sort().at(-1) as string;
  return { from: out, to: path.join(dataDir, rel), rel, kind, dt: kind === 'logs' ? m.partition : null, rows: expected, minUs, maxUs, batchId };
}
