import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../errors.js';
import { LOG_COLUMNS } from '../parse/index.js';
import { quoteIdentifier, quoteString } from '../store/index.js';

/** The built-in measures: ERROR+FATAL lines (watched for rises) and all lines (rises and drops). */
export const ERRORS_EXPRESSION = "count(*) FILTER (WHERE level IN ('ERROR', 'FATAL'))";
export const VOLUME_EXPRESSION = 'count(*)';

/** The built-in measures over pre-counted rows (a column `n` of lines per row): the counting scan's, and the store's `log_counts`. */
export const COUNTED_MEASURES: Measure[] = [
  { name: 'errors', expression: "coalesce(sum(n) FILTER (WHERE level IN ('ERROR', 'FATAL')), 0)", direction: 'up', counted: true },
  { name: 'volume', expression: 'sum(n)', direction: 'both', counted: true },
];

/**
 * A measure for the `measures` slot of `sql/zscore.sql` (and the `value` slot of
 * `sql/explain.sql`): an aggregate over the records of one bucket.
 */
export interface Measure {
  /** `errors`, `volume` or `metric`. */
  name: string;
  /** Checked SQL text of the aggregate. */
  expression: string;
  /** `up`: only rises are anomalies; `both`: rises and drops. */
  direction: 'up' | 'down' | 'both';
  /** Whether the aggregate counts records: an empty bucket is then 0, not a gap. */
  counted: boolean;
}

/** A compiled `--metric`: its measure, the stored columns it reads, and the attrs fields it reads as columns. */
export interface CompiledMetric {
  measure: Measure;
  /** Stored record columns the expression names. */
  columns: string[];
  /** Record fields the expression names that are not stored columns: read from attrs. */
  fields: Array<{ name: string; numeric: boolean }>;
}

interface SerializedSql {
  error: boolean;
  error_message?: string;
  statements?: Array<{ node: SelectNode }>;
}
interface SelectNode {
  type: string;
  modifiers: unknown[];
  cte_map: { map: unknown[] };
  select_list: unknown[];
  from_table: { type: string; table_name?: string };
  where_clause: unknown;
  group_expressions: unknown[];
  having: unknown;
  qualify: unknown;
  sample: unknown;
}

/**
 * Checks a user's metric (`avg(latency_ms)`, `quantile_cont(latency_ms, 0.95)`,
 * `count(*) FILTER (WHERE status >= 500)`) with DuckDB's own parser: it must be exactly one
 * expression, so that it can take the place of an aggregate in the query and nothing else.
 * Names that are not stored columns are record fields: they are read from `attrs`, as numbers
 * when the stored values are numbers.
 */
export async function compileMetric(conn: DuckDBConnection, expression: string, direction: Measure['direction'] = 'both'): Promise<CompiledMetric> {
  const text = expression.trim();
  if (text === '') throw new UsageError('--metric is empty; write an aggregate such as avg(latency_ms)');
  if (text.includes(';')) throw new UsageError(`--metric must be one expression, got ${JSON.stringify(text)}`);
  const probe = `SELECT ${text} FROM logs`;
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${quoteString(probe)}) AS j`);
  const parsed = JSON.parse(String(reader.getRows()[0][0])) as SerializedSql;
  if (parsed.error) throw new UsageError(`--metric ${JSON.stringify(text)} is not valid SQL: ${parsed.error_message ?? 'parse error'}`);
  const node = parsed.statements?.length === 1 ? parsed.statements[0].node : undefined;
  const single =
    node !== undefined &&
    node.type === 'SELECT_NODE' &&
    node.select_list.length === 1 &&
    node.from_table.type === 'BASE_TABLE' &&
    node.from_table.table_name === 'logs' &&
    node.where_clause === null &&
    node.group_expressions.length === 0 &&
    node.having === null &&
    node.qualify === null &&
    node.sample === null &&
    node.modifiers.length === 0 &&
    node.cte_map.map.length === 0;
  if (!single) throw new UsageError(`--metric must be a single aggregate expression such as avg(latency_ms), got ${JSON.stringify(text)}`);

  const names = new Set<string>();
  collectColumnRefs(node.select_list[0], names);
  const fields: CompiledMetric['fields'] = [];
  const columns: string[] = [];
  for (const name of names) {
    if (Object.hasOwn(LOG_COLUMNS, name)) columns.push(name);
    else fields.push({ name, numeric: await storesNumbers(conn, name) });
  }
  const counted = await countsRecords(conn, text, fields);
  return { measure: { name: 'metric', expression: text, direction, counted }, columns, fields };
}

function collectColumnRefs(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectColumnRefs(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.class === 'COLUMN_REF' && Array.isArray(record.column_names)) {
    const names = record.column_names as string[];
    out.add(names[names.length - 1]);
  }
  for (const value of Object.values(record)) collectColumnRefs(value, out);
}

/** Whether the stored values of attrs field `name` are numbers (judged on the first 1000 that exist). */
async function storesNumbers(conn: DuckDBConnection, name: string): Promise<boolean> {
  const prepared = await conn.prepare(
    `SELECT count(*) FILTER (WHERE t IN ('BIGINT', 'UBIGINT', 'DOUBLE')) AS numbers, count(*) AS total
     FROM (SELECT json_type(attrs -> $name) AS t FROM logs WHERE (attrs -> $name) IS NOT NULL LIMIT 1000)`,
  );
  prepared.bind({ name });
  const [numbers, total] = (await prepared.runAndReadAll()).getRows()[0].map(Number);
  return total > 0 && numbers * 2 >= total;
}

/**
 * The `fields` slot: the columns a measure reads, as a select list — stored columns as they
 * are, attrs fields extracted (as numbers where they hold numbers). Never empty.
 */
export function fieldColumns(columns: readonly string[], fields: CompiledMetric['fields']): string {
  const list = columns.map(quoteIdentifier);
  for (const { name, numeric } of fields) {
    const value = `attrs ->> ${quoteString(name)}`;
    list.push(`${numeric ? `TRY_CAST(${value} AS DOUBLE)` : value} AS ${quoteIdentifier(name)}`);
  }
  return list.length > 0 ? list.join(', ') : 'NULL AS "no field"';
}

/** Whether the metric is 0 (a count) rather than NULL (a value) over no records. */
async function countsRecords(conn: DuckDBConnection, expression: string, fields: CompiledMetric['fields']): Promise<boolean> {
  const sql = `SELECT (${expression})::DOUBLE AS v FROM (SELECT *, ${fieldColumns([], fields)} FROM logs WHERE false)`;
  let rows;
  try {
    rows = (await conn.runAndReadAll(sql)).getRows();
  } catch (err) {
    throw new UsageError(`--metric ${JSON.stringify(expression)}: ${(err as Error).message}`);
  }
  // An aggregate gives one row over no records; a plain expression gives none.
  if (rows.length !== 1) throw new UsageError(`--metric ${JSON.stringify(expression)} must aggregate a bucket's records, e.g. avg(${expression}), max(...), count(*) FILTER (WHERE ...)`);
  return rows[0][0] !== null;
}

/** The `measures` slot text for a list of measures. */
export function measuresSlot(measures: readonly Measure[]): string {
  return measures
    .map(
      (m) =>
        `{'measure': ${quoteString(m.name)}, 'value': (${m.expression})::DOUBLE, 'empty': ${m.counted ? '0' : 'NULL'}::DOUBLE, ` +
        `'direction': ${quoteString(m.direction)}, 'counted': ${m.counted}}`,
    )
    .join(',\n');
}
