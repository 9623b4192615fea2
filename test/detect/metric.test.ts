import { DuckDBInstance } from '../../src/duckdb.js';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMetric, detectAnomalies } from '../../src/detect/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { runCli } from '../helpers.js';
import { minute, recordsIn, storeOf, type FixtureRecord } from './fixture.js';

/** 5-minute spaced records like a metrics feed: latency 100 +- 4 ms, one spike, one gap, some 5xx. */
function latencyRecords(): FixtureRecord[] {
  const records: FixtureRecord[] = [];
  for (let i = 0; i < 120; i++) {
    if (i >= 60 && i < 63) continue; // a gap of three buckets
    const latency = i === 100 ? 400 : 100 + ((i * 7) % 9) - 4;
    const status = i >= 110 && i < 113 ? 503 : 200;
    records.push({ ts: minute(i * 5, 10), level: 'INFO', service: i % 2 ? 'api' : 'web', msg: 'request served', extra: { latency_ms: latency, status, path: '/x' } });
  }
  return records;
}

describe('anomalies --metric', () => {
  let reader: StoreReader;
  let dataDir: string;
  beforeAll(async () => {
    ({ reader, dataDir } = await storeOf(latencyRecords()));
  });
  afterAll(() => reader.close());

  it('z-scores avg(latency_ms) of a record field, leaving empty buckets as gaps rather than zeros', async () => {
    const result = await detectAnomalies(reader.connection, { metric: 'avg(latency_ms)', bucket: '5m', baseline: 'trailing', window: 24 });
    expect(result.measures[0]).toMatchObject({ name: 'metric', counted: false });
    expect(result.anomalies.map((a) => a.bucket)).toEqual([minute(500)]);
    expect(result.anomalies[0]).toMatchObject({ measure: 'metric', observed: 400, severity: 'critical' });
    // The gap is no drop to zero: nothing is flagged around minute 300.
    expect(result.anomalies.some((a) => Date.parse(a.bucket) >= Date.parse(minute(300)) && Date.parse(a.bucket) < Date.parse(minute(330)))).toBe(false);
  });

  it('takes quantiles, and treats a filtered count as a count (empty bucket = 0)', async () => {
    const p95 = await detectAnomalies(reader.connection, { metric: 'quantile_cont(latency_ms, 0.95)', bucket: '5m', baseline: 'trailing', window: 24 });
    expect(p95.anomalies.map((a) => a.bucket)).toEqual([minute(500)]);
    const errors = await detectAnomalies(reader.connection, { metric: 'count(*) FILTER (WHERE status >= 500)', bucket: '5m', baseline: 'trailing', window: 24, min_count: 1 });
    expect(errors.measures[0].counted).toBe(true);
    expect(errors.anomalies[0]).toMatchObject({ bucket: minute(550), observed: 1, expected: 0 });
  });

  it('reads the logs view with its templates when the metric names template_id, log_records (no templates, no join) otherwise', async () => {
    const plain = await detectAnomalies(reader.connection, { metric: 'count(*) FILTER (WHERE status >= 500)', bucket: '5m', baseline: 'trailing', window: 24, min_count: 1 });
    // The extra condition holds for every record, but only binds where template_id exists: over logs, not log_records.
    const templated = await detectAnomalies(reader.connection, {
      metric: 'count(*) FILTER (WHERE status >= 500 AND (template_id IS NULL OR template_id IS NOT NULL))',
      bucket: '5m',
      baseline: 'trailing',
      window: 24,
      min_count: 1,
    });
    expect(templated.anomalies).toEqual(plain.anomalies);
    expect(plain.anomalies.length).toBeGreaterThan(0);
    await expect(reader.connection.run('SELECT template_id FROM log_records')).rejects.toThrow(/template_id/);
    const counts = (sql: string) => reader.connection.runAndReadAll(sql).then((r) => r.getRows().map((row) => row.map(String)));
    expect(await counts('SELECT count(*), sum(line), min(ts), max(ts) FROM log_records')).toEqual(await counts('SELECT count(*), sum(line), min(ts), max(ts) FROM logs'));
    // The catalog file defines it too, for DuckDB users.
    const db = await DuckDBInstance.create(path.join(dataDir, 'catalog.duckdb'), { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    try {
      expect(String((await conn.runAndReadAll('SELECT count(*) FROM log_records')).getRows()[0][0])).toBe(String(latencyRecords().length));
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('explains a metric anomaly by the service whose value moved', async () => {
    const result = await detectAnomalies(reader.connection, { metric: 'avg(latency_ms)', bucket: '5m', baseline: 'trailing', window: 24, explain: true });
    const services = result.events[0].explanation!.filter((c) => c.dimension === 'service');
    // Record 100 is even: service web.
    expect(services[0]).toMatchObject({ value: 'web', during: 400 });
    expect(services[0].before).toBeGreaterThan(95);
    expect(services[0].before).toBeLessThan(105);
  });

  it('refuses anything but one expression, naming the problem', async () => {
    await expect(compileMetric(reader.connection, 'avg(latency_ms); DROP TABLE x')).rejects.toThrow(/one expression/);
    await expect(compileMetric(reader.connection, 'avg(latency_ms) FROM other')).rejects.toThrow(/not valid SQL|single aggregate/);
    await expect(compileMetric(reader.connection, 'avg(latency_ms), count(*)')).rejects.toThrow(/single aggregate expression/);
    await expect(compileMetric(reader.connection, 'avg(latency_ms')).rejects.toThrow(/is not valid SQL/);
    await expect(compileMetric(reader.connection, 'latency_ms')).rejects.toThrow(/--metric "latency_ms"/);
    const cli = runCli(['anomalies', '--data', dataDir, '--metric', '1) FROM logs; SELECT (1']);
    expect(cli.status).not.toBe(0);
    expect(cli.stderr).toMatch(/--metric/);
  });

  it('prints the metric anomalies from the command line as csv', () => {
    const r = runCli(['anomalies', '--data', dataDir, '--metric', 'avg(latency_ms)', '--bucket', '5m', '--baseline', 'trailing', '--window', '24', '--format', 'csv']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('bucket,series,measure,observed,expected,stddev,z,severity,baseline,z_trailing,samples');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^2026-11-20T08:20:00.000Z,\*,metric,400,/);
  });
});

describe('a value metric with daily and weekly cycles', () => {
  it('stays quiet on the weekends of later weeks (checked against earlier weeks), unless --no-weekly', async () => {
    // Three weeks of a 30-minute metric: a daily swing, and weekends 40 lower; no anomaly at all.
    const records: FixtureRecord[] = [];
    const start = Date.UTC(2026, 0, 5); // a Monday
    for (let i = 0; i < 21 * 48; i++) {
      const t = start + i * 1_800_000;
      const hour = (t / 3_600_000) % 24;
      const weekend = [0, 6].includes(new Date(t).getUTCDay());
      const value = 100 + 30 * Math.sin((2 * Math.PI * (hour - 9)) / 24) - (weekend ? 40 : 0) + ((i * 37) % 11) - 5;
      records.push({ ts: new Date(t + 60_000).toISOString(), level: 'INFO', msg: 'sample', extra: { value } });
    }
    const { reader } = await storeOf(records);
    try {
      const weekendOf = (iso: string) => [0, 6].includes(new Date(iso).getUTCDay());
      const laterWeeks = (iso: string) => Date.parse(iso) >= start + 7 * 86_400_000;
      const weekly = await detectAnomalies(reader.connection, { metric: 'avg(value)', bucket: '30m' });
      const daily = await detectAnomalies(reader.connection, { metric: 'avg(value)', bucket: '30m', weekly: false });
      const onLaterWeekends = (events: typeof weekly.events) => events.filter((e) => weekendOf(e.start) && laterWeeks(e.start));
      expect(onLaterWeekends(daily.events).length).toBeGreaterThan(0);
      expect(onLaterWeekends(weekly.events)).toEqual([]);
      console.log(`weekly cycle, 1008 points: ${weekly.events.length} firings with the weekly check, ${daily.events.length} without`);
    } finally {
      reader.close();
    }
  });
});
