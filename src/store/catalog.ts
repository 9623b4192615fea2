import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
// The module, not ../parse/index.js: a reader would load the parsers and zod with it (issue 17: start-up).
import { LOG_COLUMNS, UNPARSED_COLUMNS } from '../parse/columns.js';
import { quoteString } from './sql.js';

/** The catalog's private schema: what was ingested and which Parquet files are live. */
export const CATALOG_DDL = [
  `CREATE SCHEMA IF NOT EXISTS _logscope`,
  `CREATE TABLE IF NOT EXISTS _logscope.batches (id VARCHAR, committed_at TIMESTAMPTZ, lines BIGINT, parsed BIGINT, unparsed BIGINT, blank BIGINT, bytes BIGINT)`,
  `CREATE TABLE IF NOT EXISTS _logscope.files (path VARCHAR, kind VARCHAR, batch_id VARCHAR, dt DATE, rows BIGINT, min_ts TIMESTAMPTZ, max_ts TIMESTAMPTZ, bytes BIGINT)`,
  `CREATE TABLE IF NOT EXISTS _logscope.sources (source_id VARCHAR, path VARCHAR, fingerprint VARCHAR, fp_len INTEGER, compressed BOOLEAN, size BIGINT, "offset" BIGINT, lines BIGINT, format VARCHAR, first_ingested TIMESTAMPTZ, last_ingested TIMESTAMPTZ)`,
  // Line accounting per source (lines = parsed + unparsed + blank), for `logscope coverage`.
  ...['parsed', 'unparsed', 'blank', 'joined'].map((c) => `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS ${c} BIGINT DEFAULT 0`),
  // What a source's file must still hold to be read on from "offset", and which file it was (see src/ingest/identify.ts).
  `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS tail_hash VARCHAR DEFAULT ''`,
  `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS tail_len INTEGER DEFAULT 0`,
  `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS file_id VARCHAR DEFAULT ''`,
  // The --pattern or --template a source was read with, to tell a different one given later.
  `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS format_options VARCHAR DEFAULT ''`,
  // Template mining: every distinct masked message (signature) seen, with its current template.
  `CREATE TABLE IF NOT EXISTS _logscope.signatures (signature BIGINT PRIMARY KEY, format VARCHAR, text VARCHAR, tokens INTEGER, template_id BIGINT,
     count BIGINT, first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, example VARCHAR, example_source VARCHAR, example_line BIGINT,
     n_trace BIGINT, n_debug BIGINT, n_info BIGINT, n_notice BIGINT, n_warn BIGINT, n_error BIGINT, n_fatal BIGINT, n_unknown BIGINT)`,
  `CREATE TABLE IF NOT EXISTS _logscope.templates (template_id BIGINT PRIMARY KEY, text VARCHAR, tokens INTEGER)`,
  // The last line number stored under each source name, so that a new file at a reused path
  // (a rotation's new app.log) numbers its lines on and (source, line) stays unique.
  `CREATE TABLE IF NOT EXISTS _logscope.source_lines (source VARCHAR PRIMARY KEY, last_line BIGINT)`,
  // Standard input has no manifest entry: each ingest of it is noted by its first bytes, to tell the same input read again.
  `CREATE TABLE IF NOT EXISTS _logscope.stdin_inputs (fingerprint VARCHAR, fp_len INTEGER, from_line BIGINT, lines BIGINT, ingested_at TIMESTAMPTZ)`,
  // Files a rewrite (compaction, prune, forget) unlisted, kept on disk until the readers noted with them are gone (see retired.ts).
  `CREATE TABLE IF NOT EXISTS _logscope.retired (path VARCHAR, retired_at TIMESTAMPTZ, readers VARCHAR[])`,
  // The rollup: per log file (of_path), a Parquet file (path) of its records counted per minute, service, host and level (see rollup.ts).
  `CREATE TABLE IF NOT EXISTS _logscope.rollup_files (path VARCHAR, of_path VARCHAR)`,
  // Notes about the store as a whole: `miner_rules`, the template-miner rules its signatures were last re-masked with.
  `CREATE TABLE IF NOT EXISTS _logscope.meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
];

/**
 * Fills `_logscope.source_lines` from the stored rows of a store made before it existed (once:
 * a store with rows and no source_lines), through the catalog's views.
 */
export async function migrateSourceLines(conn: DuckDBConnection): Promise<void> {
  const counts = await conn.runAndReadAll('SELECT (SELECT count(*) FROM _logscope.source_lines), (SELECT count(*) FROM _logscope.files)');
  const [named, files] = counts.getRows()[0].map(Number);
  if (named > 0 || files === 0) return;
  await conn.run(
    `INSERT INTO _logscope.source_lines SELECT source, max(line) FROM (SELECT source, line FROM main.log_records UNION ALL SELECT source, line FROM main.unparsed) GROUP BY source`,
  );
}

/**
 * The `templates` view over the signature and template tables: one row per template with its
 * text, when it was first and last seen, how many lines it has, an example line (the first
 * one seen) and the mix of levels.
 */
export function templatesSelect(signatures: string, templates: string): string {
  return `SELECT t.template_id AS id, t.text, t.tokens, min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen, sum(s.count)::BIGINT AS count,
      arg_min(s.example, s.first_seen) AS example, arg_min(s.example_source, s.first_seen) AS example_source, arg_min(s.example_line, s.first_seen) AS example_line,
      {'TRACE': sum(s.n_trace)::BIGINT, 'DEBUG': sum(s.n_debug)::BIGINT, 'INFO': sum(s.n_info)::BIGINT, 'NOTICE': sum(s.n_notice)::BIGINT,
       'WARN': sum(s.n_warn)::BIGINT, 'ERROR': sum(s.n_error)::BIGINT, 'FATAL': sum(s.n_fatal)::BIGINT, 'unknown': sum(s.n_unknown)::BIGINT} AS levels,
      count(*) AS signatures, string_agg(DISTINCT s.format, ',' ORDER BY s.format) AS formats
    FROM ${templates} AS t JOIN ${signatures} AS s ON s.template_id = t.template_id
    GROUP BY t.template_id, t.text, t.tokens`;
}

function emptySelect(columns: Record<string, string>, extra: string): string {
  const cols = Object.entries(columns).map(([name, type]) => `NULL::${type} AS ${name}`);
  return `SELECT ${cols.join(', ')}${extra} WHERE false`;
}

/** The log columns the Parquet files hold: `template_id` comes from the catalog. */
const STORED_LOG_COLUMNS: Record<string, string> = Object.fromEntries(Object.entries(LOG_COLUMNS).filter(([c]) => c !== 'template_id'));

/** The files as a DuckDB list literal of absolute paths. */
function fileList(dataDir: string, relPaths: string[]): string {
  return relPaths.map((p) => quoteString(path.resolve(dataDir, p))).join(', ');
}

/**
 * SELECT text of the `logs` or `unparsed` view over the given files (paths relative
 * to dataDir; the view gets absolute paths so it works from any working directory).
 */
export function viewSelect(kind: 'logs' | 'unparsed', dataDir: string, relPaths: string[], signatures?: string): string {
  const columns = kind === 'logs' ? LOG_COLUMNS : UNPARSED_COLUMNS;
  if (relPaths.length === 0) return emptySelect(columns, kind === 'logs' ? ', NULL::DATE AS dt' : '');
  const list = fileList(dataDir, relPaths);
  const names = Object.keys(columns).join(', ');
  if (kind === 'logs') {
    // Records store their signature; its template comes from the catalog, so a record mined
    // before a template was generalised resolves to the template as it is now. Files written
    // before template mining have no signature column: union_by_name gives them NULL.
    const stored = Object.keys(STORED_LOG_COLUMNS).map((c) => `l.${c}`).join(', ');
    if (signatures === undefined) {
      return `SELECT ${stored}, NULL::BIGINT AS template_id, l.dt FROM read_parquet([${list}], hive_partitioning = true, hive_types = {'dt': DATE}) AS l`;
    }
    return `SELECT ${stored}, s.template_id, l.dt
      FROM read_parquet([${list}], hive_partitioning = true, hive_types = {'dt': DATE}, union_by_name = true) AS l
      LEFT JOIN ${signatures} AS s ON s.signature = l.signature`;
  }
  return `SELECT ${names} FROM read_parquet([${list}])`;
}

/**
 * SELECT text of the `log_records` view: the `logs` view without `template_id`, so without its
 * join to the signatures (a fifth of the time of a scan of 10 M rows). logscope's own queries
 * that do not use templates read it.
 */
export function recordsSelect(dataDir: string, relPaths: string[]): string {
  if (relPaths.length === 0) return emptySelect(STORED_LOG_COLUMNS, ', NULL::DATE AS dt');
  return `SELECT ${Object.keys(STORED_LOG_COLUMNS).join(', ')}, dt FROM read_parquet([${fileList(dataDir, relPaths)}], hive_partitioning = true, hive_types = {'dt': DATE}, union_by_name = true)`;
}

/** Lists live files by kind. */
export async function listFiles(conn: DuckDBConnection, schemaPrefix = '_logscope', sinceMs?: number): Promise<{ logs: string[]; unparsed: string[] }> {
  const reader = await conn.runAndReadAll(`SELECT kind, path, epoch_ms(max_ts) FROM ${schemaPrefix}.files ORDER BY path`);
  const out = { logs: [] as string[], unparsed: [] as string[] };
  for (const [kind, p, maxMs] of reader.getRows()) {
    if (kind === 'logs') {
      // Only files with records at or after sinceMs (a live alert's recent buckets).
      if (sinceMs === undefined || maxMs === null || Number(maxMs) >= sinceMs) out.logs.push(String(p));
    } else out.unparsed.push(String(p));
  }
  return out;
}

/** The time span of the stored records, in ms since the epoch (UTC). */
export interface StoreSpan {
  /** The oldest record's time. */
  min: number;
  /** The newest record's time (µs truncated to ms). */
  max: number;
  rows: number;
}

/** The span of the live log files, from the catalog's file list (no Parquet read); null when no record is stored. */
export async function readStoreSpan(conn: DuckDBConnection, schemaPrefix = '_logscope'): Promise<StoreSpan | null> {
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(min(min_ts)), epoch_ms(max(max_ts)), sum(rows)::BIGINT FROM ${schemaPrefix}.files WHERE kind = 'logs' AND rows > 0 AND min_ts IS NOT NULL`,
  );
  const [min, max, rows] = reader.getRows()[0];
  return min === null || max === null ? null : { min: Number(min), max: Number(max), rows: Number(rows) };
}

/** The views {@link defineViews} defines over the catalog's file list. */
export const STORE_VIEWS = ['logs', 'log_records', 'unparsed', 'templates'] as const;
export type StoreView = (typeof STORE_VIEWS)[number];

/**
 * (Re)defines the `logs`, `log_records`, `unparsed` and `templates` views (or `only` those given) from the catalog's file list: in the
 * catalog itself (`main`), or as temp views of a reader that copied the signature and template
 * tables into temp tables `template_signatures` and `template_texts`. Returns the live files it
 * defined them over (paths relative to dataDir).
 */
export async function defineViews(
  conn: DuckDBConnection,
  dataDir: string,
  target: 'main' | 'temp' = 'main',
  schemaPrefix = '_logscope',
  sinceMs?: number,
  only: ReadonlySet<StoreView> = new Set(STORE_VIEWS),
): Promise<{ logs: string[]; unparsed: string[] }> {
  const files = await listFiles(conn, schemaPrefix, sinceMs);
  const create = target === 'temp' ? 'CREATE OR REPLACE TEMP VIEW' : 'CREATE OR REPLACE VIEW main.';
  const name = (n: string) => (target === 'temp' ? `${create} ${n}` : `${create}${n}`);
  const signatures = target === 'temp' ? 'template_signatures' : '_logscope.signatures';
  const templates = target === 'temp' ? 'template_texts' : '_logscope.templates';
  if (only.has('logs')) {
    // Stores from before template mining: when even the newest file has no signature, there is nothing to join.
    const newest = await conn.runAndReadAll(`SELECT path FROM ${schemaPrefix}.files WHERE kind = 'logs' ORDER BY batch_id DESC, path DESC LIMIT 1`);
    const newestPath = newest.getRows()[0]?.[0];
    const mined =
      newestPath === undefined ||
      Number((await conn.runAndReadAll(`SELECT count(*) FROM parquet_schema(${quoteString(path.resolve(dataDir, String(newestPath)))}) WHERE name = 'signature'`)).getRows()[0][0]) > 0;
    await conn.run(`${name('logs')} AS ${viewSelect('logs', dataDir, files.logs, mined ? signatures : undefined)}`);
  }
  if (only.has('log_records')) await conn.run(`${name('log_records')} AS ${recordsSelect(dataDir, files.logs)}`);
  if (only.has('unparsed')) await conn.run(`${name('unparsed')} AS ${viewSelect('unparsed', dataDir, files.unparsed)}`);
  if (only.has('templates')) await conn.run(`${name('templates')} AS ${templatesSelect(signatures, templates)}`);
  return files;
}
