import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type DetectOptions } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { inBurst, minute, noise, readings, storeOf, type FixtureRecord } from './fixture.js';

/** Five days of 5-minute points, minute 0 = 2026-11-20T00:00Z. */
const DAY = 288;
const POINTS = 5 * DAY;
const DEAD_AT = 3 * DAY + 100;
const DEAD_LEN = 12;
const DIP_AT = 4 * DAY + 60;

/**
 * Upward bursts far bigger than the level: twelve a day, one or two points +50 over a level of
 * 10 +- 1, at times that move from day to day. Their steps make the noise floor (and their tail
 * the spread) wider than the whole level, so a fall to zero is not past the threshold in z.
 */
function isBurst(i: number): boolean {
  return inBurst(i, DAY, { perDay: 12, every: 24, dayStep: 5, kStep: 7, jitter: 18 });
}

/** One series `feed`: the bursts, a dead feed (0.2) for DEAD_LEN points at DEAD_AT, and a dip to 0.2 for two points at DIP_AT. */
function feedRecords(): FixtureRecord[] {
  return readings('feed', POINTS, (i) => {
    if ((i >= DEAD_AT && i < DEAD_AT + DEAD_LEN) || i === DIP_AT || i === DIP_AT + 1) return 0.2;
    return 10 + noise(i, 3) + (isBurst(i) ? 50 : 0);
  });
}

const OPTIONS: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m', baseline: 'seasonal' };
const at = (i: number) => Date.parse(minute(i * 5));

describe('value metrics: a collapse to near zero is found however wide upward bursts make the spread', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    ({ reader } = await storeOf(feedRecords()));
  });
  afterAll(() => reader?.close());

  it('flags a dead feed (a tenth of expected or less for 4 of 6 buckets) within its first six buckets, as one event', async () => {
    const { events, buckets } = await detectAnomalies(reader.connection, { ...OPTIONS, allBuckets: true });
    const dead = events.filter((e) => Date.parse(e.start) >= at(DEAD_AT) && Date.parse(e.start) < at(DEAD_AT + DEAD_LEN));
    expect(dead).toHaveLength(1);
    expect(Date.parse(dead[0].start)).toBeLessThan(at(DEAD_AT + 6));
    // Found by the collapse rule, not by z: no bucket of the dead feed is past the threshold against its spread.
    const inDead = buckets!.filter((b) => Date.parse(b.bucket) >= at(DEAD_AT) && Date.parse(b.bucket) < at(DEAD_AT + DEAD_LEN));
    expect(inDead).toHaveLength(DEAD_LEN);
    for (const b of inDead) {
      expect(b.baseline).toBe('seasonal');
      expect(b.z!).toBeGreaterThan(-3);
    }
  });

  it('does not flag a dip to near zero of two buckets (fewer than 4 of 6)', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    expect(events.filter((e) => Math.abs(Date.parse(e.start) - at(DIP_AT)) <= 6 * 300_000)).toEqual([]);
  });

  it('stays quiet on the everyday bursts of days 2-4', async () => {
    const { events } = await detectAnomalies(reader.connection, OPTIONS);
    const other = events.filter((e) => Date.parse(e.start) >= at(2 * DAY) && Math.abs(Date.parse(e.start) - at(DEAD_AT)) > DEAD_LEN * 300_000 && Math.abs(Date.parse(e.start) - at(DIP_AT)) > 6 * 300_000);
    expect(other.length).toBeLessThanOrEqual(2);
  });
});
