import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '../../src/duckdb.js';
import { describe, expect, it } from 'vitest';
import { formatIngestSummary } from '../../src/cli/summary.js';
import { ingest, type IngestSummary } from '../../src/ingest/index.js';
import { query, tmpDir } from '../helpers.js';

const syslog = { name: 'syslog', options: {} };

/** Lines `INFO <tag>-<i>` for i in [from, to], one second apart: each message is unique. */
function lines(tag: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString()} h app[1]: INFO ${tag}-${i}\n`;
  return s;
}

/** The messages written so far, as ingest should store them. */
function messages(tag: string, from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `${tag}-${from + i}`);
}

/** Every stored message once each, sorted; and whether (source, line) is unique. */
async function stored(data: string): Promise<{ messages: string[]; repeated: unknown[]; sourceLineUnique: boolean }> {
  const rows = await query(data, `SELECT message FROM logs ORDER BY message`);
  const repeated = await query(data, `SELECT message, count(*)::INT AS n FROM logs GROUP BY message HAVING count(*) > 1`);
  const [u] = await query(data, `SELECT count(*) = count(DISTINCT (source, line)) AS u FROM logs`);
  return { messages: rows.map((r) => String(r.message)), repeated, sourceLineUnique: Boolean(u.u) };
}

function statuses(s: IngestSummary): string[][] {
  return s.sources.map((x) => [path.basename(x.source), x.status]);
}

/** logrotate with `rotate 9, compress, delaycompress, create`: .N.gz → .N+1.gz, .1 → .2.gz, app.log → .1, a new app.log. */
function logrotate(dir: string): void {
  const at = (n: number) => path.join(dir, `app.log.${n}`);
  for (let n = 8; n >= 2; n--) if (fs.existsSync(`${at(n)}.gz`)) fs.renameSync(`${at(n)}.gz`, `${at(n + 1)}.gz`);
  if (fs.existsSync(at(1))) {
    fs.writeFileSync(`${at(2)}.gz`, gzipSync(fs.readFileSync(at(1))));
    fs.rmSync(at(1));
  }
  fs.renameSync(path.join(dir, 'app.log'), at(1));
  fs.writeFileSync(path.join(dir, 'app.log'), '');
}

describe('rotation', () => {
  it('adds each line once through three logrotate rotations with compress and delaycompress', async () => {
    const dir = tmpDir();
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const data = path.join(dir, 'data');
    const app = path.join(logs, 'app.log');
    const run = () => ingest({ inputs: [logs], dataDir: data, format: syslog, workers: 1 });
    const expected: string[] = [];
    const write = (file: string, tag: string, from: number, to: number) => {
      fs.appendFileSync(file, lines(tag, from, to));
      expected.push(...messages(tag, from, to));
    };

    write(app, 'A', 1, 40);
    await run();
    write(app, 'A', 41, 50); // written after the first ingest, before the rotation
    logrotate(logs);
    write(app, 'B', 1, 30);
    expect(statuses(await run())).toEqual([
      ['app.log', 'ingested'],
      ['app.log.1', 'resumed'],
    ]);
    write(path.join(logs, 'app.log.1'), 'A', 51, 53); // delaycompress: the app still wrote to the old file
    write(app, 'B', 31, 45);
    logrotate(logs); // app.log.1 (A) → app.log.2.gz, app.log (B) → app.log.1
    write(app, 'C', 1, 20);
    expect(statuses(await run())).toEqual([
      ['app.log', 'ingested'],
      ['app.log.1', 'resumed'],
      ['app.log.2.gz', 'resumed'],
    ]);
    logrotate(logs); // A → app.log.3.gz, B → app.log.2.gz, C → app.log.1
    write(app, 'D', 1, 10);
    const third = await run();
    expect(statuses(third)).toEqual([
      ['app.log', 'ingested'],
      ['app.log.1', 'unchanged'],
      ['app.log.2.gz', 'unchanged'],
      ['app.log.3.gz', 'unchanged'],
    ]);
    expect(formatIngestSummary(third)).toContain(`unchanged (already ingested up to line 53 as ${path.join(logs, 'app.log.2.gz')})`);
    const again = await run();
    expect(again.batches).toBe(0);
    const s = await stored(data);
    expect(s.repeated).toEqual([]);
    expect(s.messages).toEqual([...expected].sort());
    // Each new app.log numbers its lines after the ones stored under that name before.
    expect(s.sourceLineUnique).toBe(true);
    const [b1] = await query(data, `SELECT source, line::INT AS line FROM logs WHERE message = 'B-1'`);
    expect(b1).toEqual({ source: app, line: 41 });
    expect(formatIngestSummary(third)).toMatch(/app\.log +syslog +10 +10 +0 +0 +ingested as lines \d+-\d+ \(the name held other lines before\)/);
  });

  it('numbers a new file at a reused path on, in a store made before the last line of each name was kept', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const app = path.join(dir, 'app.log');
    fs.writeFileSync(app, lines('A', 1, 10));
    await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    const db = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'));
    const conn = await db.connect();
    await conn.run('DROP TABLE _logscope.source_lines');
    conn.closeSync();
    db.closeSync();
    fs.writeFileSync(`${app}.new`, lines('B', 1, 5));
    fs.renameSync(`${app}.new`, app); // another file (inode) at the same path
    await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    const rows = await query(data, `SELECT min(line)::INT AS first, max(line)::INT AS last FROM logs WHERE message LIKE 'B-%'`);
    expect(rows).toEqual([{ first: 11, last: 15 }]);
  });

  it('numbers standard input ingested again after the lines it stored before', async () => {
    const data = path.join(tmpDir(), 'data');
    for (const tag of ['A', 'B']) await ingest({ inputs: ['-'], dataDir: data, format: syslog, workers: 1, stdin: Readable.from([Buffer.from(lines(tag, 1, 10))]) });
    const rows = await query(data, `SELECT source, min(line)::INT AS first, max(line)::INT AS last FROM logs GROUP BY source, substr(message, 1, 1) ORDER BY first`);
    expect(rows).toEqual([
      { source: 'stdin', first: 1, last: 10 },
      { source: 'stdin', first: 11, last: 20 },
    ]);
  });

  it('reads a file truncated in place (copytruncate) and written again as new lines numbered after the stored ones', async () => {
    const dir = tmpDir();
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const data = path.join(dir, 'data');
    const app = path.join(logs, 'app.log');
    const copy = path.join(logs, 'app.log.1');
    const run = () => ingest({ inputs: [logs], dataDir: data, format: syslog, workers: 1 });

    fs.writeFileSync(app, lines('A', 1, 40));
    await run();
    fs.appendFileSync(app, lines('A', 41, 45));
    fs.copyFileSync(app, copy); // logrotate copytruncate: copy, then truncate the same inode
    fs.truncateSync(app, 0);
    fs.appendFileSync(app, lines('B', 1, 5)); // shorter than what was stored
    const second = await run();
    expect(second.sources.map((x) => [path.basename(x.source), x.status, x.fromLine, x.lines])).toEqual([
      ['app.log', 'restarted', 41, 5],
      ['app.log.1', 'resumed', 41, 5],
    ]);
    fs.appendFileSync(app, lines('B', 6, 60)); // grows past the old file's size
    const third = await run();
    expect(third.sources.map((x) => [path.basename(x.source), x.status, x.lines])).toEqual([
      ['app.log', 'resumed', 55],
      ['app.log.1', 'unchanged', 0],
    ]);
    const s = await stored(data);
    expect(s.repeated).toEqual([]);
    expect(s.messages).toEqual([...messages('A', 1, 45), ...messages('B', 1, 60)].sort());
    expect(s.sourceLineUnique).toBe(true);
    const [b] = await query(data, `SELECT min(line)::INT AS lo, max(line)::INT AS hi FROM logs WHERE source = '${app}' AND message LIKE 'B-%'`);
    expect(b).toEqual({ lo: 41, hi: 100 });
  });

  it('does not skip the new lines of a file rewritten in place past the stored size when only its first KiB is the same', async () => {
    const dir = tmpDir();
    const app = path.join(dir, 'app.log');
    const data = path.join(dir, 'data');
    // A startup banner over 1 KiB, written again when the app restarts: the fingerprint matches.
    const banner = Array.from({ length: 12 }, (_, i) => `config option.number.${i} = ${'v'.repeat(80)}\n`).join('');
    expect(banner.length).toBeGreaterThan(1024);
    fs.writeFileSync(app, banner + lines('A', 1, 10));
    await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    fs.truncateSync(app, 0);
    fs.appendFileSync(app, banner + lines('B', 1, 40)); // longer than before
    const after = await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    expect(after.sources[0].status).toBe('restarted');
    const s = await stored(data);
    expect(s.messages.filter((m) => m.startsWith('B-'))).toEqual(messages('B', 1, 40).sort());
    expect(s.sourceLineUnique).toBe(true);
  });

  it('still resumes a file that was only appended to, and recognises it renamed', async () => {
    const dir = tmpDir();
    const app = path.join(dir, 'app.log');
    const data = path.join(dir, 'data');
    fs.writeFileSync(app, lines('A', 1, 30));
    await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    fs.appendFileSync(app, lines('A', 31, 35));
    const grown = await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1 });
    expect(grown.sources[0]).toMatchObject({ status: 'resumed', fromLine: 31, lines: 5 });
    fs.appendFileSync(app, lines('A', 36, 37));
    fs.renameSync(app, path.join(dir, 'renamed.log'));
    const renamed = await ingest({ inputs: [path.join(dir, 'renamed.log')], dataDir: data, format: syslog, workers: 1 });
    expect(renamed.sources[0]).toMatchObject({ status: 'resumed', fromLine: 36, lines: 2, previousPath: app });
    const s = await stored(data);
    expect(s.messages).toEqual(messages('A', 1, 37).sort());
    expect(s.sourceLineUnique).toBe(true);
  });

  it('reads on from a store written before .gz heads were decompressed and tails and inodes were kept', async () => {
    const dir = tmpDir();
    const gz = path.join(dir, 'old.log.gz');
    const app = path.join(dir, 'app.log');
    const data = path.join(dir, 'data');
    fs.writeFileSync(gz, gzipSync(lines('G', 1, 50)));
    fs.writeFileSync(app, lines('A', 1, 30));
    await ingest({ inputs: [gz, app], dataDir: data, format: syslog, workers: 1 });
    // Make the manifest what the older version wrote: a .gz hashed on its compressed bytes, no new columns.
    const instance = await DuckDBInstance.create(path.join(data, 'catalog.duckdb'));
    const conn = await instance.connect();
    const raw = fs.readFileSync(gz).subarray(0, 1024);
    await conn.run(`UPDATE _logscope.sources SET fingerprint = $fp, fp_len = $len::INTEGER WHERE compressed`, { fp: createHash('sha256').update(raw).digest('hex'), len: raw.length });
    for (const c of ['tail_hash', 'tail_len', 'file_id']) await conn.run(`ALTER TABLE _logscope.sources DROP COLUMN ${c}`);
    conn.closeSync();
    instance.closeSync();
    fs.appendFileSync(app, lines('A', 31, 33));
    const after = await ingest({ inputs: [gz, app], dataDir: data, format: syslog, workers: 1 });
    expect(after.sources.map((x) => [path.basename(x.source), x.status, x.lines])).toEqual([
      ['old.log.gz', 'unchanged', 0],
      ['app.log', 'resumed', 3],
    ]);
    const s = await stored(data);
    expect(s.messages).toEqual([...messages('G', 1, 50), ...messages('A', 1, 33)].sort());
  });

  it('commits the lines of a file deleted after it was read and before its batch committed', async () => {
    const dir = tmpDir();
    const app = path.join(dir, 'app.log');
    const data = path.join(dir, 'data');
    fs.writeFileSync(app, lines('A', 1, 20));
    // The manifest keeps a hash of the file's last stored bytes, read when the batch commits: the file may be gone.
    const summary = await ingest({ inputs: [app], dataDir: data, format: syslog, workers: 1, onProgress: () => fs.rmSync(app, { force: true }) });
    expect(summary.errors).toEqual([]);
    expect((await stored(data)).messages).toEqual(messages('A', 1, 20).sort());
  });
});
