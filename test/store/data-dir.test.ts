import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { createBatchId } from '../../src/store/index.js';
import { query, runCli, runCliHere, tmpDir } from '../helpers.js';

const LOG = '2026-11-20T00:00:01Z web-1 app[1]: INFO first\n2026-11-20T00:00:02Z web-1 app[1]: INFO second\nnot a syslog line\n';
const MORE = '2026-11-20T00:00:03Z web-1 app[1]: INFO third\n';

let dir: string;
let log: string;
let more: string;
let parquet: Buffer;

beforeAll(async () => {
  dir = tmpDir();
  log = path.join(dir, 'app.log');
  more = path.join(dir, 'more.log');
  fs.writeFileSync(log, LOG);
  fs.writeFileSync(more, MORE);
  // A real Parquet file of the user's own, to put where logscope keeps its files.
  const out = path.join(dir, 'user.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  await conn.run(`COPY (SELECT range AS n, 'mine' AS owner FROM range(10)) TO '${out}' (FORMAT parquet)`);
  conn.closeSync();
  db.closeSync();
  parquet = fs.readFileSync(out);
});

/** `logscope ingest` as the user runs it (its output and exit status). */
async function ingestCli(data: string, file = log) {
  return (await runCliHere(['ingest', file, '--data', data, '--input-format', 'syslog', '--workers', '1', '--no-mining', '--quiet']));
}

/** The same ingest in this process (no process start-up, no DuckDB load: a fraction of the time). */
async function ingestHere(data: string, file = log): Promise<void> {
  const summary = await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, workers: 1 });
  expect(summary.errors).toEqual([]);
}

/** Every file under root with its bytes, to compare a directory before and after. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(root, { recursive: true }).map(String).sort()) {
    const full = path.join(root, rel);
    out[rel] = fs.statSync(full).isDirectory() ? 'dir' : fs.readFileSync(full).toString('base64');
  }
  return out;
}

function put(file: string, bytes: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
}

async function lineCount(data: string): Promise<number> {
  const [{ n }] = await query(data, 'SELECT (SELECT count(*) FROM logs) + (SELECT count(*) FROM unparsed) AS n');
  return Number(n);
}

describe('data directory ownership', () => {
  it('refuses a non-empty directory without the marker, and leaves every file in it as it was', async () => {
    const data = path.join(tmpDir(), 'mine');
    put(path.join(data, 'logs', 'dt=2026-11-20', 'export.parquet'), parquet);
    put(path.join(data, 'logs', 'dt=2026-11-20', `part-${createBatchId()}.parquet`), parquet);
    put(path.join(data, 'unparsed', 'part-x.parquet'), parquet);
    put(path.join(data, 'notes.txt'), 'my notes\n');
    const before = snapshot(data);
    const r = await ingestCli(data);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 1,
      stderr: `logscope: ${data} is not a logscope data directory (it holds files logscope did not write); pass an empty or new directory to --data\n`,
    });
    expect(snapshot(data)).toEqual(before);
  });

  it('refuses a directory whose catalog.duckdb is a database logscope did not write, and leaves it as it was', async () => {
    const data = path.join(tmpDir(), 'theirs');
    fs.mkdirSync(data);
    const db = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'));
    const conn = await db.connect();
    await conn.run('CREATE TABLE accounts AS SELECT 1 AS id');
    conn.closeSync();
    db.closeSync();
    const before = snapshot(data);
    const r = await ingestCli(data);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`logscope: ${data} is not a logscope data directory (it holds files logscope did not write); pass an empty or new directory to --data\n`);
    expect(snapshot(data)).toEqual(before);
    const read = (await runCliHere(['sql', '--data', data, 'SELECT count(*) FROM logs']));
    expect(read.stderr).toBe(`logscope: ${data} is not a logscope data directory (it holds files logscope did not write); pass the directory that "logscope ingest --data" wrote\n`);
  });

  it('refuses a --data that is a file, and leaves it as it was', async () => {
    const data = path.join(tmpDir(), 'data.parquet');
    put(data, parquet);
    const r = await ingestCli(data);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: `logscope: ${data} is not a directory; pass an empty or new directory to --data\n` });
    expect(fs.readFileSync(data).equals(parquet)).toBe(true);
  });

  it('reading a directory logscope did not write says so', async () => {
    const data = path.join(tmpDir(), 'mine');
    put(path.join(data, 'logs', 'dt=2026-11-20', 'export.parquet'), parquet);
    const r = (await runCliHere(['sql', '--data', data, 'SELECT count(*) FROM logs']));
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 1,
      stderr: `logscope: ${data} is not a logscope data directory (it holds files logscope did not write); pass the directory that "logscope ingest --data" wrote\n`,
    });
  });

  it('creates and marks a new directory, and takes an empty one', async () => {
    const root = tmpDir();
    for (const data of [path.join(root, 'new', 'data'), fs.mkdtempSync(path.join(root, 'empty-'))]) {
      await ingestHere(data);
      expect(JSON.parse(fs.readFileSync(path.join(data, '.logscope'), 'utf8'))).toEqual({ logscope: 'data directory', format: 1 });
      expect(await lineCount(data)).toBe(3);
    }
  });

  it('accepts a store an earlier logscope wrote (a catalog, no marker) and marks it', async () => {
    const data = path.join(tmpDir(), 'data');
    await ingestHere(data);
    // As logscope wrote stores before the marker: catalog.duckdb, logs/, unparsed/.
    for (const f of ['.logscope', '.writer.lock']) fs.rmSync(path.join(data, f));
    expect(await lineCount(data)).toBe(3); // readable as it is
    await ingestHere(data, more);
    expect(fs.existsSync(path.join(data, '.logscope'))).toBe(true);
    expect(await lineCount(data)).toBe(4);
  });

  it('refuses a store marked with a newer data format', async () => {
    const data = path.join(tmpDir(), 'data');
    await ingestHere(data);
    fs.writeFileSync(path.join(data, '.logscope'), JSON.stringify({ logscope: 'data directory', format: 2 }));
    const r = await ingestCli(data, more);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: `logscope: ${data} was written by a newer logscope (data format 2; this one reads format 1); upgrade logscope to use it\n` });
  });
});

describe('orphan clean-up', () => {
  it('keeps files under logs/ and unparsed/ that logscope did not write', async () => {
    const data = path.join(tmpDir(), 'data');
    await ingestHere(data);
    const day = path.join(data, 'logs', 'dt=2026-11-20');
    const theirs = [
      path.join(day, 'export.parquet'),
      path.join(day, 'part-20261120.parquet'),
      path.join(data, 'logs', 'archive', `part-${createBatchId()}.parquet`), // our name, not our place
      path.join(data, 'logs', `part-${createBatchId()}.parquet`),
      path.join(data, 'unparsed', 'mine.parquet'),
    ];
    for (const f of theirs) put(f, parquet);
    await ingestHere(data, more);
    for (const f of theirs) expect(fs.readFileSync(f).equals(parquet), f).toBe(true);
    expect(await lineCount(data)).toBe(4);
  });

  it('removes the files of a batch that never committed, and only those', async () => {
    const data = path.join(tmpDir(), 'data');
    await ingestHere(data);
    const day = path.join(data, 'logs', 'dt=2026-11-20');
    const committed = fs.readdirSync(day);
    const unparsed = fs.readdirSync(path.join(data, 'unparsed'));
    // What a batch killed between moving its files into place and its catalog commit leaves.
    const uncommitted = createBatchId();
    const orphans = [path.join(day, `part-${uncommitted}.parquet`), path.join(data, 'logs', 'dt=2026-11-21', `part-${uncommitted}.parquet`), path.join(data, 'unparsed', `part-${uncommitted}.parquet`)];
    for (const f of orphans) put(f, fs.readFileSync(path.join(day, committed[0])));
    await ingestHere(data, more);
    expect(orphans.filter((f) => fs.existsSync(f))).toEqual([]);
    for (const f of committed) expect(fs.existsSync(path.join(day, f))).toBe(true);
    for (const f of unparsed) expect(fs.existsSync(path.join(data, 'unparsed', f))).toBe(true);
    expect(await lineCount(data)).toBe(4);
  });
});
