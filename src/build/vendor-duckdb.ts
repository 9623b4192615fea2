/**
 * The build's second step (`npm run build`, after tsc): bundles `@duckdb/node-api`'s JavaScript
 * into dist/vendor/duckdb-node-api.cjs and writes V8's code cache for it, which src/duckdb.ts
 * loads instead of the package's 60 modules (issue 17: start-up). The native bindings stay a
 * package of their own (`@duckdb/node-bindings`), required from the bundle as before.
 *
 * The cache is made by a child process that loads the bundle through src/duckdb.ts and runs the
 * API's common paths (open, run, read rows of most types, prepare and bind, stream, append),
 * so that it holds the bytecode of the functions a command calls, not only the top level.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENDORED_CODE_CACHE, VENDORED_NODE_API } from '../duckdb-vendored.js';

const WARM = '--warm';

async function bundle(): Promise<void> {
  // Imported here, not at the top: the warm child must not need esbuild (a devDependency). Nor
  // does this process load DuckDB: the paths come from a module that runs nothing.
  const { build } = await import('esbuild');
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@duckdb/node-api');
  const { version, license } = JSON.parse(fs.readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string; license: string };
  // A cache must never outlive the bundle it was made from (src/duckdb.ts also checks its hash).
  fs.rmSync(VENDORED_CODE_CACHE, { force: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@duckdb/node-bindings'],
    outfile: VENDORED_NODE_API,
    banner: { js: `// @duckdb/node-api ${version} (${license} license), bundled into one file by logscope's build (src/build/vendor-duckdb.ts)` },
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), WARM], { stdio: 'inherit' });
  if (!fs.existsSync(VENDORED_CODE_CACHE)) throw new Error(`the warm-up run wrote no code cache at ${VENDORED_CODE_CACHE}`);
}

/** Runs DuckDB's common paths through the bundle, then saves the code cache of what ran. */
async function warm(): Promise<void> {
  const { DuckDBInstance, duckdbLoad, listValue, saveDuckdbCodeCache } = await import('../duckdb.js');
  if (duckdbLoad.from !== 'bundle') throw new Error('the warm-up run did not load the bundle');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const types = `SELECT 1::INTEGER AS i, 2::BIGINT AS b, 1.5::DOUBLE AS d, 2.25::DECIMAL(9,2) AS m, 'x'::VARCHAR AS s, true AS t,
    TIMESTAMPTZ '2026-01-02 03:04:05+00' AS tz, TIMESTAMP '2026-01-02 03:04:05' AS ts, DATE '2026-01-02' AS dt, INTERVAL 5 MINUTE AS iv,
    [1, 2] AS l, {'k': 1} AS st, MAP {'a': 1} AS mp, NULL AS n, 'a'::ENUM('a', 'b') AS e, '\\x00'::BLOB AS bl, uuid() AS u, 2::HUGEINT AS h
    FROM range(3)`;
  const reader = await connection.runAndReadAll(types);
  reader.getRows();
  reader.getRowObjectsJson();
  reader.getRowsJson();
  reader.columnNames();
  reader.columnTypes();
  const prepared = await connection.prepare('SELECT $a::VARCHAR AS a, $b::BIGINT AS b, $c::VARCHAR[] AS c');
  prepared.bind({ a: 'a', b: 2, c: listValue(['x']) });
  (await prepared.runAndReadAll()).getRows();
  const stream = await connection.stream(types);
  while ((await stream.fetchChunk())?.rowCount) {
    // draining the stream
  }
  await connection.run('CREATE TABLE t (a VARCHAR)');
  const appender = await connection.createAppender('t');
  appender.appendVarchar('x');
  appender.endRow();
  appender.closeSync();
  connection.closeSync();
  instance.closeSync();
  saveDuckdbCodeCache();
}

if (process.argv.includes(WARM)) await warm();
else await bundle();
