/**
 * The rollup: the records of each live log file counted per minute, service, host and level, in
 * a small Parquet file of its own (`rollup/dt=DAY/part-ID.parquet` beside
 * `logs/dt=DAY/part-ID.parquet`, columns ts, service, host, level, n), listed in the catalog
 * table `_logscope.rollup_files (path, of_path)`: `path` the rollup file, `of_path` the log file
 * whose records it counts. It lets the dashboard's volume, top series and anomaly queries read a
 * few hundred thousand counts instead of ten million records (readers see it as the view
 * `log_counts`, see {@link defineCounts}). Parquet files rather than a catalog table: a reader
 * reads only the row groups a query's range needs, instead of copying every count into memory
 * each time it opens (which tripled the time to open a reader on 10 M lines).
 *
 * ## Why it can never disagree with the rows
 *
 * Log files are never changed in place: a file's rows change only by a new file replacing it.
 * So:
 * - an ingest batch writes the rollup of each log file it adds, counted from that very file, and
 *   lists it in the catalog transaction that lists the log file (`listMoves`): both appear
 *   together or not at all;
 * - a rewrite (`forget`, `ingest --reingest`) unlists the rollups of the files it unlists, and
 *   lists those of their replacements, in the transaction that swaps them;
 * - a reader uses only the rollups whose `of_path` it sees listed, and reads the records of every
 *   listed log file that has none (a store written before the rollup, a file some other tool
 *   added without one). A listing of an unlisted log file is ignored, so a left-over listing can
 *   make nothing wrong; a missing one only makes that file slower to count.
 * - A rollup file moved in but never listed (a crash before the commit) is removed by the next
 *   writer, like a log file (`removeOrphans`).
 *
 * ## Compaction and prune (for whoever writes them)
 *
 * Compacting log files A and B into C: in the transaction that unlists A and B and lists C,
 * `moveRollups(cat, [A, B], C)`: the rollup files of A and B count exactly C's records, so they
 * now stand for C (no scan). Pruning whole log files: `dropRollups(cat, [file])` in the
 * transaction that unlists them, then delete the rollup files it returns. Pruning part of a file
 * is a rewrite: the new file gets a rollup of its own ({@link writeRollupFile},
 * {@link rollupPathOf}, {@link insertRollups}). Forgetting any of this is never wrong, only
 * slower: an unlisted log file's rollups are ignored, a listed one without rollups is read.
 *
 * Queries may read `log_counts` instead of the records only where counts per minute give the
 * same answer: series by nothing, service, host or level; buckets of whole minutes; a range
 * whose ends are whole minutes (see `src/query/counts.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { copyPartitioned, smallGroups } from './partitioned-copy.js';
import { retireFiles } from './retired.js';
import { quoteString, textLists } from './sql.js';

/** A rollup file and the log file it counts, both relative to the data directory. */
export interface RollupListing {
  path: string;
  ofPath: string;
}

/** Where the rollup of the log file `rel` (`logs/dt=DAY/part-ID.parquet`) goes: `rollup/dt=DAY/part-ID.parquet`. */
export function rollupPathOf(rel: string): string {
  const parts = rel.split(/[\\/]/);
  return path.join('rollup', ...parts.slice(1));
}

/** A rollup's columns, counted from the log rows `r`. */
const ROLLUP_COLUMNS = `make_timestamptz(epoch_us(r.ts) // 60000000 * 60000000) AS ts, r.service::VARCHAR AS service, r.host::VARCHAR AS host, r.level::VARCHAR AS level, count(*)::BIGINT AS n`;

/** Writes the rollup of one log Parquet file (`file`) to the Parquet file `out`, in time order. */
export async function writeRollupFile(conn: DuckDBConnection, file: string, out: string): Promise<void> {
  await conn.run(
    `COPY (SELECT ${ROLLUP_COLUMNS} FROM read_parquet($file, hive_partitioning = false) r GROUP BY ALL ORDER BY ts)
     TO $out (FORMAT parquet, COMPRESSION zstd)`,
    { file, out },
  );
}

/** A log file to count into a rollup file: `file`, its `rows`, and where its rollup goes (`out`). */
export interface RollupToWrite {
  file: string;
  rows: number;
  out: string;
}

/**
 * Writes the rollup of each log file, as {@link writeRollupFile} does: files of few rows
 * together, in partitioned COPYs (`smallGroups`, partitioned-copy.ts).
 */
export async function writeRollupFiles(conn: DuckDBConnection, todo: RollupToWrite[]): Promise<void> {
  const groups = smallGroups(todo, (t) => t.rows);
  for (const group of groups) {
    await copyPartitioned(
      conn,
      `COPY (SELECT k.part, ${ROLLUP_COLUMNS}
             FROM read_parquet($files, filename = true, hive_partitioning = false) r
             JOIN (SELECT unnest($files) AS file, generate_subscripts($files, 1) AS part) k ON r.filename = k.file
             GROUP BY ALL ORDER BY k.part, ts)
       TO $dir (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (part))`,
      textLists({ files: group.map((t) => t.file) })[0],
      `${group[0].out}.parts`,
      'part',
      new Map(group.map((t, k) => [String(k + 1), t.out])),
    );
  }
  const together = new Set(groups.flat());
  for (const t of todo) if (!together.has(t)) await writeRollupFile(conn, t.file, t.out);
}

/** Inside a catalog transaction: lists rollup files (already moved into the store). */
export async function insertRollups(cat: DuckDBConnection, listings: RollupListing[]): Promise<void> {
  if (listings.length === 0) return;
  await cat.run('INSERT INTO _logscope.rollup_files SELECT * FROM (SELECT unnest($path), unnest($of))', ...textLists({ path: listings.map((r) => r.path), of: listings.map((r) => r.ofPath) }));
}

/** Inside a catalog transaction: unlists the rollups of log files being unlisted; returns their files, to delete once it committed. */
export async function dropRollups(cat: DuckDBConnection, ofPaths: string[]): Promise<string[]> {
  const dropped: string[] = [];
  for (const of of ofPaths) {
    const r = await cat.runAndReadAll('DELETE FROM _logscope.rollup_files WHERE of_path = $of RETURNING path', { of });
    dropped.push(...r.getRows().map((row) => String(row[0])));
  }
  return dropped;
}

/**
 * Inside the catalog transaction that unlists the log files `rels`: unlists their rollups too,
 * and retires both (deleted once no reader may still read them, see retired.ts).
 */
export async function retireWithRollups(cat: DuckDBConnection, dataDir: string, rels: string[]): Promise<void> {
  await retireFiles(cat, dataDir, [...rels, ...(await dropRollups(cat, rels))]);
}

/** Inside a catalog transaction: log files `from` merged into `to` (compaction): their rollups now count `to`. */
export async function moveRollups(cat: DuckDBConnection, from: string[], to: string): Promise<void> {
  for (const of of from) await cat.run('UPDATE _logscope.rollup_files SET of_path = $to WHERE of_path = $of', { to, of });
}

/**
 * The listed log files with records and no rollup (a store written before the rollup): counts
 * each into its rollup file and lists it, one transaction per file, so that readers stop reading
 * their records for the dashboard. `conn` is a work connection; `withCatalog` runs a function in
 * one catalog transaction. The caller holds the writer lock, so the list cannot change meanwhile.
 */
export async function backfillRollups(dataDir: string, conn: DuckDBConnection, withCatalog: <T>(fn: (cat: DuckDBConnection) => Promise<T>) => Promise<T>): Promise<number> {
  const missing = await withCatalog(async (cat) => {
    const r = await cat.runAndReadAll(
      "SELECT path FROM _logscope.files WHERE kind = 'logs' AND rows > 0 AND path NOT IN (SELECT of_path FROM _logscope.rollup_files) ORDER BY path",
    );
    return r.getRows().map((row) => String(row[0]));
  });
  for (const rel of missing) {
    const out = rollupPathOf(rel);
    const abs = path.join(dataDir, out);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    // Written under its final name before it is listed: a crash in between leaves an orphan the next writer removes.
    await writeRollupFile(conn, path.join(dataDir, rel), abs);
    await withCatalog((cat) => insertRollups(cat, [{ path: out, ofPath: rel }]));
  }
  return missing.length;
}

/** What {@link defineCounts} set up. */
export interface CountsFiles {
  /** Absolute paths of the rollup files read: the reader must allow them. */
  rollups: string[];
  /** Live log files (relative) without a rollup, read row by row. */
  uncounted: string[];
}

/**
 * In a reader, while the catalog is attached as `schemaPrefix`'s database: defines the temp view
 * `log_rollup (ts, service, host, level, n)` over the rollup files of the live log files, and
 * `log_counts (ts, service, host, level, attrs, n)`: those counts (ts the minute, attrs NULL)
 * plus, with n = 1, the records of the live log files that have no rollup.
 */
export async function defineCounts(conn: DuckDBConnection, dataDir: string, schemaPrefix: string, liveLogs: string[], hasRollups: boolean): Promise<CountsFiles> {
  let listings: RollupListing[] = [];
  if (hasRollups) {
    const r = await conn.runAndReadAll(
      `SELECT path, of_path FROM ${schemaPrefix}.rollup_files WHERE of_path IN (SELECT path FROM ${schemaPrefix}.files WHERE kind = 'logs') ORDER BY path`,
    );
    listings = r.getRows().map((row) => ({ path: String(row[0]), ofPath: String(row[1]) }));
  }
  const counted = new Set(listings.map((l) => l.ofPath));
  const uncounted = liveLogs.filter((p) => !counted.has(p));
  const rollups = listings.map((l) => path.resolve(dataDir, l.path));
  const list = (files: string[]) => files.map(quoteString).join(', ');
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW log_rollup AS ${
      rollups.length === 0
        ? 'SELECT NULL::TIMESTAMPTZ AS ts, NULL::VARCHAR AS service, NULL::VARCHAR AS host, NULL::VARCHAR AS level, NULL::BIGINT AS n WHERE false'
        : `SELECT ts, service, host, level, n FROM read_parquet([${list(rollups)}])`
    }`,
  );
  const fromCounts = 'SELECT ts, service, host, level, NULL::JSON AS attrs, n FROM log_rollup';
  const fromRows = `SELECT ts, service, host, level, attrs, 1::BIGINT AS n FROM read_parquet([${list(uncounted.map((p) => path.resolve(dataDir, p)))}], hive_partitioning = true, hive_types = {'dt': DATE}, union_by_name = true)`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW log_counts AS ${uncounted.length === 0 ? fromCounts : `${fromCounts} UNION ALL ${fromRows}`}`);
  return { rollups, uncounted };
}
