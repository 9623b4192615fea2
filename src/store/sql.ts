import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { LIST, listValue, VARCHAR } from '../duckdb.js';

/**
 * Quoting for the few places where SQL text must carry a value that cannot be a
 * bound parameter (view definitions, ATTACH paths). Values from users never reach
 * SQL any other way than through bound parameters.
 */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Columns of text (or NULL) to bind as list parameters, with their type given: DuckDB infers a
 * list parameter's type from its values, so a list that starts with NULL would be bound as a
 * list of NULLs. Insert rows with `SELECT unnest($a), unnest($b), ...` (one statement instead of
 * one INSERT per row, which costs a millisecond or two each).
 * @example
 * await conn.run('INSERT INTO t SELECT * FROM (SELECT unnest($a), unnest($b)::BIGINT)', ...textLists({ a: ['x', null], b: ['1', '2'] }));
 */
export function textLists(columns: Record<string, (string | null)[]>): [Record<string, DuckDBValue>, Record<string, DuckDBType>] {
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  for (const [name, column] of Object.entries(columns)) {
    values[name] = listValue(column);
    types[name] = LIST(VARCHAR);
  }
  return [values, types];
}
