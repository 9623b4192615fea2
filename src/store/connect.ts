import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** A connection whose session time zone is UTC, so TIMESTAMPTZ values print and truncate in UTC. */
export async function connectUtc(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return conn;
}
