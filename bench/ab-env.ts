/**
 * `npm run bench:ab`: an interleaved A/B of `logscope ingest` on the generated syslog file,
 * the two sides differing only in environment variables, to measure a lever before keeping it.
 *
 *   LOGSCOPE_AB_A='LOGSCOPE_PARQUET_COMPAT=1' LOGSCOPE_AB_B='' npm run bench:ab
 *
 * Env: LOGSCOPE_AB_A, LOGSCOPE_AB_B: space-separated NAME=VALUE pairs of each side (empty: as
 * the environment is); LOGSCOPE_AB_ARGS: extra ingest flags of both (e.g. `--workers 1`);
 * LOGSCOPE_AB_A_ARGS, LOGSCOPE_AB_B_ARGS: extra ingest flags of one side (e.g. B `--no-mining`:
 * what mining costs);
 * LOGSCOPE_BENCH_LINES (default 1000000), LOGSCOPE_BENCH_ROUNDS (default 5). Each round runs
 * A then B (B then A in every other round), each a child timed from spawn to exit with its CPU
 * (user + sys) and peak RSS; the report quotes medians and the B/A ratios.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchError, formatLoad, measureDir, median, note, prepareInput, readPositiveInt, runLogscopeIngest, say } from './common.js';

interface Side {
  name: 'A' | 'B';
  env: NodeJS.ProcessEnv;
  wall: number[];
  cpu: number[];
  rss: number[];
  bytes: number[];
  /** Ingest flags of this side only. */
  args: string[];
}

function readSide(name: 'A' | 'B'): Side {
  const raw = process.env[`LOGSCOPE_AB_${name}`] ?? '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const pair of raw.split(/\s+/).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new BenchError(`LOGSCOPE_AB_${name}: "${pair}" is not NAME=VALUE`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const args = (process.env[`LOGSCOPE_AB_${name}_ARGS`] ?? '').split(/\s+/).filter((a) => a !== '');
  return { name, env, wall: [], cpu: [], rss: [], bytes: [], args };
}

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_LINES', 1_000_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 5);
  const extra = (process.env.LOGSCOPE_AB_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const input = await prepareInput(lines, 'syslog');
  const sides = [readSide('A'), readSide('B')];
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-ab-'));
  const loadStart = os.loadavg();
  const warnings: string[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        const runDir = fs.mkdtempSync(path.join(tmpRoot, `${side.name}-`));
        try {
          const { child } = await runLogscopeIngest(input, path.join(runDir, 'data'), runDir, warnings, [...extra, ...side.args], side.env);
          side.wall.push(child.seconds);
          if (child.cpuSeconds !== undefined) side.cpu.push(child.cpuSeconds);
          if (child.peakRssMB !== undefined) side.rss.push(child.peakRssMB);
          side.bytes.push(measureDir(path.join(runDir, 'data', 'logs')));
          note(`round ${round}/${rounds} ${side.name}: ${child.seconds.toFixed(2)} s wall, ${child.cpuSeconds?.toFixed(2) ?? '?'} s CPU`);
        } finally {
          fs.rmSync(runDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
  say(`# A/B of logscope ingest (${lines} syslog lines, ${rounds} interleaved rounds${extra.length > 0 ? `, flags ${extra.join(' ')}` : ''})`);
  const describe = (s: Side): string => [process.env[`LOGSCOPE_AB_${s.name}`] || '(environment as is)', ...s.args].join(' ');
  say(`- A: ${describe(sides[0])}; B: ${describe(sides[1])}`);
  say(`- load average start / end: ${formatLoad(loadStart)} / ${formatLoad(os.loadavg())}`);
  say('');
  say('| side | median wall s | median CPU s | CPU µs/line | peak RSS MiB | logs/ MB |');
  say('|---|---:|---:|---:|---:|---:|');
  for (const s of sides) {
    say(`| ${s.name} | ${median(s.wall).toFixed(2)} | ${s.cpu.length ? median(s.cpu).toFixed(2) : '–'} | ${s.cpu.length ? ((median(s.cpu) * 1e6) / lines).toFixed(2) : '–'} | ${s.rss.length ? Math.round(Math.max(...s.rss)) : '–'} | ${(median(s.bytes) / 1e6).toFixed(2)} |`);
  }
  const [a, b] = sides;
  const ratio = (x: number[], y: number[]): string => (x.length && y.length ? (median(y) / median(x)).toFixed(3) : '–');
  say('');
  say(`- B/A: wall ${ratio(a.wall, b.wall)}, CPU ${ratio(a.cpu, b.cpu)}, logs/ bytes ${ratio(a.bytes, b.bytes)}`);
  for (const w of warnings) say(`- WARNING: ${w}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ab: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
