import { fileURLToPath } from 'node:url';

/**
 * Where the build (`npm run build`: src/build/vendor-duckdb.ts) writes `@duckdb/node-api`'s
 * JavaScript bundled into one file, and V8's code cache for it: dist/vendor/, beside dist/src/.
 * The tests, which run src/duckdb.ts itself, load the build's bundle too (`npm test` builds
 * first), so that they run DuckDB as the CLI does. Without a build the package is loaded.
 * A module of its own, with nothing to run: the build needs these paths without loading DuckDB.
 */
export const VENDORED_NODE_API = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/vendor/duckdb-node-api.cjs' : '../vendor/duckdb-node-api.cjs', import.meta.url));
export const VENDORED_CODE_CACHE = `${VENDORED_NODE_API}.v8cache`;
