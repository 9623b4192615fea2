import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { createFleet } from './fleet.js';
import { planRun } from './plan.js';
import { createRng } from './rng.js';
import { writeLogFile } from './write-log-file.js';

/**
 * The line formats the generator writes: ISO syslog, JSON lines, and Apache/nginx combined
 * access logs (with a response time) where a line's level shows as its status class.
 */
export type GenerateFormat = 'syslog' | 'json' | 'apache';

/** Options for {@link generateLogs}. */
export interface GenerateOptions {
  /** Total lines to write, burst and malformed lines included. */
  lines: number;
  format: GenerateFormat;
  /** Path of the log file; the truth goes to `out + '.truth.json'`. */
  out: string;
  /** Any integer; the same options always give the same bytes. Default 1. */
  seed?: number;
  /** ISO time of the first possible line. Default `'2026-11-18T00:00:00Z'`. */
  start?: string;
  /** Length of the covered span in days, fractions allowed. Default 7. */
  days?: number;
}

/**
 * A stretch in which one host+service wrote many extra ERROR lines.
 * `errorLines` counts only the injected lines, not that stream's baseline
 * errors in the same minutes.
 */
export interface ErrorBurst {
  kind: 'error_burst';
  /** ISO, inclusive, on a whole minute. */
  start: string;
  /** ISO, exclusive, on a whole minute. */
  end: string;
  host: string;
  service: string;
  errorLines: number;
}

/**
 * Everything the generator injects on purpose, told apart by `kind`. New
 * kinds (volume drops, seasonal bursts, ramps) join this union.
 */
export type InjectedAnomaly = ErrorBurst;

/** What a generated file contains, for tests and detectors to check against. */
export interface GenerateTruth {
  seed: number;
  format: GenerateFormat;
  /** Lines in the file; always equals the requested count. */
  lines: number;
  /** ISO; every well-formed line is in [start, end). */
  start: string;
  end: string;
  /** Well-formed lines at ERROR or FATAL (in `apache`: with a 5xx status), burst lines included. */
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
  /** Sorted by start. */
  anomalies: InjectedAnomaly[];
}

const DEFAULT_SEED = 1;
const DEFAULT_START = '2026-11-18T00:00:00Z';
const DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Writes a synthetic log file with known error bursts and malformed lines,
 * and its truth file beside it. Deterministic: the same options give
 * byte-identical files.
 *
 * @example
 * const truth = await generateLogs({ lines: 1_000_000, format: 'syslog', out: 'demo.log' });
 * // demo.log and demo.log.truth.json now exist; truth.anomalies lists the bursts.
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
    errorLines: written.errorLines,
    malformedLines: plan.malformedLines,
    malformedLineNumbers: written.malformedLineNumbers,
    continuationLineNumbers: written.continuationLineNumbers,
    anomalies: plan.bursts.map((burst) => ({
      kind: 'error_burst',
      start: new Date(burst.startMs).toISOString(),
      end: new Date(burst.endMs).toISOString(),
      host: burst.stream.host,
      service: burst.stream.service,
      errorLines: burst.lines,
    })),
  };
  await writeFile(`${out}.truth.json`, `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
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
