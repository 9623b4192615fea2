import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type DetectResult } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { jsonMinute, recordsIn, storeOf, type FixtureRecord } from './fixture.js';

/**
 * A sparse log that writes in bursts: nothing for hours, then a handful of lines in a minute
 * (an auth log, a cron job's chatter). Every trailing and seasonal window before a burst is
 * zeros, so each burst is judged against a flat history. A burst no larger than the largest
 * bucket of a typical earlier day (the median over the earlier seasons, from the third on) is
 * this log's ordinary rhythm; a larger one, or the first errors of a series that had none,
 * still fires.
 */
const DAYS = 10;
const BURSTS_A_DAY = 3;
const BURST = 8;
/** Day 8's second burst: larger than any earlier day's largest bucket. */
const BIG_DAY = 8;
const BIG = 30;
const ERROR_DAY = 9;
const ERRORS = 6;

/** Minute of the day of burst k on day d: far apart, and never at the same time of day twice. */
function burstMinute(day: number, k: number): number {
  return day * 1440 + k * 480 + ((day * 97 + k * 53) % 400);
}

describe('a sparse log that writes in bursts', () => {
  let reader: StoreReader;
  let result: DetectResult;
  beforeAll(async () => {
    const records: FixtureRecord[] = [];
    for (let day = 0; day < DAYS; day++) {
      for (let k = 0; k < BURSTS_A_DAY; k++) {
        const size = day === BIG_DAY && k === 1 ? BIG : BURST;
        records.push(...recordsIn(burstMinute(day, k), size, 'INFO'));
      }
    }
    records.push(...recordsIn(burstMinute(ERROR_DAY, 1) + 200, ERRORS, 'ERROR'));
    records.sort((a, b) => a.ts.localeCompare(b.ts));
    ({ reader } = await storeOf(records));
    result = await detectAnomalies(reader.connection, { bucket: '1m' });
  });
  afterAll(() => reader.close());

  const volumeStarts = () => result.events.filter((e) => e.measure === 'volume').map((e) => e.start);

  it('from the fourth day on, fires only on the burst larger than a typical day allows', () => {
    const later = volumeStarts().filter((start) => Date.parse(start) >= Date.parse(jsonMinute(3 * 1440)));
    expect(later).toEqual([jsonMinute(burstMinute(BIG_DAY, 1))]);
  });

  it('with fewer than three earlier days, a burst after a flat history still fires', () => {
    const early = volumeStarts().filter((start) => Date.parse(start) < Date.parse(jsonMinute(3 * 1440)));
    // Day 0's first burst has no history at all; every other burst of days 0-2 fires.
    expect(early).toEqual([0, 1, 2].flatMap((day) => [0, 1, 2].map((k) => burstMinute(day, k))).slice(1).map((m) => jsonMinute(m)));
  });

  it('the first errors of a series that never had any fire (a typical day has none)', () => {
    const errors = result.events.filter((e) => e.measure === 'errors');
    expect(errors.map((e) => e.start)).toEqual([jsonMinute(burstMinute(ERROR_DAY, 1) + 200)]);
  });
});
