import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { detectAnomalies } from '../../src/detect/index.js';
import { generateLogs } from '../../src/generate/index.js';
import { forgetSources, ingest } from '../../src/ingest/index.js';
import { COUNTS_SOURCE, prepareQuery, RECORDS_SOURCE, type QueryName } from '../../src/query/index.js';
import { openStoreReader, StoreWriter, type StoreReader } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

let dir: string;
let data: string;
let a: string;
let b: string;

async function ingestFiles(inputs: string[], reingest = false): Promise<void> {
  await ingest({ inputs, dataDir: data, format: { name: 'auto', options: {} }, workers: 2, timezone: 'UTC', chunkBytes: 64 << 10, batchBytes: 128 << 10, mining: loadConfig({}).mining, reingest });
}

async function rows(reader: StoreReader, name: QueryName, params: Record<string, unknown>, slots: Record<string, string>): Promise<unknown[]> {
  const prepared = await prepareQuery(reader.connection, name, params, slots);
  try {
    return (await prepared.runAndReadAll()).getRowObjectsJson();
  } finally {
    prepared.destroySync();
  }
}

/**
 * Every answer the rollup gives (through log_counts) equals the one of the records: each split
 * and bucket when `full`, else a few.
 */
async function expectCountsEqualRows(full = false): Promise<{ rollupRows: number; lines: number; counted: number }> {
  const reader = await openStoreReader(data);
  try {
    const span = reader.span!;
    const hour = 3_600_000;
    const ranges = [
      { since: null, until: null },
      { since: new Date(Math.floor(span.min / hour) * hour + 7 * 60_000).toISOString(), until: new Date(Math.ceil(span.max / hour) * hour - 13 * 60_000).toISOString() },
    ];
    for (const range of ranges) {
      for (const by of full ? ['', 'service', 'host', 'level'] : ['service']) {
        for (const bucket of full ? ['1m'] : ['10m']) {
          const p = { bucket, by, ...range };
          expect(await rows(reader, 'trends', p, COUNTS_SOURCE), `trends ${JSON.stringify(p)}`).toEqual(await rows(reader, 'trends', p, RECORDS_SOURCE));
        }
        const p = { by, top: 50, ...range };
        expect(await rows(reader, 'top_series', p, COUNTS_SOURCE), `top_series ${JSON.stringify(p)}`).toEqual(await rows(reader, 'top_series', p, RECORDS_SOURCE));
      }
      for (const baseline of full ? (['auto', 'trailing'] as const) : (['auto'] as const)) {
        const options = { bucket: '5m', by: 'service', baseline, window: 12, ...range };
        const fromRows = await detectAnomalies(reader.connection, options);
        const fromCounts = await detectAnomalies(reader.connection, { ...options, counted: true });
        expect(fromCounts.anomalies, `anomalies ${JSON.stringify(options)}`).toEqual(fromRows.anomalies);
        expect(fromCounts.events).toEqual(fromRows.events);
      }
    }
    const [[rollupRows, counted], [lines]] = [
      (await reader.connection.runAndReadAll('SELECT count(*), coalesce(sum(n), 0) FROM log_rollup')).getRows().map((r) => r.map(Number)),
      (await reader.connection.runAndReadAll('SELECT count(*) FROM log_records')).getRows().map((r) => r.map(Number)),
    ].map((x) => x[0]);
    return { rollupRows, lines, counted };
  } finally {
    reader.close();
  }
}

beforeAll(async () => {
  dir = tmpDir('logscope-rollup-');
  data = path.join(dir, 'data');
  a = path.join(dir, 'a.log');
  b = path.join(dir, 'b.log');
  await generateLogs({ lines: 4000, format: 'syslog', out: a, days: 2, start: '2026-11-18T00:00:00Z', seed: 3 });
  await generateLogs({ lines: 2000, format: 'syslog', out: b, days: 1, start: '2026-11-19T06:00:00Z', seed: 4 });
  await ingestFiles([a, b]);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the rollup', () => {
  it('counts every stored record, and every answer it gives equals the records\'', async () => {
    const { rollupRows, lines, counted } = await expectCountsEqualRows(true);
    expect(lines).toBeGreaterThan(5000);
    expect(counted).toBe(lines);
    // Fewer rows than records, or it would save nothing.
    expect(rollupRows).toBeLessThan(lines);
  }, 120_000);

  it('stays equal to the records after a reingest and a forget', async () => {
    await generateLogs({ lines: 1500, format: 'syslog', out: b, days: 0.5, start: '2026-11-19T12:00:00Z', seed: 5 });
    await ingestFiles([b], true);
    let after = await expectCountsEqualRows();
    expect(after.counted).toBe(after.lines);
    await forgetSources({ names: [a], dataDir: data });
    after = await expectCountsEqualRows();
    expect(after.counted).toBe(after.lines);
    expect(after.lines).toBeLessThan(1600);
  }, 120_000);

  it('reads the records of files without a rollup (an older store), and the next writer counts them and removes unlisted rollup files', async () => {
    const catalog = path.join(data, 'catalog.duckdb');
    const rollupFiles = () => fs.readdirSync(path.join(data, 'rollup'), { recursive: true }).filter((f) => String(f).endsWith('.parquet')).length;
    expect(rollupFiles()).toBeGreaterThan(0);
    const instance = await DuckDBInstance.create(catalog);
    const conn = await instance.connect();
    const listed = Number((await conn.runAndReadAll('SELECT count(*) FROM _logscope.rollup_files')).getRows()[0][0]);
    // Only the live files' rollups are left on disk (those of the files forgotten and replaced are gone).
    expect(rollupFiles()).toBe(listed);
    await conn.run('DELETE FROM _logscope.rollup_files');
    conn.closeSync();
    instance.closeSync();
    const before = await expectCountsEqualRows();
    expect(before.rollupRows).toBe(0);
    const writer = await StoreWriter.open(data);
    await writer.close();
    const filled = await expectCountsEqualRows();
    expect(filled.counted).toBe(filled.lines);
    expect(filled.rollupRows).toBeGreaterThan(0);
    expect(rollupFiles()).toBe(listed);
  }, 120_000);
});
