import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResult } from '@duckdb/node-api';
import { StatementType } from '../duckdb.js';
import { QueryError } from '../errors.js';
import { explainedStatement, leadingKeyword, splitStatements } from './split.js';

const READ_ONLY_TYPES = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);
const READ_ONLY_KINDS = 'queries are read-only here (SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of a SELECT)';

function kindOf(type: StatementType): string {
  return StatementType[type] ?? String(type);
}

/** Prepares `sql`, which must be exactly one statement; DuckDB's own message on a parse error. */
async function prepareOne(conn: DuckDBConnection, sql: string, label: string): Promise<DuckDBPreparedStatement> {
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (err) {
    throw new QueryError((err as Error).message.replace(/^Failed to extract statements: /, ''), { cause: err });
  }
  // DuckDB expands a PIVOT without an IN list into a CREATE TYPE and a SELECT.
  if (extracted.count !== 1) throw new QueryError(`${label} is ${extracted.count} statements to DuckDB (as a PIVOT without IN (...) is): ${READ_ONLY_KINDS}; name the pivot values with IN (...)`);
  try {
    return await extracted.prepare(0);
  } catch (err) {
    // DuckDB checks file access, and whether a view can be written, while it binds, before the
    // statement's kind can be asked: name the kind when the text shows it writes.
    const kind = writingKind(sql);
    if (kind !== undefined) throw new QueryError(`${label} ${kind}: ${READ_ONLY_KINDS}`, { cause: err });
    throw queryError(err);
  }
}

/** First keywords of the statements that change something: files, the catalog, settings. */
const WRITING_WORDS = new Set([
  'ALTER', 'ANALYZE', 'ATTACH', 'BEGIN', 'CALL', 'CHECKPOINT', 'COMMENT', 'COMMIT', 'COPY', 'CREATE', 'DEALLOCATE', 'DELETE', 'DETACH', 'DROP', 'EXECUTE',
  'EXPORT', 'IMPORT', 'INSERT', 'INSTALL', 'LOAD', 'MERGE', 'PRAGMA', 'PREPARE', 'RESET', 'ROLLBACK', 'SET', 'TRUNCATE', 'UPDATE', 'USE', 'VACUUM',
]);

/** `is COPY` or `explains COPY` when a statement starts with a keyword of a statement that writes. */
function writingKind(sql: string): string | undefined {
  const explained = explainedStatement(sql);
  const word = leadingKeyword(explained ?? sql);
  if (word === undefined || !WRITING_WORDS.has(word)) return undefined;
  return `${explained === undefined ? 'is' : 'explains'} ${word}`;
}

/** DuckDB's error as a QueryError; a refused file access also says what a query may read. */
function queryError(err: unknown): QueryError {
  const message = (err as Error).message;
  if (!/^Permission Error/.test(message)) return new QueryError(message, { cause: err });
  const hint = "queries read the store's views (logs, log_records, unparsed, templates, sources, batches, alert_history) and no other file";
  return new QueryError(`${message.split('\n')[0]}: ${hint}`, { cause: err });
}

/**
 * Prepares every statement of `sql`, refusing any that could write: only SELECT (which
 * covers DESCRIBE, SHOW, SUMMARIZE, PIVOT with an IN list, FROM-first queries) and EXPLAIN
 * of such a statement run. The text is cut into statements here and each piece is prepared
 * alone, so what runs is exactly what was checked; a piece DuckDB does not read as one
 * statement is refused. DuckDB's own message is kept in the QueryError.
 *
 * This is the first of two walls: it gives a clear message. The second is the connection's
 * seal (`sealConnection` in the store), which stops file access in DuckDB itself.
 */
export async function prepareReadOnly(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement[]> {
  const pieces = splitStatements(sql);
  if (pieces.length === 0) throw new QueryError('no SQL statement given');
  const out: DuckDBPreparedStatement[] = [];
  for (const [i, piece] of pieces.entries()) {
    const label = `statement ${i + 1}`;
    const prepared = await prepareOne(conn, piece, label);
    if (!READ_ONLY_TYPES.has(prepared.statementType)) throw new QueryError(`${label} is ${kindOf(prepared.statementType)}: ${READ_ONLY_KINDS}`);
    if (prepared.statementType === StatementType.EXPLAIN) {
      // EXPLAIN ANALYZE runs what it explains: that must be read-only too.
      const inner = explainedStatement(piece);
      if (inner === undefined) throw new QueryError(`${label} is an EXPLAIN logscope cannot read: start it with EXPLAIN [ANALYZE]`);
      const explained = await prepareOne(conn, inner, `the statement ${label} explains`);
      const type = explained.statementType;
      explained.destroySync();
      if (type !== StatementType.SELECT) throw new QueryError(`${label} explains ${kindOf(type)}: ${READ_ONLY_KINDS}`);
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
    throw queryError(err);
  }
}
