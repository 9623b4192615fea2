import { DuckDBInstance, listValue } from '../../src/duckdb.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createParser, parseLines, RowWriter, STAGING_CSV_OPTIONS, UNPARSED_STAGING_COLUMNS, utcZone } from '../../src/parse/index.js';
import { writeIntDigits } from '../../src/parse/row-writer.js';
import { tmpDir } from '../helpers.js';

/** Parses raw bytes and reads the staged files back with DuckDB, as the store does. */
async function roundTrip(bytes: Buffer) {
  const dir = tmpDir();
  const parser = await createParser({ name: 'syslog', options: {} }, { zone: utcZone, referenceMicros: Date.now() * 1000 });
  const out = new RowWriter(64);
  const counts = parseLines(bytes, 0, bytes.length, parser, out);
  const done = out.finish();
  const recFiles = done.days.map((d, i) => {
    const file = path.join(dir, `r${i}.parquet`);
    fs.writeFileSync(file, Buffer.concat(d.data));
    return file;
  });
  const unFile = path.join(dir, 'u.csv');
  fs.writeFileSync(unFile, done.unparsed);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const cols = Object.entries(UNPARSED_STAGING_COLUMNS).map(([n, t]) => `'${n}': '${t}'`).join(', ');
  const records =
    recFiles.length > 0 ? (await conn.runAndReadAll('SELECT * FROM read_parquet($f) ORDER BY rel_line', { f: listValue(recFiles) })).getRowObjectsJson() : [];
  const unparsed =
    fs.statSync(unFile).size > 0
      ? (
          await conn.runAndReadAll(
            `SELECT * FROM read_csv($f, delim = $delim, quote = $quote, escape = $escape, header = false, auto_detect = false, new_line = '\\n', columns = {${cols}})`,
            { f: listValue([unFile]), ...STAGING_CSV_OPTIONS },
          )
        ).getRowObjectsJson()
      : [];
  conn.closeSync();
  db.closeSync();
  return { counts, records, unparsed };
}

describe('staging text', () => {
  it('carries separators, quotes and tabs inside messages through DuckDB unchanged', async () => {
    const msg = 'a\x1fb \x1e c "quoted" \t tab, comma';
    const { records } = await roundTrip(Buffer.from(`2026-11-25T10:00:00Z h app: ${msg}\n2026-11-25T10:00:01Z h app: plain\n`));
    expect(records.map((r) => r.message)).toEqual([msg, 'plain']);
  });

  it('keeps lines with invalid UTF-8 and NUL bytes, replacing only the bad bytes', async () => {
    const bad = Buffer.concat([Buffer.from('2026-11-25T10:00:00Z h app: caf'), Buffer.from([0xc3]), Buffer.from(' x\x00y\n')]);
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]);
    const { counts, records, unparsed } = await roundTrip(Buffer.concat([bad, junk]));
    expect(counts).toEqual({ lines: 2, parsed: 1, unparsed: 1, blank: 0, joined: 0 });
    expect(records[0].message).toBe('caf\ufffd x\ufffdy');
    expect(unparsed[0].raw).toBe('\ufffd\ufffd\ufffdA');
  });

  it('keeps valid multi-byte UTF-8 as is', async () => {
    const { records } = await roundTrip(Buffer.from('2026-11-25T10:00:00Z höst app: naïve ☃ 日本\n'));
    expect(records[0]).toMatchObject({ host: 'höst', message: 'naïve ☃ 日本' });
  });
});

describe('writeIntDigits', () => {
  const decimal = (n: number) => {
    const o = { buf: Buffer.alloc(32), pos: 0 };
    writeIntDigits(o, n);
    return o.buf.toString('latin1', 0, o.pos);
  };

  it('writes the same digits as String() at every length and boundary up to 2^53', () => {
    const values = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 99_999_999, 100_000_000, 100_000_001, 1_000_000_007, 1_794_960_000_120_000, 2 ** 53 - 1, -1, -100_000_000, -(2 ** 53 - 1)];
    for (let k = 0; k <= 15; k++) values.push(10 ** k, 10 ** k - 1, 10 ** k + 1, 2 * 10 ** k + 5);
    for (const v of values) expect(decimal(v)).toBe(String(v));
  });

  it('agrees with String() on 100,000 random integers of every magnitude', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 100_000; i++) {
      const v = Math.floor(next() * 10 ** (1 + Math.floor(next() * 15)) + next() * 1e6);
      expect(decimal(v)).toBe(String(v));
    }
  });
});
