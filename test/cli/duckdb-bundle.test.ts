import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { duckdbLoad } from '../../src/duckdb.js';
import { REPO } from '../helpers.js';

/**
 * The build bundles DuckDB's JavaScript API into dist/vendor with V8's code cache
 * (src/build/vendor-duckdb.ts, issue 17: start-up); dist/src/duckdb.js loads it. Each case
 * runs a copy of the built module in a child process and reports how DuckDB was loaded and
 * what a query returned.
 */
const DIST = path.join(REPO, 'dist');
const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** dist/src/duckdb.js (with the paths it imports) and, unless `vendor` is false, dist/vendor copied into a temp dir beside the repo's node_modules. */
function copyBuild(vendor: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bundle-'));
  temps.push(dir);
  fs.mkdirSync(path.join(dir, 'src'));
  for (const file of ['duckdb.js', 'duckdb-vendored.js']) fs.copyFileSync(path.join(DIST, 'src', file), path.join(dir, 'src', file));
  if (vendor) fs.cpSync(path.join(DIST, 'vendor'), path.join(dir, 'vendor'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function load(duckdbJs: string): { from: string; codeCache: boolean; answer: number } {
  const script = `
    const m = await import(${JSON.stringify(duckdbJs)});
    const instance = await m.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const answer = Number((await connection.runAndReadAll('SELECT 6 * 7 AS a')).getRows()[0][0]);
    connection.closeSync();
    instance.closeSync();
    console.log(JSON.stringify({ ...m.duckdbLoad, answer }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as { from: string; codeCache: boolean; answer: number };
}

describe('DuckDB API bundle', () => {
  it('the build loads DuckDB from the bundle with its code cache taken', () => {
    expect(load(path.join(DIST, 'src', 'duckdb.js'))).toEqual({ from: 'bundle', codeCache: true, answer: 42 });
  });

  it('the tests load it too, from src/duckdb.ts, as the CLI does', () => {
    expect(duckdbLoad).toEqual({ from: 'bundle', codeCache: true });
  });

  it('a code cache made from another bundle of the same length is not used', () => {
    const dir = copyBuild(true);
    const bundle = path.join(dir, 'vendor', 'duckdb-node-api.cjs');
    const source = fs.readFileSync(bundle, 'utf8');
    const banner = "logscope's build";
    expect(source).toContain(banner);
    // Same length, other bytes: V8 checks only the length, so this is the hash check's case.
    fs.writeFileSync(bundle, source.replace(banner, "logscope's BUILD"));
    expect(load(path.join(dir, 'src', 'duckdb.js'))).toEqual({ from: 'bundle', codeCache: false, answer: 42 });
  });

  it('the unchanged copy takes the cache, so the case above fails only by the hash', () => {
    const dir = copyBuild(true);
    expect(load(path.join(dir, 'src', 'duckdb.js'))).toEqual({ from: 'bundle', codeCache: true, answer: 42 });
  });

  it('nothing but src/duckdb.ts (and the config helper of the early open) loads the package: a value of a second copy is refused by the first (bench and tests too)', () => {
    // A listValue() made by the package and bound by the bundle's API fails with "input is not
    // a DuckDBListValue", as the bench's Parquet write floor did; so every file takes DuckDB's
    // values from src/duckdb.ts and only types from the package.
    const valueImport = /^\s*import\s+(?!type\b)[^;]*?from\s+['"]@duckdb\/node-api(?:\/[^'"]*)?['"]|(?<!typeof import|\.resolve)\(\s*['"]@duckdb\/node-api(?:\/[^'"]*)?['"]\s*\)/m;
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && valueImport.test(fs.readFileSync(file, 'utf8'))) offenders.push(path.relative(REPO, file));
      }
    };
    for (const dir of ['src', 'bench', 'test', 'views']) walk(path.join(REPO, dir));
    // duckdb-early.ts takes only the package's config helper, which makes a native handle.
    expect(offenders.sort()).toEqual(['src/duckdb-early.ts', 'src/duckdb.ts']);
  });

  it('without the bundle (tsc alone), DuckDB is loaded from the package', () => {
    const dir = copyBuild(false);
    expect(load(path.join(dir, 'src', 'duckdb.js'))).toEqual({ from: 'package', codeCache: false, answer: 42 });
  });
});
