import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError } from '../../src/errors.js';
import { ingest } from '../../src/ingest/index.js';
import { prepareReadOnly, streamPrepared } from '../../src/query/index.js';
import { explainedStatement, splitStatements } from '../../src/query/split.js';
import { openStoreReader, type StoreReader } from '../../src/store/index.js';
import { REPO, runCliHere, tmpDir } from '../helpers.js';

let dir: string;
let data: string;
let outside: string;
let secret: string;
let live: string;
let catalog: string;

/** Every file under the given directories with its size and content hash, and the repository's top level. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${full}/`] = 'dir';
        walk(full);
      } else {
        out[full] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      }
    }
  };
  walk(dir);
  for (const name of fs.readdirSync(REPO)) out[`repo:${name}`] = 'entry';
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('logscope-sql-'))) out[`tmp:${name}`] = 'spill';
  return out;
}

/** Runs SQL the way `logscope sql` does: the statement check, then the sealed connection. */
async function runChecked(reader: StoreReader, sql: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const prepared of await prepareReadOnly(reader.connection, sql)) {
    const result = await streamPrepared(prepared);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      rows.push(...chunk.getRows());
    }
  }
  return rows;
}

beforeAll(async () => {
  dir = tmpDir('logscope-sandbox-');
  outside = path.join(dir, 'outside');
  fs.mkdirSync(outside);
  secret = path.join(outside, 'secret.csv');
  fs.writeFileSync(secret, 'user,password\nroot,hunter2\n');
  fs.writeFileSync(path.join(outside, 'other.json'), '{"a": 1}\n');
  const log = path.join(dir, 'app.log');
  let s = '';
  for (let i = 1; i <= 50; i++) s += `2026-11-25T10:00:${String(i % 60).padStart(2, '0')}Z web-1 api[7]: ${i % 10 === 0 ? 'ERROR' : 'INFO'} request ${i}\n`;
  fs.writeFileSync(log, `${s}not a syslog line\n`);
  data = path.join(dir, 'data');
  await ingest({ inputs: [log], dataDir: data, format: { name: 'syslog', options: {} } });
  catalog = path.join(data, 'catalog.duckdb');
  live = path.join(data, 'logs', fs.readdirSync(path.join(data, 'logs'))[0]);
  live = path.join(live, fs.readdirSync(live)[0]);
  // A Parquet file outside the store, written by a DuckDB of the test's own.
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT 42 AS answer) TO '${path.join(outside, 'other.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
});

/**
 * Escape attempts: reads and writes outside the store, writes inside it, and ways around the
 * check (nesting, casing, comments, several statements, prepared statements, table functions).
 * `$OUT` is a directory outside the store, `$SECRET` a file in it, `$LIVE` one of the store's
 * own Parquet files, `$CAT` its catalog, `$STORE` the data directory.
 */
const ESCAPES: Array<[string, string]> = [
  ['COPY to a file outside', "COPY (SELECT * FROM logs) TO '$OUT/copy.csv'"],
  ['COPY a table name to a file', "/* hi */ COPY logs TO '$OUT/c.csv' -- tail"],
  ['COPY FROM a file into a view', "COPY logs FROM '$SECRET'"],
  ['EXPLAIN ANALYZE COPY to a file outside', "EXPLAIN ANALYZE COPY (SELECT 1) TO '$OUT/x.csv'"],
  ['EXPLAIN ANALYZE COPY over the catalog', "EXPLAIN ANALYZE COPY (SELECT * FROM logs) TO '$CAT'"],
  ['EXPLAIN ANALYZE COPY over a live Parquet file, in place', "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '$LIVE' (FORMAT parquet, USE_TMP_FILE false)"],
  ['EXPLAIN ANALYZE COPY a new file into the store', "EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '$STORE/logs/evil.parquet' (FORMAT parquet)"],
  ['explain analyze copy in odd casing with comments', "explain /* a */ AnAlYzE -- b\n copy (select 1) to '$OUT/y.csv'"],
  ['EXPLAIN (ANALYZE) COPY', "EXPLAIN (ANALYZE) COPY (SELECT 1) TO '$OUT/z.csv'"],
  ['EXPLAIN ANALYSE COPY (British spelling)', "EXPLAIN ANALYSE COPY (SELECT 1) TO '$OUT/z2.csv'"],
  ['EXPLAIN COPY', "EXPLAIN COPY (SELECT 1) TO '$OUT/e.csv'"],
  ['EXPORT DATABASE', "EXPORT DATABASE '$OUT/export'"],
  ['EXPLAIN ANALYZE EXPORT DATABASE', "EXPLAIN ANALYZE EXPORT DATABASE '$OUT/export2'"],
  ['read_csv of /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')"],
  ['read_csv outside', "SELECT * FROM read_csv('$SECRET')"],
  ['read_text outside', "SELECT * FROM read_text('$SECRET')"],
  ['read_blob outside', "SELECT * FROM read_blob('$SECRET')"],
  ['read_text with a file:// URL', "SELECT * FROM read_text('file://$SECRET')"],
  ['read_json outside', "SELECT * FROM read_json('$OUT/other.json')"],
  ['glob outside', "SELECT * FROM glob('$OUT/*')"],
  ['glob of the store directory', "SELECT * FROM glob('$STORE/*')"],
  ['sniff_csv outside', "SELECT * FROM sniff_csv('$SECRET')"],
  ['read_parquet outside', "SELECT * FROM read_parquet('$OUT/other.parquet')"],
  ['parquet_metadata outside', "SELECT * FROM parquet_metadata('$OUT/other.parquet')"],
  ['read_parquet through ../', "SELECT * FROM read_parquet('$STORE/logs/../../outside/other.parquet')"],
  ['read_parquet of a list mixing a live file and a foreign one', "SELECT * FROM read_parquet(['$LIVE', '$OUT/other.parquet'], union_by_name = true)"],
  ['read_blob of the catalog', "SELECT * FROM read_blob('$CAT')"],
  ['a file named in FROM', "SELECT * FROM '$SECRET'"],
  ['FROM-first read_text', "FROM read_text('$SECRET')"],
  ['odd casing', "SeLeCt * FrOm ReAd_TeXt('$SECRET')"],
  ['a CTE', "WITH t AS (SELECT * FROM read_csv('$SECRET')) SELECT * FROM t"],
  ['a subquery', "SELECT * FROM (SELECT * FROM (SELECT content FROM read_text('$SECRET')))"],
  ['a scalar subquery in a view query', "SELECT message, (SELECT content FROM read_text('$SECRET')) FROM logs LIMIT 1"],
  ['query() reading outside', "SELECT * FROM query('SELECT * FROM read_text(''$SECRET'')')"],
  ['query() with COPY', "SELECT * FROM query('COPY (SELECT 1) TO ''$OUT/q.csv''')"],
  ['query() with EXPLAIN ANALYZE COPY', "SELECT * FROM query('EXPLAIN ANALYZE COPY (SELECT 1) TO ''$OUT/q2.csv''')"],
  ['query_table() of a file', "SELECT * FROM query_table('$SECRET')"],
  ['PIVOT over a foreign file', "PIVOT (SELECT * FROM read_csv('$SECRET')) ON \"user\" USING count(*)"],
  ['PIVOT without IN (creates a type)', 'PIVOT logs ON level USING count(*)'],
  ['EXPLAIN ANALYZE of a SELECT reading outside', "EXPLAIN ANALYZE SELECT * FROM read_text('$SECRET')"],
  ['DESCRIBE a foreign file', "DESCRIBE SELECT * FROM read_csv('$SECRET')"],
  ['SUMMARIZE a foreign file', "SUMMARIZE SELECT * FROM read_csv('$SECRET')"],
  ['a prepared COPY', "PREPARE p AS COPY (SELECT 1) TO '$OUT/p.csv'; EXECUTE p"],
  ['a prepared read with the path as parameter', "PREPARE r AS SELECT * FROM read_text($1); EXECUTE r('$SECRET')"],
  ['a harmless statement then COPY', "SELECT 1; COPY (SELECT 1) TO '$OUT/m.csv'"],
  ['a semicolon inside a string then COPY', "SELECT ';'; COPY (SELECT 1) TO '$OUT/m2.csv'"],
  ['a dollar-quoted string hiding a statement boundary', "SELECT $$;$$; COPY (SELECT 1) TO '$OUT/m3.csv'"],
  ['turning external access back on', "SET enable_external_access = true; SELECT * FROM read_text('$SECRET')"],
  ['widening the allowed directories', "SET allowed_directories = ['/']"],
  ['unlocking the configuration', 'SET lock_configuration = false'],
  ['RESET of the lock', 'RESET lock_configuration'],
  ['a profiling output file', "PRAGMA enable_profiling = 'json'; SET profile_output = '$OUT/prof.json'"],
  ['ATTACH a new database', "ATTACH '$OUT/new.db' AS x"],
  ['ATTACH the catalog for writing', "ATTACH '$CAT' AS c2"],
  ['INSTALL an extension', 'INSTALL httpfs'],
  ['LOAD an extension', 'LOAD httpfs'],
  ['CREATE a persistent secret', "CREATE PERSISTENT SECRET s (TYPE http, BEARER_TOKEN 'x')"],
  ['CREATE TABLE', 'CREATE TABLE t AS SELECT * FROM logs'],
  ['CHECKPOINT', 'CHECKPOINT'],
];

describe('the SQL sandbox', () => {
  let reader: StoreReader;
  let before: Record<string, string>;
  beforeAll(async () => {
    before = snapshot();
    reader = await openStoreReader(data);
  });
  afterAll(() => reader?.close());

  it.each(ESCAPES)('refuses %s', async (_name, template) => {
    const sql = template.replaceAll('$OUT', outside).replaceAll('$SECRET', secret).replaceAll('$LIVE', live).replaceAll('$CAT', catalog).replaceAll('$STORE', data);
    await expect(runChecked(reader, sql)).rejects.toBeInstanceOf(QueryError);
  });

  it('leaves the store and the file system as they were after every attempt', async () => {
    expect(ESCAPES.length).toBeGreaterThanOrEqual(30);
    reader.close();
    expect(snapshot()).toEqual(before);
    reader = await openStoreReader(data);
    expect(await runChecked(reader, 'SELECT count(*) FROM logs')).toEqual([[50n]]);
  });

  it('still runs read-only queries: views, EXPLAIN ANALYZE, DESCRIBE, SUMMARIZE, PIVOT with IN, several statements, the live files', async () => {
    expect(await runChecked(reader, "SELECT level, count(*) FROM logs GROUP BY level ORDER BY level; SELECT ';' AS s; SELECT count(*) FROM unparsed")).toEqual([['ERROR', 5n], ['INFO', 45n], [';'], [1n]]);
    const plan = await runChecked(reader, 'EXPLAIN ANALYZE SELECT count(*) FROM logs');
    expect(String((plan[0] as unknown[])[1])).toContain('Query Profiling Information');
    expect((await runChecked(reader, 'DESCRIBE logs')).length).toBeGreaterThan(10);
    expect((await runChecked(reader, 'SUMMARIZE logs')).length).toBeGreaterThan(10);
    expect(await runChecked(reader, "PIVOT logs ON level IN ('ERROR', 'INFO') USING count(*) GROUP BY host")).toEqual([['web-1', 5n, 45n]]);
    expect(await runChecked(reader, `SELECT count(*) FROM read_parquet('${live}')`)).toEqual([[50n]]);
    expect(await runChecked(reader, 'SELECT count(*) FROM sources; SELECT count(*) FROM batches; SELECT count(*) FROM templates')).toEqual([[1n], [1n], [0n]]);
  });
});

describe('the seal in DuckDB itself, without the statement check', () => {
  it('refuses file access outside the store and any new file inside it, and cannot be unlocked', async () => {
    const before = snapshot();
    const reader = await openStoreReader(data);
    try {
      const direct = [
        `SELECT * FROM read_text('${secret}')`,
        `SELECT * FROM read_csv('/etc/passwd')`,
        `SELECT * FROM glob('${outside}/*')`,
        `SELECT * FROM read_blob('${catalog}')`,
        `COPY (SELECT 1) TO '${outside}/direct.csv'`,
        `COPY (SELECT 1 AS x) TO '${path.join(data, 'logs', 'new.parquet')}' (FORMAT parquet)`,
        `COPY (SELECT 1 AS x) TO '${live}' (FORMAT parquet)`,
        `COPY (SELECT 1) TO '.tmp/x.csv'`,
        `EXPORT DATABASE '${outside}/export'`,
        `ATTACH '${outside}/new.db' AS x`,
        `ATTACH '${catalog}' AS c2`,
        'INSTALL httpfs',
        'LOAD httpfs',
        'SET enable_external_access = true',
        `SET allowed_paths = ['${secret}']`,
        `SET allowed_directories = ['/']`,
        `SET temp_directory = '${outside}'`,
        'SET lock_configuration = false',
      ];
      for (const sql of direct) await expect(reader.connection.run(sql), sql).rejects.toThrow(/Permission Error|locked|disabled/);
      // Each setting the bundled DuckDB supports is in force.
      const settings = await reader.connection.runAndReadAll(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration'), current_setting('allowed_directories'), current_setting('allowed_paths'), current_setting('temp_directory'), current_setting('autoinstall_known_extensions')",
      );
      const [external, locked, dirs, paths, spill, autoinstall] = settings.getRowsJson()[0] as [boolean, boolean, string[], string[], string, boolean];
      expect({ external, locked, autoinstall }).toEqual({ external: false, locked: true, autoinstall: false });
      expect(paths).toContain(live);
      expect(paths.every((p) => p.startsWith(data))).toBe(true);
      expect(dirs).toEqual([`${spill}/`]);
      expect(spill.startsWith(path.join(os.tmpdir(), 'logscope-sql-'))).toBe(true);
      // Reading the store's own files is what the seal keeps open.
      const rows = await reader.connection.runAndReadAll(`SELECT count(*) FROM read_parquet('${live}')`);
      expect(rows.getRows()).toEqual([[50n]]);
    } finally {
      reader.close();
    }
    expect(snapshot()).toEqual(before);
  });
});

describe('logscope sql refuses escapes in one clear line and keeps the store', () => {
  it('refuses EXPLAIN ANALYZE COPY over the catalog and read_csv of /etc/passwd, exit 1, no stack', async () => {
    const before = snapshot();
    for (const sql of [`EXPLAIN ANALYZE COPY (SELECT * FROM logs) TO '${catalog}'`, "SELECT * FROM read_csv('/etc/passwd')"]) {
      const r = (await runCliHere(['sql', '--data', data, sql]));
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^logscope: (statement 1 explains COPY: queries are read-only here|Permission Error: Cannot access file "\/etc\/passwd")/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(snapshot()).toEqual(before);
    expect((await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT count(*) AS n FROM logs'])).stdout).toBe('n\n50\n');
  });

  it('gives DELETE, UPDATE and INSERT on a view the read-only message, and a syntax error its position', async () => {
    for (const [sql, kind] of [['DELETE FROM logs', 'DELETE'], ["UPDATE logs SET host = 'x'", 'UPDATE'], ['insert into logs select * from logs', 'INSERT']]) {
      const r = (await runCliHere(['sql', '--data', data, sql]));
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`logscope: statement 1 is ${kind}: queries are read-only here (SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of a SELECT)\n`);
    }
    const typo = (await runCliHere(['sql', '--data', data, 'SELEC 1']));
    expect(typo.stderr).toBe('logscope: Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC 1\n        ^\n');
  });

  it('runs nothing when any statement of several is refused', async () => {
    const r = (await runCliHere(['sql', '--data', data, '--format', 'csv', `SELECT 'first' AS x; COPY (SELECT 1) TO '${outside}/late.csv'`]));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('statement 2 is COPY');
  });
});

describe('splitting SQL into statements', () => {
  it('cuts at semicolons outside strings, identifiers, dollar quotes and comments', () => {
    expect(splitStatements(`SELECT ';' AS "a;b"; SELECT $$;$$, $t$ ; $t$ -- ;\n; /* ; /* ; */ ; */ SELECT E'\\';'`)).toEqual([
      `SELECT ';' AS "a;b"`,
      ` SELECT $$;$$, $t$ ; $t$ -- ;\n`,
      ` /* ; /* ; */ ; */ SELECT E'\\';'`,
    ]);
    expect(splitStatements(' ; -- only a comment\n;')).toEqual([]);
  });

  it('finds the statement an EXPLAIN explains', () => {
    expect(explainedStatement('EXPLAIN SELECT 1')).toBe('SELECT 1');
    expect(explainedStatement('/* x */ explain -- y\n analyze COPY t TO f')).toBe('COPY t TO f');
    expect(explainedStatement('EXPLAIN (ANALYZE, FORMAT json) SELECT 1')).toBe('SELECT 1');
    expect(explainedStatement('EXPLAIN (FORMAT \'json\') SELECT 1')).toBe("(FORMAT 'json') SELECT 1");
    expect(explainedStatement('EXPLAINED SELECT 1')).toBeUndefined();
  });
});
