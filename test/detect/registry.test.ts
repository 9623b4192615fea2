import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { findSqlDir, parseQueryParams, prepareQuery, QUERIES, QUERY_FILES, type QueryName } from '../../src/query/index.js';
import type { StoreReader } from '../../src/store/index.js';
import { runCli, runCliHere } from '../helpers.js';
import { jsonMinute, minute, recordsIn, storeOf } from './fixture.js';

const NAMES = Object.keys(QUERIES) as QueryName[];
/** Parameters that have no default, per query. */
const REQUIRED: Partial<Record<QueryName, Record<string, unknown>>> = {
  explain: { start: minute(5), end: minute(6), baseline_start: minute(0) },
  log_lines: { since: minute(0), until: minute(10) },
  log_context: { source: 'app.log', line: 1 },
};

describe('the sql/ registry', () => {
  let reader: StoreReader;
  let dataDir: string;
  beforeAll(async () => {
    ({ reader, dataDir } = await storeOf([...recordsIn(0, 3, 'INFO'), ...recordsIn(5, 2, 'ERROR', { service: 'billing' })]));
  });
  afterAll(() => reader.close());

  it('has one file per query, whose header names exactly the parameters of its schema', async () => {
    const files = fs.readdirSync(findSqlDir()).filter((f) => f.endsWith('.sql'));
    for (const name of NAMES) {
      const def = { ...QUERIES[name], file: QUERY_FILES[name] };
      expect(files).toContain(def.file);
      const text = fs.readFileSync(path.join(findSqlDir(), def.file), 'utf8');
      const header = text.split('\n').filter((l) => l.startsWith('--')).join('\n');
      const documented = [...header.matchAll(/^--\s+\$(\w+)/gm)].map((m) => m[1]).sort();
      expect(documented, def.file).toEqual(Object.keys(def.params.shape).sort());
      expect(header, def.file).toMatch(/-- Columns:/);
      const used = [...new Set([...text.replace(/^--.*$/gm, '').matchAll(/\$(\w+)/g)].map((m) => m[1]))].sort();
      expect(used, def.file).toEqual(Object.keys(def.params.shape).sort());
    }
  });

  it('prepares every query with all its parameters bound by name', async () => {
    for (const name of NAMES) {
      const prepared = await prepareQuery(reader.connection, name, REQUIRED[name] ?? {});
      const result = await prepared.runAndReadAll();
      expect(result.columnNames().length, name).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown or ill-typed parameter with a message naming it', async () => {
    expect(() => parseQueryParams('trends', { bucket: 'often' })).toThrow(/query trends: bucket: bucket must be a width such as 1m/);
    expect(() => parseQueryParams('trends', { buckets: '1h' })).toThrow(/unknown parameter "buckets" \(known: bucket, since, until, by\)/);
    expect(() => parseQueryParams('zscore', { window: 'sixty' })).toThrow(UsageError);
    expect(() => parseQueryParams('zscore', { since: 'last tuesday' })).toThrow(/since: expected an ISO time/);
  });

  it('binds user text as a value: a quote in --by or --since cannot change the query', async () => {
    const prepared = await prepareQuery(reader.connection, 'trends', { by: "x') OR 1=1 --" }).catch((e: Error) => e);
    expect(prepared).toBeInstanceOf(Error);
    expect((prepared as Error).message).toMatch(/by must be service, host, level, an attrs key/);
    const byKey = await prepareQuery(reader.connection, 'trends', { by: 'no.such.key', bucket: '1h' });
    const rows = (await byKey.runAndReadAll()).getRowObjectsJson();
    expect(rows.map((r) => r.series)).toEqual(['(none)']);
  });

  it('parses relative times against now and bucket shorthands', async () => {
    const now = Date.now();
    const p = parseQueryParams('trends', { since: '-2h', until: 'now', bucket: '5m' });
    expect(p.bucket).toBe('300 seconds');
    expect(Math.abs(Date.parse(p.since as string) - (now - 7_200_000))).toBeLessThan(5_000);
    expect(parseQueryParams('trends', { since: '30d' }).since).not.toBeNull();
    expect(parseQueryParams('trends', { since: '2026-11-20' }).since).toBe('2026-11-20T00:00:00.000Z');
    expect(parseQueryParams('trends', { since: '2026-11-20T10:00:00+02:00' }).since).toBe('2026-11-20T08:00:00.000Z');
  });

  it('runs a registered query by name and by its file from logscope sql', async () => {
    const byName = (await runCliHere(['sql', 'trends', '-p', 'bucket=1m', '-p', 'by=service', '--format', 'json', '--data', dataDir]));
    expect(byName.status, byName.stderr).toBe(0);
    const rows = JSON.parse(byName.stdout) as Array<Record<string, unknown>>;
    // Minutes 0..5 for two services, zero-filled: 12 rows.
    expect(rows).toHaveLength(12);
    expect(rows.find((r) => r.series === 'billing' && r.bucket === jsonMinute(5))).toMatchObject({ total: 2, errors: 2, error_rate: 1 });
    const byFile = (await runCliHere(['sql', '-f', path.join(findSqlDir(), 'trends.sql'), '-p', 'bucket=1h', '--format', 'csv', '--data', dataDir]));
    expect(byFile.status, byFile.stderr).toBe(0);
    expect(byFile.stdout.split('\n')[1]).toMatch(/^2026-11-20T00:00:00.000Z,\*,5,0,2,/);
    const bad = (await runCliHere(['sql', 'trends', '-p', 'bucket=fortnightly', '--data', dataDir]));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/bucket must be a width/);
  });
});
