import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { describe, expect, it } from 'vitest';
import { query, runCli, spawnCli, tmpDir } from '../helpers.js';

const TOTAL = 300_000;

function writeLog(file: string): void {
  const fd = fs.openSync(file, 'w');
  let s = '';
  for (let i = 1; i <= TOTAL; i++) {
    s += `${new Date(Date.UTC(2026, 10, 20) + i * 2000).toISOString()} web-${i % 4} app[${i % 97}]: INFO request ${i} served in ${i % 300} ms\n`;
    if (s.length > 1 << 20) {
      fs.writeSync(fd, s);
      s = '';
    }
  }
  fs.writeSync(fd, s);
  fs.closeSync(fd);
}

function parquetCount(data: string): number {
  const root = path.join(data, 'logs');
  if (!fs.existsSync(root)) return 0;
  return fs.readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
}

/** Starts an ingest in a child process and kills it with SIGKILL once `files` Parquet files exist. */
async function killMidway(args: string[], data: string, files: number): Promise<string | null> {
  const child = spawnCli(args);
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (parquetCount(data) >= files) {
      child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return exited;
}

async function state(data: string) {
  const [r] = await query(
    data,
    `SELECT count(*)::INT AS n, count(DISTINCT line)::INT AS distinct_lines, coalesce(max(line), 0)::INT AS max_line,
            (SELECT coalesce(sum(parsed), 0)::INT FROM batches) AS committed FROM logs`,
  );
  return r as { n: number; distinct_lines: number; max_line: number; committed: number };
}

describe('atomic batches', () => {
  it('after kill -9 the store opens with whole batches only, and a re-run stores every line exactly once', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    writeLog(file);
    const data = path.join(dir, 'data');
    const args = ['ingest', file, '--data', data, '--workers', '1', '--chunk-size', '256K', '--batch-size', '1M', '--quiet'];
    let partial = 0;
    for (const files of [2, 6]) {
      const signal = await killMidway(args, data, files);
      if (signal !== 'SIGKILL') continue; // finished before the kill landed: nothing to check here
      const s = await state(data);
      // Visible rows are exactly the committed batches, a prefix of the file, each line once.
      expect(s.n).toBe(s.committed);
      expect(s.distinct_lines).toBe(s.n);
      expect(s.max_line).toBe(s.n);
      expect(s.n).toBeLessThan(TOTAL);
      if (s.n > 0) partial++;
      // The catalog opens without logscope too, and shows the same.
      const db = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'), { access_mode: 'READ_ONLY' });
      const conn = await db.connect();
      const direct = (await conn.runAndReadAll('SELECT count(*)::INT FROM logs')).getRows()[0][0];
      conn.closeSync();
      db.closeSync();
      expect(direct).toBe(s.n);
    }
    expect(partial).toBeGreaterThan(0);
    const rerun = runCli(args);
    expect(rerun.status).toBe(0);
    expect(await state(data)).toEqual({ n: TOTAL, distinct_lines: TOTAL, max_line: TOTAL, committed: TOTAL });
    // Orphans of the killed batches were removed: the Parquet files on disk hold each line once.
    // (A DuckDB of the test's own: the store reader's is sealed to the live files.)
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const onDisk = (await conn.runAndReadAll(`SELECT count(*)::INT FROM read_parquet('${data}/logs/*/*.parquet')`)).getRows()[0][0];
    conn.closeSync();
    db.closeSync();
    expect(onDisk).toBe(TOTAL);
  });
});
