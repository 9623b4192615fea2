import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { openStoreReader } from '../../src/store/index.js';

/**
 * What a reader sees of a store, column by column: the row count and `sum(hash(column))` of
 * every column of the logs and unparsed views. Equal before and after a rewrite means the same
 * rows (each line once) with the same values.
 */
export async function readFingerprint(dataDir: string): Promise<Record<string, unknown>> {
  const reader = await openStoreReader(dataDir);
  try {
    const read = async (view: string) => (await reader.connection.runAndReadAll(`SELECT count(*) AS n, sum(hash(COLUMNS(*)))::VARCHAR FROM ${view}`)).getRowObjectsJson()[0];
    return { logs: await read('logs'), unparsed: await read('unparsed') };
  } finally {
    reader.close();
  }
}

/** The Parquet files under logs/ and unparsed/ on disk (relative paths, sorted). */
export function parquetOnDisk(dataDir: string): string[] {
  const found: string[] = [];
  for (const sub of ['logs', 'unparsed']) {
    const root = path.join(dataDir, sub);
    if (!fs.existsSync(root)) continue;
    for (const f of fs.readdirSync(root, { recursive: true })) if (String(f).endsWith('.parquet')) found.push(path.join(sub, String(f)));
  }
  return found.sort();
}

/** Runs SQL on the catalog itself (read-only): its private tables, which the reader does not show. */
export async function queryCatalog(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(path.join(dataDir, 'catalog.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const conn = await db.connect();
    try {
      await conn.run(`SET TimeZone = 'UTC'`);
      return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      conn.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

/** The files the catalog lists as live (relative paths, sorted). */
export async function listedFiles(dataDir: string): Promise<string[]> {
  return (await queryCatalog(dataDir, 'SELECT path FROM _logscope.files ORDER BY path')).map((r) => path.normalize(String(r.path)));
}

/** Writes a log file of `lines` lines, one every `stepMs` from `start`; line i's message comes from message(i). */
export function writeTimedLog(file: string, start: number, lines: number, stepMs: number, message: (i: number) => string): void {
  let s = '';
  for (let i = 1; i <= lines; i++) s += `${new Date(start + i * stepMs).toISOString()} web-${i % 4} app[${i % 97}]: ${message(i)}\n`;
  fs.writeFileSync(file, s);
}
