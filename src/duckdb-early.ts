import { createRequire } from 'node:module';

/** What `@duckdb/node-bindings`' open() resolves to: the handle `new DuckDBInstance(db)` takes. */
type Database = ConstructorParameters<typeof import('@duckdb/node-api').DuckDBInstance>[0];

let early: Promise<Database> | undefined;

/**
 * Starts opening an in-memory DuckDB database before `@duckdb/node-api`'s modules are loaded:
 * DuckDB opens it on a thread of its own (about 20 ms) while the main thread loads the API's
 * JavaScript (about 70 ms), so `logscope sql` does not wait for both one after the other
 * (issue 17: start-up under 0.25 s). Needs only the native bindings and the API's config
 * helper, the same one `DuckDBInstance.create` uses. The next store reader takes it
 * ({@link takeEarlyMemoryDatabase}); nothing else does.
 */
export function openMemoryDatabaseEarly(): void {
  if (early !== undefined) return;
  const require = createRequire(import.meta.url);
  const bindings = require('@duckdb/node-bindings') as { open(path: string, config: unknown): Promise<Database> };
  const { createConfig } = require('@duckdb/node-api/lib/createConfig.js') as { createConfig(options: Record<string, string>): unknown };
  early = bindings.open(':memory:', createConfig({}));
  // A failure surfaces to whoever takes it; untaken, it is not an unhandled rejection.
  early.catch(() => undefined);
}

/** The database {@link openMemoryDatabaseEarly} started, once; undefined when none was started or it was taken. */
export function takeEarlyMemoryDatabase(): Promise<Database> | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
