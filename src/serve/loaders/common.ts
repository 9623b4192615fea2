import type { DuckDBConnection } from '@duckdb/node-api';
import { prepareQuery, type QueryName, type QueryParams } from '../../query/index.js';

/** Runs a query of the `sql/` registry and returns its rows as plain objects. */
export async function runQuery<N extends QueryName>(conn: DuckDBConnection, name: N, params: QueryParams<N>, slots: Readonly<Record<string, string>> = {}): Promise<Record<string, unknown>[]> {
  const prepared = await prepareQuery(conn, name, params, slots);
  try {
    return (await prepared.runAndReadAll()).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    prepared.destroySync();
  }
}

/** A TIMESTAMP or TIMESTAMPTZ as DuckDB prints it (`2026-11-20 01:55:00`, `...+00`) → ms since the epoch (UTC). */
export function msOf(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return Date.parse(/Z|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
}

/** A number from a DuckDB JSON value (numbers, bigint text); null stays null. */
export function num(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** The start of the bucket holding `ms`, aligned as the queries of `sql/` align them (to 2000-01-03 UTC). */
export function alignBucket(ms: number, bucketMs: number): number {
  const origin = Date.UTC(2000, 0, 3);
  return Math.floor((ms - origin) / bucketMs) * bucketMs + origin;
}
