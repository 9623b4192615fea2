import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '../duckdb.js';
import { StoreError } from '../errors.js';
import { defineViews } from './catalog.js';
import { readLiveFiles, type LiveFile } from './compact.js';
import { crashPoint } from './crash-point.js';
import { CATALOG_FILE } from './data-dir.js';
import { sweepRetired } from './retired.js';
import { retireWithRollups } from './rollup.js';
import { StoreWriter, withCatalog } from './store.js';

/** Options of {@link pruneStore}. */
export interface PruneOptions {
  /** Age in ms: records older than this are dropped, by whole UTC days (see pruneStore). */
  olderThan: number;
  /** The time ages count back from (default: the clock). */
  now?: number | Date;
  /** Say what would be dropped, change nothing (takes no writer lock). */
  dryRun?: boolean;
  /** The writer of the caller (a watcher holding the store), instead of opening one. */
  writer?: StoreWriter;
}

/** One day partition dropped. */
export interface PrunedDay {
  day: string;
  files: number;
  rows: number;
  bytes: number;
}

/** What {@link pruneStore} did (or, in a dry run, would do). */
export interface PruneSummary {
  dataDir: string;
  dryRun: boolean;
  /** Records older than this instant (ISO 8601, UTC) were to go. */
  cutoff: string;
  days: PrunedDay[];
  /** Unparsed-line files whose every line was ingested before the cutoff. */
  unparsed: { files: number; rows: number };
  /** The day the cutoff falls in, kept whole though some of its records are older (null when it holds none). */
  keptPartialDay: string | null;
  /** Manifest entries removed: sources whose every stored line was dropped and whose file is gone. */
  entries: string[];
  /** Template signatures whose counts and first/last seen were recomputed from the rows that stay, and those left with no row. */
  signaturesUpdated: number;
  signaturesRemoved: number;
  templatesRemoved: number;
  /** Dropped files deleted now, and those kept until the readers that may read them close. */
  deleted: number;
  waiting: number;
  seconds: number;
}

const DAY_MS = 86_400_000;

/** Thrown inside a dry run's transaction to roll it back with its summary. */
class DryRunDone {
  constructor(readonly summary: PruneSummary) {}
}

/**
 * Drops what is older than `olderThan`: every day partition whose whole day (UTC) ends before
 * the cutoff, and every unparsed-line file whose lines were all ingested before it. The day
 * the cutoff falls in is kept whole until all of it is old (up to a day more than asked: a
 * day's files are not rewritten at each prune). In the same catalog transaction: the manifest
 * entries of sources with no line left whose file is gone are removed (a source whose file is
 * still there keeps its entry, so that it is not read again from its start), and the
 * templates' counts and first/last seen are recomputed from the rows that stay. Readers see
 * the store before or after; the files are deleted once no reader may read them.
 *
 * @example
 * await pruneStore('logscope-data', { olderThan: 30 * 86_400_000 });
 */
export async function pruneStore(dataDir: string, options: PruneOptions): Promise<PruneSummary> {
  const started = performance.now();
  const dir = path.resolve(options.writer?.dataDir ?? dataDir);
  if (!fs.existsSync(path.join(dir, CATALOG_FILE))) throw new StoreError(`no logscope data in ${dir} (no ${CATALOG_FILE}): nothing to prune`);
  if (!(options.olderThan > 0)) throw new StoreError(`prune: the age must be more than 0, got ${options.olderThan} ms`);
  const now = options.now === undefined ? Date.now() : Number(options.now);
  const cutoffMs = now - options.olderThan;
  const finish = (s: Omit<PruneSummary, 'seconds'>): PruneSummary => ({ ...s, seconds: (performance.now() - started) / 1000 });
  if (options.dryRun === true) {
    try {
      await withCatalog(dir, async (cat) => {
        throw new DryRunDone(finish(await dropOld(cat, dir, cutoffMs, true)));
      });
    } catch (err) {
      if (err instanceof DryRunDone) return err.summary;
      throw err;
    }
  }
  const writer = options.writer ?? (await StoreWriter.open(dir));
  try {
    return await writer.maintain(async () => {
      const summary = await withCatalog(dir, (cat) => dropOld(cat, dir, cutoffMs, false));
      crashPoint('prune:committed');
      return finish({ ...summary, ...(await sweepRetired(dir)) });
    });
  } finally {
    if (options.writer === undefined) await writer.close();
  }
}

/** Inside a catalog transaction: unlists and retires what is older than the cutoff, and fixes the manifest and the templates. */
async function dropOld(cat: DuckDBConnection, dataDir: string, cutoffMs: number, dryRun: boolean): Promise<Omit<PruneSummary, 'seconds'>> {
  const cutoffDay = new Date(Math.floor(cutoffMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const cutoff = new Date(cutoffMs).toISOString();
  const abs = (f: LiveFile) => path.join(dataDir, f.rel);
  const live = await readLiveFiles(cat);
  const logs = live.filter((f) => f.kind === 'logs');
  const droppedLogs = logs.filter((f) => (f.dt as string) < cutoffDay);
  const droppedUnparsed = await selectOldUnparsed(cat, dataDir, live.filter((f) => f.kind === 'unparsed'), cutoff);
  const partial = await cat.runAndReadAll(`SELECT count(*) FROM _logscope.files WHERE kind = 'logs' AND dt = $day::DATE AND min_ts < $cutoff::TIMESTAMPTZ`, { day: cutoffDay, cutoff });
  const days = new Map<string, PrunedDay>();
  for (const f of droppedLogs) {
    const d = days.get(f.dt as string) ?? { day: f.dt as string, files: 0, rows: 0, bytes: 0 };
    d.files++;
    d.rows += f.rows;
    d.bytes += f.bytes;
    days.set(d.day, d);
  }
  const dropped = [...droppedLogs, ...droppedUnparsed];
  const base = {
    dataDir,
    dryRun,
    cutoff,
    days: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
    unparsed: { files: droppedUnparsed.length, rows: droppedUnparsed.reduce((n, f) => n + f.rows, 0) },
    keptPartialDay: Number(partial.getRows()[0][0]) > 0 ? cutoffDay : null,
    deleted: 0,
    waiting: 0,
  };
  if (dropped.length === 0) return { ...base, entries: [], signaturesUpdated: 0, signaturesRemoved: 0, templatesRemoved: 0 };
  const droppedSet = new Set(dropped.map((f) => f.rel));
  const remaining = live.filter((f) => !droppedSet.has(f.rel));
  const remainingLogs = remaining.filter((f) => f.kind === 'logs').map(abs);
  const entries = await removeEntries(cat, dropped.map(abs), [remainingLogs, remaining.filter((f) => f.kind === 'unparsed').map(abs)]);
  await cat.run('DELETE FROM _logscope.files WHERE list_contains($old, path)', { old: listValue(dropped.map((f) => f.rel)) });
  // Their rollups (rollup.ts) go with them.
  await retireWithRollups(cat, dataDir, dropped.map((f) => f.rel));
  const templates = await recountSignatures(cat, droppedLogs.map(abs), remainingLogs);
  await defineViews(cat, dataDir);
  crashPoint('prune:committing');
  return { ...base, entries, ...templates };
}

/** The unparsed-line files whose every line was ingested before the cutoff (they have no record time). */
async function selectOldUnparsed(cat: DuckDBConnection, dataDir: string, files: LiveFile[], cutoff: string): Promise<LiveFile[]> {
  if (files.length === 0) return [];
  const byPath = new Map(files.map((f) => [path.join(dataDir, f.rel), f]));
  const reader = await cat.runAndReadAll(
    `SELECT filename FROM read_parquet($files, filename = true, hive_partitioning = false, union_by_name = true) GROUP BY filename HAVING max(ingested_at) < $cutoff::TIMESTAMPTZ`,
    { files: listValue([...byPath.keys()]), cutoff },
  );
  return reader.getRows().map((r) => byPath.get(String(r[0])) as LiveFile);
}

/**
 * Removes the manifest entries (and the last line numbers) of the sources that had lines in
 * the dropped files, have none left, and whose file is gone. A source whose file is still
 * there keeps its entry: `ingest` and `watch` would otherwise read it again from its start.
 */
async function removeEntries(cat: DuckDBConnection, dropped: string[], remaining: [logs: string[], unparsed: string[]]): Promise<string[]> {
  const names = await cat.runAndReadAll(`SELECT DISTINCT source FROM read_parquet($files, hive_partitioning = false, union_by_name = true)`, { files: listValue(dropped) });
  const candidates = names.getRows().map((r) => String(r[0])).filter((name) => name !== 'stdin' && !fs.existsSync(name));
  if (candidates.length === 0) return [];
  const kept = new Set<string>();
  // Logs and unparsed files differ in columns: one read each, of the source column only.
  for (const files of remaining) {
    if (files.length === 0) continue;
    const r = await cat.runAndReadAll(`SELECT DISTINCT source FROM read_parquet($files, hive_partitioning = false, union_by_name = true) WHERE list_contains($names, source)`, {
      files: listValue(files),
      names: listValue(candidates),
    });
    for (const [name] of r.getRows()) kept.add(String(name));
  }
  const gone = candidates.filter((n) => !kept.has(n)).sort();
  if (gone.length === 0) return [];
  const list = listValue(gone);
  const removed = await cat.runAndReadAll('DELETE FROM _logscope.sources WHERE list_contains($gone, path) RETURNING path', { gone: list });
  await cat.run('DELETE FROM _logscope.source_lines WHERE list_contains($gone, source)', { gone: list });
  return [...new Set(removed.getRows().map((r) => String(r[0])))].sort();
}

/**
 * Recomputes, for every signature that had rows in the dropped files, its count, first and
 * last seen, level mix and first example from the rows that stay; removes the signatures left
 * with no row and the templates left with no signature.
 */
async function recountSignatures(cat: DuckDBConnection, dropped: string[], remaining: string[]): Promise<{ signaturesUpdated: number; signaturesRemoved: number; templatesRemoved: number }> {
  const none = { signaturesUpdated: 0, signaturesRemoved: 0, templatesRemoved: 0 };
  if (dropped.length === 0 || !(await anyHasColumn(cat, dropped, 'signature'))) return none;
  await cat.run(
    `CREATE OR REPLACE TEMP TABLE prune_touched AS SELECT DISTINCT signature FROM read_parquet($files, hive_partitioning = false, union_by_name = true)
     WHERE signature IN (SELECT signature FROM _logscope.signatures)`,
    { files: listValue(dropped) },
  );
  const levels = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'];
  const levelCounts = levels.map((l) => `count(*) FILTER (WHERE level = '${l}') AS n_${l.toLowerCase()}`).join(', ');
  const unknown = `count(*) FILTER (WHERE level IS NULL OR level NOT IN (${levels.map((l) => `'${l}'`).join(', ')})) AS n_unknown`;
  await cat.run('CREATE OR REPLACE TEMP TABLE prune_recount (signature BIGINT, count BIGINT)');
  if (remaining.length > 0 && (await anyHasColumn(cat, remaining, 'signature'))) {
    const files = listValue(remaining);
    // The small columns first; the message only of each signature's first rows (the scan of the message column is most of the cost).
    await cat.run(
      `CREATE OR REPLACE TEMP TABLE prune_recount AS
       SELECT signature, count(*) AS count, min(ts) AS first_seen, max(ts) AS last_seen, ${levelCounts}, ${unknown}
       FROM read_parquet($files, hive_partitioning = false, union_by_name = true)
       WHERE signature IN (SELECT signature FROM prune_touched) GROUP BY signature`,
      { files },
    );
    // The example is the first line seen: of the earliest time, the first line (as the miner picks it).
    await cat.run(
      `CREATE OR REPLACE TEMP TABLE prune_examples AS
       SELECT l.signature, arg_min(left(l.message, 1000), {'source': l.source, 'line': l.line}) AS example, min({'source': l.source, 'line': l.line}) AS at
       FROM read_parquet($files, hive_partitioning = false, union_by_name = true) AS l JOIN prune_recount AS r ON l.signature = r.signature AND l.ts = r.first_seen
       GROUP BY l.signature`,
      { files },
    );
    await cat.run(
      `UPDATE _logscope.signatures AS s SET count = r.count, first_seen = r.first_seen, last_seen = r.last_seen,
         example = e.example, example_source = e.at.source, example_line = e.at.line,
         n_trace = r.n_trace, n_debug = r.n_debug, n_info = r.n_info, n_notice = r.n_notice, n_warn = r.n_warn, n_error = r.n_error, n_fatal = r.n_fatal, n_unknown = r.n_unknown
       FROM prune_recount AS r JOIN prune_examples AS e ON e.signature = r.signature WHERE s.signature = r.signature`,
    );
    await cat.run('DROP TABLE prune_examples');
  }
  const counts = await cat.runAndReadAll('SELECT (SELECT count(*) FROM prune_touched), (SELECT count(*) FROM prune_recount)');
  const [touched, updated] = counts.getRows()[0].map(Number);
  await cat.run('DELETE FROM _logscope.signatures WHERE signature IN (SELECT signature FROM prune_touched) AND signature NOT IN (SELECT signature FROM prune_recount)');
  const templates = await cat.runAndReadAll(
    'DELETE FROM _logscope.templates WHERE template_id NOT IN (SELECT template_id FROM _logscope.signatures WHERE template_id IS NOT NULL) RETURNING template_id',
  );
  await cat.run('DROP TABLE prune_touched');
  await cat.run('DROP TABLE prune_recount');
  return { signaturesUpdated: updated, signaturesRemoved: touched - updated, templatesRemoved: templates.getRows().length };
}

/** Whether any of the Parquet files has the column (files from before template mining have no signature). */
async function anyHasColumn(cat: DuckDBConnection, files: string[], column: string): Promise<boolean> {
  const r = await cat.runAndReadAll('SELECT count(*) FROM parquet_schema($files) WHERE name = $column', { files: listValue(files), column });
  return Number(r.getRows()[0][0]) > 0;
}
