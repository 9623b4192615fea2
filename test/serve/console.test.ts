import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { QueryError } from '../../src/errors.js';
import { createSqlConsole, type SqlConsole } from '../../src/serve/console.js';
import { parseCsv, tmpDir } from '../helpers.js';
import { longQuery, makeStore, type TestStore } from './store-fixture.js';

let store: TestStore;
let sqlConsole: SqlConsole;
let secret: string;

const LONG_QUERY = longQuery();

async function waitFor<T>(read: () => T | undefined, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  const dir = tmpDir('logscope-console-');
  store = await makeStore(dir);
  secret = path.join(dir, 'secret.csv');
  fs.writeFileSync(secret, 'user,password\nroot,hunter2\n');
  sqlConsole = createSqlConsole({ dataDir: store.data, rowCap: 100 });
});
afterAll(async () => {
  await sqlConsole?.close();
});

describe('SQL console', () => {
  it('runs a query on the store and pages its rows, times in ISO 8601 UTC', async () => {
    const started = await sqlConsole.start("SELECT level, count(*) AS n, max(ts) AS last FROM logs GROUP BY ALL ORDER BY n DESC");
    expect(started.status).toBe('running');
    const done = await sqlConsole.wait(started.id);
    expect(done).toMatchObject({ status: 'done', error: null, truncated: false, progress: 100 });
    expect(done?.columns.map((c) => [c.name, c.numeric])).toEqual([['level', false], ['n', true], ['last', false]]);
    const all = sqlConsole.page(started.id, 0, 100);
    const count = await sqlConsole.start('SELECT count(*) FROM logs');
    await sqlConsole.wait(count.id);
    expect(all?.rows.reduce((s, r) => s + (r[1] as number), 0)).toBe(sqlConsole.page(count.id, 0, 1)?.rows[0][0]);
    expect(all?.rows[0][2]).toMatch(/^2026-11-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z$/);
    const second = sqlConsole.page(started.id, 1, 1);
    expect(second?.rows).toEqual([all?.rows[1]]);
  });

  it('keeps at most the row cap and says the result was cut; downloads those rows as CSV, JSON and Parquet', async () => {
    const q = await sqlConsole.start('SELECT ts, line, message FROM logs ORDER BY ts, source, line');
    const done = await sqlConsole.wait(q.id);
    expect(done).toMatchObject({ status: 'done', rowCount: 100, truncated: true, rowCap: 100 });
    const csv = await sqlConsole.download(q.id, 'csv');
    expect(csv?.contentType).toMatch(/^text\/csv/);
    const csvRows = parseCsv(csv?.body.toString('utf8') ?? '');
    expect(csvRows[0]).toEqual(['ts', 'line', 'message']);
    expect(csvRows).toHaveLength(101);
    const json = JSON.parse(csv === undefined ? '' : ((await sqlConsole.download(q.id, 'json'))?.body.toString('utf8') ?? '')) as Record<string, unknown>[];
    expect(json).toHaveLength(100);
    expect(Object.keys(json[0])).toEqual(['ts', 'line', 'message']);
    const parquet = await sqlConsole.download(q.id, 'parquet');
    expect(parquet?.body.subarray(0, 4).toString()).toBe('PAR1');
    const file = path.join(tmpDir(), 'r.parquet');
    fs.writeFileSync(file, parquet?.body ?? Buffer.alloc(0));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const back = (await conn.runAndReadAll(`SELECT count(*)::INT AS n, min(line)::INT AS first FROM '${file}'`)).getRowObjectsJson();
    conn.closeSync();
    db.closeSync();
    expect(back).toEqual([{ n: 100, first: json[0].line }]);
  });

  it("reports DuckDB's progress while a long query runs, and Cancel interrupts it", async () => {
    const q = await sqlConsole.start(LONG_QUERY);
    onTestFinished(() => void sqlConsole.cancel(q.id));
    const moving = await waitFor(() => sqlConsole.get(q.id), (s) => (s.progress ?? 0) > 0 || s.status !== 'running');
    expect(moving.status).toBe('running');
    const first = moving.progress as number;
    const later = await waitFor(() => sqlConsole.get(q.id), (s) => (s.progress ?? 0) > first || s.status !== 'running');
    expect(later.status).toBe('running');
    expect(later.totalRows).toBeGreaterThan(0);
    const asked = Date.now();
    expect(sqlConsole.cancel(q.id)).toBe(true);
    const ended = await sqlConsole.wait(q.id);
    expect(Date.now() - asked).toBeLessThan(3000);
    expect(ended).toMatchObject({ status: 'cancelled', error: 'cancelled: the query was interrupted' });
    expect(sqlConsole.cancel(q.id)).toBe(false);
  });

  it('stops a query at the time limit', async () => {
    const limited = createSqlConsole({ dataDir: store.data, timeLimitMs: 400 });
    try {
      const q = await limited.start(LONG_QUERY);
      const ended = await limited.wait(q.id);
      expect(ended).toMatchObject({ status: 'timeout', error: 'stopped after the time limit of 0 s' });
      expect(ended?.elapsedMs).toBeLessThan(5000);
    } finally {
      await limited.close();
    }
  });

  it('keeps a history of the last queries in the data directory, newest first, read again by a new console', async () => {
    const fresh = createSqlConsole({ dataDir: store.data });
    try {
      const history = fresh.history();
      // The long query ran twice (cancelled, then stopped at the time limit): kept once, as it ended last.
      expect(history.map((h) => h.sql)).toEqual([LONG_QUERY, 'SELECT ts, line, message FROM logs ORDER BY ts, source, line', 'SELECT count(*) FROM logs', 'SELECT level, count(*) AS n, max(ts) AS last FROM logs GROUP BY ALL ORDER BY n DESC']);
      expect(history[0].status).toBe('timeout');
      expect(history[1]).toMatchObject({ status: 'done', rowCount: 100 });
      expect(fs.existsSync(path.join(store.data, '.console', 'history.json'))).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('runs a file of sql/ pasted as it is, with its parameters at their defaults', async () => {
    const example = sqlConsole.examples().find((e) => e.name === 'top-errors');
    expect(example?.sql).toMatch(/SELECT/i);
    const q = await sqlConsole.start(example?.sql ?? '');
    const done = await sqlConsole.wait(q.id);
    expect(done?.status).toBe('done');
    expect(done?.rowCount).toBeGreaterThan(0);
  });
});

describe('SQL console sandbox: each escape is refused with a clear message', () => {
  const refusals: [string, () => string, RegExp][] = [
    ['reading a file outside the data directory with read_csv', () => `SELECT * FROM read_csv('${secret}')`, /Permission Error.*queries read the store's views/],
    ['reading /etc/passwd with read_text', () => "SELECT * FROM read_text('/etc/passwd')", /Permission Error/],
    ['reading a file of the data directory that is not a live Parquet file', () => `SELECT * FROM read_text('${path.join(store.data, 'catalog.duckdb')}')`, /Permission Error/],
    ['a ../ path out of the data directory', () => `SELECT * FROM read_csv('${store.data}/../secret.csv')`, /Permission Error/],
    ['listing files with glob', () => `SELECT * FROM glob('${os.tmpdir()}/*')`, /Permission Error/],
    ['ATTACH of the catalog', () => `ATTACH '${path.join(store.data, 'catalog.duckdb')}' AS c`, /statement 1 is ATTACH: queries are read-only/],
    ['ATTACH in memory', () => "ATTACH ':memory:' AS m", /statement 1 is ATTACH/],
    ['INSTALL an extension', () => 'INSTALL httpfs', /statement 1 is LOAD/],
    ['LOAD an extension', () => 'LOAD httpfs', /statement 1 is LOAD/],
    ['SET enable_external_access', () => 'SET enable_external_access = true', /statement 1 is SET/],
    ['SET allowed_directories', () => "SET allowed_directories = ['/']", /statement 1 is SET/],
    ['SET lock_configuration', () => 'SET lock_configuration = false', /statement 1 is SET/],
    ['RESET of a sandbox setting', () => 'RESET enable_external_access', /statement 1 is SET/],
    ['SET hidden after a SELECT', () => 'SELECT 1; SET enable_external_access = true', /statement 2 is SET/],
    ['COPY to a file', () => `COPY (SELECT 1) TO '${path.join(os.tmpdir(), 'x.csv')}'`, /statement 1 is COPY/],
  ];
  for (const [what, sql, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const before = sqlConsole.history().length;
      const err = await sqlConsole.start(sql()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(QueryError);
      expect((err as Error).message).toMatch(message);
      expect(sqlConsole.history().length).toBe(before);
    });
  }

  it('leaves the sandbox settings locked as the seal set them', async () => {
    const q = await sqlConsole.start(
      "SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked, current_setting('allowed_directories') AS dirs",
    );
    await sqlConsole.wait(q.id);
    const [ext, locked, dirs] = sqlConsole.page(q.id, 0, 1)?.rows[0] ?? [];
    expect([ext, locked]).toEqual([false, true]);
    // Only the query's own spill directory, which DuckDB adds itself.
    expect(dirs).toEqual([expect.stringMatching(/\/logscope-sql-[0-9a-f-]+\/$/)]);
  });
});
