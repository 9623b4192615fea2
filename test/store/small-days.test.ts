import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ingest } from '../../src/ingest/index.js';
import { copyPartitioned, SMALL_FILE_ROWS } from '../../src/store/partitioned-copy.js';
import { tmpDir } from '../helpers.js';

/**
 * A batch of many small UTC days writes them, and their rollups, with partitioned COPYs
 * (src/store/partitioned-copy.ts) instead of one COPY each. Whatever the path, each day must
 * still be one file holding exactly that day's rows, listed with its true counts and times,
 * with a rollup that counts exactly that file.
 */

const SMALL_DAYS = 70;
const PER_DAY = 3;
const DENSE = SMALL_FILE_ROWS + 5;
const services = ['api', 'db', 'web'];
const GARBAGE = 6_000;

let dir: string;
let data: string;
/** Per input line number: the day and message written there. */
const expected = new Map<number, { day: string; message: string }>();

async function catalog<T>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    instance.closeSync();
  }
}

async function parquet<T>(sql: string, params: Record<string, string>): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql, params)).getRowObjectsJson() as T[];
  } finally {
    instance.closeSync();
  }
}

beforeAll(async () => {
  dir = tmpDir();
  data = path.join(dir, 'data');
  const lines: string[] = [];
  const add = (ts: Date, service: string, message: string): void => {
    lines.push(`${ts.toISOString()} host-${lines.length % 2} ${service}[7]: ${lines.length % 5 === 0 ? 'ERROR' : 'INFO'} ${message}`);
    expected.set(lines.length, { day: ts.toISOString().slice(0, 10), message: `${message}` });
  };
  // First, more than a chunk of lines no format reads: the batch's first staged file is then
  // one of unparsed lines, of no day (a list parameter that starts with NULL once bound every day as NULL).
  for (let i = 1; i <= GARBAGE; i++) lines.push(`garbage line ${i}`);
  // Small days, every other day from 2019 on, a few lines each, then one day of more than SMALL_FILE_ROWS lines.
  for (let d = 0; d < SMALL_DAYS; d++) {
    for (let k = 0; k < PER_DAY; k++) add(new Date(Date.UTC(2019, 0, 1 + 2 * d, 3 + k * 7, k * 13, 5)), services[(d + k) % 3], `event ${d} part ${k}`);
  }
  for (let i = 0; i < DENSE; i++) add(new Date(Date.UTC(2020, 5, 1, 0, 0, 0) + i * 5000), services[i % 3], `dense request ${i} done`);
  // One line no format reads: it is kept, as unparsed.
  lines.push('this line is not syslog at all');
  const file = path.join(dir, 'sparse.log');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, workers: 2, timezone: 'UTC', chunkBytes: 64 * 1024, mining: loadConfig({}).mining });
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a batch of many small days', () => {
  it('stores every day as one file of exactly its rows, listed with its true row count and times', async () => {
    const files = await catalog<{ path: string; dt: string; rows: string; min_ts: string; max_ts: string }>(
      `SELECT path, dt::VARCHAR AS dt, rows, epoch_us(min_ts)::VARCHAR AS min_ts, epoch_us(max_ts)::VARCHAR AS max_ts FROM _logscope.files WHERE kind = 'logs' ORDER BY dt`,
    );
    expect(files).toHaveLength(SMALL_DAYS + 1);
    expect(new Set(files.map((f) => f.dt)).size).toBe(SMALL_DAYS + 1);
    for (const f of files) {
      const [got] = await parquet<{ n: string; days: string; day: string; lo: string; hi: string }>(
        `SELECT count(*) AS n, count(DISTINCT ts::DATE) AS days, min(ts::DATE)::VARCHAR AS day, epoch_us(min(ts))::VARCHAR AS lo, epoch_us(max(ts))::VARCHAR AS hi FROM read_parquet($file)`,
        { file: path.join(data, f.path) },
      );
      expect({ file: f.path, ...got }).toEqual({ file: f.path, n: f.rows, days: '1', day: f.dt, lo: f.min_ts, hi: f.max_ts });
    }
    expect(files.filter((f) => Number(f.rows) === PER_DAY)).toHaveLength(SMALL_DAYS);
  });

  it('keeps every line once, with its message, line number and day', async () => {
    const rows = await parquet<{ line: string; message: string; day: string }>(
      `SELECT line::VARCHAR AS line, message, ts::DATE::VARCHAR AS day FROM read_parquet($glob, hive_partitioning = false) ORDER BY line`,
      { glob: path.join(data, 'logs', '*', '*.parquet') },
    );
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) expect({ line: r.line, message: r.message, day: r.day }).toEqual({ line: r.line, ...expected.get(Number(r.line)) });
    const unparsed = await parquet<{ raw: string }>('SELECT raw FROM read_parquet($glob) ORDER BY line', { glob: path.join(data, 'unparsed', '*.parquet') });
    expect(unparsed.map((u) => u.raw)).toEqual([...Array.from({ length: GARBAGE }, (_, i) => `garbage line ${i + 1}`), 'this line is not syslog at all']);
  });

  it("gives every day's file a rollup that counts exactly its rows per minute, service, host and level", async () => {
    const listed = await catalog<{ path: string; of_path: string }>(`SELECT r.path, r.of_path FROM _logscope.rollup_files r JOIN _logscope.files f ON f.path = r.of_path`);
    expect(listed).toHaveLength(SMALL_DAYS + 1);
    const order = 'ORDER BY ts, service, host, level';
    for (const r of listed) {
      const counted = await parquet(
        `SELECT epoch_us(ts)::VARCHAR AS ts, service, host, level, n::VARCHAR AS n FROM read_parquet($rollup) ${order}`,
        { rollup: path.join(data, r.path) },
      );
      const fromRows = await parquet(
        `SELECT (epoch_us(ts) // 60000000 * 60000000)::VARCHAR AS ts, service, host, level, count(*)::VARCHAR AS n FROM read_parquet($file) GROUP BY ALL ${order}`,
        { file: path.join(data, r.of_path) },
      );
      expect(counted, r.path).toEqual(fromRows);
    }
  });

  it('leaves no partition directories behind', () => {
    const leftovers: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        if (/^(day|part)=|small-days|\.parts$/.test(e.name)) leftovers.push(path.join(d, e.name));
      }
    };
    walk(data);
    expect(leftovers).toEqual([]);
  });
});

describe('copyPartitioned', () => {
  it('names the directory and partition when a partition it was to move holds no file', async () => {
    const out = tmpDir();
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const conn = await instance.connect();
      await conn.run('SET threads = 3');
      const outs = new Map([
        ['1', path.join(out, 'one.parquet')],
        ['3', path.join(out, 'three.parquet')],
      ]);
      await expect(copyPartitioned(conn, 'COPY (SELECT range AS k, range * 2 AS v FROM range(1, 3)) TO $dir (FORMAT parquet, PARTITION_BY (k))', {}, path.join(out, 'parts'), 'k', outs)).rejects.toThrow(
        /parts left 0 files for k=3/,
      );
      expect(fs.existsSync(path.join(out, 'one.parquet'))).toBe(true);
      // The COPY ran on one thread; the connection's setting is back.
      expect(Number((await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0])).toBe(3);
    } finally {
      instance.closeSync();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
