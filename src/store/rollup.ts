/**
 * The rollup: the records counted per minute, service, host and level, kept per live log file
 * in the catalog table `_logscope.rollup (path, minute, service, host, level, n)`. It lets the
 * dashboard's volume, top series and anomaly queries read a few hundred thousand counts instead
 * of ten million records (readers see it as the view `log_counts`, see {@link defineCounts}).
 *
 * ## Why it can never disagree with the rows
 *
 * A rollup row names the Parquet file whose records it counts (`path`, as `_logscope.files`
 * lists it), and log files are never changed in place: a file's rows change only by a new file
 * replacing it. So:
 * - an ingest batch writes the rollup of each file it adds, counted from that very file, in the
 *   catalog transaction that lists the file (`listMoves`): both appear together or not at all;
 * - a rewrite (`forget`, `ingest --reingest`) deletes the rollup rows of the files it unlists
 *   and writes those of their replacements, in the transaction that swaps them;
 * - a reader uses only the rollup rows of files it sees listed, and reads the records of every
 *   listed file that has no rollup row (a store written before the rollup, a file some other
 *   tool added without one). Rows of a file no longer listed are ignored, so a left-over row
 *   can make nothing wrong, only a missing one slower.
 *
 * ## Compaction and prune (for whoever writes them)
 *
 * Compacting files A and B into C: in the transaction that unlists A and B and lists C, either
 * `UPDATE _logscope.rollup SET path = C WHERE path IN (A, B)` (the counts of C are the sum of
 * theirs: no scan needed; {@link moveRollups}), or count C afresh ({@link writeRollupFile},
 * {@link insertRollups}). Pruning whole files: delete their rollup rows in the transaction that
 * unlists them ({@link dropRollups}); forgetting to is harmless (ignored rows), but a pruned or
 * compacted file listed without rollup rows is read row by row until it gets them. Pruning
 * part of a file is a rewrite: the new file gets its own rollup.
 *
 * Queries may read `log_counts` instead of the records only where counts per minute give the
 * same answer: series by nothing, service, host or level; buckets of whole minutes; a range
 * whose ends are whole minutes (see `src/query/counts.ts`).
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './sql.js';

/** Writes the rollup of one log Parquet file (`file`, listed as `rel`) to the Parquet file `out`. */
export async function writeRollupFile(conn: DuckDBConnection, file: string, rel: string, out: string): Promise<void> {
  await conn.run(
    `COPY (SELECT $rel AS path, make_timestamptz(epoch_us(ts) // 60000000 * 60000000) AS minute, service::VARCHAR AS service, host::VARCHAR AS host, level::VARCHAR AS level, count(*)::BIGINT AS n
           FROM read_parquet($file, hive_partitioning = false) GROUP BY ALL ORDER BY minute)
     TO $out (FORMAT parquet, COMPRESSION zstd)`,
    { rel, file, out },
  );
}

/** Inside a catalog transaction: adds the rollup rows written by {@link writeRollupFile}. */
export async function insertRollups(cat: DuckDBConnection, rollupFiles: string[]): Promise<void> {
  for (const file of rollupFiles) await cat.run('INSERT INTO _logscope.rollup SELECT path, minute, service, host, level, n FROM read_parquet($file)', { file });
}

/** Inside a catalog transaction: the rollup rows of files being unlisted. */
export async function dropRollups(cat: DuckDBConnection, rels: string[]): Promise<void> {
  for (const rel of rels) await cat.run('DELETE FROM _logscope.rollup WHERE path = $rel', { rel });
}

/** Inside a catalog transaction: files `from` merged into `to` (compaction) keep their counts under `to`. */
export async function moveRollups(cat: DuckDBConnection, from: string[], to: string): Promise<void> {
  for (const rel of from) await cat.run('UPDATE _logscope.rollup SET path = $to WHERE path = $rel', { to, rel });
}

/**
 * The listed log files with records and no rollup rows (a store written before the rollup):
 * counts them, one transaction per file, so that readers stop reading their records for the
 * dashboard. `withCatalog` runs a function in one catalog transaction; the caller holds the
 * writer lock, so the list cannot change meanwhile.
 */
export async function backfillRollups(dataDir: string, withCatalog: <T>(fn: (cat: DuckDBConnection) => Promise<T>) => Promise<T>): Promise<number> {
  const missing = await withCatalog(async (cat) => {
    const r = await cat.runAndReadAll(
      "SELECT path FROM _logscope.files WHERE kind = 'logs' AND rows > 0 AND path NOT IN (SELECT DISTINCT path FROM _logscope.rollup) ORDER BY path",
    );
    return r.getRows().map((row) => String(row[0]));
  });
  for (const rel of missing) {
    await withCatalog(async (cat) => {
      await cat.run(
        `INSERT INTO _logscope.rollup
         SELECT $rel, make_timestamptz(epoch_us(ts) // 60000000 * 60000000), service::VARCHAR, host::VARCHAR, level::VARCHAR, count(*)::BIGINT
         FROM read_parquet($file, hive_partitioning = false) GROUP BY ALL`,
        { rel, file: path.join(dataDir, rel) },
      );
    });
  }
  return missing.length;
}

/**
 * In a reader, while the catalog is attached as `schemaPrefix`'s database: copies the rollup
 * rows of the live log files into the temp table `log_rollup` and defines the temp view
 * `log_counts (ts, service, host, level, attrs, n)`: the rollup's counts (ts the minute,
 * attrs NULL) plus, with n = 1, the records of the live files that have no rollup.
 * Returns the live log files read row by row.
 */
export async function defineCounts(conn: DuckDBConnection, dataDir: string, schemaPrefix: string, liveLogs: string[], hasRollup: boolean): Promise<string[]> {
  let covered = new Set<string>();
  if (hasRollup) {
    await conn.run(
      `CREATE TEMP TABLE log_rollup AS SELECT minute AS ts, service, host, level, n FROM ${schemaPrefix}.rollup
       WHERE path IN (SELECT path FROM ${schemaPrefix}.files WHERE kind = 'logs') ORDER BY minute`,
    );
    const r = await conn.runAndReadAll(`SELECT DISTINCT path FROM ${schemaPrefix}.rollup WHERE path IN (SELECT path FROM ${schemaPrefix}.files WHERE kind = 'logs')`);
    covered = new Set(r.getRows().map((row) => String(row[0])));
  } else {
    await conn.run('CREATE TEMP TABLE log_rollup (ts TIMESTAMPTZ, service VARCHAR, host VARCHAR, level VARCHAR, n BIGINT)');
  }
  const rest = liveLogs.filter((p) => !covered.has(p));
  const counted = 'SELECT ts, service, host, level, NULL::JSON AS attrs, n FROM log_rollup';
  const list = rest.map((p) => quoteString(path.resolve(dataDir, p))).join(', ');
  const rows = `SELECT ts, service, host, level, attrs, 1::BIGINT AS n FROM read_parquet([${list}], hive_partitioning = true, hive_types = {'dt': DATE}, union_by_name = true)`;
  await conn.run(`CREATE OR REPLACE TEMP VIEW log_counts AS ${rest.length === 0 ? counted : `${counted} UNION ALL ${rows}`}`);
  return rest;
}
