import { DuckDBInstance } from '../../src/duckdb.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNewPatterns } from '../../src/detect/index.js';
import { ingest } from '../../src/ingest/index.js';
import type { FormatSpec } from '../../src/parse/index.js';
import { prepareQuery } from '../../src/query/index.js';
import { openStoreReader, type StoreReader } from '../../src/store/index.js';
import { groupingAccuracy, loadLoghubSample } from '../../bench/miner-eval.js';
import { DATASETS, HAVE_DATASETS, query, runCli, runCliHere, tmpDir } from '../helpers.js';

/** Published Drain grouping accuracy on these samples (logpai/logparser benchmark). */
const DRAIN: Record<string, number> = { Apache: 1.0, BGL: 0.9625, Hadoop: 0.9475, HDFS: 0.9975, Linux: 0.69, OpenSSH: 0.7875, Spark: 0.92, Zookeeper: 0.9665 };
/** What logscope reached when these floors were set (2026-11-26; Hadoop and Zookeeper raised 2026-12-03 by the constant test of issue 16); the floor is this minus 0.01. */
const REACHED: Record<string, number> = { Apache: 1.0, BGL: 0.998, Hadoop: 0.9985, HDFS: 1.0, Linux: 0.941, OpenSSH: 0.9985, Spark: 1.0, Zookeeper: 0.9945 };

/**
 * The samples also ingested again with one worker, in two runs, to check the stored ids do not
 * depend on either: Linux, with the most templates per line (the miner's own test checks the same
 * of all eight in-process, at a fraction of the cost of 16 more ingests; BGL left this list to
 * keep `npm test` under 5 minutes).
 */
const AGAIN_IN_TWO_RUNS = new Set(['Linux']);

const formats = HAVE_DATASETS ? (JSON.parse(fs.readFileSync(path.join(DATASETS, 'formats.json'), 'utf8')) as Record<string, { log_format: string }>) : {};

async function ingestDataset(ds: string, dir: string, options: { workers: number; chunkBytes: number; split?: boolean }): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, `${ds}.log`);
  const lines = fs.readFileSync(path.join(DATASETS, ds, `${ds}_2k.log`), 'utf8').split('\n');
  const format: FormatSpec = { name: 'template', options: { template: formats[ds].log_format } as FormatSpec['options'] };
  const data = path.join(dir, 'data');
  const mining = { enabled: true, formats: {} };
  if (options.split) {
    // Two runs: the first half, then the file grown to its whole.
    fs.writeFileSync(log, lines.slice(0, 1000).join('\n') + '\n');
    await ingest({ inputs: [log], dataDir: data, format, timezone: 'UTC', workers: options.workers, chunkBytes: options.chunkBytes, mining });
  }
  fs.writeFileSync(log, lines.join('\n'));
  await ingest({ inputs: [log], dataDir: data, format, timezone: 'UTC', workers: options.workers, chunkBytes: options.chunkBytes, mining });
  return data;
}

describe.skipIf(!HAVE_DATASETS)('templates mined during a real ingest of the Loghub samples', () => {
  const results: string[] = [];
  const accuracy = new Map<string, number>();
  afterAll(() => console.log(`grouping accuracy after ingest (default settings):\n${results.join('\n')}`));

  for (const ds of Object.keys(DRAIN)) {
    const title = AGAIN_IN_TWO_RUNS.has(ds)
      ? `${ds}: stored template ids group lines at least as well as Drain, the same with 1 or 2 workers, in one run or two`
      : `${ds}: stored template ids group lines at least as well as Drain`;
    it(title, async () => {
      const dir = tmpDir(`logscope-patterns-${ds}-`);
      const data = await ingestDataset(ds, path.join(dir, 'a'), { workers: 2, chunkBytes: 16 * 1024 });
      const stored = await query(data, 'SELECT line::INT AS line, template_id::VARCHAR AS t FROM logs ORDER BY line');
      expect(stored).toHaveLength(2000);
      expect(stored.every((r) => r.t !== null)).toBe(true);
      const { truths } = loadLoghubSample(DATASETS, ds);
      const ga = groupingAccuracy(truths, stored.map((r) => String(r.t)));
      results.push(`  ${ds.padEnd(10)} ${ga.toFixed(4)}  (Drain ${DRAIN[ds].toFixed(4)})`);
      accuracy.set(ds, ga);
      expect(ga).toBeGreaterThanOrEqual(Math.max(DRAIN[ds], REACHED[ds] - 0.01));
      if (!AGAIN_IN_TWO_RUNS.has(ds)) return;
      const other = await ingestDataset(ds, path.join(dir, 'b'), { workers: 1, chunkBytes: 8 << 20, split: true });
      const again = await query(other, 'SELECT line::INT AS line, template_id::VARCHAR AS t FROM logs ORDER BY line');
      expect(again).toEqual(stored);
    });
  }

  it('averages at least 0.95 over the eight datasets', async () => {
    expect([...accuracy.keys()].sort()).toEqual(Object.keys(DRAIN).sort());
    const average = [...accuracy.values()].reduce((a, b) => a + b, 0) / accuracy.size;
    results.push(`  average    ${average.toFixed(4)}  (Drain ${(Object.values(DRAIN).reduce((a, b) => a + b, 0) / 8).toFixed(4)})`);
    expect(average).toBeGreaterThanOrEqual(0.95);
  });
});

describe.skipIf(!HAVE_DATASETS)('templates mined from the Loghub samples ingested as a new user would (auto-detected formats)', () => {
  /** Reached when this test was written (2026-12-05): BGL by the template built from its lines' shape, `<Field1> <Timestamp> <Field2> ... <Field7> <Level> <Content>`; the floor is this minus 0.01. */
  const AUTO_REACHED: Record<string, number> = { Apache: 1.0, BGL: 0.998, Hadoop: 0.9985, HDFS: 1.0, Linux: 0.9375, OpenSSH: 0.9985, Spark: 1.0, Zookeeper: 0.9945 };

  it('groups the lines of every sample at least as well as Drain with no --input-format or --template, all eight in one ingest', async () => {
    const dir = tmpDir('logscope-patterns-auto-');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    for (const ds of Object.keys(DRAIN)) fs.symlinkSync(path.join(DATASETS, ds, `${ds}_2k.log`), path.join(logs, `${ds}.log`));
    const data = path.join(dir, 'data');
    await ingest({ inputs: [logs], dataDir: data, format: { name: 'auto', options: {} }, timezone: 'UTC', mining: { enabled: true, formats: {} } });
    // A line that did not parse has no template: a group of its own.
    const rows = await query(data, "SELECT source, line::INT AS line, template_id::VARCHAR AS t FROM logs UNION ALL SELECT source, line::INT, 'unparsed ' || line FROM unparsed ORDER BY source, line");
    const lines: string[] = [];
    for (const ds of Object.keys(DRAIN)) {
      const mine = rows.filter((r) => path.basename(String(r.source)) === `${ds}.log`);
      expect(mine, ds).toHaveLength(2000);
      const ga = groupingAccuracy(loadLoghubSample(DATASETS, ds).truths, mine.map((r) => r.t));
      lines.push(`  ${ds.padEnd(10)} ${ga.toFixed(4)}`);
      expect(ga, ds).toBeGreaterThanOrEqual(Math.max(DRAIN[ds], AUTO_REACHED[ds] - 0.01));
    }
    console.log(`grouping accuracy, auto-detected formats:\n${lines.join('\n')}`);
  });
});

describe('logscope patterns', () => {
  let dir: string;
  let data: string;
  let reader: StoreReader;
  const line = (min: number, level: string, msg: string) => `2026-11-20T10:${String(min).padStart(2, '0')}:00Z web-1 api[1]: ${level} ${msg}`;
  beforeAll(async () => {
    dir = tmpDir('logscope-patterns-');
    const file = path.join(dir, 'app.log');
    const text: string[] = [];
    for (let i = 0; i < 30; i++) text.push(line(i, 'INFO', `request ${i} served in ${i * 3} ms`));
    for (let i = 0; i < 5; i++) text.push(line(i, 'ERROR', `connection to db-${i} refused`));
    fs.writeFileSync(file, text.join('\n') + '\n');
    data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, mining: { enabled: true, formats: {} } });
    // A new failure later: appended, ingested incrementally.
    fs.appendFileSync(file, [line(50, 'FATAL', 'disk /dev/sda1 is full'), line(51, 'FATAL', 'disk /dev/sdb2 is full')].join('\n') + '\n');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, mining: { enabled: true, formats: {} } });
    reader = await openStoreReader(data);
  });
  afterAll(() => reader.close());

  it('lists templates by count with their level mix, first and last sighting and first line', async () => {
    const r = (await runCliHere(['patterns', '--data', data, '--format', 'json']));
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list.map((p) => [p.text, p.count])).toEqual([
      ['request <*> served in <*>', 30],
      ['connection to <*> refused', 5],
      ['disk <*> is full', 2],
    ]);
    expect(list[1]).toMatchObject({ levels: { ERROR: 5, INFO: 0 }, example: 'connection to db-0 refused', example_line: 31, first_seen: '2026-11-20T10:00:00.000Z', last_seen: '2026-11-20T10:04:00.000Z' });
  });

  it('filters by level and by first sighting (new patterns), and sorts by first_seen', async () => {
    const errors = JSON.parse((await runCliHere(['patterns', '--data', data, '--format', 'json', '--level', 'error'])).stdout) as Array<{ text: string }>;
    expect(errors.map((p) => p.text)).toEqual(['connection to <*> refused']);
    const fresh = JSON.parse((await runCliHere(['patterns', '--data', data, '--format', 'json', '--new-since', '2026-11-20T10:30:00Z'])).stdout) as Array<{ text: string; example: string }>;
    expect(fresh).toEqual([expect.objectContaining({ text: 'disk <*> is full', example: 'disk /dev/sda1 is full' })]);
    const newest = JSON.parse((await runCliHere(['patterns', '--data', data, '--format', 'json', '--sort', 'first_seen', '--limit', '1'])).stdout) as Array<{ text: string }>;
    expect(newest.map((p) => p.text)).toEqual(['disk <*> is full']);
    expect((await runCliHere(['patterns', '--data', data, '--level', 'LOUD'])).stderr).toMatch(/--level must be one of/);
  });

  it('findNewPatterns returns what appeared in the window, oldest first, with count and first line', async () => {
    const found = await findNewPatterns(reader.connection, '2026-11-20T10:02:00Z');
    expect(found.map((p) => [p.text, p.count, p.example_line])).toEqual([['disk <*> is full', 2, 36]]);
    expect(await findNewPatterns(reader.connection, '2026-11-20T11:00:00Z')).toEqual([]);
  });

  it('counts lines per bucket per template with sql/template_trends.sql, zero-filled', async () => {
    const prepared = await prepareQuery(reader.connection, 'template_trends', { bucket: '10m', top: 2 });
    const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as Array<Record<string, unknown>>;
    const served = rows.filter((r) => r.text === 'request <*> served in <*>').map((r) => Number(r.count));
    expect(served).toEqual([10, 10, 10, 0, 0, 0]);
    expect(new Set(rows.map((r) => r.text))).toEqual(new Set(['request <*> served in <*>', 'connection to <*> refused']));
  });

  it('gives every stored record a template id that the templates view knows', async () => {
    const [row] = await query(data, 'SELECT count(*)::INT AS n, count(template_id)::INT AS mined, count(t.id)::INT AS known FROM logs LEFT JOIN templates t ON t.id = logs.template_id');
    expect(row).toEqual({ n: 37, mined: 37, known: 37 });
  });

  it('mines nothing with --no-mining', async () => {
    const other = path.join(dir, 'plain');
    const r = (await runCliHere(['ingest', path.join(dir, 'app.log'), '--data', other, '--no-mining', '--quiet']));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse((await runCliHere(['sql', '--data', other, '--format', 'json', 'SELECT count(template_id) AS n FROM logs'])).stdout)).toEqual([{ n: 0 }]);
  });
});

describe('mining settings per format in the config file', () => {
  const lines = ['alpha', 'beta', 'alpha', 'beta'].map((w, i) => `2026-11-20T10:0${i}:00Z web-1 batch[1]: INFO job ${w} finished`).join('\n') + '\n';
  const logins = [['alice', 'in'], ['bob', 'out'], ['carol', 'off']].map(([u, w], i) => `2026-11-20T10:0${i}:00Z web-1 sshd[1]: INFO user ${u} logged ${w}`).join('\n') + '\n';

  async function templatesWith(mining: Record<string, unknown>, text = lines): Promise<string[]> {
    const dir = tmpDir('logscope-mining-config-');
    const file = path.join(dir, 'jobs.log');
    fs.writeFileSync(file, text);
    fs.writeFileSync(path.join(dir, 'logscope.config.json'), JSON.stringify({ mining }));
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--data', data, '--quiet', '--config', path.join(dir, 'logscope.config.json')]));
    expect(r.status, r.stderr).toBe(0);
    return (await query(data, 'SELECT text FROM templates ORDER BY text')).map((t) => String(t.text));
  }

  it('a format mask turns a word into a variable; a lower similarity merges what the default keeps apart', async () => {
    // Two constant words at one position stay two templates by default.
    expect(await templatesWith({})).toEqual(['job alpha finished', 'job beta finished']);
    expect(await templatesWith({ formats: { syslog: { masks: ['alpha|beta'] } } })).toEqual(['job <*> finished']);
    // Masks of another format do not apply.
    expect(await templatesWith({ formats: { json: { masks: ['alpha|beta'] } } })).toEqual(['job alpha finished', 'job beta finished']);
    // Half the tokens differ: apart at the default 0.8, one template at 0.5.
    expect(await templatesWith({}, logins)).toHaveLength(3);
    expect(await templatesWith({ formats: { syslog: { similarity: 0.5 } } }, logins)).toEqual(['user <*> logged <*>']);
  });

  it('re-masks and re-clusters the stored signatures when the mining config changes, so old and new records share the template', async () => {
    const dir = tmpDir('logscope-mining-upgrade-');
    const data = path.join(dir, 'data');
    const config = path.join(dir, 'logscope.config.json');
    const run = async (file: string, text: string, mining: Record<string, unknown>): Promise<void> => {
      fs.writeFileSync(path.join(dir, file), text);
      fs.writeFileSync(config, JSON.stringify({ mining }));
      const r = await runCliHere(['ingest', path.join(dir, file), '--data', data, '--quiet', '--config', config]);
      expect(r.status, r.stderr).toBe(0);
    };
    await run('a.log', lines, {});
    expect((await query(data, 'SELECT text FROM templates ORDER BY text')).map((t) => t.text)).toEqual(['job alpha finished', 'job beta finished']);
    // The mask added later applies to the records already stored too.
    await run('b.log', lines.replaceAll('2026-11-20T10', '2026-11-21T10'), { formats: { syslog: { masks: ['alpha|beta'] } } });
    expect(await query(data, 'SELECT text, count::INT AS count FROM templates ORDER BY text')).toEqual([{ text: 'job <*> finished', count: 8 }]);
    expect(await query(data, `SELECT count(DISTINCT template_id)::INT AS n, count(*)::INT AS rows FROM logs`)).toEqual([{ n: 1, rows: 8 }]);
    // The catalog keeps the signatures' new text, and notes the rules and settings it agrees with.
    const db = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'), { access_mode: 'READ_ONLY' });
    const conn = await db.connect();
    try {
      const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRows().map((r) => r.map(String));
      expect(await rows('SELECT DISTINCT text FROM _logscope.signatures')).toEqual([['job <*> finished']]);
      expect((await rows(`SELECT value FROM _logscope.meta WHERE key = 'miner_rules'`))[0][0]).toContain('alpha|beta');
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('rejects a bad mask when the config loads, naming the key', async () => {
    const dir = tmpDir('logscope-mining-bad-');
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ mining: { formats: { syslog: { masks: ['(unclosed'] } } } }));
    const r = runCli(['ingest', '-', '--data', path.join(dir, 'data'), '--config', path.join(dir, 'c.json')], { input: '' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/mining\.formats\.syslog\.masks\[0\]: "\(unclosed" is not a valid regular expression/);
    fs.writeFileSync(path.join(dir, 'd.json'), JSON.stringify({ mining: { similarity: 1.5 } }));
    expect(runCli(['ingest', '-', '--data', path.join(dir, 'data'), '--config', path.join(dir, 'd.json')], { input: '' }).stderr).toMatch(/mining\.similarity/);
  });
});
