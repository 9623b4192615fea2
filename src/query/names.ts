import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The queries of `sql/` by name, with their files: what `logscope sql NAME` accepts. Without
 * zod, so that a command that only needs the names (`logscope sql "SELECT 1"`) starts without
 * the parameter schemas of `registry.ts` (issue 17: start-up).
 */
export const QUERY_FILES = {
  'top-errors': 'top-errors.sql',
  'top-error-patterns': 'top-error-patterns.sql',
  trends: 'trends.sql',
  zscore: 'zscore.sql',
  patterns: 'patterns.sql',
  template_trends: 'template_trends.sql',
  log_lines: 'log_lines.sql',
  log_context: 'log_context.sql',
  ingest_sources: 'ingest_sources.sql',
  ingest_batches: 'ingest_batches.sql',
  top_series: 'top_series.sql',
  store_summary: 'store_summary.sql',
  explain: 'explain.sql',
} as const;

export type QueryName = keyof typeof QUERY_FILES;

/** Whether `name` is one of the queries in `sql/`. */
export function isQueryName(name: string): name is QueryName {
  return Object.hasOwn(QUERY_FILES, name);
}

let sqlDir: string | undefined;

/** The project's `sql/` folder, found from this file whether it runs from `src/` or `dist/src/`. */
export function findSqlDir(): string {
  if (sqlDir !== undefined) return sqlDir;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'sql'))) return (sqlDir = path.join(dir, 'sql'));
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the sql/ folder of logscope');
    dir = up;
  }
}
