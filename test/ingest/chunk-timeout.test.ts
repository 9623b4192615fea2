import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createWorkerPool } from '../../src/ingest/pool.js';
import type { ChunkTask } from '../../src/ingest/task.js';
import { query, runCliHere, tmpDir } from '../helpers.js';

/**
 * Polynomial, not exponential: the checker lets it through (no repeated group), yet on a line
 * of 3000 digits without a colon it backtracks about n⁴/24 ≈ 3·10¹² steps.
 */
const SLOW_PATTERN = String.raw`^(?<ts>\d*)\d*\d*\d*:`;
const BUDGET_S = 1;

function writeDigits(dir: string, name = 'digits.log'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${'1'.repeat(3000)}\n`);
  return file;
}

describe('a chunk that takes longer than LOGSCOPE_CHUNK_TIMEOUT fails the ingest', () => {
  it('stops a slow --pattern after the budget, naming the pattern and file, and keeps what was stored', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const good = path.join(dir, 'good.log');
    fs.writeFileSync(good, '1767225600:kept\n');
    // The good line is stored under the default budget: a loaded machine may take a second just to start a worker.
    expect((await runCliHere(['ingest', good, '--data', data, '--pattern', SLOW_PATTERN, '-q'])).status).toBe(0);
    const env = { LOGSCOPE_CHUNK_TIMEOUT: String(BUDGET_S) };
    const file = writeDigits(dir);
    const started = Date.now();
    const r = (await runCliHere(['ingest', file, '--data', data, '--pattern', SLOW_PATTERN, '-q'], { env }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUDGET_S * 1000);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`logscope: pattern ${JSON.stringify(SLOW_PATTERN)} (format regex) took over ${BUDGET_S} s on ${file} (the chunk of bytes 0-3001): it backtracks catastrophically on these lines; simplify it (or set LOGSCOPE_CHUNK_TIMEOUT to more seconds)\n`);
    expect(await query(data, 'SELECT source, count(*)::INTEGER AS n FROM logs GROUP BY source')).toEqual([{ source: good, n: 1 }]);
  });

  it('is the backstop when the backtracking checker fails: (a+)+$ is stopped after the budget', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'hostile.log');
    fs.writeFileSync(file, `${'a'.repeat(40)}b\n`);
    // An unknown recheck backend makes the checker throw: the check proves nothing and lets the pattern run.
    const r = (await runCliHere(['ingest', file, '--data', path.join(dir, 'data'), '--pattern', '(?<ts>x)?(a+)+$', '-q'], { env: { LOGSCOPE_CHUNK_TIMEOUT: String(BUDGET_S), RECHECK_SYNC_BACKEND: 'bogus' } }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`logscope: pattern "(?<ts>x)?(a+)+$" (format regex) took over ${BUDGET_S} s on ${file} (the chunk of bytes 0-42): it backtracks catastrophically on these lines; simplify it (or set LOGSCOPE_CHUNK_TIMEOUT to more seconds)\n`);
  });

  it('stops a slow mining mask the same way, naming it', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, `2026-01-01T00:00:00Z ${'1'.repeat(3000)}\n`);
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ mining: { masks: [String.raw`\d*\d*\d*\d*:`] } }));
    const r = (await runCliHere(['ingest', file, '--data', path.join(dir, 'data'), '--config', cfg, '--pattern', String.raw`(?<ts>\S+) (?<message>.*)`, '-q'], { env: { LOGSCOPE_CHUNK_TIMEOUT: String(BUDGET_S) } }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: pattern .* \(format regex\) or mining mask "\\\\d\*\\\\d\*\\\\d\*\\\\d\*:" took over 1 s on .*app\.log \(the chunk of bytes 0-3022\): it backtracks catastrophically/);
  });

  it('stops a slow --pattern in anomalies over files too', async () => {
    const dir = tmpDir();
    const r = (await runCliHere(['anomalies', writeDigits(dir), '--pattern', SLOW_PATTERN], { env: { LOGSCOPE_CHUNK_TIMEOUT: String(BUDGET_S) } }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: pattern .* \(format regex\) took over 1 s on .*digits\.log/);
  });

  it('refuses a LOGSCOPE_CHUNK_TIMEOUT that is not a positive number, in one line', async () => {
    const dir = tmpDir();
    const r = (await runCliHere(['ingest', writeDigits(dir), '--data', path.join(dir, 'data'), '--input-format', 'syslog', '-q'], { env: { LOGSCOPE_CHUNK_TIMEOUT: 'soon' } }));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('logscope: LOGSCOPE_CHUNK_TIMEOUT must be a positive number of seconds, got "soon"\n');
  });

  it('replaces the stopped worker: the next chunk on the pool runs', async () => {
    const dir = tmpDir();
    const pool = createWorkerPool(1, { chunkTimeoutMs: 1000 });
    const file = writeDigits(dir);
    const task = (seq: number, pattern: string): ChunkTask => ({
      seq, input: { kind: 'file', path: file, start: 0, end: 3001 }, format: { name: 'regex', options: { pattern } }, timezone: 'UTC', referenceMicros: 0, stagingDir: dir,
    });
    try {
      const slow = pool.run(task(1, SLOW_PATTERN));
      const next = pool.run(task(2, String.raw`(?<ts>\d+)`));
      await expect(slow).rejects.toThrow(ConfigError);
      await expect(slow).rejects.toThrow(/took over 1 s/);
      expect((await next).counts.lines).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('names the source of a chunk of bytes (stdin, .gz), and gives a larger chunk proportionally more time', async () => {
    const dir = tmpDir();
    const pool = createWorkerPool(2, { chunkTimeoutMs: 500 });
    const line = `${'1'.repeat(3000)}\n`;
    const big = path.join(dir, 'big.log');
    fs.writeFileSync(big, line.repeat(Math.ceil((16 << 20) / line.length)));
    const size = fs.statSync(big).size;
    const base = { format: { name: 'regex', options: { pattern: SLOW_PATTERN } }, timezone: 'UTC', referenceMicros: 0, stagingDir: dir };
    try {
      const fromStdin = pool.run({ ...base, seq: 1, source: 'stdin', input: { kind: 'bytes', data: new TextEncoder().encode(line) } });
      const fromBig = pool.run({ ...base, seq: 2, input: { kind: 'file', path: big, start: 0, end: size } });
      await expect(fromStdin).rejects.toThrow(/ took over 0\.5 s on stdin \(a chunk of 3001 bytes\): it backtracks/);
      await expect(fromBig).rejects.toThrow(new RegExp(` took over ${Math.round((500 * size) / (8 << 20)) / 1000} s on ${big.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(the chunk of bytes 0-${size}\\)`));
    } finally {
      await pool.close();
    }
  });
});
