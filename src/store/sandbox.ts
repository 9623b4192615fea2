import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './sql.js';

/** What a sealed connection may still touch on disk. */
export interface SealOptions {
  /** Absolute paths of the files queries may read (the store's live Parquet files). */
  readable: readonly string[];
  /**
   * Where DuckDB may spill a large sort or join: a directory of the reader's own, created by
   * DuckDB only when needed and removed by the reader when it closes.
   */
  spillDir: string;
}

/**
 * Seals a DuckDB connection for SQL written by users, in DuckDB itself: no file outside
 * `readable` (and the spill directory) can be read or written, no database attached, no
 * extension installed or loaded, no secret persisted; then the configuration is locked, so
 * no statement can undo any of it (`SET enable_external_access = true` fails).
 *
 * DuckDB's access list does not tell reading from writing: a file in `readable` could in
 * principle be overwritten in place (`COPY ... TO` a live file with `USE_TMP_FILE false`).
 * Only COPY and EXPORT write files, and {@link prepareReadOnly} refuses both at every
 * nesting DuckDB allows (`EXPLAIN ANALYZE`, several statements; `query()` takes SELECT only).
 *
 * Run every statement logscope needs with external access (ATTACH, view definitions) before
 * sealing: a sealed connection stays sealed until it is closed.
 */
export async function sealConnection(conn: DuckDBConnection, options: SealOptions): Promise<void> {
  // Setting the spill directory replaces DuckDB's default (`.tmp` under the working
  // directory), which would otherwise be writable by queries. One call for all the settings
  // (DuckDB runs them in order and stops at the first that fails): a round trip each was a
  // tenth of a plain query's start-up.
  const settings = [
    `SET temp_directory = ${quoteString(options.spillDir)}`,
    'SET allowed_directories = []',
    `SET allowed_paths = [${options.readable.map(quoteString).join(', ')}]`,
    'SET enable_external_access = false',
    ...['autoinstall_known_extensions', 'autoload_known_extensions', 'allow_community_extensions', 'allow_persistent_secrets'].map((s) => `SET ${s} = false`),
    'SET lock_configuration = true',
  ];
  await conn.run(settings.join(';\n'));
}
