import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { runChunkTask } from '../../src/ingest/index.js';
import { describeWriteFailure, StoreWriter } from '../../src/store/index.js';
import { CLI, query, REPO, runCliHere, spawnCli, tmpDir } from '../helpers.js';
import { listedFiles, parquetOnDisk as parquetFiles } from '../store/store-state.js';

/** The most a fatal error may take to end the process (the bug: it never did). */
const EXIT_DEADLINE_MS = 10_000;
/** Multi-batch ingests: many chunks, a commit every megabyte. */
const SMALL_BATCHES = ['--workers', '2', '--chunk-size', '64K', '--batch-size', '1M', '--quiet'];
/** Lines of the file that faults hit: about 5.4 MB, five batches. */
const BIG_LINES = 60_000;

/** Writes `lines` log lines, about 90 bytes each; line i is `... request i ...`. */
function writeLog(file: string, lines: number, host = 'web'): void {
  const fd = fs.openSync(file, 'w');
  let s = '';
  for (let i = 1; i <= lines; i++) {
    s += `${new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString()} ${host}-${i % 4} app[${i % 97}]: INFO request ${i} served in ${i % 300} ms user=${(i * 7919) % 100000}\n`;
    if (s.length > 1 << 20) {
      fs.writeSync(fd, s);
      s = '';
    }
  }
  fs.writeSync(fd, s);
  fs.closeSync(fd);
}

/** What a reader sees: rows per source, each line once, and the manifest and catalog behind them. */
async function storeState(data: string) {
  const rows = await query(
    data,
    `SELECT s.path, s.lines::INT AS manifest_lines, s."offset"::BIGINT AS "offset",
            (SELECT count(*) FROM logs l WHERE l.source = s.path)::INT AS n,
            (SELECT count(DISTINCT line) FROM logs l WHERE l.source = s.path)::INT AS distinct_lines,
            (SELECT coalesce(max(line), 0) FROM logs l WHERE l.source = s.path)::INT AS max_line
     FROM sources s ORDER BY s.path`,
  );
  const [totals] = await query(data, `SELECT (SELECT count(*) FROM logs)::INT AS n, (SELECT coalesce(sum(parsed), 0) FROM batches)::INT AS committed`);
  return { sources: rows, totals, listed: await listedFiles(data) };
}

/** Asserts the store holds whole committed batches only: a prefix of each file, each line once, as the manifest says. */
function expectWholeBatches(state: Awaited<ReturnType<typeof storeState>>, data: string): void {
  expect(state.totals.n).toBe(state.totals.committed);
  for (const s of state.sources) {
    expect(s.n).toBe(s.manifest_lines);
    expect(s.distinct_lines).toBe(s.n);
    expect(s.max_line).toBe(s.n);
  }
  // No Parquet file left behind that the catalog does not list, no staging left.
  expect(parquetFiles(data)).toEqual(state.listed);
  expect(fs.existsSync(path.join(data, '.staging'))).toBe(false);
  expect(fs.existsSync(path.join(data, '.ingest.lock'))).toBe(false);
}

/** Asserts stderr is the one line `logscope: <expected...>`, no stack. */
function expectOneLine(stderr: string, expected: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
  expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Milliseconds from the fault to the exit. */
  afterFault: number;
}

/**
 * Spawns `logscope ingest`, waits until its first batch is committed (a Parquet file under
 * data/logs), applies the fault, and waits for the exit (killing it past 60 s).
 */
async function ingestWithFault(args: string[], data: string, fault: () => void): Promise<Exit | 'finished-first'> {
  const child = spawnCli(args);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (status, signal) => resolve({ status, signal })));
  const before = new Set(parquetFiles(data));
  while (child.exitCode === null && child.signalCode === null && parquetFiles(data).every((f) => before.has(f))) await new Promise((r) => setTimeout(r, 5));
  if (child.exitCode !== null || child.signalCode !== null) return 'finished-first';
  fault();
  const faultAt = Date.now();
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const { status, signal } = await exited;
  clearTimeout(killer);
  return { status, signal, stderr, afterFault: Date.now() - faultAt };
}

/** Mounts a tmpfs of `size` (needs root); undefined where that is not possible. */
function mountTmpfs(size: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) {
    mounts.push(dir);
    return dir;
  }
  fs.rmdirSync(dir);
  console.warn(`\n*** cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').replace(/\s+/g, ' ').trim()}): the real disk-full test is SKIPPED; the ENOSPC mapping is still tested on /dev/full ***\n`);
  return undefined;
}
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.splice(0)) {
    spawnSync('umount', [dir]);
    fs.rmdirSync(dir);
  }
});

describe('fatal errors end the ingest', () => {
  it('disk full: exits 1 within seconds naming ENOSPC and the data directory, keeps the committed batches, and a later ingest into a roomy directory completes', async (ctx) => {
    const tmpfs = mountTmpfs('4m');
    if (tmpfs === undefined) return ctx.skip();
    const dir = tmpDir();
    const small = path.join(dir, 'small.log');
    const big = path.join(dir, 'big.log');
    writeLog(small, 5_000, 'db');
    writeLog(big, BIG_LINES);
    const data = path.join(tmpfs, 'data');
    expect((await runCliHere(['ingest', small, '--data', data, '--quiet'])).status).toBe(0);
    const before = await storeState(data);

    const started = Date.now();
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawnCli(['ingest', big, '--data', data, ...SMALL_BATCHES]);
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (status) => {
        clearTimeout(killer);
        resolve({ status, stderr });
      });
    });
    const elapsed = Date.now() - started;
    expect(r.status).toBe(1);
    expectOneLine(r.stderr, new RegExp(`^logscope: ENOSPC: disk full at ${escape(data)}: .*free space there`));
    expect(elapsed).toBeLessThan(EXIT_DEADLINE_MS + 5_000);

    const after = await storeState(data);
    expectWholeBatches(after, data);
    // The small file is untouched; of the big one, whatever batches committed before the disk filled.
    expect(after.sources.find((s) => s.path === small)).toEqual(before.sources.find((s) => s.path === small));
    const bigRows = after.sources.find((s) => s.path === big)?.n ?? 0;
    expect(bigRows).toBeLessThan(BIG_LINES);
    expect(after.totals.n).toBe(5_000 + bigRows);

    const roomy = path.join(dir, 'roomy');
    fs.cpSync(data, roomy, { recursive: true });
    const rerun = (await runCliHere(['ingest', big, '--data', roomy, ...SMALL_BATCHES]));
    expect(rerun.status, rerun.stderr).toBe(0);
    const done = await storeState(roomy);
    expectWholeBatches(done, roomy);
    expect(done.sources.map((s) => [s.path, s.n])).toEqual([[big, BIG_LINES], [small, 5_000]]);
  });

  it('a file that shrinks while it is read: exits 1 within seconds naming the file, keeps the committed batches, and resumes once the file is whole again', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    const original = path.join(dir, 'original.log');
    writeLog(original, BIG_LINES);
    fs.copyFileSync(original, file);
    const data = path.join(dir, 'data');
    const r = await ingestWithFault(['ingest', file, '--data', data, ...SMALL_BATCHES], data, () => fs.truncateSync(file, 256 << 10));
    if (r === 'finished-first') throw new Error('the ingest finished before the file was truncated: make the file bigger');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expectOneLine(r.stderr, new RegExp(`^logscope: ${escape(file)}: shrank while being read \\(it is now 262144 bytes`));
    expect(r.afterFault).toBeLessThan(EXIT_DEADLINE_MS);
    const after = await storeState(data);
    expectWholeBatches(after, data);
    expect(after.sources).toHaveLength(1);
    expect(after.sources[0].n).toBeGreaterThan(0);

    fs.copyFileSync(original, file);
    const rerun = (await runCliHere(['ingest', file, '--data', data, ...SMALL_BATCHES]));
    expect(rerun.status, rerun.stderr).toBe(0);
    const done = await storeState(data);
    expectWholeBatches(done, data);
    expect(done.sources.map((s) => s.n)).toEqual([BIG_LINES]);
  });

  it('a worker that fails on its chunk (the file deleted mid-ingest) ends the process within seconds, naming the file', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    writeLog(file, BIG_LINES);
    const data = path.join(dir, 'data');
    const r = await ingestWithFault(['ingest', file, '--data', data, ...SMALL_BATCHES], data, () => fs.rmSync(file));
    if (r === 'finished-first') throw new Error('the ingest finished before the file was deleted: make the file bigger');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expectOneLine(r.stderr, new RegExp(`^logscope: ${escape(file)}: could not be read any more \\(ENOENT\\)`));
    expect(r.afterFault).toBeLessThan(EXIT_DEADLINE_MS);
    expectWholeBatches(await storeState(data), data);
  });

  it('a fatal error while a batch commits ends the process within seconds, with that batch whole', async () => {
    // The reported hang: a worker failed while the previous batch was being committed; the
    // connection was closed under the running COPY, whose thread then deadlocked in DuckDB
    // (or crashed), and the process never exited. Here the file is cut the moment a batch
    // is handed to the commit, so the next chunks fail while it runs.
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    writeLog(file, BIG_LINES);
    const data = path.join(dir, 'data');
    const ingestModule = pathToFileURL(path.join(REPO, 'dist/src/ingest/index.js')).href;
    const script = `
      import fs from 'node:fs';
      import { ingest } from ${JSON.stringify(ingestModule)};
      const batchBytes = 1 << 20;
      let cut = false;
      try {
        await ingest({ inputs: [${JSON.stringify(file)}], dataDir: ${JSON.stringify(data)}, format: { name: 'auto', options: {} }, workers: 2, chunkBytes: 64 << 10, batchBytes,
          onProgress: (p) => { if (!cut && p.bytesDone >= batchBytes) { cut = true; fs.truncateSync(${JSON.stringify(file)}, 256 << 10); } } });
        console.log('finished');
      } catch (err) {
        console.log('failed: ' + err.message);
        // As the CLI's main() does after a fatal error: the process may take 2 s to wind down.
        // (Under load a failed ingest can leave a native handle open for longer: see the note
        // in bench/fault-race.ts; the CLI is covered by this guard, a library caller is not.)
        setTimeout(() => process.exit(), 2000).unref();
      }`;
    // A script file, not --eval: the parse workers inherit the parent's execArgv.
    const scriptFile = path.join(dir, 'cut-during-commit.mjs');
    fs.writeFileSync(scriptFile, script);
    const started = Date.now();
    const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(status).toBe(0);
    expect(stdout).toContain(`failed: ${file}: shrank while being read`);
    expect(Date.now() - started).toBeLessThan(EXIT_DEADLINE_MS + 5_000);
    const state = await storeState(data);
    expectWholeBatches(state, data);
    expect(state.totals.n).toBeGreaterThan(0);
  });

  it('closing the writer while a batch commits waits for the commit: the batch is stored, then the lock is released', () => {
    const data = path.join(tmpDir(), 'data');
    const storeModule = pathToFileURL(path.join(REPO, 'dist/src/store/index.js')).href;
    const script = `
      import { StoreWriter, createBatchId } from ${JSON.stringify(storeModule)};
      const store = await StoreWriter.open(${JSON.stringify(data)});
      const source = { sourceId: 's1', path: '/x.log', fingerprint: 'f', fpLen: 1, compressed: false, size: 10, offset: 10, lines: 1, format: 'syslog', counts: { parsed: 0, unparsed: 0, blank: 1, joined: 0 }, tailHash: '', tailLen: 0, fileId: '' };
      store.commitBatch({ id: createBatchId(), chunks: [], counts: { lines: 1, parsed: 0, unparsed: 0, blank: 1, bytes: 10 }, sources: [source] })
        .then(() => console.log('committed'), (err) => console.log('commit failed: ' + err.message));
      await store.close();
      // The lock is released when another writer of this process can take it.
      const again = await StoreWriter.open(${JSON.stringify(data)}).then((w) => w.close().then(() => 'released'), (err) => 'held: ' + err.message);
      console.log('closed, lock ' + again);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim().split('\n')).toEqual(['committed', 'closed, lock released']);
    expect(r.status).toBe(0);
  });

  it('a commit whose catalog transaction fails leaves no Parquet file of the batch behind', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const store = await StoreWriter.open(data);
    try {
      const stagingDir = store.createStagingDir('run-test');
      const lines = new TextEncoder().encode('2026-11-25T10:00:00Z h app[1]: INFO a\n2026-11-26T10:00:00Z h app[1]: INFO b\nnope\n');
      const r = await runChunkTask({ seq: 0, input: { kind: 'bytes', data: lines }, format: { name: 'syslog', options: {} }, timezone: 'UTC', referenceMicros: 0, stagingDir });
      const chunk = { source: 'a.log', format: 'syslog', base: 0, dayFiles: r.dayFiles, unparsedFile: r.unparsedFile, unparsedRows: r.unparsedRows };
      // The Parquet files are written and moved into logs/ and unparsed/ before the catalog
      // transaction; a manifest entry DuckDB cannot store (an offset that is no number) fails it.
      const source = { sourceId: 's1', path: 'a.log', fingerprint: 'f', fpLen: 1, compressed: false, size: 100, offset: 'past the end' as unknown as number, lines: 3, format: 'syslog', counts: { parsed: 2, unparsed: 1, blank: 0, joined: 0 }, tailHash: '', tailLen: 0, fileId: '' };
      await expect(store.commitBatch({ id: 'b1', chunks: [chunk], counts: { lines: 3, parsed: 2, unparsed: 1, blank: 0, bytes: lines.length }, sources: [source] })).rejects.toThrow(/past the end/);
      expect(parquetFiles(data)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(await listedFiles(data)).toEqual([]);
  });

  it('after reporting a fatal error the CLI exits within seconds even if a handle still holds the event loop', async () => {
    // The leak stands for any handle a failed run might leave open: a timer set before the command runs.
    const dir = tmpDir();
    const leak = path.join(dir, 'leak.mjs');
    fs.writeFileSync(leak, 'setInterval(() => {}, 60_000);\n');
    const log = path.join(dir, 'app.log');
    writeLog(log, 10);
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', pathToFileURL(leak).href, CLI, 'ingest', log, '--data', path.join(dir, 'data'), '--input-format', 'no-such-format'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(status).toBe(1);
    expectOneLine(stderr, /^logscope: .*no-such-format/);
    expect(Date.now() - started).toBeLessThan(EXIT_DEADLINE_MS);
  });

  it('reports a full disk as one StoreError naming the data directory, for Node and DuckDB writes alike', async () => {
    // Real ENOSPC errors, from writing /dev/full (no root needed).
    let nodeError: unknown;
    try {
      fs.writeFileSync('/dev/full', 'x');
    } catch (err) {
      nodeError = err;
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    let duckError: unknown;
    try {
      await conn.run(`COPY (SELECT range AS x, repeat('a', 40) AS y FROM range(200000)) TO '/dev/full' (FORMAT parquet)`);
    } catch (err) {
      duckError = err;
    }
    conn.closeSync();
    db.closeSync();
    for (const err of [nodeError, duckError]) {
      expect(err).toBeDefined();
      const described = describeWriteFailure(err, '/srv/logs');
      expect(described).toBeInstanceOf(StoreError);
      expect((described as Error).message).toMatch(/^ENOSPC: disk full at \/srv\/logs: /);
    }
    const other = new Error('IO Error: Permission denied');
    expect(describeWriteFailure(other, '/srv/logs')).toBe(other);
  });
});
