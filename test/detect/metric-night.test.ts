import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type AnomalyEvent, type DetectOptions } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { minute, noise, readings, storeOf } from './fixture.js';

/** Five days of 5-minute points, minute 0 = 2026-11-20T00:00Z. */
const DAY = 288;
const POINTS = 5 * DAY;
/** A rise of +RISE for 12 points at 11:00 on day 4: about three times the daytime noise. */
const RISE_AT = 4 * DAY + 132;
const RISE = 12;

/**
 * A series calm at night (+-0.15) and wandering by day: slow AR(1) noise (phi 0.9, so its steps
 * are small and the point-to-point noise floor stays low) whose amplitude follows a business-day
 * bump peaking at 14:00 (up to about 4 units). After a calm night, the trailing spread is far
 * narrower than the series' ordinary daytime wander.
 */
function wavyRecords() {
  let x = 0;
  const wander: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    x = 0.9 * x + Math.sqrt(1 - 0.81) * 1.7 * noise(i, 4);
    wander.push(x);
  }
  const amplitude = (i: number) => 0.15 + 4 * Math.max(0, Math.cos((((i % DAY) / 12 - 14) / 24) * 2 * Math.PI)) ** 2;
  return readings('wavy', POINTS, (i) => 50 + amplitude(i) * wander[i] + 0.1 * noise(i, 3) + (i >= RISE_AT && i < RISE_AT + 12 ? RISE : 0));
}

const OPTIONS: DetectOptions = { metric: 'avg(value)', by: 'service', bucket: '5m', baseline: 'seasonal' };

describe('value metrics: sustained changes judged against the spread of that time of day', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    ({ reader } = await storeOf(wavyRecords()));
  });
  afterAll(() => reader?.close());

  const fromDay2 = Date.parse(minute(2 * DAY * 5));
  const riseStart = Date.parse(minute(RISE_AT * 5));
  const isRise = (e: AnomalyEvent) => Date.parse(e.start) >= riseStart && Date.parse(e.start) < riseStart + 6 * 300_000;
  const falseAlarms = (events: AnomalyEvent[]) => events.filter((e) => Date.parse(e.start) >= fromDay2 && !isRise(e));

  it('fires less on ordinary daytime wander after a calm night, and still finds a rise of three times that wander', async () => {
    const withFloor = await detectAnomalies(reader.connection, OPTIONS);
    const without = await detectAnomalies(reader.connection, { ...OPTIONS, day_floor: false });
    // Against the trailing spread of the calm hours, the day's ordinary wander fires again and again.
    expect(falseAlarms(without.events).length).toBeGreaterThanOrEqual(3);
    expect(falseAlarms(withFloor.events).length).toBeLessThanOrEqual(1);
    // The rise, within its first six buckets, either way.
    expect(withFloor.events.filter(isRise)).toHaveLength(1);
    expect(without.events.filter(isRise)).toHaveLength(1);
  });
});
