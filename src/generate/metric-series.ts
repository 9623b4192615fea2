import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { createRng, type Rng } from './rng.js';

/**
 * Kinds of labelled metric series, each the shape of a kind of real monitoring series that
 * troubles a z-score detector, with anomalies a person would want to hear about:
 * - `level_shift`: a level that shifts and stays there (a deploy, a resized instance);
 * - `flat_noisy`: a sensor that repeats one reading for hours, then reports ordinary noise;
 * - `daily_cycle`: a daily cycle with noise;
 * - `weekly_cycle`: a daily cycle whose weekend is lower;
 * - `spiky`: a heavy-tailed utilisation series (short unlabelled bumps);
 * - `drift`: a level that drifts slowly (not an anomaly) under the anomalies;
 * - `gappy`: a daily cycle with stretches of missing data (not anomalies).
 * Every kind has sporadic missing points.
 */
export const METRIC_SERIES_KINDS = ['level_shift', 'flat_noisy', 'daily_cycle', 'weekly_cycle', 'spiky', 'drift', 'gappy'] as const;
export type MetricSeriesKind = (typeof METRIC_SERIES_KINDS)[number];

/** What an injected anomaly does to the series. */
export type MetricAnomalyShape = 'shift' | 'spike' | 'dip' | 'plateau' | 'missed_peak';

/** Options of {@link generateMetricSeries}. */
export interface MetricSeriesOptions {
  /** Path of the JSON-lines file; the labels go to `out + '.truth.json'`. */
  out: string;
  kinds: readonly MetricSeriesKind[];
  /** One series per kind and seed; the same seed always gives the same series. */
  seeds: readonly number[];
  /** ISO time of the first point. Default `'2026-01-05T00:00:00Z'` (a Monday). */
  start?: string;
  /** Days each series spans. Default 14. */
  days?: number;
  /** Seconds between points. Default 300. */
  intervalSeconds?: number;
}

/** One labelled anomaly window (NAB style: centred on the anomaly, 10% of the series shared among its anomalies). */
export interface MetricAnomalyWindow {
  shape: MetricAnomalyShape;
  /** When the anomaly begins, ISO. */
  at: string;
  /** The window it is scored in: ISO, start inclusive, end exclusive. */
  start: string;
  end: string;
}

/** One series of the file: its records have `service` = `name` and the reading in field `value`. */
export interface LabelledSeries {
  name: string;
  kind: MetricSeriesKind;
  seed: number;
  /** Points written (missing ones are not written). */
  points: number;
  /** Before this (ISO) is the probation period: no anomalies, and nothing found there is scored. */
  probationEnd: string;
  windows: MetricAnomalyWindow[];
}

/** The truth file of {@link generateMetricSeries}. */
export interface MetricSeriesTruth {
  start: string;
  end: string;
  intervalSeconds: number;
  series: LabelledSeries[];
}

const DEFAULT_START = '2026-01-05T00:00:00Z';
const DAY_S = 86_400;
/** Share of the series before the first anomaly and before scoring starts (NAB: 15%). */
const PROBATION_SHARE = 0.15;
/** Share of the series covered by anomaly windows, split evenly among them (NAB: 10%). */
const WINDOW_SHARE = 0.1;

/**
 * Writes labelled real-style metric series as JSON log lines — `{"ts", "level", "service",
 * "msg", "value"}` — one line per point, so that they go through ingest and
 * `logscope anomalies --metric 'avg(value)' --by service` like a user's data; and the anomaly
 * windows to `out + '.truth.json'`.
 *
 * @example
 * const truth = await generateMetricSeries({ out: 'series.jsonl', kinds: ['level_shift'], seeds: [1, 2] });
 */
export async function generateMetricSeries(options: MetricSeriesOptions): Promise<MetricSeriesTruth> {
  const startMs = Date.parse(options.start ?? DEFAULT_START);
  const days = options.days ?? 14;
  const interval = options.intervalSeconds ?? 300;
  if (Number.isNaN(startMs)) throw new ConfigError(`generate.start: got ${JSON.stringify(options.start)}; write an ISO time, e.g. "2026-01-05T00:00:00Z"`);
  if (!(days >= 3)) throw new ConfigError(`generate.days: got ${days}; labelled metric series need at least 3 days (a probation period, then anomalies)`);
  if (!Number.isInteger(interval) || interval < 1) throw new ConfigError(`generate.interval: got ${interval}; write a whole number of seconds >= 1`);
  for (const kind of options.kinds) {
    if (!(METRIC_SERIES_KINDS as readonly string[]).includes(kind)) throw new ConfigError(`generate.series: unknown kind ${JSON.stringify(kind)}; one of ${METRIC_SERIES_KINDS.join(', ')}`);
  }
  const count = Math.floor((days * DAY_S) / interval);
  const lines: Array<[number, string]> = [];
  const series: LabelledSeries[] = [];
  for (const kind of options.kinds) {
    for (const seed of options.seeds) {
      const name = `${kind}-${seed}`;
      const built = buildSeries(kind, createRng(seed * 7919 + METRIC_SERIES_KINDS.indexOf(kind) + 1), count, interval);
      const isoAt = (i: number) => new Date(startMs + i * interval * 1000).toISOString();
      const half = Math.floor((WINDOW_SHARE * count) / Math.max(built.anomalies.length, 1) / 2);
      let points = 0;
      built.values.forEach((v, i) => {
        if (v === null) return;
        points++;
        const t = startMs + i * interval * 1000;
        lines.push([t, JSON.stringify({ ts: new Date(t).toISOString(), level: 'INFO', service: name, msg: 'reading', value: Math.round(v * 1000) / 1000 })]);
      });
      series.push({
        name,
        kind,
        seed,
        points,
        probationEnd: isoAt(Math.ceil(PROBATION_SHARE * count)),
        windows: built.anomalies.map((a) => ({ shape: a.shape, at: isoAt(a.at), start: isoAt(Math.max(0, a.at - half)), end: isoAt(Math.min(count, a.at + half + 1)) })),
      });
    }
  }
  lines.sort((a, b) => a[0] - b[0]);
  await writeFile(options.out, lines.map(([, l]) => `${l}\n`).join(''));
  const truth: MetricSeriesTruth = { start: new Date(startMs).toISOString(), end: new Date(startMs + count * interval * 1000).toISOString(), intervalSeconds: interval, series };
  await writeFile(`${options.out}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}

interface BuiltSeries {
  values: Array<number | null>;
  anomalies: Array<{ at: number; shape: MetricAnomalyShape }>;
}

/** A standard normal draw (Box-Muller). */
function gauss(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

/** Anomaly start indices: after the probation period, spaced more than a window apart. */
function placeAnomalies(r: Rng, count: number, n: number): number[] {
  const first = Math.ceil(PROBATION_SHARE * count) + 10;
  const span = count - 20 - first;
  const slot = Math.floor(span / n);
  return Array.from({ length: n }, (_, k) => first + k * slot + Math.floor(slot * (0.15 + 0.7 * r.next())));
}

function buildSeries(kind: MetricSeriesKind, r: Rng, count: number, interval: number): BuiltSeries {
  const perDay = DAY_S / interval;
  const level = 20 + 80 * r.next();
  const noise = level * (0.01 + 0.03 * r.next());
  const phase = r.next() * 2 * Math.PI;
  const daily = (i: number, amplitude: number) => amplitude * Math.sin((2 * Math.PI * i) / perDay + phase);
  const weekend = (i: number) => {
    const day = Math.floor(i / perDay) % 7; // the series starts on a Monday
    return day >= 5 ? 0.55 : 1;
  };
  const base: number[] = new Array(count);
  const anomalies: BuiltSeries['anomalies'] = [];
  // Nuisances: shapes that are no anomaly.
  switch (kind) {
    case 'flat_noisy': {
      // A quantised sensor: long stretches repeating one reading, then ordinary noise.
      let i = 0;
      let flat = r.next() < 0.5;
      let current = level;
      while (i < count) {
        const len = flat ? r.int(perDay / 8, perDay / 2) : r.int(perDay / 24, perDay / 4);
        for (let k = 0; k < len && i < count; k++, i++) base[i] = flat ? current : Math.round((current + noise * gauss(r)) * 10) / 10;
        current = Math.round((level + noise * gauss(r)) * 10) / 10;
        flat = !flat;
      }
      break;
    }
    case 'spiky':
      for (let i = 0; i < count; i++) base[i] = level * 0.2 * Math.exp(0.35 * gauss(r)) * (r.next() < 0.01 ? 1.5 + r.next() : 1);
      break;
    case 'drift': {
      const slope = (level * (0.2 + 0.3 * r.next()) * (r.next() < 0.5 ? -1 : 1)) / count;
      for (let i = 0; i < count; i++) base[i] = level + slope * i + noise * gauss(r);
      break;
    }
    case 'weekly_cycle':
      for (let i = 0; i < count; i++) base[i] = (level + daily(i, level * 0.3)) * weekend(i) + noise * gauss(r);
      break;
    default:
      for (let i = 0; i < count; i++) base[i] = level + (kind === 'level_shift' ? 0 : daily(i, level * 0.3)) + noise * gauss(r);
  }
  const values: Array<number | null> = base.slice();
  const spread = kind === 'spiky' ? level * 0.2 * 0.4 : noise;
  const shapes: MetricAnomalyShape[] =
    kind === 'level_shift' ? ['shift', 'shift', 'spike'] : kind === 'spiky' ? ['plateau', 'spike'] : kind === 'daily_cycle' || kind === 'weekly_cycle' ? ['spike', 'dip', 'missed_peak'] : ['spike', 'dip'];
  const order = shapes.map((s) => ({ s, k: r.next() })).sort((a, b) => a.k - b.k).map((x) => x.s);
  const starts = placeAnomalies(r, count, order.length);
  order.forEach((shape, n) => {
    let at = starts[n];
    const sign = r.next() < 0.5 ? -1 : 1;
    switch (shape) {
      case 'shift': {
        // Persists to the end: every later point moves by 15-40% of the level.
        const delta = sign * level * (0.15 + 0.25 * r.next());
        for (let i = at; i < count; i++) values[i] = (values[i] as number) + delta;
        break;
      }
      case 'spike':
      case 'dip': {
        const len = r.int(1, 4);
        const size = Math.max(spread * (8 + 8 * r.next()), level * 0.3);
        for (let i = at; i < at + len; i++) values[i] = shape === 'spike' ? (values[i] as number) + size : Math.max(0, (values[i] as number) - size);
        break;
      }
      case 'plateau': {
        const len = r.int(6, 24);
        for (let i = at; i < at + len; i++) values[i] = (values[i] as number) * (3 + 3 * r.next());
        break;
      }
      case 'missed_peak': {
        // The daily peak does not come: the next peak stays at the daily mean for two hours.
        const peakOffset = (((perDay / 4 - (phase / (2 * Math.PI)) * perDay) % perDay) + perDay) % perDay;
        at = Math.floor(at / perDay) * perDay + Math.round(peakOffset) - Math.round(perDay / 24);
        if (at < Math.ceil(PROBATION_SHARE * count) + 10) at += perDay;
        if (at + perDay / 12 >= count) at -= perDay;
        for (let i = at; i < at + perDay / 12; i++) values[i] = (values[i] as number) - daily(i, level * 0.3) * weekend(i);
        break;
      }
    }
    anomalies.push({ at, shape });
  });
  // Missing data: sporadic points everywhere; for `gappy`, long stretches away from the anomalies.
  for (let i = 0; i < count; i++) if (r.next() < 0.01) values[i] = null;
  if (kind === 'gappy') {
    for (let g = 0; g < 6; g++) {
      const at = r.int(perDay, count - perDay);
      const len = r.int(perDay / 48, perDay / 4);
      if (anomalies.some((a) => Math.abs(a.at - at) < len + perDay / 12)) continue;
      for (let i = at; i < Math.min(count, at + len); i++) values[i] = null;
    }
  }
  return { values, anomalies: anomalies.sort((a, b) => a.at - b.at) };
}
