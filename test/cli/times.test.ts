import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTimeContext, describeEmptyRange, describeLongRange, LONG_RANGE_BUCKETS } from '../../src/cli/times.js';
import { ingest } from '../../src/ingest/index.js';
import { createZone } from '../../src/parse/index.js';
import { readTime, readTimeParams } from '../../src/query/index.js';
import { runCli, runCliHere, tmpDir } from '../helpers.js';

/** Minute `m` after 2026-11-20T00:00Z, in ms. */
const at = (m: number) => Date.UTC(2026, 10, 20) + m * 60_000;
const iso = (m: number) => new Date(at(m)).toISOString();

describe('times on the command line', () => {
  const paris = { now: () => at(0), zone: createZone('Europe/Paris') };

  it('reads zone-less times and bare dates in the given zone, and leaves times with a zone as they are', async () => {
    expect(readTime('2026-11-25T10:00', paris)).toBe(Date.parse('2026-11-25T09:00:00Z'));
    expect(readTime('2026-07-15 10:00:00.250', paris)).toBe(Date.parse('2026-07-15T08:00:00.250Z'));
    expect(readTime('2026-11-25', paris)).toBe(Date.parse('2026-11-24T23:00:00Z'));
    expect(readTime('2026-11-25T10:00:00Z', paris)).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(readTime('2026-11-25T10:00:00+01:00', paris)).toBe(Date.parse('2026-11-25T09:00:00Z'));
    expect(readTime('2026-11-25T10:00')).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(readTime('last tuesday', paris)).toBeUndefined();
  });

  it('counts times ago and "now" back from the context\'s instant', () => {
    expect(readTime('2h', paris)).toBe(at(-120));
    expect(readTime('-30m', paris)).toBe(at(-30));
    expect(readTime('now', paris)).toBe(at(0));
    expect(readTimeParams('trends', { since: '90s', bucket: '5m' }, paris)).toEqual({ since: new Date(at(-1.5)).toISOString(), bucket: '5m' });
  });

  it('with --from-last, counts back from just after the newest stored record', async () => {
    const span = { min: at(0), max: at(5), rows: 6 };
    expect(createTimeContext('UTC', span, true).now()).toBe(at(5) + 1);
    const clock = createTimeContext('UTC', span, false).now();
    expect(Math.abs(clock - Date.now())).toBeLessThan(5_000);
  });

  it('describes a range that misses the store: where the records are and a --since that reaches them', async () => {
    const span = { min: at(0), max: at(5), rows: 6 };
    const now = at(5) + 3.5 * 86_400_000;
    expect(describeEmptyRange(span, iso(60), null, now)).toBe(
      `no records since ${iso(60)}; the store holds ${iso(0)} to ${iso(5)} (UTC). Try --since 4d or --since 1h --from-last.`,
    );
    expect(describeEmptyRange(span, iso(-60), iso(-10), at(5) + 5 * 3_600_000)).toBe(
      `no records between ${iso(-60)} and ${iso(-10)}; the store holds ${iso(0)} to ${iso(5)} (UTC). Try --since 6h or --since 1h --from-last (without --until).`,
    );
    expect(describeEmptyRange(span, iso(3), null, now)).toBeUndefined();
    expect(describeEmptyRange(span, null, null, now)).toBeUndefined();
    expect(describeEmptyRange(null, iso(60), null, now)).toBeUndefined();
  });
});

describe('logscope trends, anomalies, patterns and sql over a store of old logs', () => {
  let data: string;
  let paris: string;
  beforeAll(async () => {
    const dir = tmpDir('logscope-times-');
    const file = path.join(dir, 'app.jsonl');
    // One line a minute, 2026-11-20 00:00 to 00:05 UTC: days before now.
    const lines = [0, 1, 2, 3, 4, 5].map((m) => JSON.stringify({ ts: iso(m), level: 'INFO', service: 'api', msg: `request ${m} served` }));
    fs.writeFileSync(file, lines.join('\n') + '\n');
    data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'json', options: {} }, mining: { enabled: true, formats: {} } });
    paris = path.join(dir, 'paris.json');
    fs.writeFileSync(paris, JSON.stringify({ ingest: { timezone: 'Europe/Paris' } }));
  });

  async function json(args: string[]): Promise<{ rows: Array<Record<string, unknown>>; stderr: string }> {
    const r = (await runCliHere([...args, '--data', data, '--format', 'json']));
    expect(r.status, r.stderr).toBe(0);
    return { rows: JSON.parse(r.stdout) as Array<Record<string, unknown>>, stderr: r.stderr };
  }

  it('trends over a range without records says the store\'s span, and its suggested --since reaches the records', async () => {
    const empty = (await json(['trends', '--since', '1h']));
    expect(empty.rows).toEqual([]);
    const hint = /^logscope: no records since \S+Z; the store holds 2026-11-20T00:00:00\.000Z to 2026-11-20T00:05:00\.000Z \(UTC\)\. Try --since (\d+[dhm]) or --since 1h --from-last\.\n$/.exec(empty.stderr);
    expect(hint, empty.stderr).not.toBeNull();
    const reached = (await json(['trends', '--bucket', '1d', '--since', (hint as RegExpExecArray)[1]]));
    expect(reached.rows.reduce((n, r) => n + Number(r.total), 0)).toBeGreaterThan(0);
    expect(reached.stderr).toBe('');
  });

  it('trends --from-last counts --since back from the newest record, and --until now keeps it', async () => {
    const { rows, stderr } = (await json(['trends', '--bucket', '1m', '--since', '2m', '--until', 'now', '--from-last']));
    expect(rows.map((r) => [r.bucket, r.total])).toEqual([[iso(3), 0], [iso(4), 1], [iso(5), 1]]);
    expect(stderr).toBe('');
  });

  it('reads a zone-less --since in the ingest zone of the config, for trends and for sql -p', async () => {
    const { rows } = (await json(['trends', '--bucket', '1m', '--since', '2026-11-20T01:03', '--until', '2026-11-20 01:05', '--config', paris]));
    expect(rows.map((r) => [r.bucket, r.total])).toEqual([[iso(3), 1], [iso(4), 1]]);
    const byName = (await json(['sql', 'trends', '-p', 'bucket=1m', '-p', 'since=2026-11-20T01:04', '--config', paris]));
    expect(byName.rows.map((r) => r.bucket)).toEqual([iso(4), iso(5)]);
    const help = (await runCliHere(['trends', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('zone-less times are read in the ingest zone (config ingest.timezone; default local');
  });

  it('sql of a named query: -p times count back from the newest record with --from-last, and an empty range gets the hint', async () => {
    const empty = (await json(['sql', 'trends', '-p', 'since=1h']));
    expect(empty.rows).toEqual([]);
    expect(empty.stderr).toMatch(/^logscope: no records since \S+Z; the store holds 2026-11-20T00:00:00\.000Z to 2026-11-20T00:05:00\.000Z \(UTC\)\. Try --since \d+[dhm] or --since 1h --from-last\.\n$/);
    const last = (await json(['sql', 'trends', '-p', 'bucket=1m', '-p', 'since=2m', '--from-last']));
    expect(last.rows.map((r) => [r.bucket, r.total])).toEqual([[iso(3), 0], [iso(4), 1], [iso(5), 1]]);
    expect((await runCliHere(['sql', 'SELECT 1', '--data', data, '--from-last'])).stderr).toMatch(/^logscope: --from-last is for the time parameters of the named queries/);
  });

  it('patterns and anomalies over a range without records give the same hint; patterns --from-last finds them', async () => {
    const patterns = (await json(['patterns', '--since', '1h']));
    expect(patterns.rows).toEqual([]);
    expect(patterns.stderr).toMatch(/^logscope: no records since \S+Z; the store holds 2026-11-20T00:00:00\.000Z to 2026-11-20T00:05:00\.000Z \(UTC\)\. Try --since \d+[dhm] or --since 1h --from-last\.\n$/);
    const last = (await json(['patterns', '--since', '1h', '--from-last']));
    expect(last.rows.map((p) => [p.text, p.recent])).toEqual([['request <*> served', 6]]);
    const anomalies = (await runCliHere(['anomalies', '--data', data, '--since', '1h', '--format', 'csv']));
    expect(anomalies.status, anomalies.stderr).toBe(0);
    expect(anomalies.stderr).toMatch(/^logscope: no records since \S+Z; the store holds 2026-11-20T00:00:00\.000Z to 2026-11-20T00:05:00\.000Z \(UTC\)\./);
    const fromFiles = (await runCliHere(['anomalies', path.join(path.dirname(data), 'app.jsonl'), '--since', '1h', '--from-last']));
    expect(fromFiles.status).toBe(1);
    expect(fromFiles.stderr).toBe('logscope: --from-last needs the stored records: ingest the files, then run anomalies without inputs\n');
  });
});

describe('anomalies over a range of millions of buckets', () => {
  // A store of logs from 2009 to 2026: every minute bucket in between is judged.
  const years = { min: Date.UTC(2009, 10, 7, 1, 42), max: Date.UTC(2026, 11, 4), rows: 90_000 };

  it('says how many buckets it judges and what judges fewer', () => {
    const minutes = Math.floor((years.max - years.min) / 60_000) + 1;
    expect(describeLongRange(years, null, null, '1m', 60)).toBe(
      `judging ${minutes.toLocaleString('en-US')} buckets of 1m per series and measure (2009-11-07 to 2026-12-04): this can take minutes; --since 30d or a wider --bucket (1h) judges fewer.`,
    );
  });

  it('says nothing for a range cut short by --since or --until, a wider bucket or a short store', () => {
    expect(describeLongRange(years, new Date(years.max - 30 * 86_400_000).toISOString(), null, '1m', 60)).toBeUndefined();
    expect(describeLongRange(years, null, new Date(years.min + 30 * 86_400_000).toISOString(), '1m', 60)).toBeUndefined();
    expect(describeLongRange(years, null, null, '1h', 3600)).toBeUndefined();
    expect(describeLongRange({ min: at(0), max: at(LONG_RANGE_BUCKETS - 1), rows: 2 }, null, null, '1m', 60)).toBeUndefined();
    expect(describeLongRange({ min: at(0), max: at(LONG_RANGE_BUCKETS), rows: 2 }, null, null, '1m', 60)).toMatch(/^judging 1,000,001 buckets of 1m/);
    expect(describeLongRange(null, null, null, '1m', 60)).toBeUndefined();
  });
});
