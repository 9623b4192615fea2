/**
 * `npm run bench:metric`: how well `logscope anomalies --metric 'avg(value)' --baseline seasonal`
 * finds labelled anomalies in real-style metric series, and how often it fires outside them.
 *
 * The series come from `generateMetricSeries` (level shifts that persist, flat-then-noisy
 * sensors, daily and weekly cycles, heavy-tailed utilisation, slow drifts, missing data), are
 * written as JSON log lines with a numeric `value`, ingested into a store, and judged by the
 * detector with `--by service` (one series each), exactly as a user's data would be.
 *
 * Scoring, NAB style: a labelled window counts as found when an event (a run of flagged buckets)
 * starts inside it or overlaps it; every event that overlaps no window is a false alarm. Events in
 * the probation period (the first 15% of a series) are not scored. False alarms are per 1,000
 * scored points.
 *
 * Cross-check discipline: rules and thresholds were developed on the DEV set (4 kinds, seeds
 * 1-3) only; the HELD-OUT set (all 7 kinds — 3 never looked at — and seeds 11-13) is reported
 * beside it. "before" runs the detector with the settings that reproduce the old behaviour
 * (`LEGACY_METRIC_SETTINGS`), "after" with the defaults, side by side on the same store.
 *
 * Env: BENCH_METRIC_SEEDS_DEV / BENCH_METRIC_SEEDS_HELDOUT (comma-separated) to change seeds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectAnomalies, LEGACY_METRIC_SETTINGS, type AnomalyEvent, type DetectOptions } from '../src/detect/index.js';
import { generateMetricSeries, METRIC_SERIES_KINDS, type MetricSeriesKind, type MetricSeriesTruth } from '../src/generate/index.js';
import { ingest } from '../src/ingest/index.js';
import { openStoreReader } from '../src/store/index.js';

interface SetSpec {
  name: string;
  kinds: readonly MetricSeriesKind[];
  seeds: number[];
}

const DEV_KINDS: MetricSeriesKind[] = ['level_shift', 'flat_noisy', 'daily_cycle', 'spiky'];

function seedsFrom(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  return text === undefined || text === '' ? fallback : text.split(',').map((s) => Number.parseInt(s, 10));
}

const SETS: SetSpec[] = [
  { name: 'dev', kinds: DEV_KINDS, seeds: seedsFrom('BENCH_METRIC_SEEDS_DEV', [1, 2, 3]) },
  { name: 'held-out', kinds: METRIC_SERIES_KINDS, seeds: seedsFrom('BENCH_METRIC_SEEDS_HELDOUT', [11, 12, 13]) },
].filter((s) => process.env.BENCH_METRIC_SETS === undefined || process.env.BENCH_METRIC_SETS.split(',').includes(s.name));

/** Timed runs of each contender (quality is the same every round). */
const ROUNDS = Number(process.env.BENCH_METRIC_ROUNDS ?? 3);

const COMMON: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m', baseline: 'seasonal' };
const CONTENDERS: Array<{ name: string; options: DetectOptions }> = [
  { name: 'before', options: { ...COMMON, ...LEGACY_METRIC_SETTINGS } },
  { name: 'after', options: COMMON },
  // Exploration on the dev set: BENCH_METRIC_TRY='{"confirm":3}' adds a third contender.
  ...(process.env.BENCH_METRIC_TRY ? [{ name: 'try', options: { ...COMMON, ...(JSON.parse(process.env.BENCH_METRIC_TRY) as DetectOptions) } }] : []),
];

/** Windows found and false alarms of one group of series. */
interface Score {
  found: number;
  windows: number;
  falseAlarms: number;
  points: number;
}

/** Scores events against one truth: per kind. */
export function scoreEvents(events: readonly AnomalyEvent[], truth: MetricSeriesTruth): Map<string, Score> {
  const byKind = new Map<string, Score>();
  for (const s of truth.series) {
    const score = byKind.get(s.kind) ?? { found: 0, windows: 0, falseAlarms: 0, points: 0 };
    const probationEnd = Date.parse(s.probationEnd);
    const mine = events.filter((e) => e.series === s.name && Date.parse(e.end) > probationEnd);
    const inWindow = (e: AnomalyEvent, w: { start: string; end: string }) => Date.parse(e.start) < Date.parse(w.end) && Date.parse(w.start) < Date.parse(e.end);
    score.windows += s.windows.length;
    score.found += s.windows.filter((w) => mine.some((e) => inWindow(e, w))).length;
    score.falseAlarms += mine.filter((e) => !s.windows.some((w) => inWindow(e, w))).length;
    score.points += Math.round(s.points * (1 - (probationEnd - Date.parse(truth.start)) / (Date.parse(truth.end) - Date.parse(truth.start))));
    byKind.set(s.kind, score);
  }
  return byKind;
}

function total(scores: Iterable<Score>): Score {
  const t = { found: 0, windows: 0, falseAlarms: 0, points: 0 };
  for (const s of scores) {
    t.found += s.found;
    t.windows += s.windows;
    t.falseAlarms += s.falseAlarms;
    t.points += s.points;
  }
  return t;
}

function describe(s: Score): string {
  return `recall ${(s.found / s.windows).toFixed(3)} (${s.found}/${s.windows}), FA/1000 ${((1000 * s.falseAlarms) / s.points).toFixed(2)} (${s.falseAlarms})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  // BENCH_METRIC_CACHE=DIR keeps the generated stores there and reuses them (for iterating on settings).
  const cache = process.env.BENCH_METRIC_CACHE;
  const dir = cache ?? fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-metric-'));
  console.log(`bench:metric — labelled metric series, --metric 'avg(value)' --by service --bucket 5m --baseline seasonal (machine shared and noisy: times are indicative)`);
  try {
    for (const set of SETS) {
      const file = path.join(dir, `${set.name}.jsonl`);
      const dataDir = path.join(dir, `${set.name}-data`);
      const cached = cache !== undefined && fs.existsSync(`${file}.truth.json`) && fs.existsSync(dataDir);
      const truth = cached ? (JSON.parse(fs.readFileSync(`${file}.truth.json`, 'utf8')) as MetricSeriesTruth) : await generateMetricSeries({ out: file, kinds: set.kinds, seeds: set.seeds });
      if (!cached) await ingest({ inputs: [file], dataDir, format: { name: 'json', options: {} } });
      const reader = await openStoreReader(dataDir);
      try {
        console.log(`\n${set.name}: ${truth.series.length} series (${set.kinds.join(', ')}; seeds ${set.seeds.join(', ')}), ${total(scoreEvents([], truth).values()).windows} windows`);
        const results: Record<string, { scores: Map<string, Score>; ms: number[] }> = {};
        for (let round = 0; round < ROUNDS; round++) {
          for (const c of CONTENDERS) {
            const started = performance.now();
            const { events } = await detectAnomalies(reader.connection, c.options);
            const ms = performance.now() - started;
            results[c.name] ??= { scores: scoreEvents(events, truth), ms: [] };
            results[c.name].ms.push(ms);
          }
        }
        for (const kind of set.kinds) {
          console.log(`  ${kind.padEnd(13)} ${CONTENDERS.map((c) => `${c.name}: ${describe(results[c.name].scores.get(kind)!)}`).join(' | ')}`);
        }
        console.log(`  ${'ALL'.padEnd(13)} ${CONTENDERS.map((c) => `${c.name}: ${describe(total(results[c.name].scores.values()))}`).join(' | ')}`);
        const [before, after] = CONTENDERS.map((c) => median(results[c.name].ms));
        console.log(`  detect time, median of ${ROUNDS}: before ${before.toFixed(0)} ms, after ${after.toFixed(0)} ms (ratio ${(after / before).toFixed(2)})`);
      } finally {
        reader.close();
      }
    }
  } finally {
    if (cache === undefined) fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
