/**
 * bench:compact — what compaction costs and what it buys. A store of one day in many small
 * micro-batch files (500 by default, as `logscope watch` leaves them) is built once through the
 * real ingest (cached under bench/.data), then copied: compactStore merges a copy (timed, median
 * of BENCH_COMPACT_RUNS runs on fresh copies), and the same queries run against the store before
 * and after, interleaved round by round, each as `logscope sql` runs one (open a reader, query,
 * close) and the query alone on an open reader. Medians and ratios; the machine is shared and
 * noisy (its load average is printed).
 *
 *   npm run bench:compact
 *   BENCH_COMPACT_FILES=200 BENCH_COMPACT_ROUNDS=5 npm run bench:compact
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compactStore, openStoreReader } from '../src/store/index.js';
import { CLI, DATA_DIR, formatInt, formatLoad, median, note, readPositiveInt, ROOT, runChild, say } from './common.js';

const FILES = readPositiveInt('BENCH_COMPACT_FILES', 500);
const ROUNDS = readPositiveInt('BENCH_COMPACT_ROUNDS', 7);
const RUNS = readPositiveInt('BENCH_COMPACT_RUNS', 3);
/** One micro-batch: a chunk of this size, committed on its own. */
const BATCH_BYTES = 32 * 1024;

const QUERIES: Array<[string, string]> = [
  ['levels', 'SELECT level, count(*) FROM logs GROUP BY level'],
  ['search', "SELECT count(*) FROM log_records WHERE message LIKE '%timeout%'"],
  ['5-min buckets', "SELECT time_bucket(INTERVAL '5 minutes', ts) AS b, count(*) FROM log_records GROUP BY b ORDER BY b"],
];

/** The store of FILES micro-batch files of one day, built once by the real ingest. */
async function prepareStore(): Promise<{ dir: string; lines: number }> {
  const dir = path.join(DATA_DIR, `compact-${FILES}`);
  const done = path.join(dir, 'complete.json');
  if (fs.existsSync(done)) {
    note(`reusing ${path.relative(ROOT, dir)}`);
    return { dir: path.join(dir, 'data'), lines: (JSON.parse(fs.readFileSync(done, 'utf8')) as { lines: number }).lines };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'app.log');
  // About 95 bytes a line; all within one UTC day.
  const lines = Math.round((FILES * BATCH_BYTES) / 95);
  const step = Math.floor(86_000_000 / lines);
  const start = Date.UTC(2026, 10, 20);
  const out = fs.createWriteStream(log);
  for (let i = 1; i <= lines; i++) {
    const level = i % 97 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : 'INFO';
    const text = i % 211 === 0 ? `upstream timeout after ${i % 30} s` : `request ${i} served in ${i % 300} ms user=${(i * 7919) % 100000}`;
    if (!out.write(`${new Date(start + i * step).toISOString()} web-${i % 4} app[${i % 97}]: ${level} ${text}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  note(`ingesting ${formatInt(lines)} lines as micro-batches of ${BATCH_BYTES / 1024} KiB (once; cached) ...`);
  const size = `${BATCH_BYTES / 1024}K`;
  await runChild(process.execPath, [CLI, 'ingest', log, '--data', path.join(dir, 'data'), '--chunk-size', size, '--batch-size', size, '--quiet'], ROOT);
  fs.rmSync(log);
  fs.writeFileSync(done, JSON.stringify({ lines }));
  return { dir: path.join(dir, 'data'), lines };
}

function copyStore(from: string): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-compact-'));
  fs.cpSync(from, to, { recursive: true });
  return to;
}

function countParquet(dir: string): number {
  return fs.readdirSync(path.join(dir, 'logs'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
}

/** Seconds to open a reader, run sql and close it (as `logscope sql` does), and of the query alone; and its rows as text, sorted. */
async function timeQuery(dir: string, sql: string): Promise<{ total: number; query: number; value: string }> {
  const t0 = performance.now();
  const reader = await openStoreReader(dir);
  try {
    const t1 = performance.now();
    const rows = (await reader.connection.runAndReadAll(sql)).getRows();
    const t2 = performance.now();
    reader.close();
    return { total: (performance.now() - t0) / 1000, query: (t2 - t1) / 1000, value: rows.map((r) => r.join(':')).sort().join(',') };
  } catch (err) {
    reader.close();
    throw err;
  }
}

async function main(): Promise<void> {
  say(`bench:compact — ${FILES} micro-batch files of one day, ${RUNS} compactions, ${ROUNDS} query rounds; load ${formatLoad(os.loadavg())} on ${os.cpus().length} cores (shared, noisy)`);
  const { dir: fixture, lines } = await prepareStore();
  const filesBefore = countParquet(fixture);
  const compactSeconds: number[] = [];
  let after = '';
  for (let run = 0; run < RUNS; run++) {
    const copy = copyStore(fixture);
    const t0 = performance.now();
    const summary = await compactStore(copy, { minFiles: 2 });
    compactSeconds.push((performance.now() - t0) / 1000);
    if (run === 0) after = copy;
    else fs.rmSync(copy, { recursive: true, force: true });
    if (run === 0) say(`compacted ${formatInt(summary.groups.reduce((n, g) => n + g.files, 0))} files (${formatInt(lines)} lines) into ${summary.groups.length}: ${summary.filesBefore} → ${summary.filesAfter} files`);
  }
  say(`compaction: median ${median(compactSeconds).toFixed(2)} s (runs: ${compactSeconds.map((s) => s.toFixed(2)).join(', ')}); ${formatInt(Math.round(lines / median(compactSeconds)))} lines/s`);
  const before = copyStore(fixture);
  try {
    say(`query                 before (${filesBefore} files)   after (${countParquet(after)} files)   ratio before/after`);
    for (const [name, sql] of QUERIES) {
      const b = { total: [] as number[], query: [] as number[] };
      const a = { total: [] as number[], query: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        // Interleaved: the load of the moment falls on both.
        const tb = await timeQuery(before, sql);
        const ta = await timeQuery(after, sql);
        if (tb.value !== ta.value) throw new Error(`${name}: the compacted store answers otherwise (${ta.value} vs ${tb.value})`);
        b.total.push(tb.total);
        b.query.push(tb.query);
        a.total.push(ta.total);
        a.query.push(ta.query);
      }
      for (const part of ['total', 'query'] as const) {
        const mb = median(b[part]);
        const ma = median(a[part]);
        say(`${`${name} (${part === 'total' ? 'open+query' : 'query'})`.padEnd(28)} ${(mb * 1000).toFixed(1).padStart(9)} ms ${(ma * 1000).toFixed(1).padStart(17)} ms ${(mb / ma).toFixed(2).padStart(14)}×`);
      }
    }
  } finally {
    fs.rmSync(before, { recursive: true, force: true });
    fs.rmSync(after, { recursive: true, force: true });
  }
}

await main();
