import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { createFleet } from './fleet.js';
import { planRun, type RunPlan } from './plan.js';
import { createRng } from './rng.js';
import { writeLogFile } from './write-log-file.js';

/**
 * The line formats the generator writes: ISO syslog, JSON lines, and Apache/nginx combined
 * access logs (with a response time) where a line's level shows as its status class.
 */
export type GenerateFormat = 'syslog' | 'json' | 'apache';

/** Options for {@link generateLogs}. */
export interface GenerateOptions {
  /** Total lines to write, injected and malformed lines included. */
  lines: number;
  format: GenerateFormat;
  /** Path of the log file; the truth goes to `out + '.truth.json'`. */
  out: string;
  /** Any integer; the same options always give the same bytes. Default 1. */
  seed?: number;
  /** ISO time of the first possible line. Default `'2026-11-18T00:00:00Z'`. */
  start?: string;
  /** Length of the covered span in days, fractions allowed. Default 7. From 2 days on, the first day is a clean warm-up. */
  days?: number;
}

/** What every anomaly in the truth file has. */
export interface AnomalyWindow {
  /** ISO, inclusive, on a whole minute. */
  start: string;
  /** ISO, exclusive, on a whole minute. */
  end: string;
  /**
   * True for what a seasonal detector should learn rather than flag (the nightly job); false
   * for the anomalies a detector is scored on.
   */
  expected: boolean;
}

/**
 * A stretch in which one host+service wrote many extra ERROR lines (15-40 times the file's error
 * rate). `errorLines` counts only the injected lines, not that stream's baseline errors in the
 * same minutes.
 */
export interface ErrorBurst extends AnomalyWindow {
  kind: 'error_burst';
  expected: false;
  host: string;
  service: string;
  errorLines: number;
}

/** A stretch in which the whole fleet's baseline fell to `keptShare` of normal (a shipper or network outage). */
export interface VolumeDrop extends AnomalyWindow {
  kind: 'volume_drop';
  expected: false;
  /** Share of the normal baseline still written: 0 to 0.3. */
  keptShare: number;
  /** About how many lines the outage left out. */
  missingLines: number;
}

/**
 * A leak ending in a restart: one host+service's extra ERROR lines grow linearly from about
 * none to a peak of 15-40 times the file's error rate, then stop at `end`.
 */
export interface SlowRamp extends AnomalyWindow {
  kind: 'slow_ramp';
  expected: false;
  host: string;
  service: string;
  errorLines: number;
}

/**
 * The nightly batch job: a cron stream's burst of extra ERROR lines every day at 02:00-02:02
 * UTC for 15 minutes. Seasonal, hence `expected: true`: not an anomaly for a detector that
 * compares with the same time on earlier days.
 */
export interface RecurringBurst extends AnomalyWindow {
  kind: 'recurring_burst';
  expected: true;
  host: string;
  service: string;
  errorLines: number;
}

/** Everything the generator injects on purpose, told apart by `kind`. */
export type InjectedAnomaly = ErrorBurst | VolumeDrop | SlowRamp | RecurringBurst;

/** The kinds of {@link InjectedAnomaly}, in the order summaries list them. */
export const ANOMALY_KINDS = ['error_burst', 'volume_drop', 'slow_ramp', 'recurring_burst'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** What a generated file contains, for tests and detectors to check against. */
export interface GenerateTruth {
  seed: number;
  format: GenerateFormat;
  /** Lines in the file; always equals the requested count. */
  lines: number;
  /** ISO; every well-formed line is in [start, end). */
  start: string;
  end: string;
  /**
   * ISO; [start, warmupEnd) is a clean day with no anomaly but the nightly job, for seasonal
   * baselines to learn from. Equals start for spans under 2 days, which have no warm-up.
   */
  warmupEnd: string;
  /** Well-formed lines at ERROR or FATAL (in `apache`: with a 5xx status), injected lines included. */
  errorLines: number;
  malformedLines: number;
  /** 1-based, ascending. */
  malformedLineNumbers: number[];
  /**
   * The malformed lines that are stack-trace lines right after a record (or after such a
   * line): a multi-line reader joins them to that record instead of keeping them unparsed.
   * 1-based, ascending; a subset of malformedLineNumbers.
   */
  continuationLineNumbers: number[];
  /** Sorted by start; never overlapping. */
  anomalies: InjectedAnomaly[];
}

const DEFAULT_SEED = 1;
const DEFAULT_START = '2026-11-18T00:00:00Z';
const DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Writes a synthetic log file with known anomalies (error bursts, volume drops, slow ramps,
 * and a nightly job that is not one) and malformed lines, and its truth file beside it.
 * Deterministic: the same options give byte-identical files.
 *
 * @example
 * const truth = await generateLogs({ lines: 1_000_000, format: 'syslog', out: 'demo.log' });
 * // demo.log and demo.log.truth.json now exist; truth.anomalies lists what was injected.
 */
export async function generateLogs(options: GenerateOptions): Promise<GenerateTruth> {
  const { lines, format, out } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  const start = options.start ?? DEFAULT_START;
  const days = options.days ?? DEFAULT_DAYS;
  const startMs = Date.parse(start);
  const spanMs = Math.round(days * DAY_MS);
  checkOptions({ lines, format, out, seed, start, startMs, days, spanMs });

  const rng = createRng(seed);
  const fleet = createFleet(rng);
  const plan = planRun({ lines, startMs, spanMs, rng, fleet });
  const written = await writeLogFile({ path: out, format, lines, startMs, spanMs, plan, fleet, rng });

  const truth: GenerateTruth = {
    seed,
    format,
    lines,
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + spanMs).toISOString(),
    warmupEnd: new Date(plan.warmupEndMs).toISOString(),
    errorLines: written.errorLines,
    malformedLines: plan.malformedLines,
    malformedLineNumbers: written.malformedLineNumbers,
    continuationLineNumbers: written.continuationLineNumbers,
    anomalies: describeAnomalies(plan),
  };
  await writeFile(`${out}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}

/** The plan's anomalies as the truth file lists them, sorted by start. */
function describeAnomalies(plan: RunPlan): InjectedAnomaly[] {
  const timed: Array<[startMs: number, anomaly: InjectedAnomaly]> = [];
  const iso = (ms: number): string => new Date(ms).toISOString();
  for (const i of plan.injections) {
    const common = { start: iso(i.startMs), end: iso(i.endMs) };
    const source = { host: i.stream.host, service: i.stream.service, errorLines: i.lines };
    timed.push([
      i.startMs,
      i.kind === 'recurring_burst'
        ? { kind: i.kind, ...common, expected: true, ...source }
        : { kind: i.kind, ...common, expected: false, ...source },
    ]);
  }
  for (const d of plan.drops) {
    timed.push([
      d.startMs,
      { kind: 'volume_drop', start: iso(d.startMs), end: iso(d.endMs), expected: false, keptShare: d.keptShare, missingLines: d.missingLines },
    ]);
  }
  return timed.sort((a, b) => a[0] - b[0]).map(([, anomaly]) => anomaly);
}

interface CheckedOptions {
  lines: number;
  format: string;
  out: string;
  seed: number;
  start: string;
  startMs: number;
  days: number;
  spanMs: number;
}

function checkOptions(o: CheckedOptions): void {
  if (!Number.isSafeInteger(o.lines) || o.lines < 0) {
    throw new ConfigError(`generate.lines: got ${o.lines}; write a whole number >= 0, e.g. 100000`);
  }
  if (o.format !== 'syslog' && o.format !== 'json' && o.format !== 'apache') {
    throw new ConfigError(`generate.format: got ${JSON.stringify(o.format)}; write "syslog", "json" or "apache"`);
  }
  if (typeof o.out !== 'string' || o.out === '') {
    throw new ConfigError(`generate.out: got ${JSON.stringify(o.out)}; write the path of the log file to create`);
  }
  if (!Number.isSafeInteger(o.seed)) {
    throw new ConfigError(`generate.seed: got ${o.seed}; write a whole number, e.g. 1`);
  }
  if (Number.isNaN(o.startMs)) {
    throw new ConfigError(`generate.start: got ${JSON.stringify(o.start)}; write an ISO time, e.g. "2026-11-18T00:00:00Z"`);
  }
  if (!Number.isFinite(o.days) || o.spanMs < 1) {
    throw new ConfigError(`generate.days: got ${o.days}; write a positive number of days, e.g. 7`);
  }
}

export {
  generateMetricSeries,
  METRIC_SERIES_KINDS,
  type MetricSeriesKind,
  type MetricSeriesOptions,
  type MetricSeriesTruth,
  type LabelledSeries,
  type MetricAnomalyWindow,
  type MetricAnomalyShape,
} from './metric-series.js';
