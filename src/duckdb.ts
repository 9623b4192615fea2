import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { VENDORED_CODE_CACHE, VENDORED_NODE_API } from './duckdb-vendored.js';

type NodeApi = typeof import('@duckdb/node-api');

/** How this process loaded DuckDB's API: the build's bundle (with or without its code cache) or the package. */
export interface DuckdbLoad {
  from: 'bundle' | 'package';
  /** Whether V8 took the bundle's code cache (false: there was none, it was for another source or another V8). */
  codeCache: boolean;
}

let bundleScript: vm.Script | undefined;
let bundleSourceHash: string | undefined;

/**
 * The values of `@duckdb/node-api`, loaded with require() semantics, never an ESM `import`: the
 * package is CommonJS, and an ESM import makes Node scan its JavaScript for export names first
 * (cjs-module-lexer), about 0.2 s of CPU at every start-up (issue 17).
 *
 * The package is some 60 small modules; resolving, reading and compiling them took about 0.1 s of
 * the 0.35 s of `logscope sql "SELECT 1"`. The build bundles them into one file and stores V8's
 * code cache of it, taken after a run of DuckDB's common paths (bytecode of the functions a
 * query calls, not only the top level), so loading it is one read and no compiling. The cache
 * starts with the SHA-1 of the source it was made from: V8 itself checks only the source's
 * length, so a cache left beside a rebuilt bundle would otherwise run the old bundle's code.
 * Import DuckDB's values from here and its types (`import type`) from the package.
 */
function loadNodeApi(): { api: NodeApi; load: DuckdbLoad } {
  let source: string;
  try {
    source = fs.readFileSync(VENDORED_NODE_API, 'utf8');
  } catch {
    return { api: createRequire(import.meta.url)('@duckdb/node-api') as NodeApi, load: { from: 'package', codeCache: false } };
  }
  bundleSourceHash = createHash('sha1').update(source).digest('hex');
  const cachedData = readCodeCache(bundleSourceHash);
  bundleScript = new vm.Script(Module.wrap(source), { filename: VENDORED_NODE_API, cachedData });
  const module = { exports: {} as NodeApi };
  const wrapper = bundleScript.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(VENDORED_NODE_API), module, VENDORED_NODE_API, path.dirname(VENDORED_NODE_API));
  return { api: module.exports, load: { from: 'bundle', codeCache: cachedData !== undefined && !bundleScript.cachedDataRejected } };
}

/** The cache's V8 data when it was made from the source with this hash; undefined otherwise. */
function readCodeCache(sourceHash: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = fs.readFileSync(VENDORED_CODE_CACHE);
  } catch {
    return undefined;
  }
  const newline = cache.indexOf(10);
  return newline > 0 && cache.toString('latin1', 0, newline) === sourceHash ? cache.subarray(newline + 1) : undefined;
}

/**
 * Writes V8's code cache of the bundle as this process has compiled it so far (the build calls it
 * after running DuckDB's common paths). Throws when the API was not loaded from the bundle.
 */
export function saveDuckdbCodeCache(): void {
  if (bundleScript === undefined || bundleSourceHash === undefined) throw new Error(`DuckDB's API was not loaded from ${VENDORED_NODE_API}`);
  const data = bundleScript.createCachedData();
  const temp = `${VENDORED_CODE_CACHE}.${process.pid}.tmp`;
  fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${bundleSourceHash}\n`, 'latin1'), data]));
  fs.renameSync(temp, VENDORED_CODE_CACHE);
}

const { api: duckdb, load } = loadNodeApi();

/** How DuckDB's API was loaded in this process (a test checks that the build's CLI takes the bundle and its cache). */
export const duckdbLoad: Readonly<DuckdbLoad> = Object.freeze(load);

export const { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter, LIST, StatementType, VARCHAR, listValue, timestampTZValueFromDate, version } = duckdb;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export type DuckDBTypeId = import('@duckdb/node-api').DuckDBTypeId;
export type StatementType = import('@duckdb/node-api').StatementType;
