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
 * LOGSCOPE_AB_A_CLI, LOGSCOPE_AB_B_CLI: the `dist/src/cli/main.js` of each side, to compare two
 * builds (default: this build's), e.g. A `/work/main/dist/src/cli/main.js` and B this one's;
 * LOGSCOPE_AB_MINING_SHARE=1: each side also runs with `--no-mining` in every round (sides A0
 * and B0), and the report gives each side's mining share of its CPU, 1 - CPU(A0) / CPU(A);
 * LOGSCOPE_BENCH_LINES (default 1000000), LOGSCOPE_BENCH_ROUNDS (default 5). Each round runs
 * A then B (B then A in every other round; with the shares, A A0 B B0 then B0 B A0 A), each a
 * child timed from spawn to exit with its CPU (user + sys) and peak RSS; the report quotes
 * medians and the B/A ratios.
 *
 *   LOGSCOPE_AB_A_CLI=/work/main/dist/src/cli/main.js LOGSCOPE_AB_MINING_SHARE=1 npm run bench:ab
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchError, CLI, formatLoad, measureDir, median, note, prepareInput, readPositiveInt, runLogscopeIngest, say } from './common.js';

interface Side {
  name: 'A' | 'B' | 'A0' | 'B0';
  /** The CLI this side runs. */
  cli: string;
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
  const cli = process.env[`LOGSCOPE_AB_${name}_CLI`] || CLI;
  if (!fs.existsSync(cli)) throw new BenchError(`LOGSCOPE_AB_${name}_CLI: ${cli} does not exist (build that side first)`);
  return { name, cli, env, wall: [], cpu: [], rss: [], bytes: [], args };
}

/** The side run as `side` with --no-mining. */
function noMiningSide(side: Side): Side {
  return { ...side, name: side.name === 'A' ? 'A0' : 'B0', args: [...side.args, '--no-mining'], wall: [], cpu: [], rss: [], bytes: [] };
}

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_LINES', 1_000_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 5);
  const extra = (process.env.LOGSCOPE_AB_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const input = await prepareInput(lines, 'syslog');
  const sides = [readSide('A'), readSide('B')];
  const shares = process.env.LOGSCOPE_AB_MINING_SHARE === '1';
  const order = shares ? [sides[0], noMiningSide(sides[0]), sides[1], noMiningSide(sides[1])] : sides;
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-ab-'));
  const loadStart = os.loadavg();
  const warnings: string[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const side of round % 2 === 1 ? order : [...order].reverse()) {
        const runDir = fs.mkdtempSync(path.join(tmpRoot, `${side.name}-`));
        try {
          const { child } = await runLogscopeIngest(input, path.join(runDir, 'data'), runDir, warnings, [...extra, ...side.args], side.env, side.cli);
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
  const describe = (s: Side): string => [s.cli === CLI ? 'this build' : s.cli, process.env[`LOGSCOPE_AB_${s.name}`] || '(environment as is)', ...s.args].join(' ');
  say(`- A: ${describe(sides[0])}; B: ${describe(sides[1])}${shares ? '; A0, B0: the same with --no-mining' : ''}`);
  say(`- load average start / end: ${formatLoad(loadStart)} / ${formatLoad(os.loadavg())}`);
  say('');
  say('| side | median wall s | median CPU s | CPU µs/line | peak RSS MiB | logs/ MB |');
  say('|---|---:|---:|---:|---:|---:|');
  for (const s of order) {
    say(`| ${s.name} | ${median(s.wall).toFixed(2)} | ${s.cpu.length ? median(s.cpu).toFixed(2) : '–'} | ${s.cpu.length ? ((median(s.cpu) * 1e6) / lines).toFixed(2) : '–'} | ${s.rss.length ? Math.round(Math.max(...s.rss)) : '–'} | ${(median(s.bytes) / 1e6).toFixed(2)} |`);
  }
  const [a, b] = sides;
  const ratio = (x: number[], y: number[]): string => (x.length && y.length ? (median(y) / median(x)).toFixed(3) : '–');
  say('');
  say(`- B/A: wall ${ratio(a.wall, b.wall)}, CPU ${ratio(a.cpu, b.cpu)}, logs/ bytes ${ratio(a.bytes, b.bytes)}`);
  if (shares) {
    const share = (s: Side, s0: Side): string => (s.cpu.length && s0.cpu.length ? `${(100 * (1 - median(s0.cpu) / median(s.cpu))).toFixed(1)}% (${(((median(s.cpu) - median(s0.cpu)) * 1e6) / lines).toFixed(2)} CPU µs/line)` : '–');
    say(`- mining share of ingest CPU (1 - no-mining / mining, medians): A ${share(order[0], order[1])}, B ${share(order[2], order[3])}`);
  }
  for (const w of warnings) say(`- WARNING: ${w}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ab: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
