import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { generateLogs, type GenerateOptions, type GenerateTruth } from '../src/generate/index.js';
import { isContinuation } from '../src/parse/index.js';
import { parseText } from './parse/parse-helper.js';

/** The exact shape of a well-formed syslog line. */
const SYSLOG_LINE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) ([a-z0-9-]+) ([a-z]+)\[(\d+)\]: (DEBUG|INFO|NOTICE|WARN|ERROR|FATAL) (\S.*)$/;
/** What a lenient syslog parser would still take: timestamp, host, tag and ": ". */
const LOOSE_SYSLOG_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})? \S+ \S+: /;
const JSON_LEVELS = new Set(['debug', 'info', 'notice', 'warn', 'error', 'fatal']);
const MINUTE_MS = 60_000;

interface Generated {
  out: string;
  truth: GenerateTruth;
  lines: string[];
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-generate-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function generate(name: string, options: Omit<GenerateOptions, 'out'>): Promise<Generated> {
  const out = path.join(dir, name);
  const truth = await generateLogs({ ...options, out });
  return { out, truth, lines: readLines(out) };
}

function readLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

function malformedNumbers(lines: string[], isWellFormed: (line: string) => boolean): number[] {
  const numbers: number[] = [];
  lines.forEach((line, i) => {
    if (!isWellFormed(line)) numbers.push(i + 1);
  });
  return numbers;
}

function parseJsonRecord(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Error lines added by the anomalies (volume drops add none). */
function sumInjectedErrorLines(truth: GenerateTruth): number {
  return truth.anomalies.reduce((sum, a) => sum + ('errorLines' in a ? a.errorLines : 0), 0);
}

function countKind(truth: GenerateTruth, kind: string): number {
  return truth.anomalies.filter((a) => a.kind === kind).length;
}

describe('generateLogs', () => {
  let syslog: Generated;
  let json: Generated;

  beforeAll(async () => {
    syslog = await generate('week.log', { lines: 20_000, format: 'syslog' });
    json = await generate('week.jsonl', { lines: 20_000, format: 'json' });
  });

  it('writes exactly the requested number of lines', async () => {
    expect(syslog.lines).toHaveLength(20_000);
    expect(json.lines).toHaveLength(20_000);
    expect(syslog.truth.lines).toBe(20_000);
    for (const format of ['syslog', 'json', 'apache'] as const) {
      for (const lines of [0, 1, 7, 150, 1_001]) {
        const small = await generate(`small-${lines}.${format}`, { lines, format });
        expect(small.lines).toHaveLength(lines);
        expect(small.truth.lines).toBe(lines);
      }
    }
  });

  it('never writes a blank line', () => {
    expect([...syslog.lines, ...json.lines].filter((line) => !/\S/.test(line))).toEqual([]);
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    for (const format of ['syslog', 'json', 'apache'] as const) {
      const first = await generate(`same-a.${format}`, { lines: 3_000, format, seed: 7 });
      const second = await generate(`same-b.${format}`, { lines: 3_000, format, seed: 7 });
      const other = await generate(`other.${format}`, { lines: 3_000, format, seed: 8 });
      expect(fs.readFileSync(second.out).equals(fs.readFileSync(first.out))).toBe(true);
      expect(fs.readFileSync(`${second.out}.truth.json`).equals(fs.readFileSync(`${first.out}.truth.json`))).toBe(true);
      expect(fs.readFileSync(other.out).equals(fs.readFileSync(first.out))).toBe(false);
    }
  });

  it('uses seed 1 when no seed is given', async () => {
    const explicit = await generate('seed-1.log', { lines: 500, format: 'syslog', seed: 1 });
    expect(explicit.lines).toEqual((await generate('seed-default.log', { lines: 500, format: 'syslog' })).lines);
    expect(explicit.truth.seed).toBe(1);
  });

  it('makes about 2% errors and about 1% malformed lines', () => {
    for (const { truth, lines } of [syslog, json]) {
      expect(truth.malformedLines).toBeGreaterThanOrEqual(180);
      expect(truth.malformedLines).toBeLessThanOrEqual(220);
      expect(truth.malformedLineNumbers).toHaveLength(truth.malformedLines);
      const burstLines = sumInjectedErrorLines(truth);
      const baselineShare = (truth.errorLines - burstLines) / (lines.length - truth.malformedLines - burstLines);
      expect(baselineShare).toBeGreaterThan(0.015);
      expect(baselineShare).toBeLessThan(0.025);
    }
  });

  it('counts error lines in truth exactly as they appear in the file', () => {
    const syslogLevels = syslog.lines.map((line) => SYSLOG_LINE.exec(line)?.[5]);
    const syslogErrors = syslogLevels.filter((level) => level === 'ERROR' || level === 'FATAL').length;
    expect(syslogErrors).toBe(syslog.truth.errorLines);
    const jsonErrors = json.lines.map(parseJsonRecord).filter((r) => r?.level === 'error' || r?.level === 'fatal').length;
    expect(jsonErrors).toBe(json.truth.errorLines);
  });

  it('logs mostly at INFO, with every level present', () => {
    const levels = new Map<string, number>();
    for (const line of syslog.lines) {
      const level = SYSLOG_LINE.exec(line)?.[5];
      if (level) levels.set(level, (levels.get(level) ?? 0) + 1);
    }
    expect([...levels.keys()].sort()).toEqual(['DEBUG', 'ERROR', 'FATAL', 'INFO', 'NOTICE', 'WARN']);
    expect(levels.get('INFO')! / syslog.lines.length).toBeGreaterThan(0.7);
    expect(levels.get('FATAL')!).toBeLessThan(levels.get('ERROR')! / 5);
  });

  it('malformed line numbers in truth match lines that do not match the syslog shape', () => {
    const { truth, lines } = syslog;
    expect(malformedNumbers(lines, (l) => SYSLOG_LINE.test(l))).toEqual(truth.malformedLineNumbers);
    const malformed = truth.malformedLineNumbers.map((n) => lines[n - 1]);
    expect(malformed.filter((line) => LOOSE_SYSLOG_START.test(line))).toEqual([]);
    // Even V8's lenient Date.parse must not find a time before a host and tag.
    const parsable = malformed.filter(
      (line) => /^\S+ \S+ \S+: /.test(line) && !Number.isNaN(Date.parse(line.split(' ')[0])),
    );
    expect(parsable).toEqual([]);
  });

  it('parses every json line except the malformed ones', () => {
    const { truth, lines } = json;
    expect(malformedNumbers(lines, (l) => parseJsonRecord(l) !== undefined)).toEqual(truth.malformedLineNumbers);
    const misshapen = lines.map(parseJsonRecord).filter(
      (record) =>
        record !== undefined &&
        !(
          typeof record.ts === 'string' &&
          new Date(record.ts).toISOString() === record.ts &&
          /^[a-z]+-\d\d$/.test(String(record.host)) &&
          typeof record.service === 'string' &&
          Number.isInteger(record.pid) &&
          JSON_LEVELS.has(String(record.level)) &&
          typeof record.msg === 'string' &&
          record.msg !== ''
        ),
    );
    expect(misshapen).toEqual([]);
  });

  it('keeps timestamps non-decreasing and inside [start, end)', () => {
    for (const { truth, lines } of [syslog, json]) {
      const startMs = Date.parse(truth.start);
      const endMs = Date.parse(truth.end);
      expect(endMs - startMs).toBe(7 * 86_400_000);
      let previous = startMs;
      const outOfOrder: string[] = [];
      for (const line of lines) {
        const ts = truth.format === 'json' ? (parseJsonRecord(line)?.ts as string | undefined) : SYSLOG_LINE.exec(line)?.[1];
        if (ts === undefined) continue;
        const ms = Date.parse(ts);
        if (ms < previous || ms >= endMs) outOfOrder.push(line);
        previous = ms;
      }
      expect(outOfOrder).toEqual([]);
    }
  });

  it('keeps one pid per host and service across several hosts and services', () => {
    const pids = new Map<string, Set<string>>();
    for (const line of syslog.lines) {
      const m = SYSLOG_LINE.exec(line);
      if (!m) continue;
      const key = `${m[2]} ${m[3]}`;
      if (!pids.has(key)) pids.set(key, new Set());
      pids.get(key)!.add(m[4]);
    }
    for (const set of pids.values()) expect(set.size).toBe(1);
    const hosts = new Set([...pids.keys()].map((k) => k.split(' ')[0]));
    const services = new Set([...pids.keys()].map((k) => k.split(' ')[1]));
    expect(hosts.size).toBeGreaterThanOrEqual(6);
    expect(services.size).toBeGreaterThanOrEqual(7);
  });

  it('writes the truth file as pretty JSON equal to the returned truth', () => {
    const text = fs.readFileSync(`${syslog.out}.truth.json`, 'utf8');
    expect(JSON.parse(text)).toEqual(syslog.truth);
    expect(text).toContain('\n  "anomalies": [');
    expect(syslog.truth).toMatchObject({ seed: 1, format: 'syslog', start: '2026-11-18T00:00:00.000Z', end: '2026-11-25T00:00:00.000Z' });
  });

  it('places error bursts of 5-30 minutes that never overlap: 21 at 7 days, 1 in half a day', async () => {
    const halfDay = await generate('half-day.log', { lines: 5_000, format: 'syslog', days: 0.5 });
    for (const [{ truth }, expected] of [[syslog, 21], [json, 21], [halfDay, 1]] as const) {
      expect(countKind(truth, 'error_burst')).toBe(expected);
      let previousEnd = Date.parse(truth.start);
      for (const anomaly of truth.anomalies) {
        const startMs = Date.parse(anomaly.start);
        const endMs = Date.parse(anomaly.end);
        expect(startMs % MINUTE_MS).toBe(0);
        expect(startMs).toBeGreaterThanOrEqual(previousEnd);
        expect(endMs).toBeLessThanOrEqual(Date.parse(truth.end));
        previousEnd = endMs;
        if (anomaly.kind !== 'error_burst') continue;
        expect(endMs - startMs).toBeGreaterThanOrEqual(5 * MINUTE_MS);
        expect(endMs - startMs).toBeLessThanOrEqual(30 * MINUTE_MS);
        expect(anomaly.errorLines).toBeGreaterThan(0);
      }
    }
  });

  it('records every burst in truth.json and the burst minutes carry many more errors than baseline', async () => {
    const { truth, lines } = await generate('day.log', { lines: 20_000, format: 'syslog', days: 1, seed: 3 });
    expect(countKind(truth, 'error_burst')).toBe(3);
    const injecting = truth.anomalies.filter((a) => a.kind !== 'volume_drop');

    const errorsPerMinute = new Map<number, number>();
    const records = lines.map((line) => SYSLOG_LINE.exec(line)).filter((m) => m !== null);
    for (const m of records) {
      if (m[5] !== 'ERROR' && m[5] !== 'FATAL') continue;
      const minute = Math.floor(Date.parse(m[1]) / MINUTE_MS);
      errorsPerMinute.set(minute, (errorsPerMinute.get(minute) ?? 0) + 1);
    }
    const burstMinutes = new Set<number>();
    const injectedMinutes = new Set<number>();
    for (const anomaly of injecting) {
      for (let t = Date.parse(anomaly.start); t < Date.parse(anomaly.end); t += MINUTE_MS) {
        injectedMinutes.add(t / MINUTE_MS);
        if (anomaly.kind === 'error_burst') burstMinutes.add(t / MINUTE_MS);
      }
    }
    const firstMinute = Date.parse(truth.start) / MINUTE_MS;
    const lastMinute = Date.parse(truth.end) / MINUTE_MS;
    let baselineErrors = 0;
    for (let minute = firstMinute; minute < lastMinute; minute++) {
      if (!injectedMinutes.has(minute)) baselineErrors += errorsPerMinute.get(minute) ?? 0;
    }
    const baselinePerMinute = baselineErrors / (lastMinute - firstMinute - injectedMinutes.size);
    expect(baselinePerMinute).toBeGreaterThan(0);
    for (const minute of burstMinutes) {
      expect(errorsPerMinute.get(minute) ?? 0).toBeGreaterThanOrEqual(10 * baselinePerMinute);
    }

    for (const anomaly of injecting) {
      if (anomaly.kind === 'volume_drop') continue;
      const inWindow = records.filter(
        (m) =>
          m[2] === anomaly.host &&
          m[3] === anomaly.service &&
          m[5] === 'ERROR' &&
          Date.parse(m[1]) >= Date.parse(anomaly.start) &&
          Date.parse(m[1]) < Date.parse(anomaly.end),
      ).length;
      expect(inWindow).toBeGreaterThanOrEqual(anomaly.errorLines);
      expect(inWindow).toBeLessThan(anomaly.errorLines + 5);
    }
  });

  it('rejects options it cannot use', async () => {
    const out = path.join(dir, 'rejected.log');
    const bad: GenerateOptions[] = [
      { lines: -1, format: 'syslog', out },
      { lines: 1.5, format: 'syslog', out },
      { lines: 10, format: 'xml' as 'json', out },
      { lines: 10, format: 'json', out: '' },
      { lines: 10, format: 'json', out, seed: 0.5 },
      { lines: 10, format: 'json', out, start: 'next tuesday' },
      { lines: 10, format: 'json', out, days: 0 },
      { lines: 10, format: 'json', out, days: Number.NaN },
    ];
    for (const options of bad) await expect(generateLogs(options)).rejects.toBeInstanceOf(ConfigError);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('generateLogs with format apache', () => {
  let apache: Generated;
  let parsed: Awaited<ReturnType<typeof parseText>>;

  beforeAll(async () => {
    apache = await generate('access.log', { lines: 20_000, format: 'apache' });
    parsed = await parseText(`${apache.lines.join('\n')}\n`, { name: 'apache', options: {} });
  });

  it('writes combined access-log lines with a response time', () => {
    expect(apache.lines).toHaveLength(20_000);
    expect(apache.truth.format).toBe('apache');
    const combined = /^\S+ - \S+ \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "[A-Z]+ \S+ HTTP\/1\.1" \d{3} \d+ "[^"]*" "[^"]*" \d+\.\d{3}$/;
    expect(malformedNumbers(apache.lines, (l) => combined.test(l))).toEqual(apache.truth.malformedLineNumbers);
  });

  it('parses with the apache parser except exactly the malformed lines, none of them a continuation', () => {
    const { truth, lines } = apache;
    expect(truth.malformedLines).toBeGreaterThanOrEqual(180);
    expect(truth.malformedLines).toBeLessThanOrEqual(220);
    expect(parsed.unparsed.map((u) => u.line)).toEqual(truth.malformedLineNumbers);
    expect(parsed.counts).toEqual({ lines: 20_000, parsed: 20_000 - truth.malformedLines, unparsed: truth.malformedLines, blank: 0, joined: 0 });
    expect(truth.continuationLineNumbers).toEqual([]);
    const continuing = truth.malformedLineNumbers.map((n) => lines[n - 1]).filter((line) => {
      const buf = Buffer.from(line);
      return isContinuation(buf, 0, buf.length);
    });
    expect(continuing).toEqual([]);
  });

  it('makes 5xx statuses the errors: truth counts them, and about 2% of baseline lines have one', () => {
    const { truth, lines } = apache;
    const serverErrors = parsed.records.filter((r) => r.level_raw?.startsWith('5'));
    expect(serverErrors.every((r) => r.level === 'ERROR')).toBe(true);
    expect(parsed.records.filter((r) => r.level === 'ERROR')).toHaveLength(serverErrors.length);
    expect(serverErrors).toHaveLength(truth.errorLines);
    const burstLines = sumInjectedErrorLines(truth);
    const baselineShare = (truth.errorLines - burstLines) / (lines.length - truth.malformedLines - burstLines);
    expect(baselineShare).toBeGreaterThan(0.015);
    expect(baselineShare).toBeLessThan(0.025);
    expect(parsed.records.some((r) => r.level === 'WARN')).toBe(true);
  });

  it('keeps timestamps non-decreasing and inside [start, end), and every injected error shows as 5xx in its window', () => {
    const { truth } = apache;
    const startUs = Date.parse(truth.start) * 1000;
    const endUs = Date.parse(truth.end) * 1000;
    let previous = startUs;
    const outOfOrder = parsed.records.filter((r) => {
      const t = Number(r.us);
      const bad = t < previous || t >= endUs;
      previous = t;
      return bad;
    });
    expect(outOfOrder).toEqual([]);
    expect(countKind(truth, 'error_burst')).toBe(21);
    for (const anomaly of truth.anomalies) {
      if (anomaly.kind === 'volume_drop') continue;
      const from = Date.parse(anomaly.start) * 1000;
      const to = Date.parse(anomaly.end) * 1000;
      const inWindow = parsed.records.filter((r) => r.level === 'ERROR' && Number(r.us) >= from && Number(r.us) < to).length;
      expect(inWindow).toBeGreaterThanOrEqual(anomaly.errorLines);
    }
  });
});
