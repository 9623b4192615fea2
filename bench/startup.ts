/**
 * The start-up part of `npm run bench`: `logscope --version` and `logscope sql "SELECT 1"`
 * (over a store of a few lines, made once, untimed), each run ROUNDS times as a child
 * process, interleaved, timed from spawn to exit. The target is a median under 0.25 s: a
 * command that does not need DuckDB or zod must not load them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CLI, formatInt, median, note, round3, runChild, say, type ChildResult } from './common.js';

/** Under this median (s), start-up is not noticeable at a prompt. */
const TARGET_SECONDS = 0.25;

interface StartupCommand {
  label: string;
  key: string;
  /** node's arguments. */
  args: (dataDir: string) => string[];
}

const COMMANDS: StartupCommand[] = [
  // The floor: Node's own start-up, on this machine at this load.
  { label: '`node -e 0` (floor)', key: 'node', args: () => ['-e', '0'] },
  { label: 'logscope --version', key: 'version', args: () => [CLI, '--version'] },
  { label: 'logscope sql "SELECT 1"', key: 'sql', args: (dataDir) => [CLI, 'sql', 'SELECT 1', '--data', dataDir, '--format', 'csv'] },
];

/** Runs the start-up rounds in tmpRoot; prints its table and returns its BENCH_RESULT fields. */
export async function benchStartup(tmpRoot: string, rounds: number): Promise<Record<string, unknown>> {
  const dataDir = path.join(tmpRoot, 'startup-store');
  const input = path.join(tmpRoot, 'startup.log');
  fs.writeFileSync(input, '2026-11-25T10:00:00.000Z web-01 nginx[1]: INFO started\n');
  await runChild(process.execPath, [CLI, 'ingest', input, '--data', dataDir, '--quiet'], tmpRoot);
  const runs = new Map<string, ChildResult[]>(COMMANDS.map((c) => [c.label, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const c of COMMANDS) runs.get(c.label)!.push(await runChild(process.execPath, c.args(dataDir), tmpRoot));
  }
  note(`start-up: ${rounds} rounds of ${COMMANDS.length} commands`);
  say('');
  say(`## Start-up (median of ${rounds}, interleaved; target < ${TARGET_SECONDS} s)`);
  say('');
  say('| command | median s | min s | max s | CPU s (median) | peak RSS MiB |');
  say('|---|---:|---:|---:|---:|---:|');
  const result: Record<string, unknown> = {};
  for (const c of COMMANDS) {
    const r = runs.get(c.label)!;
    const wall = r.map((x) => x.seconds);
    const cpu = r.flatMap((x) => (x.cpuSeconds === undefined ? [] : [x.cpuSeconds]));
    const rss = r.flatMap((x) => (x.peakRssMB === undefined ? [] : [x.peakRssMB]));
    const cpuMedian = cpu.length > 0 ? median(cpu) : undefined;
    say(`| ${c.label} | ${median(wall).toFixed(3)} | ${Math.min(...wall).toFixed(3)} | ${Math.max(...wall).toFixed(3)} | ${cpuMedian?.toFixed(3) ?? '–'} | ${rss.length > 0 ? formatInt(Math.round(Math.max(...rss))) : '–'} |`);
    result[c.key] = { medianSeconds: round3(median(wall)), cpuSeconds: cpuMedian === undefined ? null : round3(cpuMedian) };
  }
  say(`- on a loaded machine wall time is mostly waiting for a core: compare the CPU column with the floor's`);
  return result;
}
