import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactStore, openStoreReader, planCompaction, StoreWriter, sweepRetired, type LiveFile } from '../../src/store/index.js';
import { CLI, query, REPO, runCliHere, tmpDir } from '../helpers.js';
import { listedFiles, parquetOnDisk, readFingerprint, writeTimedLog } from './store-state.js';

/** A store of micro-batches: three days, a dozen small files and more, unparsed lines in several of them. */
let fixture: string;
let before: Record<string, unknown>;

beforeAll(async () => {
  const dir = tmpDir('logscope-compact-');
  const log = path.join(dir, 'app.log');
  writeTimedLog(log, Date.UTC(2026, 10, 18), 2400, 100_000, (i) =>
    i % 40 === 0 ? `ERROR disk full on /dev/sd${i % 3}` : `INFO request ${i} served in ${i % 300} ms${i % 200 === 1 ? `\ngarbage without a time ${i}` : ''}`,
  );
  fixture = path.join(dir, 'data');
  const run = await runCliHere(['ingest', log, '--data', fixture, '--chunk-size', '24K', '--batch-size', '24K', '--workers', '1', '--quiet']);
  expect(run.status, run.stderr).toBe(0);
  before = await readFingerprint(fixture);
});

/** A fresh copy of the fixture store. */
function copyFixture(): string {
  const dir = path.join(tmpDir('logscope-compact-copy-'), 'data');
  fs.cpSync(fixture, dir, { recursive: true });
  return dir;
}

function livefile(rel: string, bytes: number, dt: string | null = '2026-11-18'): LiveFile {
  return { rel, kind: dt === null ? 'unparsed' : 'logs', dt, rows: 1, bytes, batchId: rel };
}

describe('planCompaction', () => {
  it('merges a size tier once it holds minFiles files, and leaves big files and thin tiers alone', () => {
    const small = Array.from({ length: 8 }, (_, i) => livefile(`logs/dt=2026-11-18/part-${i}.parquet`, 10_000));
    const mid = Array.from({ length: 3 }, (_, i) => livefile(`logs/dt=2026-11-18/part-m${i}.parquet`, 3 << 20));
    const big = livefile('logs/dt=2026-11-18/part-big.parquet', 100 << 20);
    const merges = planCompaction([...small, ...mid, big], { minFiles: 8 });
    expect(merges).toHaveLength(1);
    expect(merges[0].files.map((f) => f.rel)).toEqual(small.map((f) => f.rel));
    expect(planCompaction(small.slice(1), { minFiles: 8 })).toEqual([]);
  });

  it('packs a tier into files of at most the target size, per partition, only the partitions asked', () => {
    const day = Array.from({ length: 10 }, (_, i) => livefile(`logs/dt=2026-11-18/part-${i}.parquet`, 400_000));
    const unparsed = Array.from({ length: 4 }, (_, i) => livefile(`unparsed/part-${i}.parquet`, 1000, null));
    const merges = planCompaction([...day, ...unparsed], { minFiles: 4, targetBytes: 2_000_000 });
    expect(merges.map((m) => [m.partition, m.files.length])).toEqual([
      ['2026-11-18', 5],
      ['2026-11-18', 5],
      ['unparsed', 4],
    ]);
    expect(planCompaction([...day, ...unparsed], { minFiles: 4, partitions: ['unparsed'] }).map((m) => m.partition)).toEqual(['unparsed']);
  });

  it('keeps a partition fed by micro-batches to a bounded number of files, each byte rewritten a few times', () => {
    // A week of one day partition's worth: 20,000 micro-batches of 20 KB, compacted after every 10.
    let files: LiveFile[] = [];
    let written = 0;
    let most = 0;
    let next = 0;
    for (let batch = 1; batch <= 20_000; batch++) {
      files.push(livefile(`logs/dt=2026-11-18/part-${String(next++).padStart(6, '0')}.parquet`, 20_000));
      written += 20_000;
      if (batch % 10 !== 0) continue;
      for (const merge of planCompaction(files)) {
        const gone = new Set(merge.files.map((f) => f.rel));
        const bytes = merge.files.reduce((n, f) => n + f.bytes, 0);
        files = [...files.filter((f) => !gone.has(f.rel)), livefile(`logs/dt=2026-11-18/part-${String(next++).padStart(6, '0')}.parquet`, bytes)];
        written += bytes;
      }
      most = Math.max(most, files.length);
    }
    const stored = files.reduce((n, f) => n + f.bytes, 0);
    expect(stored).toBe(20_000 * 20_000);
    // 400 MB in files of up to 128 MiB; fewer than 8 per tier of the five below 64 MiB, and the batches since the last run.
    expect(most).toBeLessThan(5 * 7 + Math.ceil(stored / (64 << 20)) + 10);
    // Written once, then rewritten about log8(64 MiB / 20 KB) ≈ 4 times.
    expect(written / stored).toBeLessThan(6);
  });
});

describe('compactStore', () => {
  it('merges each partition into one file and keeps every row and every column value', async () => {
    const data = copyFixture();
    const files = await listedFiles(data);
    expect(files.length).toBeGreaterThan(10);
    const summary = await compactStore(data, { minFiles: 2 });
    expect(summary.groups.map((g) => g.partition)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', 'unparsed']);
    expect(summary.filesAfter).toBe(4);
    expect(await readFingerprint(data)).toEqual(before);
    // No reader open: the replaced files are gone from disk; no staging is left.
    expect(parquetOnDisk(data)).toEqual(await listedFiles(data));
    expect(fs.readdirSync(data)).not.toContain('.staging');
    const again = await compactStore(data, { minFiles: 2 });
    expect(again.groups).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const data = copyFixture();
    const files = await listedFiles(data);
    const run = await runCliHere(['compact', '--data', data, '--dry-run', '--min-files', '2', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.dryRun).toBe(true);
    expect(summary.filesAfter).toBe(4);
    expect(await listedFiles(data)).toEqual(files);
    expect(parquetOnDisk(data)).toEqual(files);
  });

  it('keeps the replaced files for a reader opened before the swap, and deletes them once it closes', async () => {
    const data = copyFixture();
    const reader = await openStoreReader(data);
    // Through a writer the caller holds, as the watcher calls it between its micro-batches.
    const writer = await StoreWriter.open(data);
    try {
      expect((await compactStore(data, { minFiles: 2, writer })).waiting).toBeGreaterThan(0);
      const [row] = (await reader.connection.runAndReadAll('SELECT count(*) FROM logs')).getRows();
      expect(Number(row[0])).toBe(Number((before.logs as { n: string }).n));
      expect(parquetOnDisk(data).length).toBeGreaterThan((await listedFiles(data)).length);
    } finally {
      await writer.close();
      reader.close();
    }
    expect(await sweepRetired(data)).toEqual({ deleted: expect.any(Number), waiting: 0 });
    expect(parquetOnDisk(data)).toEqual(await listedFiles(data));
  });

  it('counts each line once in queries that run while another process compacts', async () => {
    const data = copyFixture();
    const child = spawn(process.execPath, [CLI, 'compact', '--data', data, '--min-files', '2'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let done = false;
    void exited.then(() => (done = true));
    const expected = { n: (before.logs as { n: string }).n, lines: 0 };
    const [whole] = await query(data, 'SELECT count(DISTINCT line)::VARCHAR AS lines FROM logs');
    let queries = 0;
    // Queries until the compaction is over, and one more after it.
    for (let last = false; !last; queries++) {
      last = done;
      const [row] = await query(data, 'SELECT count(*)::VARCHAR AS n, count(DISTINCT line)::VARCHAR AS lines FROM logs');
      expect(row).toEqual({ n: expected.n, lines: whole.lines });
    }
    expect(await exited, stderr).toBe(0);
    expect(queries).toBeGreaterThan(1);
    expect((await listedFiles(data)).length).toBe(4);
    expect(await readFingerprint(data)).toEqual(before);
  });
});

describe('compaction killed with -9', () => {
  // Each step: whether the store must read as before (still the small files) or as after.
  const steps: Array<[string, 'before' | 'after']> = [
    ['compact:written', 'before'],
    ['compact:moved', 'before'],
    ['compact:committing', 'before'],
    ['compact:committed', 'after'],
    ['sweep:deleted', 'after'],
  ];

  it('leaves the store as before or as after at every step, and the next run cleans up', async () => {
    const original = await listedFiles(fixture);
    const runs = steps.map(async ([step, expected]) => {
      const data = copyFixture();
      const child = spawn(process.execPath, [CLI, 'compact', '--data', data, '--min-files', '2'], {
        cwd: REPO,
        env: { ...process.env, LOGSCOPE_CRASH_AT: step },
        stdio: 'ignore',
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      return { step, expected, data, signal };
    });
    const checks = (await Promise.all(runs)).map(async ({ step, expected, data, signal }) => {
      expect(signal, step).toBe('SIGKILL');
      const listed = await listedFiles(data);
      if (expected === 'before') expect(listed, step).toEqual(original);
      else expect(listed.length, step).toBe(4);
      for (const f of listed) expect(fs.existsSync(path.join(data, f)), `${step}: ${f}`).toBe(true);
      expect(await readFingerprint(data), step).toEqual(before);
      // Killed before its files were moved in, it left nothing in the store (its staging goes with the next writer).
      if (step === 'compact:written') return expect(parquetOnDisk(data)).toEqual(listed);
      // Otherwise it left files behind (merged files never swapped in, replaced files not yet
      // deleted): the next run removes them and compacts what is left.
      await compactStore(data, { minFiles: 2 });
      expect(await listedFiles(data), step).toHaveLength(4);
      expect(parquetOnDisk(data), step).toEqual(await listedFiles(data));
    });
    await Promise.all(checks);
  });
});
