/**
 * `npm run bench:watch`: how much a `logscope watch` keeps up with, how soon a written line is
 * queryable, and what an idle watcher costs. One run, on a fresh file and store:
 *
 *   1. a real watcher (`logscope watch FILE --interval I`, a child process) follows a file the
 *      benchmark appends to for N seconds. The writer's rate adapts: up by a quarter while the
 *      watcher's lag stays under 1.5 intervals, down by a fifth when it passes two. The lag is
 *      measured, not taken from the watcher: how long ago the oldest byte past the offset of the
 *      last committed batch was written (that offset from the watcher's progress file, which it
 *      rewrites at each commit);
 *   2. every 250 ms the writer notes where a line ends and when it was written: its latency is
 *      the time until a commit covers that byte;
 *   3. after the writer stops and the watcher has caught up, the watcher's CPU time (all its
 *      threads, /proc/PID/stat) over LOGSCOPE_BENCH_IDLE_SECONDS;
 *   4. SIGTERM; the store must hold every line written, once;
 *   5. the baseline, side by side: `logscope ingest` of the same file into a fresh store,
 *      lines/s, so the watcher's sustained rate reads as a ratio of batch ingest's.
 *
 *   npm run bench:watch
 *   LOGSCOPE_BENCH_WATCH_SECONDS=20 LOGSCOPE_BENCH_WATCH_INTERVAL_MS=1000 node dist/bench/watch.js
 *
 * Sustained rate: the lines committed over the second half of the writing, per second, with the
 * share of that time the lag stayed under two intervals.
 *
 * Env: LOGSCOPE_BENCH_WATCH_SECONDS (default 60), LOGSCOPE_BENCH_WATCH_INTERVAL_MS (default
 * 1000), LOGSCOPE_BENCH_IDLE_SECONDS (default 10), LOGSCOPE_BENCH_WATCH_START_RATE (lines/s,
 * default 50000). The writer runs in this process and takes CPU from the watcher on the same
 * machine, as a logging application would; the machine is shared and noisy: compare numbers of
 * one run, and read several.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchError, CLI, formatInt, formatLoad, median, note, readPositiveInt, round2, runChild, say } from './common.js';
import { openStoreReader } from '../src/store/index.js';

const seconds = readPositiveInt('LOGSCOPE_BENCH_WATCH_SECONDS', 60);
const intervalMs = readPositiveInt('LOGSCOPE_BENCH_WATCH_INTERVAL_MS', 1000);
const idleSeconds = readPositiveInt('LOGSCOPE_BENCH_IDLE_SECONDS', 10);
const startRate = readPositiveInt('LOGSCOPE_BENCH_WATCH_START_RATE', 50_000);
const TICK_MS = 50;
const MARK_EVERY_MS = 250;

const SERVICES = ['api', 'auth', 'db', 'cache', 'web'];
const PATHS = ['/api/v1/items', '/api/v1/users', '/login', '/health', '/api/v1/orders'];

/** `n` lines from seq on, ISO-stamped now: about 100 bytes each. */
function makeLines(seq: number, n: number): string {
  const ts = new Date().toISOString();
  let s = '';
  for (let i = seq; i < seq + n; i++) {
    const level = i % 97 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : 'INFO';
    s += `${ts} ${level} ${SERVICES[i % 5]}[${1000 + (i % 50)}]: GET ${PATHS[i % 5]}/${i % 10_000} ${level === 'ERROR' ? 500 : 200} ${i % 300}ms seq=${i}\n`;
  }
  return s;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** CPU seconds used so far by a process, all its threads (utime + stime of /proc/PID/stat). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], utime is field 14 of the whole line ([11] here), stime [12].
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The committed offset of the followed file, from the watcher's progress file; 0 before any. */
function committedOffset(progressFile: string): number {
  try {
    const record = JSON.parse(fs.readFileSync(progressFile, 'utf8')) as { files: Array<{ offset: number }> };
    return record.files[0]?.offset ?? 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-watch-'));
  try {
    const file = path.join(dir, 'app.log');
    const data = path.join(dir, 'data');
    fs.writeFileSync(file, '');
    note(`bench:watch: ${seconds} s of writing, interval ${intervalMs} ms, idle ${idleSeconds} s; ${os.availableParallelism()} cores, load ${formatLoad(os.loadavg())}`);
    const child = spawn(process.execPath, [CLI, 'watch', file, '--data', data, '--interval', `${intervalMs}ms`, '--quiet', '--no-alerts'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (const deadline = Date.now() + 60_000; !/following/.test(stderr); await sleep(20)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new BenchError(`the watcher did not start: ${stderr}`);
    }
    const progressFile = path.join(data, '.progress', `watch-${child.pid}.json`);

    // 1-2. Writing, with the rate adapted to the lag; markers for latency.
    const fd = fs.openSync(file, 'a');
    let seq = 0;
    let written = 0;
    let rate = startRate;
    const writes: Array<{ end: number; at: number }> = [];
    const marks: Array<{ end: number; at: number }> = [];
    const latencies: number[] = [];
    const samples: Array<{ at: number; committed: number; lagSeconds: number; rate: number; seq: number }> = [];
    const started = Date.now();
    let lastMark = 0;
    let lastAdapt = started;
    let maxLag = 0;
    let writerBusyMs = 0;
    while (Date.now() - started < seconds * 1000) {
      const tickStart = Date.now();
      const n = Math.max(1, Math.round((rate * TICK_MS) / 1000));
      const text = makeLines(seq, n);
      fs.writeSync(fd, text);
      seq += n;
      written += Buffer.byteLength(text);
      if (tickStart - lastMark >= MARK_EVERY_MS) {
        marks.push({ end: written, at: tickStart });
        lastMark = tickStart;
      }
      writes.push({ end: written, at: tickStart });
      writerBusyMs += Date.now() - tickStart;
      const committed = committedOffset(progressFile);
      while (marks.length > 0 && marks[0].end <= committed) latencies.push(Date.now() - (marks.shift() as { at: number }).at);
      // The lag: how long ago the oldest byte not yet committed was written.
      while (writes.length > 0 && writes[0].end <= committed) writes.shift();
      const lagSeconds = writes.length === 0 ? 0 : (Date.now() - writes[0].at) / 1000;
      maxLag = Math.max(maxLag, lagSeconds);
      samples.push({ at: Date.now(), committed, lagSeconds, rate, seq });
      if (Date.now() - lastAdapt >= intervalMs) {
        lastAdapt = Date.now();
        if (lagSeconds * 1000 > 2 * intervalMs) rate = Math.max(1000, Math.round(rate * 0.8));
        // A line waits up to one interval for the next look: under 1.5 intervals is keeping up.
        else if (lagSeconds * 1000 < 1.5 * intervalMs) rate = Math.round(rate * 1.25);
      }
      await sleep(Math.max(0, TICK_MS - (Date.now() - tickStart)));
    }
    fs.closeSync(fd);
    const writeEnd = Date.now();
    for (const deadline = Date.now() + 300_000; committedOffset(progressFile) < written; await sleep(50)) {
      if (Date.now() > deadline) throw new BenchError('the watcher did not catch up within 5 minutes of the end of writing');
    }
    const catchUpMs = Date.now() - writeEnd;
    for (const m of marks) latencies.push(Date.now() - m.at);

    // Sustained: the lines committed over the second half of the writing, per second, and how
    // much of that time the lag stayed under two intervals (the writer's rate adapts to keep it so).
    const half = samples.filter((s) => s.at - started >= (seconds * 1000) / 2);
    const bytesPerLine = written / seq;
    const first = half[0];
    const last = half[half.length - 1];
    const sustained = first === undefined || last === first ? 0 : ((last.committed - first.committed) / bytesPerLine / (last.at - first.at)) * 1000;
    const lagOver = half.filter((s) => s.lagSeconds * 1000 >= 2 * intervalMs).length / Math.max(1, half.length);

    // 3. Idle CPU.
    await sleep(Math.max(2000, 2 * intervalMs));
    const pid = child.pid as number;
    const cpu0 = cpuSeconds(pid);
    const idle0 = Date.now();
    await sleep(idleSeconds * 1000);
    const idleCpu = (cpuSeconds(pid) - cpu0) / ((Date.now() - idle0) / 1000);

    // 4. Stop and count.
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new BenchError(`the watcher exited ${code} on SIGTERM: ${stderr}`);
    const reader = await openStoreReader(data);
    let stored: number;
    let distinct: number;
    try {
      const r = await reader.connection.runAndReadAll(`SELECT count(*), count(DISTINCT regexp_extract(message, 'seq=(\\d+)', 1)) FROM logs`);
      [stored, distinct] = r.getRows()[0].map(Number);
    } finally {
      reader.close();
    }
    if (stored !== seq || distinct !== seq) throw new BenchError(`the store holds ${stored} rows (${distinct} distinct) of the ${seq} lines written`);

    // 5. Baseline: batch ingest of the same file.
    const ingest = await runChild(process.execPath, [CLI, 'ingest', file, '--data', path.join(dir, 'ingest-data'), '--quiet', '--json'], dir);
    const ingestRate = seq / ingest.seconds;

    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))] ?? NaN;
    say(`# bench:watch (${new Date().toISOString()}; ${os.availableParallelism()} cores, load ${formatLoad(os.loadavg())}; shared, noisy machine)`);
    say(`writing: ${seconds} s, ${formatInt(seq)} lines (${(written / 1e6).toFixed(1)} MB, ${bytesPerLine.toFixed(0)} B/line), interval ${intervalMs} ms; writer rate at the end ${formatInt(rate)} lines/s; writer busy ${Math.round((100 * writerBusyMs) / (writeEnd - started))}% of the time`);
    say(`sustained (lines committed per second over the second half, lag < 2 intervals in ${Math.round((1 - lagOver) * 100)}% of it): ${formatInt(Math.round(sustained))} lines/s  (target >= 200,000)`);
    say(`lag: max ${round2(maxLag)} s; ${Math.round(lagOver * 100)}% of the second half's samples at >= 2 intervals; caught up ${round2(catchUpMs / 1000)} s after the writer stopped`);
    say(`latency write -> queryable: median ${formatInt(Math.round(median(latencies)))} ms, p95 ${formatInt(p95)} ms, max ${formatInt(latencies.at(-1) ?? NaN)} ms over ${latencies.length} marks  (target <= interval + 1 s = ${intervalMs + 1000} ms)`);
    say(`idle watcher CPU: ${round2(idleCpu * 100)}% of a core over ${idleSeconds} s  (target < 1%)`);
    say(`baseline: logscope ingest of the same file: ${formatInt(Math.round(ingestRate))} lines/s; watch sustained / ingest = ${round2(sustained / ingestRate)}`);
    say(`store after SIGTERM (exit 0): ${formatInt(stored)} rows, ${formatInt(distinct)} distinct lines of ${formatInt(seq)} written`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:watch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
