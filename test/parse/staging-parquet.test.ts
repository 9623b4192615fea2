import { DuckDBInstance, listValue } from '../../src/duckdb.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowWriter } from '../../src/parse/index.js';
import { STAGED_COLUMNS } from '../../src/parse/staging-parquet.js';
import { tmpDir } from '../helpers.js';

type Value = string | number | null;
interface Rec {
  us: number;
  fields: Value[];
  rel_line: number;
}

/** A tiny seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 4294967296;
  };
}

const TEXTS = ['web-1', 'api', 'a\nb\r\x1f\x1e"c', 'naïve ☃ 日本', 'x'.repeat(300), 'ERROR', '{"k":1}', ' ', ''];

/** Writes records through the RowWriter's field methods (text, ascii, bytes, int, empty) and reads the staged files with DuckDB. */
async function stageAndRead(recs: Rec[], pick: () => number): Promise<Record<string, unknown>[]> {
  const out = new RowWriter(64);
  for (const r of recs) {
    out.beginRecord(r.us);
    r.fields.forEach((v, f) => {
      if (v === null) out.empty();
      else if (typeof v === 'number') out.int(v);
      else if (pick() < 0.5) out.text(v);
      else if (/^[\x20-\x7e]*$/.test(v) && pick() < 0.5) out.ascii(v);
      else {
        const b = Buffer.from(`..${v}..`);
        out.bytes(b, 2, b.length - 2);
      }
      void f;
    });
    out.endRecord(r.rel_line);
  }
  const done = out.finish();
  const dir = tmpDir();
  const files = done.days.map((d, i) => {
    const file = path.join(dir, `d${i}.parquet`);
    fs.writeFileSync(file, Buffer.concat(d.data));
    return file;
  });
  out.release();
  const db = await DuckDBInstance.create(':memory:');
  try {
    const conn = await db.connect();
    const reader = await conn.runAndReadAll('SELECT * FROM read_parquet($f) ORDER BY rel_line', { f: listValue(files) });
    conn.closeSync();
    return reader.getRowObjectsJson();
  } finally {
    db.closeSync();
  }
}

describe('staged records as plain Parquet', () => {
  it('DuckDB reads back every value, NULL and type of random records across days, as the CSV hand-off stored them', async () => {
    const pick = random(17);
    const recs: Rec[] = [];
    for (let i = 0; i < 1003; i++) {
      const text = (): Value => (pick() < 0.25 ? null : TEXTS[Math.floor(pick() * TEXTS.length)]);
      // Times either side of 1970 and over several days; pids up to 2^53 - 1, some missing.
      const us = Math.round((pick() - 0.1) * 5 * 86_400e6);
      const pid = pick() < 0.3 ? null : pick() < 0.5 ? Math.floor(pick() * 70000) : Number.MAX_SAFE_INTEGER - Math.floor(pick() * 10);
      // level_raw sometimes a number (a syslog severity), written with int().
      const levelRaw = pick() < 0.3 ? Math.floor(pick() * 8) : text();
      recs.push({ us, fields: [text(), text(), pid, text(), levelRaw, text(), text()], rel_line: i + 1 });
    }
    const rows = await stageAndRead(recs, pick);
    expect(rows.length).toBe(recs.length);
    const textOf = (v: Value): string | null => (v === null || v === '' ? null : String(v));
    const wrong = recs.filter((r, i) => {
      const row = rows[i];
      const [host, service, pid, level, levelRaw, message, attrs] = r.fields;
      return (
        row.us !== String(r.us) ||
        row.rel_line !== String(r.rel_line) ||
        row.host !== textOf(host) ||
        row.service !== textOf(service) ||
        row.pid !== (pid === null ? null : String(pid)) ||
        row.level !== textOf(level) ||
        row.level_raw !== textOf(levelRaw) ||
        row.message !== textOf(message) ||
        row.attrs !== textOf(attrs) ||
        row.signature !== null
      );
    });
    expect(wrong).toEqual([]);
    expect(new Set(rows.map((r) => Object.keys(r).join(',')))).toEqual(new Set([STAGED_COLUMNS.map((c) => c.name).join(',')]));
  });

  it('writes a column with no value in any row, and one with a value in every row, for a single record and for none', async () => {
    const pick = random(5);
    expect(await stageAndRead([{ us: 1, fields: [null, 'svc', null, null, null, 'm', null], rel_line: 1 }], pick)).toEqual([
      { us: '1', host: null, service: 'svc', pid: null, level: null, level_raw: null, message: 'm', attrs: null, signature: null, rel_line: '1' },
    ]);
    const out = new RowWriter(64);
    expect(out.finish().days).toEqual([]);
  });

  it('stores a pid given as bytes as the same pid given as text: digits read in place, anything else as Number reads it', async () => {
    const values = ['4242', '0', '0012', '999999999999999', '1234567890123456', '', ' 12 ', '12ab', '-7', '+3', '0x1f', '1e3', '١٢', '4.5'];
    const out = new RowWriter(64);
    values.forEach((v, i) => {
      for (const asBytes of [true, false]) {
        out.beginRecord(1000 + i);
        out.empty();
        out.empty();
        const bytes = Buffer.from(`<${v}>`, 'latin1');
        if (asBytes) out.bytes(bytes, 1, bytes.length - 1);
        else out.text(v);
        out.endRecord(2 * i + (asBytes ? 1 : 2));
      }
    });
    const dir = tmpDir();
    const file = path.join(dir, 'p.parquet');
    fs.writeFileSync(file, Buffer.concat(out.finish().days[0].data));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll('SELECT rel_line, pid::VARCHAR AS pid FROM read_parquet($f) ORDER BY rel_line', { f: file })).getRowObjectsJson();
    conn.closeSync();
    db.closeSync();
    const pairs = values.map((v, i) => ({ value: v, bytes: rows[2 * i].pid, text: rows[2 * i + 1].pid }));
    for (const p of pairs) expect(p.bytes, p.value).toBe(p.text);
    expect(pairs.map((p) => p.bytes)).toEqual(['4242', '0', '12', '999999999999999', '1234567890123456', null, '12', null, '-7', '3', '31', '1000', null, null]);
  });

  it('stores NUL and invalid UTF-8 as U+FFFD, a text pid as its integer, and a pid that is no integer as NULL', async () => {
    const out = new RowWriter(64);
    const cases: Array<[Buffer, string]> = [
      [Buffer.from('a\x00b'), 'a\ufffdb'],
      [Buffer.concat([Buffer.from('caf'), Buffer.from([0xc3]), Buffer.from('!')]), 'caf\ufffd!'],
    ];
    cases.forEach(([bytes], i) => {
      out.beginRecord(1000 + i);
      out.empty();
      out.empty();
      if (i === 0) out.text('4242');
      else out.text('12ab');
      out.empty();
      out.empty();
      out.bytes(bytes, 0, bytes.length);
      out.text('x\x00');
      out.endRecord(i + 1);
    });
    const dir = tmpDir();
    const file = path.join(dir, 'd.parquet');
    fs.writeFileSync(file, Buffer.concat(out.finish().days[0].data));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll('SELECT pid, message, attrs FROM read_parquet($f) ORDER BY rel_line', { f: file })).getRowObjectsJson();
    conn.closeSync();
    db.closeSync();
    expect(rows).toEqual([
      { pid: '4242', message: cases[0][1], attrs: 'x\ufffd' },
      { pid: null, message: cases[1][1], attrs: 'x\ufffd' },
    ]);
  });
});
