import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '../duckdb.js';
import { takeEarlyMemoryDatabase } from '../duckdb-early.js';
import { StoreError } from '../errors.js';
import { defineViews, readStoreSpan, STORE_VIEWS, type StoreSpan } from './catalog.js';
import { ALERTS_FILE, ALERT_HISTORY_COLUMNS } from './alert-history.js';
import { CATALOG_FILE, inspectDataDir } from './data-dir.js';
import { enterCatalogTurn } from './catalog-turn.js';
import { takeReaderLease } from './lease.js';
import { sealConnection } from './sandbox.js';
import { quoteString } from './sql.js';
import { connectUtc } from './connect.js';
import { defineCounts } from './rollup.js';

/**
 * A read-only view of a data directory: `logs`, `unparsed`, `templates`, `sources`, `batches`,
 * `alert_history`, and `log_counts` (the records counted per minute, service, host and level:
 * see `rollup.ts`).
 * Its connection is sealed (see `sealConnection`): statements run on it can read the store's
 * live Parquet files and nothing else on disk.
 */
export interface StoreReader {
  connection: DuckDBConnection;
  /** When the stored records begin and end (from the catalog as it was opened); null when there are none. */
  span: StoreSpan | null;
  close(): void;
}

/** Options of {@link openStoreReader}. */
export interface StoreReaderOptions {
  /**
   * Track the progress of the running query (`connection.progress`, DuckDB's progress bar
   * without its printing), for the dashboard's SQL console. Set before the seal, which locks
   * the configuration.
   */
  queryProgress?: boolean;
  /**
   * Only the Parquet files holding records at or after this time (ms) make up `logs`: for
   * live alert rules, whose cost then does not grow with the store's history; `batches` then
   * holds only the batches committed since. `span` is still the whole store's.
   */
  since?: number;
  /**
   * The views and tables to define (with what they read: `logs` and `templates` read
   * `template_signatures`, `templates` also `template_texts`, `log_counts` reads `log_rollup`);
   * default all of them. `logscope sql` passes those its statement names
   * ({@link relationsNamedIn}), so a query pays only for the tables it reads: copying a large
   * template catalog, listing the files. `span` is read unless `span: false`.
   */
  relations?: ReadonlySet<ReaderRelation>;
  /**
   * Read the store's span (default true). `logscope sql` with a plain statement does not use
   * it; with no relation wanted either, a marked store's catalog is then not opened at all.
   */
  span?: boolean;
}

/** Everything a reader can define, views and tables. */
export const READER_RELATIONS = [
  'logs',
  'log_records',
  'unparsed',
  'templates',
  'template_signatures',
  'template_texts',
  'log_rollup',
  'log_counts',
  'sources',
  'batches',
  'alert_history',
] as const;
export type ReaderRelation = (typeof READER_RELATIONS)[number];

/** What each relation reads of the others. */
const READS: Partial<Record<ReaderRelation, ReaderRelation[]>> = {
  logs: ['template_signatures'],
  templates: ['template_signatures', 'template_texts'],
  // Defined together.
  log_counts: ['log_rollup'],
  log_rollup: ['log_counts'],
};

/**
 * What in a statement lists the catalog itself or reads the store's Parquet files by path
 * (`read_parquet('…/logs/dt=…/part-….parquet')`, `parquet_metadata(…)`): a statement with one
 * of them gets every relation and every live file.
 */
const WHOLE_STORE = /\b(show|describe|pragma|information_schema|duckdb_\w+|pg_catalog|sqlite_master|table_info)\b|parquet/i;

/**
 * The relations an SQL text names: every relation whose name occurs in it as a word (in any
 * case, quoted or not, in a comment or a string: a word too many only costs its definition), or
 * all of them when the text lists the catalog (`SHOW TABLES`, `DESCRIBE`, `duckdb_views()`,
 * `information_schema`...) or reads Parquet files by path, so that what a user can discover and
 * read stays the same.
 */
export function relationsNamedIn(sql: string): Set<ReaderRelation> {
  if (WHOLE_STORE.test(sql)) return new Set(READER_RELATIONS);
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return new Set(READER_RELATIONS.filter((r) => words.has(r)));
}

/** `wanted` with what its relations read. */
function withReads(wanted: ReadonlySet<ReaderRelation>): Set<ReaderRelation> {
  const out = new Set(wanted);
  for (const r of wanted) for (const read of READS[r] ?? []) out.add(read);
  return out;
}

/**
 * Opens a data directory for reading. Works in an in-memory DuckDB: the catalog is
 * attached read-only just long enough to copy the file list and manifest, so a long
 * query never holds the catalog's lock against an ingest's next commit. The connection is
 * sealed before it is returned.
 */
export async function openStoreReader(dataDir: string, options: StoreReaderOptions = {}): Promise<StoreReader> {
  const dir = path.resolve(dataDir);
  const catalogPath = path.join(dir, CATALOG_FILE);
  const kind = inspectDataDir(dir);
  if (kind === 'foreign') throw refuseForeignStore(dir);
  if (!fs.existsSync(catalogPath)) {
    throw new StoreError(`no logscope data in ${dir} (no ${CATALOG_FILE}); run "logscope ingest FILE --data ${dataDir}" first`);
  }
  const early = takeEarlyMemoryDatabase();
  const instance = early !== undefined ? new DuckDBInstance(await early) : await DuckDBInstance.create(':memory:', {});
  const connection = await connectUtc(instance);
  if (options.queryProgress === true) {
    for (const set of ['SET enable_progress_bar = true', 'SET enable_progress_bar_print = false', 'SET progress_bar_time = 0']) await connection.run(set);
  }
  const spillDir = path.join(os.tmpdir(), `logscope-sql-${randomUUID()}`);
  let span: StoreSpan | null = null;
  // Before the catalog is read: a rewrite that commits after this keeps the files this reader lists (see lease.ts).
  const releaseLease = takeReaderLease(dir);
  const want = withReads(options.relations ?? new Set(READER_RELATIONS));
  const wantSpan = options.span !== false;
  // Nothing to read from the catalog (e.g. `SELECT 1`): a marked store's is not opened at all.
  const needsCatalog = kind !== 'marked' || wantSpan || [...want].some((r) => r !== 'alert_history');
  // Apart from this process's own catalog transactions (a watcher's commits), as other processes' are by the file lock.
  const leaveTurn = needsCatalog ? await enterCatalogTurn(dir) : () => {};
  try {
    const live: string[] = [];
    if (needsCatalog) {
      await attachCatalog(connection, catalogPath, dir, kind === 'marked');
      try {
        // Catalogs from before template mining lack these tables: they read as empty.
        // Which tables the catalog has: needed to tell an unmarked store from a stranger's file, and by the relations that read optional tables.
        const asks = kind !== 'marked' || want.has('template_signatures') || want.has('template_texts') || want.has('log_counts');
        const tables = asks ? await connection.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE database_name = 'cat' AND schema_name = '_logscope'") : undefined;
        const has = new Set(tables?.getRows().map((r) => String(r[0])));
        // Without the marker, a catalog is ours only with our tables (stores from before the marker have them).
        if (kind !== 'marked' && !has.has('files')) throw refuseForeignStore(dir);
        if (want.has('template_signatures')) await connection.run(
          has.has('signatures')
            ? 'CREATE TEMP TABLE template_signatures AS SELECT * FROM cat._logscope.signatures'
            : 'CREATE TEMP TABLE template_signatures AS SELECT NULL::BIGINT AS signature, NULL::VARCHAR AS format, NULL::VARCHAR AS text, NULL::INTEGER AS tokens, NULL::BIGINT AS template_id, NULL::BIGINT AS count, NULL::TIMESTAMPTZ AS first_seen, NULL::TIMESTAMPTZ AS last_seen, NULL::VARCHAR AS example, NULL::VARCHAR AS example_source, NULL::BIGINT AS example_line, NULL::BIGINT AS n_trace, NULL::BIGINT AS n_debug, NULL::BIGINT AS n_info, NULL::BIGINT AS n_notice, NULL::BIGINT AS n_warn, NULL::BIGINT AS n_error, NULL::BIGINT AS n_fatal, NULL::BIGINT AS n_unknown WHERE false',
        );
        if (want.has('template_texts')) await connection.run(
          has.has('templates')
            ? 'CREATE TEMP TABLE template_texts AS SELECT * FROM cat._logscope.templates'
            : 'CREATE TEMP TABLE template_texts AS SELECT NULL::BIGINT AS template_id, NULL::VARCHAR AS text, NULL::INTEGER AS tokens WHERE false',
        );
        const views = new Set(STORE_VIEWS.filter((v) => want.has(v)));
        if (views.size > 0 || want.has('log_counts')) {
          const files = await defineViews(connection, dir, 'temp', 'cat._logscope', options.since, views);
          // Only the files of the views defined are readable: the sandbox is no wider than the statement needs.
          if (views.has('logs') || views.has('log_records') || want.has('log_counts')) live.push(...files.logs.map((p) => path.resolve(dir, p)));
          if (views.has('unparsed')) live.push(...files.unparsed.map((p) => path.resolve(dir, p)));
          if (want.has('log_counts')) live.push(...(await defineCounts(connection, dir, 'cat._logscope', files.logs, has.has('rollup_files'))).rollups);
        }
        if (wantSpan) span = await readStoreSpan(connection, 'cat._logscope');
        if (want.has('sources')) await connection.run('CREATE TEMP TABLE sources AS SELECT * FROM cat._logscope.sources');
        // With `since`, only the batches since then: the micro-batches of a long-running watcher are many.
        if (want.has('batches')) await connection.run(`CREATE TEMP TABLE batches AS SELECT * FROM cat._logscope.batches${options.since !== undefined ? ` WHERE committed_at >= make_timestamptz(${Math.floor(options.since) * 1000})` : ''}`);
      } finally {
        await connection.run('DETACH cat');
        leaveTurn();
      }
    }
    if (want.has('alert_history')) await copyAlertHistory(connection, dir);
    await sealConnection(connection, { readable: live, spillDir });
  } catch (err) {
    leaveTurn();
    connection.closeSync();
    instance.closeSync();
    releaseLease();
    throw err instanceof StoreError ? err : new StoreError(`cannot read ${catalogPath}: ${(err as Error).message}`, { cause: err });
  }
  return {
    connection,
    span,
    close() {
      connection.closeSync();
      instance.closeSync();
      releaseLease();
      fs.rmSync(spillDir, { recursive: true, force: true });
    },
  };
}

/** The error for a directory that holds files logscope did not write, as a store to read. */
function refuseForeignStore(dir: string): StoreError {
  return new StoreError(`${dir} is not a logscope data directory (it holds files logscope did not write); pass the directory that "logscope ingest --data" wrote`);
}

/** Attaches the catalog as `cat`; a file that is not a DuckDB database in an unmarked directory is a stranger's. */
async function attachCatalog(conn: DuckDBConnection, file: string, dir: string, marked: boolean): Promise<void> {
  try {
    await attachWithRetry(conn, file);
  } catch (err) {
    if (!marked && /not a valid DuckDB database/i.test((err as Error).message)) throw refuseForeignStore(dir);
    throw err;
  }
}

/**
 * Copies the alerts' history (the outbox's `alert_history` view, a small table) into a temp
 * table, like the manifest: the outbox is attached read-only only for the copy, so it needs no
 * place in the sealed connection's allowed paths. No outbox yet: an empty table.
 */
async function copyAlertHistory(conn: DuckDBConnection, dir: string): Promise<void> {
  const file = path.join(dir, ALERTS_FILE);
  if (!fs.existsSync(file)) {
    const cols = Object.entries(ALERT_HISTORY_COLUMNS).map(([name, type]) => `NULL::${type} AS ${name}`);
    await conn.run(`CREATE TEMP TABLE alert_history AS SELECT ${cols.join(', ')} WHERE false`);
    return;
  }
  try {
    await attachWithRetry(conn, file, 'alerts_outbox');
    try {
      await conn.run(`CREATE TEMP TABLE alert_history AS SELECT ${Object.keys(ALERT_HISTORY_COLUMNS).join(', ')} FROM alerts_outbox.main.alert_history`);
    } finally {
      await conn.run('DETACH alerts_outbox');
    }
  } catch (err) {
    throw new StoreError(`cannot read the alerts outbox ${file}: ${(err as Error).message}`, { cause: err });
  }
}

async function attachWithRetry(conn: DuckDBConnection, file: string, alias = 'cat', timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      await conn.run(`ATTACH ${quoteString(file)} AS ${alias} (READ_ONLY)`);
      return;
    } catch (err) {
      if (!/lock|Conflicting/i.test((err as Error).message) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
