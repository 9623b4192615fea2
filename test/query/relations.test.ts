import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStoreReader, READER_RELATIONS, relationsNamedIn, type StoreReader } from '../../src/store/index.js';
import { openMemoryDatabaseEarly, takeEarlyMemoryDatabase } from '../../src/duckdb-early.js';
import { runCliHere, tmpDir } from '../helpers.js';

let data: string;
let live: string;

beforeAll(async () => {
  const dir = tmpDir('logscope-relations-');
  const file = path.join(dir, 'app.log');
  let s = '';
  for (let i = 1; i <= 40; i++) s += `2026-11-25T10:00:${String(i).padStart(2, '0')}Z web-1 api[7]: ${i % 4 === 0 ? 'ERROR' : 'INFO'} request ${i} took ${i * 3} ms\n`;
  fs.writeFileSync(file, `${s}not a syslog line\n`);
  data = path.join(dir, 'data');
  // The command, not ingest(): it mines the templates (the API leaves that to its caller).
  expect((await runCliHere(['ingest', file, '--data', data, '--quiet'])).status).toBe(0);
  const day = path.join(data, 'logs', 'dt=2026-11-25');
  live = path.join(day, fs.readdirSync(day)[0]);
});

describe('relationsNamedIn', () => {
  it('names the relations a statement mentions as words, in any case and quoting, and nothing for SELECT 1', () => {
    expect([...relationsNamedIn('SELECT 1')]).toEqual([]);
    expect([...relationsNamedIn('SELECT count(*) FROM LOGS')]).toEqual(['logs']);
    expect([...relationsNamedIn('SELECT * FROM "templates" t JOIN sources s ON true')].sort()).toEqual(['sources', 'templates']);
    // A longer word is not the relation: `logs_2` or `my_batches` names neither.
    expect([...relationsNamedIn('SELECT 1 AS logs_2, 2 AS my_batches')]).toEqual([]);
  });

  it('gives every relation to a statement that lists the catalog or reads Parquet files by path', () => {
    for (const sql of ['SHOW TABLES', 'describe logs', 'SELECT * FROM duckdb_views()', 'SELECT * FROM information_schema.tables', `SELECT * FROM read_parquet('x')`, `SELECT * FROM 'a.parquet'`]) {
      expect(relationsNamedIn(sql).size, sql).toBe(READER_RELATIONS.length);
    }
  });
});

describe('a reader of some relations', () => {
  let reader: StoreReader;
  afterAll(() => reader?.close());

  it('defines what they read too, and nothing else: no other view, no live file outside them', async () => {
    reader = await openStoreReader(data, { relations: relationsNamedIn('SELECT * FROM templates') });
    const names = (await reader.connection.runAndReadAll('SELECT view_name FROM duckdb_views() WHERE NOT internal UNION ALL SELECT table_name FROM duckdb_tables()')).getRows().map((r) => String(r[0]));
    expect(names.sort()).toEqual(['template_signatures', 'template_texts', 'templates']);
    expect(Number((await reader.connection.runAndReadAll('SELECT count(*) FROM templates')).getRows()[0][0])).toBeGreaterThan(0);
    await expect(reader.connection.run(`SELECT count(*) FROM read_parquet('${live}')`)).rejects.toThrow(/Permission Error/);
    expect(reader.span?.rows).toBe(40);
  });
});

describe('logscope sql with only the views it names', () => {
  it('answers as a reader of the whole store does: logs with template ids, counts, sources, and a live file by path', async () => {
    const sql = async (q: string) => {
      const r = await runCliHere(['sql', '--data', data, '--format', 'csv', q]);
      expect(r.stderr).toBe('');
      return r.stdout;
    };
    const whole = await openStoreReader(data);
    try {
      for (const q of [
        'SELECT level, count(*), count(DISTINCT template_id) FROM logs GROUP BY level ORDER BY level',
        'SELECT sum(n) FROM log_counts',
        'SELECT count(*) FROM unparsed',
        'SELECT count(*) FROM sources',
        `SELECT count(*) FROM read_parquet('${live}')`,
      ]) {
        const rows = (await whole.connection.runAndReadAll(q)).getRows().map((r) => r.map(String).join(','));
        expect((await sql(q)).split('\n').slice(1, -1), q).toEqual(rows);
      }
    } finally {
      whole.close();
    }
    expect(await sql('SELECT 1 AS one')).toBe('one\n1\n');
    expect((await sql('SHOW TABLES')).split('\n').slice(1, -1).sort()).toEqual([...READER_RELATIONS].sort());
  });
});

describe('a statement that reads nothing of the store', () => {
  it('does not open the catalog of a marked store: SELECT 1 answers beside a damaged catalog that a query of logs reports', async () => {
    const copy = tmpDir('logscope-relations-damaged-');
    fs.cpSync(data, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'catalog.duckdb'), 'not a database');
    const r = await runCliHere(['sql', '--data', copy, '--format', 'csv', 'SELECT 1 AS one']);
    expect(r.stdout).toBe('one\n1\n');
    expect(r.status).toBe(0);
    const logs = await runCliHere(['sql', '--data', copy, '--format', 'csv', 'SELECT count(*) FROM logs']);
    expect(logs.status).not.toBe(0);
    expect(logs.stderr).toContain('catalog.duckdb');
  });

  it('reads the span only when asked: span false leaves it null', async () => {
    const r = await openStoreReader(data, { relations: new Set(), span: false });
    try {
      expect(r.span).toBeNull();
      expect(Number((await r.connection.runAndReadAll('SELECT 41 + 1')).getRows()[0][0])).toBe(42);
    } finally {
      r.close();
    }
    const withSpan = await openStoreReader(data, { relations: new Set() });
    try {
      expect(withSpan.span?.rows).toBe(40);
    } finally {
      withSpan.close();
    }
  });
});

describe('the database sql opens early', () => {
  it('is started by the sql command and taken by its reader, which answers on it; once taken, a reader creates its own', async () => {
    expect(takeEarlyMemoryDatabase()).toBeUndefined();
    openMemoryDatabaseEarly();
    const reader = await openStoreReader(data, { relations: relationsNamedIn('SELECT count(*) FROM logs') });
    try {
      expect(takeEarlyMemoryDatabase()).toBeUndefined();
      expect(Number((await reader.connection.runAndReadAll('SELECT count(*) FROM logs')).getRows()[0][0])).toBe(40);
    } finally {
      reader.close();
    }
    // The command leaves none behind: its reader took the one it started.
    expect((await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT 2 AS two'])).stdout).toBe('two\n2\n');
    expect(takeEarlyMemoryDatabase()).toBeUndefined();
  });

  it('is started only for sql: another command or sql --help starts none', async () => {
    expect((await runCliHere(['sql', '--help'])).stdout).toContain('Usage: logscope sql');
    expect(takeEarlyMemoryDatabase()).toBeUndefined();
    expect((await runCliHere(['coverage', '--data', data])).status).toBe(0);
    expect(takeEarlyMemoryDatabase()).toBeUndefined();
  });
});
