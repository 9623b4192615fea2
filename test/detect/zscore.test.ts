import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detect/index.js';
import { prepareQuery } from '../../src/query/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { minute, recordsIn, storeOf, type FixtureRecord } from './fixture.js';

/** Errors per minute of the hand-checked series; every minute also has 10 INFO lines. */
const ERRORS = [1, 3, 0, 2, 2, 1, 9, 0, 1, 1, 0, 0, 14, 2];
const WINDOW = 4;

async function zscoreRows(reader: StoreReader, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const prepared = await prepareQuery(reader.connection, 'zscore', params);
  return (await prepared.runAndReadAll()).getRowObjectsJson() as Record<string, unknown>[];
}

describe('sql/zscore.sql against a series computed by hand', () => {
  let reader: StoreReader;
  beforeAll(async () => {
    const records: FixtureRecord[] = [];
    ERRORS.forEach((errors, m) => records.push(...recordsIn(m, 10, 'INFO'), ...recordsIn(m, errors, 'ERROR')));
    ({ reader } = await storeOf(records));
  });
  afterAll(() => reader.close());

  it('gives the trailing mean, sample stddev and z of every bucket to 1e-9', async () => {
    const rows = (await zscoreRows(reader, { baseline: 'trailing', window: WINDOW, bucket: '1m', threshold: 3, min_count: 5 })).filter((r) => r.measure === 'errors');
    expect(rows).toHaveLength(ERRORS.length);
    let checked = 0;
    ERRORS.forEach((x, i) => {
      const row = rows[i];
      expect(row.bucket).toBe(minute(i).replace('T', ' ').replace('.000Z', ''));
      expect(row.observed).toBe(x);
      const history = ERRORS.slice(Math.max(0, i - WINDOW), i);
      // A trailing baseline needs max(3, window / 4) buckets of history.
      if (history.length < 3) {
        expect(row.baseline).toBeNull();
        expect(row.z).toBeNull();
        return;
      }
      const n = history.length;
      const mean = history.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      expect(row.baseline).toBe('trailing');
      expect(Number(row.samples)).toBe(n);
      expect(Math.abs((row.expected as number) - mean)).toBeLessThan(1e-9);
      expect(Math.abs((row.stddev as number) - sd)).toBeLessThan(1e-9);
      expect(Math.abs((row.z as number) - (x - mean) / sd)).toBeLessThan(1e-9);
      checked++;
    });
    expect(checked).toBe(ERRORS.length - 3);
  });

  it('flags a bucket far past the threshold at once, and only where the count reaches min-count', async () => {
    const rows = (await zscoreRows(reader, { baseline: 'trailing', window: WINDOW, flagged_only: true })).filter((r) => r.measure === 'errors');
    // Minute 6: 9 errors against [2, 2, 1, 3]... z = 8.9 > 2 x 3: flagged at once. Minute 12: 14 errors.
    expect(rows.map((r) => r.bucket)).toEqual([minute(6), minute(12)].map((t) => t.replace('T', ' ').replace('.000Z', '')));
    expect(rows.every((r) => r.severity === 'critical')).toBe(true);
    // With min-count above 14 nothing is big enough.
    expect((await zscoreRows(reader, { baseline: 'trailing', window: WINDOW, flagged_only: true, min_count: 15 })).filter((r) => r.measure === 'errors')).toEqual([]);
  });
});

describe('the trailing baseline without seasonal windows', () => {
  it('flags exactly what the full query flags with baseline trailing', async () => {
    const counts = Array.from({ length: 200 }, (_, m) => 10 + ((m * 7) % 5) - 2 + (m >= 120 && m < 125 ? 25 : 0));
    const records: FixtureRecord[] = [];
    counts.forEach((c, m) => records.push(...recordsIn(m, c, 'INFO'), ...recordsIn(m, m % 9 === 0 ? 2 : 0, 'ERROR')));
    const { reader } = await storeOf(records);
    try {
      const full = (await zscoreRows(reader, { baseline: 'trailing', flagged_only: true })).map((r) => [r.bucket, r.measure, r.z]);
      const lean = (await detectAnomalies(reader.connection, { baseline: 'trailing' })).anomalies.map((a) => [a.bucket.replace('T', ' ').replace('.000Z', ''), a.measure, a.z]);
      expect(full.length).toBeGreaterThan(0);
      expect(lean).toEqual(full);
    } finally {
      reader.close();
    }
  });
});

describe('sql/zscore.sql edge cases', () => {
  it('flags the first errors after a flat zero history by the min-count rule, without dividing by zero', async () => {
    const records: FixtureRecord[] = [];
    for (let m = 0; m < 30; m++) records.push(...recordsIn(m, 5, 'INFO'));
    records.push(...recordsIn(30, 6, 'ERROR'), ...recordsIn(30, 5, 'INFO'));
    for (let m = 31; m < 35; m++) records.push(...recordsIn(m, 5, 'INFO'), ...recordsIn(m, 1, 'WARN'));
    const { reader } = await storeOf(records);
    try {
      const rows = await zscoreRows(reader, { baseline: 'trailing', window: 10 });
      const errors = rows.filter((r) => r.measure === 'errors');
      expect(errors.every((r) => r.z === null || Number.isFinite(r.z))).toBe(true);
      const flagged = errors.filter((r) => r.flagged);
      expect(flagged).toHaveLength(1);
      expect(flagged[0]).toMatchObject({ observed: 6, expected: 0, stddev: 0, z: null, severity: 'critical' });
      // Five errors would not be enough with min_count 7.
      const strict = (await zscoreRows(reader, { baseline: 'trailing', window: 10, min_count: 7, flagged_only: true })).filter((r) => r.measure === 'errors');
      expect(strict).toEqual([]);
    } finally {
      reader.close();
    }
  });

  it('zero-fills silent minutes and flags the volume drop of a service that went quiet', async () => {
    const records: FixtureRecord[] = [];
    for (let m = 0; m < 40; m++) {
      if (m >= 30 && m < 34) continue; // silence
      records.push(...recordsIn(m, 20 + (m % 3), 'INFO'));
    }
    const { reader } = await storeOf(records);
    try {
      const rows = (await zscoreRows(reader, { baseline: 'trailing', window: 20 })).filter((r) => r.measure === 'volume');
      expect(rows).toHaveLength(40);
      expect(rows.slice(30, 34).map((r) => r.observed)).toEqual([0, 0, 0, 0]);
      const flagged = rows.filter((r) => r.flagged).map((r) => r.bucket);
      expect(flagged[0]).toBe(minute(30).replace('T', ' ').replace('.000Z', ''));
      expect(rows[30].z as number).toBeLessThan(-6);
    } finally {
      reader.close();
    }
  });

  it('does not flag a lone bucket just past the threshold, but does two in a row', async () => {
    // Noise 10 +- 1; minute 15 alone at about 4 sigma; minutes 55-56 both past 3 sigma.
    const counts = Array.from({ length: 70 }, (_, m) => 10 + ((m * 7) % 3) - 1);
    counts[15] = 14;
    counts[55] = 14;
    counts[56] = 14;
    const records: FixtureRecord[] = [];
    counts.forEach((c, m) => records.push(...recordsIn(m, c, 'INFO')));
    const { reader } = await storeOf(records);
    try {
      const rows = (await zscoreRows(reader, { baseline: 'trailing', window: 30 })).filter((r) => r.measure === 'volume');
      const z15 = rows[15].z as number;
      expect(z15).toBeGreaterThan(3);
      expect(z15).toBeLessThan(6);
      expect(rows[15].flagged).toBe(false);
      expect(rows[55].z as number).toBeGreaterThan(3);
      expect(rows[55].flagged).toBe(false);
      expect(rows[56].z as number).toBeGreaterThan(3);
      expect(rows[56].flagged).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('takes the history before --since into the baseline', async () => {
    const records: FixtureRecord[] = [];
    for (let m = 0; m < 60; m++) records.push(...recordsIn(m, 10, 'INFO'), ...recordsIn(m, m === 55 ? 30 : 1, 'ERROR'));
    const { reader } = await storeOf(records);
    try {
      const rows = (await zscoreRows(reader, { baseline: 'trailing', window: 30, since: minute(50), flagged_only: true })).filter((r) => r.measure === 'errors');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ observed: 30, expected: 1, samples: '30' });
    } finally {
      reader.close();
    }
  });
});
