import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LOG_COLUMNS, UNPARSED_COLUMNS } from '../parse/index.js';
import { quoteString } from './sql.js';

/** The catalog's private schema: what was ingested and which Parquet files are live. */
export const CATALOG_DDL = [
  `CREATE SCHEMA IF NOT EXISTS _logscope`,
  `CREATE TABLE IF NOT EXISTS _logscope.batches (id VARCHAR, committed_at TIMESTAMPTZ, lines BIGINT, parsed BIGINT, unparsed BIGINT, blank BIGINT, bytes BIGINT)`,
  `CREATE TABLE IF NOT EXISTS _logscope.files (path VARCHAR, kind VARCHAR, batch_id VARCHAR, dt DATE, rows BIGINT, min_ts TIMESTAMPTZ, max_ts TIMESTAMPTZ, bytes BIGINT)`,
  `CREATE TABLE IF NOT EXISTS _logscope.sources (source_id VARCHAR, path VARCHAR, fingerprint VARCHAR, fp_len INTEGER, compressed BOOLEAN, size BIGINT, "offset" BIGINT, lines BIGINT, format VARCHAR, first_ingested TIMESTAMPTZ, last_ingested TIMESTAMPTZ)`,
  // Line accounting per source (lines = parsed + unparsed + blank), for `logscope coverage`.
  ...['parsed', 'unparsed', 'blank', 'joined'].map((c) => `ALTER TABLE _logscope.sources ADD COLUMN IF NOT EXISTS ${c} BIGINT DEFAULT 0`),
];

function emptySelect(columns: Record<string, string>, extra: string): string {
  const cols = Object.entries(columns).map(([name, type]) => `NULL::${type} AS ${name}`);
  return `SELECT ${cols.join(', ')}${extra} WHERE false`;
}

/**
 * SELECT text of the `logs` or `unparsed` view over the given files (paths relative
 * to dataDir; the view gets absolute paths so it works from any working directory).
 */
export function viewSelect(kind: 'logs' | 'unparsed', dataDir: string, relPaths: string[]): string {
  const columns = kind === 'logs' ? LOG_COLUMNS : UNPARSED_COLUMNS;
  if (relPaths.length === 0) return emptySelect(columns, kind === 'logs' ? ', NULL::DATE AS dt' : '');
  const list = relPaths.map((p) => quoteString(path.resolve(dataDir, p))).join(', ');
  const names = Object.keys(columns).join(', ');
  if (kind === 'logs') {
    return `SELECT ${names}, dt FROM read_parquet([${list}], hive_partitioning = true, hive_types = {'dt': DATE})`;
  }
  return `SELECT ${names} FROM read_parquet([${list}])`;
}

/** Lists live files by kind. */
export async function listFiles(conn: DuckDBConnection, schemaPrefix = '_logscope'): Promise<{ logs: string[]; unparsed: string[] }> {
  const reader = await conn.runAndReadAll(`SELECT kind, path FROM ${schemaPrefix}.files ORDER BY path`);
  const out = { logs: [] as string[], unparsed: [] as string[] };
  for (const [kind, p] of reader.getRows()) {
    if (kind === 'logs') out.logs.push(String(p));
    else out.unparsed.push(String(p));
  }
  return out;
}

/** (Re)defines the catalog's `logs` and `unparsed` views from its file list. */
export async function defineViews(conn: DuckDBConnection, dataDir: string, target: 'main' | 'temp' = 'main', schemaPrefix = '_logscope'): Promise<void> {
  const files = await listFiles(conn, schemaPrefix);
  const create = target === 'temp' ? 'CREATE OR REPLACE TEMP VIEW' : 'CREATE OR REPLACE VIEW main.';
  const name = (n: string) => (target === 'temp' ? `${create} ${n}` : `${create}${n}`);
  await conn.run(`${name('logs')} AS ${viewSelect('logs', dataDir, files.logs)}`);
  await conn.run(`${name('unparsed')} AS ${viewSelect('unparsed', dataDir, files.unparsed)}`);
}
