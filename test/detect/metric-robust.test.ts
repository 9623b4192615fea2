import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type DetectOptions } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { runCliHere } from '../helpers.js';
import { minute, noise, storeOf, type FixtureRecord } from './fixture.js';

/** Four days of 5-minute points, minute 0 = 2026-11-20T00:00Z. */
const POINTS = 4 * 288;
const SHIFT_AT = 720;
const SPIKE_AT = 900;
const FLAT_FROM = 576;

/**
 * Three series, one value a point, read as `avg(value)` by service:
 * - `shift`: 50 +- 1, then from point SHIFT_AT on 65 +- 1, to the end (a level that shifts and stays);
 * - `flat`: a sensor at 80 +- 1 for two days, then repeating 80.0 for 8 hours, then the same noise again;
 * - `spiky`: 30 +- 1.5 with one spike to 45 for two points at SPIKE_AT.
 */
function seriesRecords(): FixtureRecord[] {
  const records: FixtureRecord[] = [];
  for (let i = 0; i < POINTS; i++) {
    const ts = minute(i * 5, 7);
    const flatStretch = i >= FLAT_FROM && i < FLAT_FROM + 96;
    const values: Record<string, number> = {
      shift: (i >= SHIFT_AT ? 65 : 50) + noise(i, 1),
      flat: flatStretch ? 80 : 80 + noise(i, 2),
      spiky: (i === SPIKE_AT || i === SPIKE_AT + 1 ? 45 : 30) + 1.5 * noise(i, 3),
    };
    for (const [service, value] of Object.entries(values)) records.push({ ts, level: 'INFO', service, msg: 'reading', extra: { value: Math.round(value * 100) / 100 } });
  }
  return records;
}

const OPTIONS: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m' };

describe('value metrics: robust, floor-bounded, level-adapting judgement', () => {
  let reader: StoreReader;
  let dataDir: string;
  beforeAll(async () => {
    ({ reader, dataDir } = await storeOf(seriesRecords()));
  });
  afterAll(() => reader?.close());

  it('reports a level that shifts and stays as exactly one event, at the shift', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const shift = events.filter((e) => e.series === 'shift');
    expect(shift).toHaveLength(1);
    expect(shift[0].start).toBe(minute(SHIFT_AT * 5));
    // The baseline adapts: within the trailing window (60 buckets) the new level is the expected one.
    expect(Date.parse(shift[0].end)).toBeLessThanOrEqual(Date.parse(minute((SHIFT_AT + 60) * 5)));
    // The earlier judgement (the old level expected from the earlier days) fired again and again.
    const legacy = await detectAnomalies(reader.connection, { ...OPTIONS, robust: false, min_change: 0 });
    expect(legacy.events.filter((e) => e.series === 'shift').length).toBeGreaterThan(5);
  });

  it('stays quiet when ordinary noise resumes after a long flat stretch', async () => {
    const { anomalies } = await detectAnomalies(reader.connection, OPTIONS);
    expect(anomalies.filter((a) => a.series === 'flat')).toEqual([]);
    // Even without the minimum relative change: the spread is floored by the series' own noise.
    const noFloor = await detectAnomalies(reader.connection, { ...OPTIONS, min_change: 0 });
    expect(noFloor.anomalies.filter((a) => a.series === 'flat')).toEqual([]);
    // The earlier trailing judgement (stddev of a flat window) fired when the noise came back.
    const legacy = await detectAnomalies(reader.connection, { ...OPTIONS, robust: false, min_change: 0, baseline: 'trailing' });
    expect(legacy.events.filter((e) => e.series === 'flat' && Date.parse(e.start) >= Date.parse(minute((FLAT_FROM + 96) * 5)))).toHaveLength(1);
  });

  it('finds a real spike in a noisy series, and nothing else there', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const spiky = events.filter((e) => e.series === 'spiky');
    expect(spiky.map((e) => e.start)).toEqual([minute(SPIKE_AT * 5)]);
    expect(spiky[0].peak.observed).toBeGreaterThan(43);
    expect(spiky[0].peak.expected).toBeGreaterThan(29);
    expect(spiky[0].peak.expected).toBeLessThan(31);
  });

  it('--min-change drops changes smaller than that share of the expected value', async () => {
    const { events } = await detectAnomalies(reader.connection, { ...OPTIONS, min_change: 0.6 });
    // The spike is +50%, the shift +30%: neither is 60%.
    expect(events).toEqual([]);
  });

  it('--per-day shows the judged buckets and firings per 1,000 of them, and the rate over the range', async () => {
    const run = await runCliHere(['anomalies', '--data', dataDir, '--metric', 'avg(value)', '--by', 'service', '--bucket', '5m', '--since', '3650d', '--per-day', '--format', 'json']);
    expect(run.status, run.stderr).toBe(0);
    const days = JSON.parse(run.stdout) as Array<{ day: string; firings: number; judged: number; per_1000: number }>;
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    expect(days.reduce((n, d) => n + d.firings, 0)).toBe(events.length);
    for (const d of days) {
      expect(d.judged).toBeGreaterThan(0);
      expect(d.per_1000).toBeCloseTo((1000 * d.firings) / d.judged, 3);
    }
    const rate = /(\d+) firings? in ([\d,]+) judged buckets over (\d+) days?: ([\d.]+) per 1,000 buckets/.exec(run.stderr);
    expect(rate, run.stderr).not.toBeNull();
    const [firings, judged] = [Number(rate![1]), Number(rate![2].replace(/,/g, ''))];
    expect(firings).toBe(events.length);
    // Three series, four days, less the warm-up before a baseline exists.
    expect(judged).toBeGreaterThan(3 * (POINTS - 300));
    expect(judged).toBeLessThanOrEqual(3 * POINTS);
    expect(Number(rate![4])).toBeCloseTo((1000 * firings) / judged, 2);
    // And per series, highest first: the spike and the shift fired once each, the flat sensor never.
    const perSeries = /per series, highest first: (.*)/.exec(run.stderr)?.[1] ?? '';
    expect(perSeries.split(', ').map((s) => s.split(' ')[0])).toEqual(['shift', 'spiky', 'flat']);
    expect(perSeries).toMatch(/flat 0\.00 \(0 in /);
  });
});
