import type { DuckDBPreparedStatement, DuckDBResult, Json } from '@duckdb/node-api';
import { DuckDBTypeId } from '../duckdb.js';
import { QueryError, UsageError } from '../errors.js';
// The modules, not ../query/index.js and ./config.js, which load zod (issue 17: `logscope sql` start-up).
import { streamPrepared } from '../query/run.js';
import { findNearest } from './nearest.js';

/** Output formats of query results. */
export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Rows shown by the table format; past this, use csv/json (which stream). */
export const TABLE_ROW_LIMIT = 10_000;
const CELL_WIDTH = 100;

const INTEGER_TYPES = new Set([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT]);
const NUMERIC_TYPES = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);
const TIMESTAMP_TYPES = new Set([DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_TZ, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_S]);

interface Column {
  name: string;
  typeId: DuckDBTypeId;
  isJson: boolean;
}

function columnsOf(result: DuckDBResult): Column[] {
  return result.columnNames().map((name, i) => {
    const t = result.columnType(i);
    return { name, typeId: t.typeId, isJson: (t as { alias?: string }).alias === 'JSON' };
  });
}

/** A value for JSON output: safe big integers as numbers, timestamps as ISO 8601, JSON columns parsed. */
function jsonValue(v: Json, col: Column): Json {
  if (v === null) return null;
  if (INTEGER_TYPES.has(col.typeId) && typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (TIMESTAMP_TYPES.has(col.typeId) && typeof v === 'string') return toIso(v);
  if (col.isJson && typeof v === 'string') {
    try {
      return JSON.parse(v) as Json;
    } catch {
      return v;
    }
  }
  return v;
}

/**
 * A UTC timestamp as DuckDB prints it → ISO 8601 with `Z` and at least milliseconds, as
 * `Date.toISOString` gives them (what the commands built in JavaScript print):
 * `2026-11-20 01:55:59.1+00` → `2026-11-20T01:55:59.100Z`; microseconds are kept.
 */
function toIso(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(\+00(?::00)?)?$/.exec(v);
  return m ? `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}Z` : v;
}

function textValue(v: Json): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A cell of table or csv output: timestamps in the same ISO 8601 as json. */
function cellText(v: Json, col: Column): string {
  return TIMESTAMP_TYPES.has(col.typeId) && typeof v === 'string' ? toIso(v) : textValue(v);
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Something to write text to (process.stdout, a test buffer). Returns after the text is accepted. */
export type TextSink = (text: string) => Promise<void> | void;

/**
 * Writes a query result in the chosen format. csv, json and ndjson stream chunk by
 * chunk (any size); table buffers up to TABLE_ROW_LIMIT rows to align columns.
 * Returns the number of rows written.
 */
export async function writeResult(result: DuckDBResult, format: OutputFormat, write: TextSink): Promise<number> {
  const cols = columnsOf(result);
  let count = 0;
  if (format === 'table') {
    const rows: string[][] = [];
    let more = 0;
    for await (const chunk of result.yieldRowsJson()) {
      for (const r of chunk) {
        if (rows.length < TABLE_ROW_LIMIT) rows.push(r.map((v, i) => cellText(v, cols[i])));
        else more++;
      }
    }
    await write(formatTable(cols, rows));
    if (more > 0) await write(`... ${more} more rows not shown; use --format csv or json for all of them\n`);
    return rows.length + more;
  }
  if (format === 'csv') await write(cols.map((c) => csvCell(c.name)).join(',') + '\n');
  if (format === 'json') await write('[');
  for await (const chunk of result.yieldRowsJson()) {
    let text = '';
    for (const r of chunk) {
      if (format === 'csv') {
        text += r.map((v, i) => csvCell(cellText(v, cols[i]))).join(',') + '\n';
      } else {
        const obj: Record<string, Json> = {};
        cols.forEach((c, i) => (obj[c.name] = jsonValue(r[i], c)));
        text += format === 'json' ? `${count === 0 ? '\n' : ',\n'}${JSON.stringify(obj)}` : JSON.stringify(obj) + '\n';
      }
      count++;
    }
    if (text !== '') await write(text);
  }
  if (format === 'json') await write(count === 0 ? ']\n' : '\n]\n');
  return count;
}

function truncate(s: string): string {
  const one = s.replace(/\r?\n/g, '⏎');
  return one.length > CELL_WIDTH ? `${one.slice(0, CELL_WIDTH - 1)}…` : one;
}

/** An aligned text table with a header rule; numbers right-aligned. */
export function formatTable(cols: { name: string; typeId: DuckDBTypeId }[], rows: string[][]): string {
  const cells = rows.map((r) => r.map(truncate));
  const widths = cols.map((c, i) => Math.max(c.name.length, ...cells.map((r) => r[i].length)));
  const right = cols.map((c) => NUMERIC_TYPES.has(c.typeId));
  const line = (r: string[]) => r.map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(cols.map((c) => c.name)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

/** A column of rows built in JavaScript (not read from DuckDB). */
export interface RowColumn {
  name: string;
  numeric?: boolean;
}

/** Writes JavaScript rows (objects keyed by column name) in the chosen format. */
export async function writeRows(columns: readonly RowColumn[], rows: readonly Record<string, unknown>[], format: OutputFormat, write: TextSink): Promise<void> {
  const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : JSON.stringify(v));
  if (format === 'table') {
    const cols = columns.map((c) => ({ name: c.name, typeId: c.numeric ? DuckDBTypeId.DOUBLE : DuckDBTypeId.VARCHAR }));
    await write(formatTable(cols, rows.map((r) => columns.map((c) => text(r[c.name])))));
  } else if (format === 'csv') {
    let out = columns.map((c) => csvCell(c.name)).join(',') + '\n';
    for (const r of rows) out += columns.map((c) => csvCell(r[c.name] === null || r[c.name] === undefined ? '' : typeof r[c.name] === 'number' ? String(r[c.name]) : text(r[c.name]))).join(',') + '\n';
    await write(out);
  } else {
    const pick = (r: Record<string, unknown>) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null]));
    await write(format === 'json' ? `${JSON.stringify(rows.map(pick), null, 2)}\n` : rows.map((r) => JSON.stringify(pick(r)) + '\n').join(''));
  }
}

/**
 * Writes whole records as json or ndjson, or their `columns` as csv (nested values as JSON):
 * for commands whose table is text of their own (coverage, detect, formats).
 */
export async function writeRecords(columns: readonly RowColumn[], records: readonly object[], format: Exclude<OutputFormat, 'table'>, write: TextSink): Promise<void> {
  if (format === 'json') await write(`${JSON.stringify(records, null, 2)}\n`);
  else if (format === 'ndjson') await write(records.map((r) => JSON.stringify(r) + '\n').join(''));
  else await writeRows(columns, records as Record<string, unknown>[], 'csv', write);
}

/** Up to 3 decimals, no trailing zeros: 3.14159 → 3.142, 2 → 2. */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

/** The output flags every command that prints results takes: `--format NAME` and its shorthand `--json`. */
export interface OutputFlags {
  format?: string;
  json?: boolean;
}

/** Help of `--json`, the shorthand every command that prints results takes. */
export const JSON_OPTION_HELP = 'the same as --format json';

/**
 * The output format from `--format`/`--json`, checked. Without either: `fallback`, or a table on
 * a terminal and csv in a pipe.
 */
export function resolveOutputFormat(flags: OutputFlags, fallback?: OutputFormat, formats: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  if (flags.json === true && flags.format !== undefined && flags.format !== 'json') throw new UsageError(`--json and --format ${flags.format} disagree: give one of them`);
  const format = (flags.json === true ? 'json' : (flags.format ?? fallback ?? (process.stdout.isTTY ? 'table' : 'csv'))) as OutputFormat;
  if (!formats.includes(format)) {
    const nearest = findNearest(format, formats);
    throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${flags.format}"${nearest !== undefined ? ` (did you mean ${nearest}?)` : ''}`);
  }
  return format;
}

/**
 * Streams a prepared statement's result to `write` in the chosen format. Errors raised while
 * rows are fetched (a bad cast, a missing file) are DuckDB's too: QueryErrors. A closed pipe
 * (`| head`) ends the output quietly. Returns the number of rows written (undefined after a closed pipe).
 */
export async function writeStatement(prepared: DuckDBPreparedStatement, format: OutputFormat, write: TextSink): Promise<number | undefined> {
  const result = await streamPrepared(prepared);
  try {
    return await writeResult(result, format, write);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return undefined;
    throw new QueryError((err as Error).message, { cause: err });
  }
}
