import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBResult } from '@duckdb/node-api';
import { QueryError } from '../errors.js';

const READ_ONLY_TYPES = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Prepares every statement of `sql`, refusing any that could write: only
 * SELECT (which covers DESCRIBE, SHOW, SUMMARIZE, FROM-first queries) and EXPLAIN run.
 * DuckDB's own message is kept in the QueryError.
 */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement[]> {
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (err) {
    throw new QueryError((err as Error).message, { cause: err });
  }
  if (extracted.count === 0) throw new QueryError('no SQL statement given');
  const out: DuckDBPreparedStatement[] = [];
  for (let i = 0; i < extracted.count; i++) {
    let prepared: DuckDBPreparedStatement;
    try {
      prepared = await extracted.prepare(i);
    } catch (err) {
      throw new QueryError((err as Error).message, { cause: err });
    }
    if (!READ_ONLY_TYPES.has(prepared.statementType)) {
      const kind = StatementType[prepared.statementType] ?? String(prepared.statementType);
      throw new QueryError(`statement ${i + 1} is ${kind}: queries are read-only here (SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)`);
    }
    out.push(prepared);
  }
  return out;
}

/** Runs a prepared read-only statement as a stream of chunks. */
export async function streamPrepared(prepared: DuckDBPreparedStatement): Promise<DuckDBResult> {
  try {
    return await prepared.stream();
  } catch (err) {
    throw new QueryError((err as Error).message, { cause: err });
  }
}
