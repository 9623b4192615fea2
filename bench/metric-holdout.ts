/**
 * `npm run bench:metric-holdout`: the metric detector on an independent held-out family of
 * labelled series (bench/holdout-series.ts, written apart from `generate --series` and from the
 * detector's tuning), through the real CLI: `logscope ingest` into a Parquet store, then
 * `logscope anomalies --metric 'avg(value)' --by service --bucket 5m --baseline seasonal --json`
 * with every other setting at its default, beside `--no-robust` and the old judgement
 * (`--no-robust --min-change 0`) in the same run on the same store.
 *
 * Scoring as issue 16 states it: a labelled window is found when at least one event (alarm)
 * starts inside it; every event that starts outside all windows is a false alarm; false alarms
 * per 1,000 points (readings). Reported per seed and as medians over seeds, for the two halves of
 * the kinds (A: rules developed here; B: checked here), plus NAB's variant that ignores the
 * first 15% of each series (probation).
 *
 * Env: BENCH_HOLDOUT_SEEDS (comma-separated; default 101-105), BENCH_HOLDOUT_HALVES (A,B),
 * BENCH_HOLDOUT_TRY='--threshold 4' (a further contender with these extra flags),
 * BENCH_HOLDOUT_OTHER_CLI=.../dist/src/cli/main.js (another build's defaults beside, e.g. main's),
 * BENCH_HOLDOUT_CONTENDERS=default,try (run only these), BENCH_HOLDOUT_CACHE=DIR (keep and reuse the stores), BENCH_HOLDOUT_VERBOSE=1 (the windows each
 * contender missed, and its false alarms by kind and shape: one bucket or several, warning or
 * critical, up or down, night/day/evening UTC; then each one).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHoldoutSeries, HOLDOUT_KINDS, type HoldoutKind, type HoldoutSeries } from './holdout-series.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const START_MS = Date.parse('2026-03-02T00:00:00Z'); // a Monday
const SEEDS = (process.env.BENCH_HOLDOUT_SEEDS ?? '101,102,103,104,105').split(',').map((s) => Number.parseInt(s, 10));
const HALVES = (process.env.BENCH_HOLDOUT_HALVES ?? 'A,B').split(',') as Array<keyof typeof HOLDOUT_KINDS>;
const VERBOSE = process.env.BENCH_HOLDOUT_VERBOSE === '1';

const COMMON = ['--metric', 'avg(value)', '--by', 'service', '--bucket', '5m', '--baseline', 'seasonal'];
const CONTENDERS: Array<{ name: string; flags: string[]; cli?: string }> = [
  { name: 'default', flags: [] },
  { name: '--no-robust', flags: ['--no-robust'] },
  { name: 'old', flags: ['--no-robust', '--min-change', '0'] },
  ...(process.env.BENCH_HOLDOUT_TRY ? [{ name: 'try', flags: process.env.BENCH_HOLDOUT_TRY.split(' ').filter((s) => s !== '') }] : []),
  // Another build's defaults on the same stores, e.g. main's: BENCH_HOLDOUT_OTHER_CLI=/path/to/dist/src/cli/main.js.
  ...(process.env.BENCH_HOLDOUT_OTHER_CLI ? [{ name: 'other-build', flags: [], cli: process.env.BENCH_HOLDOUT_OTHER_CLI }] : []),
].filter((c) => process.env.BENCH_HOLDOUT_CONTENDERS === undefined || process.env.BENCH_HOLDOUT_CONTENDERS.split(',').includes(c.name));

interface CliEvent {
  start: string;
  end: string;
  series: string;
  buckets?: number;
  severity?: string;
  peak?: { z: number | null; observed: number | null; expected: number | null };
}

/** Windows found and false alarms of a group of series, strict (issue 16) and NAB (after probation). */
interface Score {
  found: number;
  windows: number;
  falseAlarms: number;
  points: number;
  nabFalseAlarms: number;
  nabPoints: number;
}

const ZERO: Score = { found: 0, windows: 0, falseAlarms: 0, points: 0, nabFalseAlarms: 0, nabPoints: 0 };

/** Scores one series' events: a window is found when an event starts in it; an event starting in no window is a false alarm. */
export function scoreSeries(events: readonly CliEvent[], truth: HoldoutSeries, missed?: string[], falseAlarms?: string[]): Score {
  const mine = events.filter((e) => e.series === truth.name);
  const starts = mine.map((e) => Date.parse(e.start));
  const inside = (t: number, w: { start: string; end: string }) => t >= Date.parse(w.start) && t < Date.parse(w.end);
  const found = truth.windows.filter((w) => starts.some((t) => inside(t, w)));
  for (const w of truth.windows) if (!found.includes(w)) missed?.push(`${truth.name} ${w.anomaly} at ${w.onset} (window ${w.start} - ${w.end})`);
  const outside = starts.filter((t) => !truth.windows.some((w) => inside(t, w)));
  if (falseAlarms !== undefined) {
    for (const e of mine) if (!truth.windows.some((w) => inside(Date.parse(e.start), w))) falseAlarms.push(`${truth.kind}\t${shapeOf(e)}\t${truth.name} ${e.start}`);
  }
  const probationEnd = Date.parse(truth.probationEnd);
  return {
    found: found.length,
    windows: truth.windows.length,
    falseAlarms: outside.length,
    points: truth.points,
    nabFalseAlarms: outside.filter((t) => t >= probationEnd).length,
    nabPoints: Math.round(truth.points * 0.85),
  };
}

/**
 * What a false alarm looks like, for the verbose breakdown: one bucket or several, at once
 * (critical) or not, up or down, and the hour of day (UTC) it started in: night 0-6, day 6-18, evening 18-24.
 */
function shapeOf(e: CliEvent): string {
  const hour = new Date(e.start).getUTCHours();
  const when = hour < 6 ? 'night' : hour < 18 ? 'day' : 'evening';
  const length = (e.buckets ?? 1) === 1 ? 'single' : 'multi';
  const way = (e.peak?.z ?? 0) >= 0 ? 'up' : 'down';
  return `${length}/${e.severity ?? '?'}/${way}/${when}`;
}

function add(a: Score, b: Score): Score {
  return {
    found: a.found + b.found,
    windows: a.windows + b.windows,
    falseAlarms: a.falseAlarms + b.falseAlarms,
    points: a.points + b.points,
    nabFalseAlarms: a.nabFalseAlarms + b.nabFalseAlarms,
    nabPoints: a.nabPoints + b.nabPoints,
  };
}

const recall = (s: Score) => s.found / s.windows;
const fa1000 = (s: Score) => (1000 * s.falseAlarms) / s.points;
const nabFa1000 = (s: Score) => (1000 * s.nabFalseAlarms) / s.nabPoints;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runCli(args: string[], cli = CLI): string {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Writes one seed's series (every kind of the halves) as one JSON-lines file in time order; returns their truths. */
function writeSeed(seed: number, file: string): HoldoutSeries[] {
  const kinds: HoldoutKind[] = HALVES.flatMap((h) => [...HOLDOUT_KINDS[h]]);
  const all: Array<[number, string]> = [];
  const truths: HoldoutSeries[] = [];
  for (const kind of kinds) {
    const { lines, truth } = buildHoldoutSeries(kind, seed, START_MS);
    all.push(...lines);
    truths.push(truth);
  }
  all.sort((a, b) => a[0] - b[0]);
  fs.writeFileSync(file, `${all.map(([, line]) => line).join('\n')}\n`);
  fs.writeFileSync(`${file}.truth.json`, `${JSON.stringify(truths, null, 2)}\n`);
  return truths;
}

function describe(s: Score): string {
  return `recall ${recall(s).toFixed(3)} (${s.found}/${s.windows}) FA/1000 ${fa1000(s).toFixed(2)} (${s.falseAlarms}) [NAB ${nabFa1000(s).toFixed(2)}]`;
}

async function main(): Promise<void> {
  const cache = process.env.BENCH_HOLDOUT_CACHE;
  const dir = cache ?? fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-holdout-'));
  fs.mkdirSync(dir, { recursive: true });
  console.log(`bench:metric-holdout — independent labelled series (bench/holdout-series.ts), seeds ${SEEDS.join(', ')}, halves ${HALVES.join(', ')}`);
  console.log(`logscope anomalies ${COMMON.join(' ')} [flags]; found = an event starts in the window; FA = an event starting outside every window, per 1,000 points (NAB: after the first 15%)`);
  console.log('(machine shared and noisy: the times are indicative; the scores are exact)');
  // scores[contender][half][seedIndex]
  const scores: Record<string, Record<string, Score[]>> = {};
  const perKind: Record<string, Record<string, Score>> = {};
  const missed: Record<string, string[]> = {};
  const falseAlarms: Record<string, string[]> = {};
  const ms: Record<string, number[]> = {};
  try {
    for (const seed of SEEDS) {
      const file = path.join(dir, `seed-${seed}.jsonl`);
      const dataDir = path.join(dir, `seed-${seed}-data`);
      const cached = cache !== undefined && fs.existsSync(`${file}.truth.json`) && fs.existsSync(dataDir);
      const truths = cached ? (JSON.parse(fs.readFileSync(`${file}.truth.json`, 'utf8')) as HoldoutSeries[]) : writeSeed(seed, file);
      if (!cached) runCli(['ingest', file, '--data', dataDir, '--input-format', 'json', '--workers', '2']);
      const points = truths.reduce((n, t) => n + t.points, 0);
      const windows = truths.reduce((n, t) => n + t.windows.length, 0);
      console.log(`\nseed ${seed}: ${truths.length} series, ${points.toLocaleString('en-US')} points, ${windows} windows`);
      for (const c of CONTENDERS) {
        const started = performance.now();
        const out = runCli(['anomalies', '--data', dataDir, ...COMMON, ...c.flags, '--json'], c.cli);
        (ms[c.name] ??= []).push(performance.now() - started);
        const { events } = JSON.parse(out) as { events: CliEvent[] };
        const line: string[] = [];
        for (const half of HALVES) {
          let s = ZERO;
          for (const t of truths.filter((x) => (HOLDOUT_KINDS[half] as readonly string[]).includes(x.kind))) {
            const one = scoreSeries(events, t, (missed[c.name] ??= []), (falseAlarms[c.name] ??= []));
            s = add(s, one);
            perKind[c.name] ??= {};
            perKind[c.name][t.kind] = add(perKind[c.name][t.kind] ?? ZERO, one);
          }
          ((scores[c.name] ??= {})[half] ??= []).push(s);
          line.push(`${half}: ${describe(s)}`);
        }
        console.log(`  ${c.name.padEnd(12)} ${line.join(' | ')}`);
      }
    }
    console.log('\nper kind, all seeds pooled:');
    for (const half of HALVES) {
      for (const kind of HOLDOUT_KINDS[half]) console.log(`  ${half} ${kind.padEnd(14)} ${CONTENDERS.map((c) => `${c.name}: ${describe(perKind[c.name][kind])}`).join(' | ')}`);
    }
    console.log(`\nmedians over ${SEEDS.length} seeds (target on real data: recall >= .85 at FA/1000 <= 1.5):`);
    for (const c of CONTENDERS) {
      const parts = HALVES.map((half) => {
        const list = scores[c.name][half];
        const pooled = list.reduce(add, ZERO);
        return `${half}: recall ${median(list.map(recall)).toFixed(3)} FA/1000 ${median(list.map(fa1000)).toFixed(2)} [NAB ${median(list.map(nabFa1000)).toFixed(2)}] (pooled ${recall(pooled).toFixed(3)} / ${fa1000(pooled).toFixed(2)})`;
      });
      const both = SEEDS.map((_, k) => HALVES.map((h) => scores[c.name][h][k]).reduce(add, ZERO));
      parts.push(`all: recall ${median(both.map(recall)).toFixed(3)} FA/1000 ${median(both.map(fa1000)).toFixed(2)} [NAB ${median(both.map(nabFa1000)).toFixed(2)}]`);
      console.log(`  ${c.name.padEnd(12)} ${parts.join(' | ')}`);
    }
    const base = median(ms[CONTENDERS[0].name]);
    console.log(`\ndetect time per seed (CLI process, median): ${CONTENDERS.map((c) => `${c.name} ${median(ms[c.name]).toFixed(0)} ms (x${(median(ms[c.name]) / base).toFixed(2)})`).join(', ')}`);
    if (VERBOSE) {
      for (const c of CONTENDERS) console.log(`\nmissed by ${c.name}:\n  ${(missed[c.name] ?? []).join('\n  ')}`);
      // False alarms by kind and shape (length/severity/direction/time of day), all seeds pooled.
      for (const c of CONTENDERS) {
        const counts = new Map<string, number>();
        for (const fa of falseAlarms[c.name] ?? []) {
          const [kind, shape] = fa.split('\t');
          counts.set(`${kind} ${shape}`, (counts.get(`${kind} ${shape}`) ?? 0) + 1);
        }
        const rows = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        console.log(`\nfalse alarms of ${c.name} by kind and shape (length/severity/direction/time of day UTC):\n  ${rows.map(([k, n]) => `${String(n).padStart(4)}  ${k}`).join('\n  ')}`);
        console.log(`false alarms of ${c.name}, each:\n  ${(falseAlarms[c.name] ?? []).map((f) => f.replaceAll('\t', '  ')).join('\n  ')}`);
      }
    }
  } finally {
    if (cache === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
