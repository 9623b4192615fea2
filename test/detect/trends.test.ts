import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreReader } from '../../src/store/index.js';
import { runCli, runCliHere } from '../helpers.js';
import { jsonMinute, minute, recordsIn, storeOf, type FixtureRecord } from './fixture.js';

describe('logscope trends', () => {
  let reader: StoreReader;
  let dataDir: string;
  beforeAll(async () => {
    const records: FixtureRecord[] = [
      ...recordsIn(0, 4, 'INFO', { service: 'api' }),
      ...recordsIn(0, 1, 'ERROR', { service: 'api' }),
      ...recordsIn(1, 2, 'WARN', { service: 'db', extra: { region: 'eu' } }),
      // minutes 2-4 silent
      ...recordsIn(5, 3, 'FATAL', { service: 'db', extra: { region: 'us' } }),
      ...recordsIn(5, 1, 'DEBUG', { service: 'api' }),
    ];
    ({ reader, dataDir } = await storeOf(records));
  });
  afterAll(() => reader.close());

  async function trends(args: string[]): Promise<Array<Record<string, unknown>>> {
    const r = (await runCliHere(['trends', '--data', dataDir, '--format', 'json', ...args]));
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  }

  it('counts per bucket and level with the error rate, and zero-fills silent buckets', async () => {
    const rows = await trends(['--bucket', '1m']);
    expect(rows.map((r) => r.bucket)).toEqual([0, 1, 2, 3, 4, 5].map((m) => jsonMinute(m)));
    expect(rows[0]).toMatchObject({ series: '*', total: 5, info: 4, error: 1, errors: 1, error_rate: 0.2 });
    expect(rows[2]).toMatchObject({ total: 0, errors: 0, error_rate: null });
    expect(rows[5]).toMatchObject({ total: 4, fatal: 3, debug: 1, errors: 3, error_rate: 0.75 });
  });

  it('splits by service and by an attrs key, zero-filling each series', async () => {
    const byService = await trends(['--bucket', '1m', '--by', 'service']);
    expect(byService).toHaveLength(12);
    expect(byService.filter((r) => r.series === 'db').map((r) => r.total)).toEqual([0, 2, 0, 0, 0, 3]);
    const byRegion = await trends(['--bucket', '5m', '--by', 'region']);
    expect(byRegion.map((r) => [r.bucket, r.series, r.total])).toEqual([
      [jsonMinute(0), '(none)', 5],
      [jsonMinute(0), 'eu', 2],
      [jsonMinute(0), 'us', 0],
      [jsonMinute(5), '(none)', 1],
      [jsonMinute(5), 'eu', 0],
      [jsonMinute(5), 'us', 3],
    ]);
  });

  it('keeps to --since/--until and zero-fills the whole asked range', async () => {
    const rows = await trends(['--bucket', '1m', '--since', minute(4), '--until', minute(8)]);
    expect(rows.map((r) => [r.bucket, r.total])).toEqual([
      [jsonMinute(4), 0],
      [jsonMinute(5), 4],
      [jsonMinute(6), 0],
      [jsonMinute(7), 0],
    ]);
    const csv = (await runCliHere(['trends', '--data', dataDir, '--format', 'csv', '--bucket', '1h']));
    expect(csv.stdout.split('\n')[0]).toBe('bucket,series,total,fatal,error,warn,notice,info,debug,trace,unknown,errors,error_rate');
  });

  it('says what is wrong with a bad --bucket or --since', async () => {
    const r = (await runCliHere(['trends', '--data', dataDir, '--bucket', 'soon']));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/bucket must be a width such as 1m, 5m, 1h or 1d, got "soon"/);
    const s = (await runCliHere(['trends', '--data', dataDir, '--since', 'yesterday-ish']));
    expect(s.stderr).toMatch(/since: expected an ISO time/);
  });
});
