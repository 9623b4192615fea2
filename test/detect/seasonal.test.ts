import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { runCli, runCliHere } from '../helpers.js';
import { minute, recordsIn, storeOf, type FixtureRecord } from './fixture.js';

const DAY_MIN = 1440;
const BUCKET_MIN = 5;
const DAYS = 4;

/**
 * Four days in 5-minute buckets: steady INFO traffic with a little noise and 1-2 errors per
 * bucket; a nightly job at 02:00-02:15 that throws 60 errors a bucket every night; and one
 * unusual burst on the last day at 14:00.
 */
function records(): FixtureRecord[] {
  const out: FixtureRecord[] = [];
  for (let b = 0; b < (DAYS * DAY_MIN) / BUCKET_MIN; b++) {
    const m = b * BUCKET_MIN;
    const ofDay = m % DAY_MIN;
    out.push(...recordsIn(m, 20 + ((b * 7) % 5), 'INFO'));
    out.push(...recordsIn(m + 1, 1 + (b % 2), 'ERROR', { service: 'api' }));
    if (ofDay >= 120 && ofDay < 135) out.push(...recordsIn(m + 2, 60, 'ERROR', { service: 'batch', msg: 'export failed: disk quota' }));
    if (m >= 3 * DAY_MIN + 840 && m < 3 * DAY_MIN + 855) out.push(...recordsIn(m + 2, 60, 'ERROR', { service: 'billing', msg: 'card declined' }));
  }
  return out;
}

const isNightly = (iso: string) => {
  const ofDay = Math.round((Date.parse(iso) - Date.parse(minute(0))) / 60_000) % DAY_MIN;
  return ofDay >= 120 && ofDay < 135;
};

describe('the seasonal baseline', () => {
  let reader: StoreReader;
  let dataDir: string;
  beforeAll(async () => {
    ({ reader, dataDir } = await storeOf(records()));
  });
  afterAll(() => reader.close());

  it('does not flag the nightly job that fails every night, but flags a burst at an unusual hour', async () => {
    const { events } = await detectAnomalies(reader.connection, { bucket: '5m', baseline: 'seasonal', window: 24 });
    const errors = events.filter((e) => e.measure === 'errors');
    expect(errors.filter((e) => isNightly(e.start))).toEqual([]);
    expect(errors.map((e) => e.start)).toContain(minute(3 * DAY_MIN + 840));
    expect(errors.find((e) => e.start === minute(3 * DAY_MIN + 840))?.peak.baseline).toBe('seasonal');
  });

  it('with a trailing baseline, does flag the nightly job every night', async () => {
    const { events } = await detectAnomalies(reader.connection, { bucket: '5m', baseline: 'trailing', window: 24 });
    const nightly = events.filter((e) => e.measure === 'errors' && isNightly(e.start));
    expect(nightly.map((e) => e.start.slice(0, 10))).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
  });

  it('by default (auto) judges day one by the trailing window and later days by the season', async () => {
    const { events, firingsPerDay } = await detectAnomalies(reader.connection, { bucket: '5m', window: 24, explain: true });
    const errors = events.filter((e) => e.measure === 'errors');
    expect(errors.filter((e) => isNightly(e.start)).map((e) => e.start.slice(0, 10))).toEqual(['2026-11-20']);
    const unusual = errors.find((e) => e.start === minute(3 * DAY_MIN + 840));
    expect(unusual).toBeDefined();
    // The explanation names the service and message that changed.
    expect(unusual!.explanation!.find((c) => c.dimension === 'service')).toMatchObject({ value: 'billing', before: 0 });
    expect(unusual!.explanation!.find((c) => c.dimension === 'message')?.value).toBe('card declined');
    expect(firingsPerDay.reduce((n, d) => n + d.firings, 0)).toBe(events.length);
  });

  it('backtests: --since 30d --per-day counts the firings of each day, as the events say', async () => {
    const args = ['anomalies', '--data', dataDir, '--since', '3650d', '--bucket', '5m', '--window', '24', '--baseline', 'trailing'];
    const perDay = (await runCliHere([...args, '--per-day', '--format', 'json']));
    expect(perDay.status, perDay.stderr).toBe(0);
    const days = JSON.parse(perDay.stdout) as Array<{ day: string; firings: number; buckets: number }>;
    const full = JSON.parse((await runCliHere([...args, '--format', 'json'])).stdout) as { events: Array<{ start: string; buckets: number }>; anomalies: unknown[] };
    expect(days.map((d) => d.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']);
    for (const d of days) {
      const ofDay = full.events.filter((e) => e.start.startsWith(d.day));
      expect(d.firings).toBe(ofDay.length);
      expect(d.buckets).toBe(ofDay.reduce((n, e) => n + e.buckets, 0));
    }
    expect(days.reduce((n, d) => n + d.buckets, 0)).toBe(full.anomalies.length);
    const table = (await runCliHere([...args, '--format', 'table']));
    expect(table.stdout).toMatch(/firings \(events\) per day:\nday {9}firings {2}buckets/);
    // Stricter settings fire less: what a user tunes before turning alerts on.
    const strict = JSON.parse((await runCliHere([...args, '--per-day', '--format', 'json', '--threshold', '50'])).stdout) as typeof days;
    expect(strict.reduce((n, d) => n + d.firings, 0)).toBeLessThan(days.reduce((n, d) => n + d.firings, 0));
    expect(JSON.parse((await runCliHere([...args, '--per-day', '--format', 'json', '--min-count', '1000'])).stdout)).toEqual([]);
  });
});
