/**
 * Crash trials: `kill -9` an ingest at a random moment, ingest the same file again to the end,
 * and check that the store holds every line of the file exactly once. Not a speed benchmark:
 * it reports trials tried and trials exact, for the README's reliability section.
 *
 *   npm run build && node dist/bench/kill-trials.js
 *   LOGSCOPE_KILL_TRIALS=50 LOGSCOPE_KILL_LINES=400000 node dist/bench/kill-trials.js
 *
 * The kill moments are spread uniformly over the length of an uninterrupted ingest of the
 * same file (timed first), so they land in every stage: start-up and recovery, parsing,
 * Parquet writing, the catalog commit, the clean-up.
 *
 * Env: LOGSCOPE_KILL_TRIALS (default 20), LOGSCOPE_KILL_LINES (default 300000).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStoreReader } from '../src/store/index.js';
import { CLI, readPositiveInt, runChild, say } from './common.js';

const TRIALS = readPositiveInt('LOGSCOPE_KILL_TRIALS', 20);
const LINES = readPositiveInt('LOGSCOPE_KILL_LINES', 300_000);
const INGEST_FLAGS = ['--batch-size', '2M', '--chunk-size', '256K', '--quiet'];

function writeLog(file: string): void {
  const fd = fs.openSync(file, 'w');
  let s = '';
  for (let i = 1; i <= LINES; i++) {
    s += `${new Date(Date.UTC(2026, 10, 20) + i * 2000).toISOString()} web-${i % 4} app[${i % 97}]: ${i % 50 === 0 ? 'ERROR' : 'INFO'} request ${i} served in ${i % 300} ms\n`;
    if (s.length > 1 << 20) {
      fs.writeSync(fd, s);
      s = '';
    }
  }
  fs.writeSync(fd, s);
  fs.closeSync(fd);
}

/** Starts an ingest and kills it with SIGKILL after `ms`; resolves with how it ended. */
function killAfter(file: string, data: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'ingest', file, '--data', data, ...INGEST_FLAGS], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? `exit ${code}`);
    });
  });
}

async function countLines(data: string): Promise<{ rows: number; distinct: number; max: number }> {
  const reader = await openStoreReader(data);
  try {
    const r = await reader.connection.runAndReadAll('SELECT count(*)::BIGINT, count(DISTINCT line)::BIGINT, coalesce(max(line), 0)::BIGINT FROM logs');
    const [rows, distinct, max] = r.getRows()[0].map(Number);
    return { rows, distinct, max };
  } finally {
    reader.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-kill-'));
  try {
    const file = path.join(dir, 'app.log');
    writeLog(file);
    const full = await runChild(process.execPath, [CLI, 'ingest', file, '--data', path.join(dir, 'full'), ...INGEST_FLAGS], dir);
    say(`kill -9 trials: ${TRIALS} trials on ${LINES.toLocaleString('en-US')} lines; an uninterrupted ingest takes ${full.seconds.toFixed(2)} s`);
    let exact = 0;
    let killed = 0;
    for (let t = 1; t <= TRIALS; t++) {
      const data = path.join(dir, `trial-${t}`);
      const ms = Math.round(Math.random() * full.seconds * 1000);
      const how = await killAfter(file, data, ms);
      if (how === 'SIGKILL') killed++;
      await runChild(process.execPath, [CLI, 'ingest', file, '--data', data, ...INGEST_FLAGS], dir);
      const c = await countLines(data);
      const ok = c.rows === LINES && c.distinct === LINES && c.max === LINES;
      if (ok) exact++;
      say(`  trial ${t}: killed at ${ms} ms (${how}); after the re-run ${c.rows} rows, ${c.distinct} distinct lines, last line ${c.max}: ${ok ? 'exact' : 'NOT EXACT'}`);
      fs.rmSync(data, { recursive: true, force: true });
    }
    say(`kill -9 trials: ${TRIALS} tried (${killed} killed mid-way, the rest had finished), ${exact} exact`);
    if (exact !== TRIALS) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
