import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, LEGACY_METRIC_SETTINGS, type AnomalyEvent, type DetectOptions } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { inBurst, minute, noise, readings, storeOf, type FixtureRecord } from './fixture.js';

/** Five days of 5-minute points, minute 0 = 2026-11-20T00:00Z. */
const DAY = 288;
const POINTS = 5 * DAY;
const SPIKE_AT = 3 * DAY + 100;
const RISE_AT = 4 * DAY + 150;
const RISE_LEN = 10;

/**
 * Ordinary bursts: six a day, one or two points +8 over a level of 50 +- 1 (about 13 times the
 * noise), at times that move from day to day (so the seasonal baseline does not learn them).
 */
function isBurst(i: number): boolean {
  return inBurst(i, DAY, { perDay: 6, every: 48, dayStep: 7, kStep: 5, jitter: 40 });
}

/** One series `bursty`: the bursts, one spike to 90 at SPIKE_AT, and a rise of +6 for RISE_LEN points at RISE_AT. */
function burstyRecords(): FixtureRecord[] {
  return readings('bursty', POINTS, (i) => {
    if (i === SPIKE_AT) return 90;
    return 50 + noise(i, 4) + (isBurst(i) ? 8 : 0) + (i >= RISE_AT && i < RISE_AT + RISE_LEN ? 6 : 0);
  });
}

const OPTIONS: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m', baseline: 'seasonal' };

describe('value metrics: spread widened by the series\' own tail, sustained changes still found', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    ({ reader } = await storeOf(burstyRecords()));
    // The bursts are far past the at-once threshold against the noise alone.
    expect(8 / (0.8862 * 0.67)).toBeGreaterThan(6);
  });
  afterAll(() => reader?.close());

  it('stays quiet on bursts that come every day, once a previous day has shown them', async () => {
    const fromDay2 = Date.parse(minute(2 * DAY * 5));
    const onBursts = (events: AnomalyEvent[]) =>
      events.filter((e) => Date.parse(e.start) >= fromDay2 && ![SPIKE_AT, RISE_AT].some((at) => Math.abs(Date.parse(e.start) - Date.parse(minute(at * 5))) <= 6 * 300_000));
    const { events, buckets } = await detectAnomalies(reader.connection, { ...OPTIONS, allBuckets: true });
    // 18 bursts on days 2-4: none is flagged at once; a two-point one may just pass the threshold twice.
    expect(onBursts(events).filter((e) => e.severity === 'critical')).toEqual([]);
    expect(onBursts(events).length).toBeLessThanOrEqual(2);
    // The earlier judgement fired on most of them.
    const legacy = await detectAnomalies(reader.connection, { ...OPTIONS, ...LEGACY_METRIC_SETTINGS });
    expect(onBursts(legacy.events).length).toBeGreaterThan(9);
    // Quiet because the spread is wider than the noise, not because nothing was judged: a burst of day 3 has a z under 6.
    const burst = buckets!.find((b) => Date.parse(b.bucket) >= Date.parse(minute(3 * DAY * 5)) && isBurst(Math.round((Date.parse(b.bucket) - Date.parse(minute(0))) / 300_000)));
    expect(burst?.z).not.toBeNull();
    expect(burst!.z!).toBeLessThan(6);
    expect(burst!.stddev!).toBeGreaterThan(2);
  });

  it('on the first judged day, before earlier days have a tail, widens by that day\'s own tail so far', async () => {
    // Day 0 has no seasonal baseline; day 1 is the first judged. After its first 48 judged buckets (4 h) plus the
    // next burst, its bursts (four more) stay quiet.
    const quietFrom = Date.parse(minute((DAY + 96) * 5));
    const day2 = Date.parse(minute(2 * DAY * 5));
    const lateDay1 = (events: AnomalyEvent[]) => events.filter((e) => Date.parse(e.start) >= quietFrom && Date.parse(e.start) < day2);
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    expect(lateDay1(events)).toEqual([]);
    // Judged, not skipped: the spread there is well over the noise floor (about 0.6).
    const { buckets } = await detectAnomalies(reader.connection, { ...OPTIONS, allBuckets: true });
    const burst = buckets!.find((b) => Date.parse(b.bucket) >= quietFrom && isBurst(Math.round((Date.parse(b.bucket) - Date.parse(minute(0))) / 300_000)));
    expect(burst?.baseline).toBe('seasonal');
    expect(burst!.stddev!).toBeGreaterThan(1.5);
  });

  it('still fires at once on a spike bigger than any burst', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const spike = events.filter((e) => e.start === minute(SPIKE_AT * 5));
    expect(spike).toHaveLength(1);
    expect(spike[0].buckets).toBe(1);
  });

  it('finds a rise smaller than the bursts that lasts, within its first six buckets, as one event', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const rise = events.filter((e) => Date.parse(e.start) >= Date.parse(minute(RISE_AT * 5)) && Date.parse(e.start) < Date.parse(minute((RISE_AT + RISE_LEN) * 5)));
    expect(rise).toHaveLength(1);
    expect(Date.parse(rise[0].start)).toBeLessThan(Date.parse(minute((RISE_AT + 6) * 5)));
  });
});

/**
 * 50 +- 0.3 with smooth bumps that come every day (six a day at moving times: +3, +6, +3 over three
 * points, so the level strays far but moves at most 3 from one point to the next), and one glitch
 * of +GLITCH for one point at GLITCH_AT: past the bumps' steps, not far past their height.
 */
const GLITCH_AT = 3 * DAY + 77;
const GLITCH = 10;
function bumpyRecords(): FixtureRecord[] {
  const bump = new Map<number, number>();
  for (let day = 0; day < 5; day++) {
    for (let k = 0; k < 6; k++) {
      const at = day * DAY + k * 48 + 10 + ((day * 7 + k * 5) % 30);
      [3, 6, 3].forEach((v, j) => bump.set(at + j, v));
    }
  }
  return readings('bumpy', POINTS, (i) => 50 + 0.3 * noise(i, 4) + (bump.get(i) ?? 0) + (i === GLITCH_AT ? GLITCH : 0));
}

describe('value metrics: a glitch in a series whose level strays smoothly', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    ({ reader } = await storeOf(bumpyRecords()));
  });
  afterAll(() => reader?.close());

  it('fires at once on a one-point glitch, judged against the series\' point-to-point jumps rather than how far its level strays', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const fromDay2 = Date.parse(minute(2 * DAY * 5));
    const later = events.filter((e) => Date.parse(e.start) >= fromDay2);
    expect(later.map((e) => e.start)).toEqual([minute(GLITCH_AT * 5)]);
    expect(later[0].buckets).toBe(1);
    // Against the level's spread (widened by the bumps) it is not far past the threshold: the jump rule found it.
    expect(Math.abs(later[0].peak.z!)).toBeLessThan(6);
  });
});
