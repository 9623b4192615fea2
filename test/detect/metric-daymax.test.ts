import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type AnomalyEvent, type DetectOptions } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { inBurst, minute, noise, readings, storeOf } from './fixture.js';

/**
 * Seven days of 5-minute points, minute 0 = 2026-11-20T00:00Z; judged on day 6, when the typical
 * earlier day is one with three or more seasons before it (the seasonal median of one or two
 * earlier days still carries their spikes).
 */
const DAY = 288;
const POINTS = 7 * DAY;
/** Each day's one big spike (at a time that moves from day to day): what a typical day has. */
const DAILY_SPIKES = [90, 100, 80, 110, 95, 85, 105];
const dailySpikeAt = (day: number) => day * DAY + 60 + ((day * 37) % 120);
/** On day 6, a spike smaller than a typical day's largest, and one far larger than any. */
const SMALL_AT = 6 * DAY + 230;
const SMALL = 60;
const HUGE_AT = 6 * DAY + 30;
const HUGE = 250;

/**
 * 100 +- 1, four bursts of +4 a day (one or two points) at moving times, and one big spike a day: a
 * heavy tail (the day's largest distance is many times the 99th percentile of its z).
 */
function spikyRecords() {
  const spikes = new Map<number, number>(DAILY_SPIKES.map((v, day) => [dailySpikeAt(day), v]));
  spikes.set(SMALL_AT, SMALL);
  spikes.set(HUGE_AT, HUGE);
  const burst = (i: number) => inBurst(i, DAY, { perDay: 4, every: 72, dayStep: 11, kStep: 7, jitter: 50 });
  return readings('spiky', POINTS, (i) => 100 + noise(i, 6) + (burst(i) ? 4 : 0) + (spikes.get(i) ?? 0));
}

const OPTIONS: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m', baseline: 'seasonal' };

describe('value metrics: a lone spike in a heavy-tailed series against a typical day\'s largest', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    ({ reader } = await storeOf(spikyRecords()));
  });
  afterAll(() => reader?.close());

  const at = (events: AnomalyEvent[], i: number) => events.filter((e) => e.start === minute(i * 5));

  it('stays quiet on a spike no larger than what a typical earlier day had, which the at-once rule alone flagged', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const without = await detectAnomalies(reader.connection, { ...OPTIONS, day_max: false });
    expect(at(without.events, SMALL_AT)).toHaveLength(1);
    expect(at(events, SMALL_AT)).toEqual([]);
  });

  it('still fires at once on a spike larger than any earlier day\'s', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    expect(at(events, HUGE_AT)).toHaveLength(1);
    expect(at(events, HUGE_AT)[0].buckets).toBe(1);
  });
});
