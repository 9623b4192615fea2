import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { query, runCli, runCliHere, tmpDir } from '../helpers.js';

let data: string;
let dir: string;

beforeAll(async () => {
  dir = tmpDir();
  const file = path.join(dir, 'app.log');
  let s = '';
  for (let i = 1; i <= 100; i++) s += `2026-11-25T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z web-${i % 2} api[7]: ${i % 10 === 0 ? 'ERROR' : 'INFO'} request ${i}, "quoted"\n`;
  s += 'not a syslog line\n';
  fs.writeFileSync(file, s);
  data = path.join(dir, 'data');
  await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} } });
});

describe('logscope sql', () => {
  it('prints csv with a header and RFC 4180 quoting', async () => {
    const r = (await runCliHere(['sql', '--data', data, '--format', 'csv', "SELECT level, count(*) AS n FROM logs GROUP BY ALL ORDER BY n DESC"]));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('level,n\nINFO,90\nERROR,10\n');
    const q = (await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT message FROM logs WHERE line = 1']));
    expect(q.stdout).toBe('message\n"request 1, ""quoted"""\n');
  });

  it('prints json with numbers, ISO timestamps and parsed JSON columns, and ndjson a row a line', async () => {
    const r = (await runCliHere(['sql', '--data', data, '--format', 'json', 'SELECT ts, line, host, \'{"a":1}\'::JSON AS j FROM logs ORDER BY line LIMIT 2']));
    expect(JSON.parse(r.stdout)).toEqual([
      { ts: '2026-11-25T10:00:01.000Z', line: 1, host: 'web-1', j: { a: 1 } },
      { ts: '2026-11-25T10:00:02.000Z', line: 2, host: 'web-0', j: { a: 1 } },
    ]);
    const n = (await runCliHere(['sql', '--data', data, '--format', 'ndjson', 'SELECT line FROM logs ORDER BY line LIMIT 3']));
    expect(n.stdout).toBe('{"line":1}\n{"line":2}\n{"line":3}\n');
  });

  it('prints timestamps the same way in table, csv and json: ISO 8601 in UTC with Z, microseconds kept', async () => {
    const sql = "SELECT ts, ts::TIMESTAMP AS plain, ts + INTERVAL 1 MICROSECOND AS micro FROM logs WHERE line = 1";
    const want = ['2026-11-25T10:00:01.000Z', '2026-11-25T10:00:01.000Z', '2026-11-25T10:00:01.000001Z'];
    const [json] = JSON.parse((await runCliHere(['sql', '--data', data, '--format', 'json', sql])).stdout) as Array<Record<string, string>>;
    expect(Object.values(json)).toEqual(want);
    expect((await runCliHere(['sql', '--data', data, '--format', 'csv', sql])).stdout).toBe(`ts,plain,micro\n${want.join(',')}\n`);
    const table = (await runCliHere(['sql', '--data', data, '--format', 'table', sql])).stdout.split('\n');
    expect(table[2].split(/ {2,}/)).toEqual(want);
  });

  it('prints an aligned table', async () => {
    const r = (await runCliHere(['sql', '--data', data, '--format', 'table', "SELECT level, count(*) AS n FROM logs GROUP BY ALL ORDER BY n DESC"]));
    expect(r.stdout).toBe(['level   n', '-----  --', 'INFO   90', 'ERROR  10', '(2 rows)', ''].join('\n'));
  });

  it('runs a query from a file with -f, and shows the unparsed view', async () => {
    const file = path.join(dir, 'q.sql');
    fs.writeFileSync(file, '-- the lines that did not parse\nSELECT line, raw FROM unparsed;\n');
    const r = (await runCliHere(['sql', '--data', data, '--format', 'csv', '-f', file]));
    expect(r.stdout).toBe('line,raw\n101,not a syslog line\n');
  });

  it("shows DuckDB's error and exits non-zero on a bad query", async () => {
    const r = (await runCliHere(['sql', '--data', data, 'SELECT nope FROM logs']));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/logscope: Binder Error: .*nope/);
  });

  it('refuses statements that write, and the store is unchanged after trying', async () => {
    const before = await query(data, 'SELECT count(*)::INT AS n FROM logs');
    const victim = fs.readdirSync(path.join(data, 'logs'), { recursive: true }).map(String).find((f) => f.endsWith('.parquet')) as string;
    const victimPath = path.join(data, 'logs', victim);
    const attempts = [
      `COPY (SELECT 1 AS x) TO '${victimPath}' (FORMAT parquet)`,
      `CREATE TABLE t AS SELECT 1`,
      `ATTACH '${path.join(data, 'catalog.duckdb')}' AS c2; DROP VIEW c2.logs`,
      `SELECT 1; DELETE FROM batches`,
      `INSERT INTO sources SELECT * FROM sources`,
    ];
    for (const sql of attempts) {
      const r = (await runCliHere(['sql', '--data', data, sql]));
      expect(r.status, sql).toBe(1);
      expect(r.stderr, sql).toMatch(/read-only/);
    }
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual(before);
    expect(fs.existsSync(victimPath)).toBe(true);
  });

  it('says clearly when the data directory holds no store', async () => {
    const r = (await runCliHere(['sql', '--data', path.join(dir, 'empty'), 'SELECT 1']));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no logscope data in .*empty.*logscope ingest/);
  });
});
