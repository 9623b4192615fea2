import type { DuckDBConnection } from '@duckdb/node-api';
import { prepareQuery, type QueryParams } from '../query/index.js';

/** A log template as `sql/patterns.sql` lists it. */
export interface Pattern {
  id: number;
  count: number;
  /** Lines since `since`, when it was given. */
  recent: number | null;
  /** ISO. */
  first_seen: string;
  last_seen: string;
  text: string;
  levels: Record<string, number>;
  /** The first line seen with this template. */
  example: string;
  example_source: string;
  example_line: number;
  signatures: number;
}

/**
 * The templates of the store, filtered and sorted as `sql/patterns.sql` does.
 *
 * @example
 * const errors = await listPatterns(reader.connection, { level: 'ERROR', sort: 'count', limit: 20 });
 */
export async function listPatterns(conn: DuckDBConnection, params: QueryParams<'patterns'> = {}): Promise<Pattern[]> {
  const prepared = await prepareQuery(conn, 'patterns', params);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    count: Number(r.count),
    recent: r.recent === null ? null : Number(r.recent),
    first_seen: isoOf(String(r.first_seen)),
    last_seen: isoOf(String(r.last_seen)),
    text: String(r.text),
    levels: Object.fromEntries(Object.entries(r.levels as Record<string, string>).map(([k, v]) => [k, Number(v)])),
    example: String(r.example),
    example_source: String(r.example_source),
    example_line: Number(r.example_line),
    signatures: Number(r.signatures),
  }));
}

/**
 * New-pattern detection: the templates first seen at or after `since` (ISO, or a time ago such
 * as `1h`), with their count and first line, oldest first — the early warning of a failure
 * mode that never happened before. What an alert rule calls.
 */
export async function findNewPatterns(conn: DuckDBConnection, since: string, options: { level?: QueryParams<'patterns'>['level']; limit?: number } = {}): Promise<Pattern[]> {
  const found = await listPatterns(conn, { new_since: since, level: options.level ?? '', sort: 'first_seen', limit: options.limit ?? 1000 });
  return found.reverse();
}

/** `2026-11-20 01:55:00+00` → `2026-11-20T01:55:00.000Z`. */
function isoOf(text: string): string {
  const d = new Date(text.replace(' ', 'T').replace(/\+00$/, 'Z'));
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}
