import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANOMALY_KINDS,
  generateLogs,
  type AnomalyKind,
  type GenerateFormat,
  type GenerateTruth,
  type InjectedAnomaly,
  type RecurringBurst,
  type SlowRamp,
} from '../src/generate/index.js';
import { runCliHere } from './helpers.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_LINES = 300_000;
const SYSLOG_LINE = /^(\S+) ([a-z0-9-]+) ([a-z]+)\[\d+\]: (DEBUG|INFO|NOTICE|WARN|ERROR|FATAL) /;
const ACCESS_LINE = /^\S+ - \S+ \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\] "[^"]*" (\d{3}) /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Per-minute counts read back from the written bytes, minute 0 being the truth's start. */
interface Minutes {
  format: GenerateFormat;
  /** Well-formed lines per minute. */
  lines: Int32Array;
  /** ERROR and FATAL lines (apache: 5xx) per minute. */
  errors: Int32Array;
  /** The same by `host service`; access logs name neither, so they have none. */
  errorsByStream: Map<string, Int32Array>;
}

interface Week {
  truth: GenerateTruth;
  minutes: Minutes;
  out: string;
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-generate-anomalies-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function generateWeek(format: GenerateFormat, seed = 1): Promise<Week> {
  const out = path.join(dir, `week-${seed}.${format}`);
  const truth = await generateLogs({ lines: WEEK_LINES, format, out, seed });
  return { truth, out, minutes: countMinutes(truth, fs.readFileSync(out, 'utf8')) };
}

function countMinutes(truth: GenerateTruth, text: string): Minutes {
  const startMs = Date.parse(truth.start);
  const size = (Date.parse(truth.end) - startMs) / MINUTE_MS;
  const minutes: Minutes = { format: truth.format, lines: new Int32Array(size), errors: new Int32Array(size), errorsByStream: new Map() };
  for (const line of text.split('\n')) {
    const record = readRecord(truth.format, line);
    if (record === undefined) continue;
    const minute = Math.floor((record.ms - startMs) / MINUTE_MS);
    minutes.lines[minute]++;
    if (!record.error) continue;
    minutes.errors[minute]++;
    if (record.stream === undefined) continue;
    let counts = minutes.errorsByStream.get(record.stream);
    if (counts === undefined) minutes.errorsByStream.set(record.stream, (counts = new Int32Array(size)));
    counts[minute]++;
  }
  return minutes;
}

function readRecord(format: GenerateFormat, line: string): { ms: number; error: boolean; stream?: string } | undefined {
  if (format === 'syslog') {
    const m = SYSLOG_LINE.exec(line);
    return m === null ? undefined : { ms: Date.parse(m[1]), error: m[4] === 'ERROR' || m[4] === 'FATAL', stream: `${m[2]} ${m[3]}` };
  }
  if (format === 'json') {
    let r: { ts: string; host: string; service: string; level: string };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      return undefined;
    }
    return { ms: Date.parse(r.ts), error: r.level === 'error' || r.level === 'fatal', stream: `${r.host} ${r.service}` };
  }
  const m = ACCESS_LINE.exec(line);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return { ms, error: m[7].startsWith('5') };
}

/** The minute indexes an anomaly covers, relative to the truth's start. */
function minutesOf(truth: GenerateTruth, anomaly: { start: string; end: string }): number[] {
  const startMs = Date.parse(truth.start);
  const from = (Date.parse(anomaly.start) - startMs) / MINUTE_MS;
  const to = (Date.parse(anomaly.end) - startMs) / MINUTE_MS;
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The errors of the anomaly's stream per minute; in access logs, all 5xx. */
function streamErrors(minutes: Minutes, anomaly: { host: string; service: string }): Int32Array {
  if (minutes.format === 'apache') return minutes.errors;
  return minutes.errorsByStream.get(`${anomaly.host} ${anomaly.service}`) ?? new Int32Array(minutes.lines.length);
}

function sum(values: ArrayLike<number>, indexes: readonly number[]): number {
  return indexes.reduce((total, i) => total + values[i], 0);
}

function countKinds(truth: GenerateTruth): Record<AnomalyKind, number> {
  const counts = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, 0])) as Record<AnomalyKind, number>;
  for (const anomaly of truth.anomalies) counts[anomaly.kind]++;
  return counts;
}

function ofKind<K extends AnomalyKind>(truth: GenerateTruth, kind: K): Array<Extract<InjectedAnomaly, { kind: K }>> {
  return truth.anomalies.filter((a): a is Extract<InjectedAnomaly, { kind: K }> => a.kind === kind);
}

/** Mean errors per minute outside every anomaly that adds errors. */
function baselineErrorsPerMinute(truth: GenerateTruth, minutes: Minutes): number {
  const injected = new Set(truth.anomalies.filter((a) => a.kind !== 'volume_drop').flatMap((a) => minutesOf(truth, a)));
  let errors = 0;
  for (let m = 0; m < minutes.errors.length; m++) if (!injected.has(m)) errors += minutes.errors[m];
  return errors / (minutes.errors.length - injected.size);
}

/** No overlaps; the placed kinds start after the warm-up and keep 30 clean minutes on both sides, file edges included. */
function checkSpacing(truth: GenerateTruth): void {
  for (let i = 1; i < truth.anomalies.length; i++) {
    expect(Date.parse(truth.anomalies[i].start)).toBeGreaterThanOrEqual(Date.parse(truth.anomalies[i - 1].end));
  }
  let previousEnd = Date.parse(truth.warmupEnd);
  for (const anomaly of truth.anomalies) {
    if (anomaly.kind === 'recurring_burst') continue;
    expect(Date.parse(anomaly.start) - previousEnd, anomaly.start).toBeGreaterThanOrEqual(30 * MINUTE_MS);
    previousEnd = Date.parse(anomaly.end);
  }
  expect(Date.parse(truth.end) - previousEnd).toBeGreaterThanOrEqual(30 * MINUTE_MS);
}

/** No placed anomaly within 60 minutes of 02:00-02:17 UTC (the nightly job with its jitter) on any day. */
function checkNightlyClearance(truth: GenerateTruth): void {
  for (const job of ofKind(truth, 'recurring_burst')) {
    const minuteOfDay = (Date.parse(job.start) % DAY_MS) / MINUTE_MS;
    expect(minuteOfDay).toBeGreaterThanOrEqual(120);
    expect(minuteOfDay).toBeLessThanOrEqual(122);
    expect(Date.parse(job.end) - Date.parse(job.start)).toBe(15 * MINUTE_MS);
  }
  for (const anomaly of truth.anomalies) {
    if (anomaly.kind === 'recurring_burst') continue;
    const startMs = Date.parse(anomaly.start);
    const endMs = Date.parse(anomaly.end);
    const dayStart = Math.floor(startMs / DAY_MS) * DAY_MS;
    // The job of the same day and of the day after.
    for (const day of [dayStart, dayStart + DAY_MS]) {
      const from = day + 120 * MINUTE_MS;
      const to = day + 137 * MINUTE_MS;
      const clear = endMs + 60 * MINUTE_MS <= from || startMs >= to + 60 * MINUTE_MS;
      expect(clear, `${anomaly.kind} ${anomaly.start}`).toBe(true);
    }
  }
}

/** Each check reads the written bytes of one format's week. */
function checkErrorBursts({ truth, minutes }: Week): void {
  const baseline = baselineErrorsPerMinute(truth, minutes);
  expect(baseline).toBeGreaterThan(0);
  for (const burst of ofKind(truth, 'error_burst')) {
    for (const m of minutesOf(truth, burst)) expect(minutes.errors[m], burst.start).toBeGreaterThanOrEqual(10 * baseline);
  }
}

function checkVolumeDrops({ truth, minutes }: Week): void {
  for (const drop of ofKind(truth, 'volume_drop')) {
    const inside = minutesOf(truth, drop);
    const first = inside[0];
    const after = inside[inside.length - 1] + 1;
    // The surrounding hour: the 30 clean minutes on either side.
    const around = [...Array.from({ length: 30 }, (_, i) => first - 30 + i), ...Array.from({ length: 30 }, (_, i) => after + i)];
    const insideRate = sum(minutes.lines, inside) / inside.length;
    const aroundRate = sum(minutes.lines, around) / around.length;
    expect(insideRate, drop.start).toBeLessThan(0.5 * aroundRate);
    expect(insideRate, drop.start).toBeLessThanOrEqual((drop.keptShare + 0.15) * aroundRate);
    const missing = aroundRate * inside.length - sum(minutes.lines, inside);
    expect(Math.abs(missing - drop.missingLines), drop.start).toBeLessThan(0.25 * drop.missingLines + 30);
  }
}

function checkSlowRamps({ truth, minutes }: Week): void {
  for (const ramp of ofKind(truth, 'slow_ramp')) {
    const errors = streamErrors(minutes, ramp);
    const inside = minutesOf(truth, ramp);
    const third = Math.floor(inside.length / 3);
    const firstThird = sum(errors, inside.slice(0, third));
    const lastThird = sum(errors, inside.slice(-third));
    expect(firstThird, ramp.start).toBeLessThan(lastThird);
    // A linear ramp puts 1/9 of its lines in the first third and 5/9 in the last.
    expect(lastThird, ramp.start).toBeGreaterThan(2 * firstThird);
    // It stops at once: the last minute is busy, the ten after it are not.
    const last = inside[inside.length - 1];
    const afterEnd = Array.from({ length: 10 }, (_, i) => last + 1 + i);
    expect(sum(errors, afterEnd) / 10, ramp.end).toBeLessThan(errors[last] / 4);
  }
}

/** The first minute of each UTC day's nightly job, as a minute of the day, read from the bytes. */
function findNightlyOnsets({ truth, minutes }: Week, job: RecurringBurst): number[] {
  const errors = streamErrors(minutes, job);
  const startMinute = Date.parse(truth.start) / MINUTE_MS;
  const onsets: number[] = [];
  for (let day = 0; day < errors.length / 1440; day++) {
    // Search 01:00-03:17, where no other anomaly may be: busy minutes there are the job's.
    const busy: number[] = [];
    for (let minuteOfDay = 60; minuteOfDay < 197; minuteOfDay++) {
      const m = day * 1440 + minuteOfDay - (startMinute % 1440);
      if (errors[m] >= 5) busy.push(minuteOfDay);
    }
    expect(busy.length, `day ${day}`).toBeGreaterThanOrEqual(12);
    expect(busy[busy.length - 1] - busy[0], `day ${day}`).toBeLessThan(15);
    onsets.push(busy[0]);
  }
  return onsets;
}

function checkNightlyJob(week: Week): void {
  const jobs = ofKind(week.truth, 'recurring_burst');
  expect(jobs).toHaveLength(7);
  const onsets = findNightlyOnsets(week, jobs[0]);
  expect(onsets).toHaveLength(7);
  expect(Math.max(...onsets) - Math.min(...onsets)).toBeLessThanOrEqual(2);
  for (const onset of onsets) {
    expect(onset).toBeGreaterThanOrEqual(120);
    expect(onset).toBeLessThanOrEqual(122);
  }
}

describe('generateLogs anomalies over the default 7 days', () => {
  let syslog: Week;

  beforeAll(async () => {
    syslog = await generateWeek('syslog');
  });

  it('injects at least 20 error bursts, volume drops and slow ramps, and one nightly job per day', () => {
    const counts = countKinds(syslog.truth);
    console.log(`anomalies at 7 days, ${WEEK_LINES} syslog lines: ${JSON.stringify(counts)}`);
    expect(counts.error_burst).toBeGreaterThanOrEqual(20);
    expect(counts.volume_drop).toBeGreaterThanOrEqual(20);
    expect(counts.slow_ramp).toBeGreaterThanOrEqual(20);
    expect(counts.recurring_burst).toBe(7);
  });

  it('keeps at least 20 of each kind for other seeds and formats', async () => {
    for (const [format, seed] of [['syslog', 2], ['json', 3], ['apache', 4], ['syslog', 99]] as const) {
      const truth = await generateLogs({ lines: 50_000, format, out: path.join(dir, `count-${seed}.${format}`), seed });
      const counts = countKinds(truth);
      console.log(`anomalies at 7 days, seed ${seed}, 50000 ${format} lines: ${JSON.stringify(counts)}`);
      for (const kind of ['error_burst', 'volume_drop', 'slow_ramp'] as const) expect(counts[kind], kind).toBeGreaterThanOrEqual(20);
      expect(counts.recurring_burst).toBe(7);
    }
  });

  it('marks only the nightly job as expected', () => {
    for (const anomaly of syslog.truth.anomalies) expect(anomaly.expected, anomaly.kind).toBe(anomaly.kind === 'recurring_burst');
  });

  it('sorts anomalies by start, on whole minutes, with lengths per kind', () => {
    const lengths: Record<AnomalyKind, [number, number]> = { error_burst: [5, 30], volume_drop: [10, 30], slow_ramp: [45, 90], recurring_burst: [15, 15] };
    let previous = 0;
    for (const anomaly of syslog.truth.anomalies) {
      const startMs = Date.parse(anomaly.start);
      const endMs = Date.parse(anomaly.end);
      expect(startMs % MINUTE_MS).toBe(0);
      expect(endMs % MINUTE_MS).toBe(0);
      expect(startMs).toBeGreaterThanOrEqual(previous);
      const [min, max] = lengths[anomaly.kind];
      expect((endMs - startMs) / MINUTE_MS, anomaly.kind).toBeGreaterThanOrEqual(min);
      expect((endMs - startMs) / MINUTE_MS, anomaly.kind).toBeLessThanOrEqual(max);
      previous = startMs;
    }
  });

  it('never overlaps anomalies and keeps 30 clean minutes around each, file edges included', () => {
    checkSpacing(syslog.truth);
  });

  it('keeps the first day clean but for the nightly job, and records warmupEnd', () => {
    const { truth, minutes } = syslog;
    expect(truth.warmupEnd).toBe('2026-11-19T00:00:00.000Z');
    const inWarmup = truth.anomalies.filter((a) => Date.parse(a.start) < Date.parse(truth.warmupEnd));
    expect(inWarmup.map((a) => a.kind)).toEqual(['recurring_burst']);
    // From the bytes: outside the job, the first day has no minute with an error spike or a volume hole.
    const job = minutesOf(truth, inWarmup[0]);
    const clean = Array.from({ length: 1440 }, (_, m) => m).filter((m) => m < job[0] - 1 || m > job[job.length - 1] + 1);
    const peakErrors = Math.max(...clean.map((m) => minutes.errors[m]));
    expect(peakErrors).toBeLessThan(8);
    // Per-minute counts are Poisson, so a lone thin minute happens; three in a row (a drop lasts 10+) do not.
    const thin = new Set(
      clean.filter((m) => {
        const around = Array.from({ length: 61 }, (_, i) => m - 30 + i).filter((n) => n >= 0 && n < 1440 && n !== m);
        return minutes.lines[m] < 0.5 * (sum(minutes.lines, around) / around.length);
      }),
    );
    expect([...thin].filter((m) => thin.has(m + 1) && thin.has(m + 2))).toEqual([]);
  });

  it('gives the baseline Poisson noise: per-minute counts vary about as much as their mean', () => {
    const { minutes } = syslog;
    // 10:00-11:00 of the clean first day: the daily cycle changes the mean by a few percent there.
    const hour = Array.from({ length: 60 }, (_, i) => 600 + i).map((m) => minutes.lines[m]);
    const mean = hour.reduce((a, b) => a + b, 0) / hour.length;
    const variance = hour.reduce((a, b) => a + (b - mean) ** 2, 0) / (hour.length - 1);
    console.log(`baseline lines per minute 10:00-11:00: mean ${mean.toFixed(1)}, variance ${variance.toFixed(1)}`);
    expect(variance / mean).toBeGreaterThan(0.5);
    expect(variance / mean).toBeLessThan(2);
  });

  it('keeps every other anomaly at least 60 minutes from the nightly job time of day (02:00-02:17)', () => {
    checkNightlyClearance(syslog.truth);
  });

  it('holds the spacing, warm-up and clearance rules for unaligned starts, other spans and seeds', async () => {
    const cases: Array<{ start?: string; days?: number; seed: number }> = [
      { start: '2026-03-01T13:37:21.500Z', seed: 5 },
      { start: '2026-03-01T01:59:00Z', days: 3, seed: 6 },
      { days: 14, seed: 7 },
      { days: 1.5, seed: 8 },
      { days: 0.3, seed: 9 },
      { start: '2026-03-01T02:05:00Z', days: 0.2, seed: 10 },
    ];
    for (const c of cases) {
      const out = path.join(dir, `rules-${c.seed}.log`);
      const truth = await generateLogs({ lines: 50_000, format: 'syslog', out, ...c });
      const spanDays = (Date.parse(truth.end) - Date.parse(truth.start)) / DAY_MS;
      expect(Date.parse(truth.warmupEnd) - Date.parse(truth.start)).toBe(spanDays >= 2 ? DAY_MS : 0);
      checkSpacing(truth);
      checkNightlyClearance(truth);
      const counts = countKinds(truth);
      if (spanDays >= 2) {
        for (const kind of ['error_burst', 'volume_drop', 'slow_ramp'] as const) expect(counts[kind], `${kind} ${JSON.stringify(c)}`).toBe(Math.floor(3.5 * (spanDays - 1)));
      }
      expect(fs.readFileSync(out, 'utf8').split('\n')).toHaveLength(50_001);
    }
  });

  it('error burst minutes carry at least 10 times the baseline errors', () => {
    checkErrorBursts(syslog);
  });

  it('volume drop minutes carry well under half the lines of the surrounding hour, and missingLines matches', () => {
    checkVolumeDrops(syslog);
  });

  it('slow ramp errors rise across the window (last third > 2 × first third) and stop at its end', () => {
    checkSlowRamps(syslog);
    // On the ramp's own stream, the injected lines are all there, plus that stream's few baseline errors.
    for (const ramp of ofKind(syslog.truth, 'slow_ramp')) {
      const inWindow = sum(streamErrors(syslog.minutes, ramp), minutesOf(syslog.truth, ramp));
      expect(inWindow).toBeGreaterThanOrEqual(ramp.errorLines);
      expect(inWindow).toBeLessThan(ramp.errorLines + 15);
    }
  });

  it('the slow ramp peak is 15-40 times the file error rate per minute', () => {
    const { truth } = syslog;
    const meanErrorsPerMinute = ((truth.lines - truth.malformedLines) * 0.02) / (7 * 1440);
    for (const ramp of ofKind(truth, 'slow_ramp') as SlowRamp[]) {
      const minutes = minutesOf(truth, ramp).length;
      const peak = (2 * ramp.errorLines) / minutes;
      expect(peak).toBeGreaterThanOrEqual(14 * meanErrorsPerMinute);
      expect(peak).toBeLessThanOrEqual(41 * meanErrorsPerMinute);
    }
  });

  it('runs the nightly job once per day on one cron stream at the same time of day ± 2 minutes', () => {
    checkNightlyJob(syslog);
    const jobs = ofKind(syslog.truth, 'recurring_burst');
    expect(new Set(jobs.map((j) => `${j.host} ${j.service}`)).size).toBe(1);
    expect(jobs[0].service).toBe('cron');
    const days = jobs.map((j) => Math.floor(Date.parse(j.start) / DAY_MS));
    expect(days).toEqual(Array.from({ length: 7 }, (_, i) => days[0] + i));
    const sizes = jobs.map((j) => j.errorLines);
    // ±20% around one size: the largest is at most 1.5 times the smallest.
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeLessThanOrEqual(1.5);
  });

  it('follows a daily cycle: 12:00-18:00 UTC carries over 1.5 times the lines of 00:00-06:00', () => {
    const { minutes } = syslog;
    let afternoon = 0;
    let night = 0;
    for (let m = 0; m < minutes.lines.length; m++) {
      const hour = Math.floor((m % 1440) / 60);
      if (hour >= 12 && hour < 18) afternoon += minutes.lines[m];
      if (hour < 6) night += minutes.lines[m];
    }
    console.log(`daily cycle: 12-18 UTC ${afternoon} lines, 00-06 UTC ${night} lines, ratio ${(afternoon / night).toFixed(2)}`);
    expect(afternoon / night).toBeGreaterThan(1.5);
    expect(afternoon / night).toBeLessThan(2.1);
  });

  it('is busiest mid-afternoon and quietest in the small hours', () => {
    const byHour = new Array<number>(24).fill(0);
    for (let m = 0; m < syslog.minutes.lines.length; m++) byHour[Math.floor((m % 1440) / 60)] += syslog.minutes.lines[m];
    const busiest = byHour.indexOf(Math.max(...byHour));
    const quietest = byHour.indexOf(Math.min(...byHour));
    expect(busiest).toBeGreaterThanOrEqual(13);
    expect(busiest).toBeLessThanOrEqual(16);
    expect(quietest).toBeGreaterThanOrEqual(1);
    expect(quietest).toBeLessThanOrEqual(5);
  });

  it('still writes exactly the requested lines and counts every error line in truth', () => {
    const { truth, minutes } = syslog;
    expect(sum(minutes.lines, Array.from({ length: minutes.lines.length }, (_, i) => i))).toBe(truth.lines - truth.malformedLines);
    expect(minutes.errors.reduce((a, b) => a + b, 0)).toBe(truth.errorLines);
  });
});

describe.each(['json', 'apache'] as const)('generateLogs anomalies in format %s', (format) => {
  let week: Week;

  beforeAll(async () => {
    week = await generateWeek(format);
  });

  it('carries every kind, 20 or more of each placed kind', () => {
    const counts = countKinds(week.truth);
    console.log(`anomalies at 7 days, ${WEEK_LINES} ${format} lines: ${JSON.stringify(counts)}`);
    for (const kind of ['error_burst', 'volume_drop', 'slow_ramp'] as const) expect(counts[kind]).toBeGreaterThanOrEqual(20);
    expect(counts.recurring_burst).toBe(7);
    expect(week.minutes.errors.reduce((a, b) => a + b, 0)).toBe(week.truth.errorLines);
  });

  it('error bursts, volume drops and slow ramps show in the bytes', () => {
    checkErrorBursts(week);
    checkVolumeDrops(week);
    checkSlowRamps(week);
  });

  it('the nightly job shows once per day at the same time of day ± 2 minutes', () => {
    checkNightlyJob(week);
  });
});

describe('generateLogs determinism with every kind', () => {
  it('gives the same bytes and truth for the same seed in every format', async () => {
    for (const format of ['syslog', 'json', 'apache'] as const) {
      const first = path.join(dir, `det-a.${format}`);
      const second = path.join(dir, `det-b.${format}`);
      const truth = await generateLogs({ lines: 60_000, format, out: first, seed: 11 });
      await generateLogs({ lines: 60_000, format, out: second, seed: 11 });
      expect(Object.values(countKinds(truth)).every((n) => n > 0)).toBe(true);
      expect(fs.readFileSync(second).equals(fs.readFileSync(first))).toBe(true);
      expect(fs.readFileSync(`${second}.truth.json`).equals(fs.readFileSync(`${first}.truth.json`))).toBe(true);
    }
  });
});

describe('generateLogs over short spans', () => {
  it('has no warm-up under 2 days and still places at least one of each kind in half a day', async () => {
    const truth = await generateLogs({ lines: 20_000, format: 'syslog', out: path.join(dir, 'half.log'), days: 0.5 });
    expect(truth.warmupEnd).toBe(truth.start);
    expect(countKinds(truth)).toEqual({ error_burst: 1, volume_drop: 1, slow_ramp: 1, recurring_burst: 1 });
  });

  it('scales the count with the span: 3 of each placed kind in one day, and a warm-up from 2 days', async () => {
    const oneDay = await generateLogs({ lines: 20_000, format: 'syslog', out: path.join(dir, 'one.log'), days: 1 });
    expect(countKinds(oneDay)).toEqual({ error_burst: 3, volume_drop: 3, slow_ramp: 3, recurring_burst: 1 });
    const twoDays = await generateLogs({ lines: 20_000, format: 'syslog', out: path.join(dir, 'two.log'), days: 2 });
    expect(twoDays.warmupEnd).toBe('2026-11-19T00:00:00.000Z');
    expect(countKinds(twoDays)).toEqual({ error_burst: 3, volume_drop: 3, slow_ramp: 3, recurring_burst: 2 });
  });

  it('writes spans too short for any anomaly with none, and the exact line count', async () => {
    const out = path.join(dir, 'short.log');
    const truth = await generateLogs({ lines: 1_000, format: 'syslog', out, days: 0.01 });
    expect(truth.anomalies).toEqual([]);
    expect(fs.readFileSync(out, 'utf8').split('\n')).toHaveLength(1_001);
  });

  it('starts the nightly job on the first day when the span starts before 02:00', async () => {
    const truth = await generateLogs({ lines: 5_000, format: 'json', out: path.join(dir, 'late.jsonl'), start: '2026-11-18T01:30:00Z', days: 3 });
    const jobs = ofKind(truth, 'recurring_burst');
    expect(jobs.map((j) => j.start.slice(0, 10))).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
  });
});

describe('logscope generate', () => {
  it('prints how many anomalies of each kind it injected', async () => {
    const out = path.join(dir, 'cli.log');
    const r = (await runCliHere(['generate', '-n', '20000', '-o', out]));
    expect(r.status, r.stderr).toBe(0);
    const truth = JSON.parse(fs.readFileSync(`${out}.truth.json`, 'utf8')) as GenerateTruth;
    const counts = countKinds(truth);
    for (const kind of ANOMALY_KINDS) expect(r.stdout).toContain(`${counts[kind]} ${kind}`);
  });
});
