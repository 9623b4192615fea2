import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBDataChunk, DuckDBPreparedStatement, DuckDBType, Json } from '@duckdb/node-api';
import { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter } from '../duckdb.js';
import { QueryError } from '../errors.js';
import { isQueryName, prepareQuery, prepareReadOnly, QUERIES, querySql, type QueryName } from '../query/index.js';
import { openStoreReader, quoteIdentifier, relationsNamedIn, quoteString, type StoreReader } from '../store/index.js';

/** Options of {@link createSqlConsole}. */
export interface SqlConsoleOptions {
  dataDir: string;
  /** A query running longer is interrupted (ms). Default 60 s. */
  timeLimitMs?: number;
  /** Rows kept of a result; past it the result says it was cut. Default 10,000. */
  rowCap?: number;
  /** Queries kept in the history file. Default 50. */
  historySize?: number;
  /** The clock (ms since the epoch). */
  now?: () => number;
}

/** A column of a console result. */
export interface ConsoleColumn {
  name: string;
  /** DuckDB's type, as SQL: `BIGINT`, `TIMESTAMP WITH TIME ZONE`, ... */
  type: string;
  numeric: boolean;
}

/** Where a console query stands. */
export type ConsoleStatus = 'running' | 'done' | 'failed' | 'cancelled' | 'timeout';

/** A console query as the API shows it (rows apart). */
export interface ConsoleQueryState {
  id: string;
  sql: string;
  status: ConsoleStatus;
  startedAt: string;
  endedAt: string | null;
  elapsedMs: number;
  /** DuckDB's progress of the running query, 0-100; null when DuckDB cannot tell for this query (or before it starts). */
  progress: number | null;
  /** Rows DuckDB has processed and expects to, as its progress counts them. */
  rowsProcessed: number;
  totalRows: number;
  columns: ConsoleColumn[];
  /** Rows kept (at most the row cap). */
  rowCount: number;
  /** Whether the result had more rows than the cap (they are not kept). */
  truncated: boolean;
  rowCap: number;
  error: string | null;
}

/** A page of a result: JSON values (timestamps ISO 8601 UTC, JSON columns parsed). */
export interface ConsolePage {
  offset: number;
  limit: number;
  rowCount: number;
  rows: Json[][];
}

/** One entry of the history. */
export interface ConsoleHistoryEntry {
  sql: string;
  at: string;
  status: ConsoleStatus;
  rowCount: number;
  elapsedMs: number;
  error: string | null;
}

/** A file to download: its bytes, type and name. */
export interface ConsoleDownload {
  body: Buffer;
  contentType: string;
  filename: string;
}

/** The dashboard's SQL console: user queries on a sealed read-only reader, with progress, cancel, a time limit and a row cap. */
export interface SqlConsole {
  /**
   * Checks and starts a query. Refusals (a statement that writes, a parse error) throw a
   * QueryError before anything runs; errors while running end in status `failed`.
   */
  start(sql: string): Promise<ConsoleQueryState>;
  get(id: string): ConsoleQueryState | undefined;
  /** Resolves when the query ends. */
  wait(id: string): Promise<ConsoleQueryState | undefined>;
  page(id: string, offset: number, limit: number): ConsolePage | undefined;
  /** Interrupts a running query (DuckDB `interrupt()`); false when it is not running. */
  cancel(id: string): boolean;
  download(id: string, format: 'csv' | 'json' | 'parquet'): Promise<ConsoleDownload | undefined>;
  history(): ConsoleHistoryEntry[];
  /** The `sql/` files, offered as starting points: name and text. */
  examples(): { name: string; sql: string }[];
  /** Interrupts what runs and forgets every result. */
  close(): Promise<void>;
}

/** The folder of a data directory where the console keeps its history. */
export const CONSOLE_DIR = '.console';

const TIMESTAMP_TYPES = new Set([DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_TZ, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_S]);
const INTEGER_TYPES = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const NUMERIC_TYPES = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);
/** Results kept in memory for paging and downloads; the oldest finished ones go first. */
const KEPT_RESULTS = 20;

interface Job {
  state: ConsoleQueryState;
  types: DuckDBType[];
  chunks: DuckDBDataChunk[];
  rows: Json[][];
  reader?: StoreReader;
  done: Promise<void>;
  cancelled: boolean;
  timedOut: boolean;
}

/** Creates the console of one server over `options.dataDir`. */
export function createSqlConsole(options: SqlConsoleOptions): SqlConsole {
  const dataDir = path.resolve(options.dataDir);
  const now = options.now ?? (() => Date.now());
  const timeLimitMs = options.timeLimitMs ?? 60_000;
  const rowCap = options.rowCap ?? 10_000;
  const historySize = options.historySize ?? 50;
  const historyFile = path.join(dataDir, CONSOLE_DIR, 'history.json');
  const jobs = new Map<string, Job>();
  let memoryHistory: ConsoleHistoryEntry[] | undefined;

  function readHistory(): ConsoleHistoryEntry[] {
    if (memoryHistory !== undefined) return memoryHistory;
    try {
      const parsed = JSON.parse(fs.readFileSync(historyFile, 'utf8')) as unknown;
      return Array.isArray(parsed) ? (parsed as ConsoleHistoryEntry[]) : [];
    } catch {
      return [];
    }
  }

  function remember(state: ConsoleQueryState): void {
    const entry: ConsoleHistoryEntry = { sql: state.sql, at: state.startedAt, status: state.status, rowCount: state.rowCount, elapsedMs: state.elapsedMs, error: state.error };
    const list = [entry, ...readHistory().filter((h) => h.sql !== state.sql)].slice(0, historySize);
    try {
      fs.mkdirSync(path.dirname(historyFile), { recursive: true });
      const tmp = `${historyFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify(list, null, 1)}\n`);
      fs.renameSync(tmp, historyFile);
    } catch {
      // A data directory the server cannot write: the history lives as long as the server.
      memoryHistory = list;
    }
  }

  function forgetOld(): void {
    const finished = [...jobs.values()].filter((j) => j.state.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT_RESULTS))) jobs.delete(job.state.id);
  }

  async function prepare(reader: StoreReader, sql: string): Promise<DuckDBPreparedStatement[]> {
    // A file of sql/ pasted as it is runs with its parameters' defaults.
    const named = (Object.keys(QUERIES) as QueryName[]).find((name) => querySql(name).trim() === sql.trim());
    if (named !== undefined && isQueryName(named)) return [await prepareQuery(reader.connection, named, {})];
    return prepareReadOnly(reader.connection, sql);
  }

  async function run(job: Job, prepared: DuckDBPreparedStatement[]): Promise<void> {
    const reader = job.reader as StoreReader;
    const state = job.state;
    const started = now();
    const poll = setInterval(() => {
      const p = reader.connection.progress;
      state.elapsedMs = now() - started;
      if (p.percentage >= 0) {
        state.progress = Math.min(100, p.percentage);
        state.rowsProcessed = Number(p.rows_processed);
        state.totalRows = Number(p.total_rows_to_process);
      }
    }, 100);
    const limit = setTimeout(() => {
      job.timedOut = true;
      reader.connection.interrupt();
    }, timeLimitMs);
    try {
      for (const [i, statement] of prepared.entries()) {
        const last = i === prepared.length - 1;
        const pending = statement.startStream();
        const result = await pending.getResult();
        if (!last) {
          while (((await result.fetchChunk())?.rowCount ?? 0) > 0);
          continue;
        }
        job.types = result.columnTypes();
        state.columns = result.columnNames().map((name, c) => ({ name, type: job.types[c].toString(), numeric: NUMERIC_TYPES.has(job.types[c].typeId) }));
        for (;;) {
          const chunk = await result.fetchChunk();
          if (chunk === null || chunk.rowCount === 0) break;
          if (job.rows.length >= rowCap) {
            state.truncated = true;
            break;
          }
          const room = rowCap - job.rows.length;
          const rows = chunk.convertRows(JsonDuckDBValueConverter) as Json[][];
          if (rows.length > room) state.truncated = true;
          const kept = rows.slice(0, room);
          for (const row of kept) job.rows.push(row.map((v, c) => jsonValue(v, job.types[c])));
          // The same rows for a Parquet download (a chunk cut at the cap is cut again there).
          job.chunks.push(chunk);
          state.rowCount = job.rows.length;
        }
      }
      state.status = 'done';
      state.progress = 100;
    } catch (err) {
      const message = (err as Error).message;
      if (job.cancelled) state.status = 'cancelled';
      else if (job.timedOut) state.status = 'timeout';
      else state.status = 'failed';
      state.error =
        state.status === 'cancelled'
          ? 'cancelled: the query was interrupted'
          : state.status === 'timeout'
            ? `stopped after the time limit of ${Math.round(timeLimitMs / 1000)} s`
            : message.replace(/^Failure running pending result task: /, '');
    } finally {
      clearInterval(poll);
      clearTimeout(limit);
      for (const p of prepared) p.destroySync();
      reader.close();
      job.reader = undefined;
      state.endedAt = new Date(now()).toISOString();
      state.elapsedMs = now() - started;
      remember(state);
      forgetOld();
    }
  }

  return {
    async start(sql) {
      if (sql.trim() === '') throw new QueryError('no SQL statement given');
      // Only the views the statement names, as for `logscope sql`.
      const reader = await openStoreReader(dataDir, { queryProgress: true, relations: relationsNamedIn(sql) });
      let prepared: DuckDBPreparedStatement[];
      try {
        prepared = await prepare(reader, sql);
      } catch (err) {
        reader.close();
        throw err;
      }
      const state: ConsoleQueryState = {
        id: randomUUID(), sql, status: 'running', startedAt: new Date(now()).toISOString(), endedAt: null, elapsedMs: 0, progress: null,
        rowsProcessed: 0, totalRows: 0, columns: [], rowCount: 0, truncated: false, rowCap, error: null,
      };
      const job: Job = { state, types: [], chunks: [], rows: [], reader, done: Promise.resolve(), cancelled: false, timedOut: false };
      jobs.set(state.id, job);
      job.done = run(job, prepared);
      return { ...state };
    },
    get(id) {
      const job = jobs.get(id);
      return job === undefined ? undefined : { ...job.state };
    },
    async wait(id) {
      const job = jobs.get(id);
      if (job === undefined) return undefined;
      await job.done;
      return { ...job.state };
    },
    page(id, offset, limit) {
      const job = jobs.get(id);
      if (job === undefined) return undefined;
      return { offset, limit, rowCount: job.rows.length, rows: job.rows.slice(offset, offset + limit) };
    },
    cancel(id) {
      const job = jobs.get(id);
      if (job === undefined || job.state.status !== 'running' || job.reader === undefined) return false;
      job.cancelled = true;
      job.reader.connection.interrupt();
      return true;
    },
    async download(id, format) {
      const job = jobs.get(id);
      if (job === undefined || job.state.status !== 'done') return undefined;
      const base = `logscope-query-${job.state.startedAt.replace(/[:.]/g, '-')}`;
      if (format === 'csv') return { body: Buffer.from(toCsv(job)), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
      if (format === 'json') {
        const names = job.state.columns.map((c) => c.name);
        const objects = job.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
        return { body: Buffer.from(`${JSON.stringify(objects, null, 1)}\n`), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
      }
      return { body: await toParquet(job), contentType: 'application/vnd.apache.parquet', filename: `${base}.parquet` };
    },
    history: () => readHistory(),
    examples: () => (Object.keys(QUERIES) as QueryName[]).map((name) => ({ name, sql: querySql(name) })),
    async close() {
      for (const job of jobs.values()) {
        if (job.state.status === 'running') {
          job.cancelled = true;
          job.reader?.connection.interrupt();
        }
      }
      await Promise.all([...jobs.values()].map((j) => j.done));
      jobs.clear();
    },
  };
}

/** A value for JSON: safe big integers as numbers, timestamps as ISO 8601 with Z, JSON columns parsed. */
function jsonValue(v: Json, type: DuckDBType): Json {
  if (v === null) return null;
  if (INTEGER_TYPES.has(type.typeId) && typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (TIMESTAMP_TYPES.has(type.typeId) && typeof v === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(\+00(?::00)?)?$/.exec(v);
    return m ? `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}Z` : v;
  }
  if ((type as { alias?: string }).alias === 'JSON' && typeof v === 'string') {
    try {
      return JSON.parse(v) as Json;
    } catch {
      return v;
    }
  }
  return v;
}

function csvCell(v: Json): string {
  const s = v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(job: Job): string {
  let out = job.state.columns.map((c) => csvCell(c.name)).join(',') + '\n';
  for (const row of job.rows) out += row.map(csvCell).join(',') + '\n';
  return out;
}

/**
 * The kept rows as a Parquet file. The user's statement cannot write (the sandbox refuses
 * COPY), so the rows are appended to a table of a DuckDB of the server's own, which runs no
 * user SQL, and copied from there into a temporary file the server controls.
 */
async function toParquet(job: Job): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-download-'));
  const file = path.join(dir, 'result.parquet');
  const instance = await DuckDBInstance.create(':memory:', {});
  const conn = await instance.connect();
  try {
    const seen = new Map<string, number>();
    const names = job.state.columns.map((c) => {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      return n === 1 ? c.name : `${c.name}_${n}`;
    });
    await conn.run(`CREATE TABLE result (${names.map((n, i) => `${quoteIdentifier(n)} ${job.types[i].toString()}`).join(', ')})`);
    const appender = await conn.createAppender('result');
    for (const chunk of job.chunks) appender.appendDataChunk(chunk);
    appender.flushSync();
    appender.closeSync();
    // The last chunk may go past the row cap: the file holds the rows the console kept.
    await conn.run(`DELETE FROM result WHERE rowid >= ${job.rows.length}`);
    await conn.run(`COPY result TO ${quoteString(file)} (FORMAT parquet, COMPRESSION zstd)`);
    return fs.readFileSync(file);
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
