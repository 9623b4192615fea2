import fs from 'node:fs';
import path from 'node:path';
import { constants, gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { query, runCliHere, tmpDir } from '../helpers.js';

function lines(n: number, host: string, startSec = 0): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `${new Date(Date.UTC(2026, 10, 25, 10) + (startSec + i) * 1000).toISOString()} ${host} app[1]: INFO line ${i + 1}\n`;
  return s;
}

const syslog = { name: 'syslog', options: {} };

describe('inputs', () => {
  it('reads files, directories recursively, quoted globs and .gz, each once', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'logs', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'logs', 'a.log'), lines(10, 'a'));
    fs.writeFileSync(path.join(dir, 'logs', 'nested', 'b.log'), lines(20, 'b'));
    fs.writeFileSync(path.join(dir, 'logs', 'nested', 'c.log.gz'), gzipSync(lines(30, 'c')));
    fs.writeFileSync(path.join(dir, 'd.log'), lines(5, 'd'));
    fs.writeFileSync(path.join(dir, 'e.log'), lines(7, 'e'));
    const data = path.join(dir, 'data');
    const summary = await ingest({ inputs: [path.join(dir, 'logs'), path.join(dir, '*.log'), path.join(dir, 'd.log')], dataDir: data, format: syslog, workers: 2 });
    expect(summary.errors).toEqual([]);
    expect(summary.sources.map((s) => [path.basename(s.source), s.lines])).toEqual([
      ['a.log', 10],
      ['b.log', 20],
      ['c.log.gz', 30],
      ['d.log', 5],
      ['e.log', 7],
    ]);
    const rows = await query(data, `SELECT host, count(*)::INT AS n, count(DISTINCT line)::INT AS distinct_lines, min(line)::INT AS lo, max(line)::INT AS hi FROM logs GROUP BY host ORDER BY host`);
    expect(rows).toEqual([
      { host: 'a', n: 10, distinct_lines: 10, lo: 1, hi: 10 },
      { host: 'b', n: 20, distinct_lines: 20, lo: 1, hi: 20 },
      { host: 'c', n: 30, distinct_lines: 30, lo: 1, hi: 30 },
      { host: 'd', n: 5, distinct_lines: 5, lo: 1, hi: 5 },
      { host: 'e', n: 7, distinct_lines: 7, lo: 1, hi: 7 },
    ]);
  });

  it('streams a large .gz in several chunks with line numbers continuing across them', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'big.log.gz');
    fs.writeFileSync(file, gzipSync(lines(20_000, 'g')));
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: syslog, workers: 2, chunkBytes: 64 * 1024 });
    const [r] = await query(data, `SELECT count(*)::INT AS n, count(DISTINCT line)::INT AS d, max(line)::INT AS hi, bool_and(message = 'line ' || line) AS numbered FROM logs`);
    expect(r).toEqual({ n: 20_000, d: 20_000, hi: 20_000, numbered: true });
  });

  it('reports a missing path by name, ingests the others and exits non-zero', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'ok.log'), lines(3, 'ok'));
    const data = path.join(dir, 'data');
    const missing = path.join(dir, 'missing.log');
    const r = (await runCliHere(['ingest', path.join(dir, 'ok.log'), missing, path.join(dir, 'nomatch-*.log'), '--data', data]));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`logscope: ${missing}: no such file or directory\n`);
    expect(r.stderr).toMatch(/^logscope: .*nomatch-\*\.log: no file matches this pattern$/m);
    const q = (await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT count(*) AS n FROM logs']));
    expect(q.stdout).toBe('n\n3\n');
  });

  it('reads stdin with -', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const json = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ts: `2026-11-25T10:00:${String(i).padStart(2, '0')}Z`, level: i % 10 === 0 ? 'error' : 'info', msg: `m${i + 1}` })).join('\n');
    const r = (await runCliHere(['ingest', '-', '--input-format', 'json', '--data', data], { input: json + '\n' }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const q = (await runCliHere(['sql', '--data', data, '--format', 'csv', "SELECT source, count(*) AS n, count(*) FILTER (WHERE level = 'ERROR') AS errors, max(line) AS last FROM logs GROUP BY source"]));
    expect(q.stdout).toBe('source,n,errors,last\nstdin,50,5,50\n');
  });

  it('reports stdin in a compression it cannot read as not read, not as truncated', async () => {
    const data = path.join(tmpDir(), 'data');
    // A zip archive's local-file header: refused by its magic bytes before anything is parsed.
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('2026-11-25T10:00:00Z h app[1]: INFO hi\n')]);
    const r = (await runCliHere(['ingest', '-', '--data', data], { input: zip }));
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^stdin +auto +0 +0 +0 +0 +not read \(see error\)$/m);
    expect(r.stdout).not.toContain('truncated');
    expect(r.stderr).toContain('logscope: stdin: zip-compressed, which logscope cannot read yet');
  });
});

describe('damaged input', () => {
  it('keeps the lines of a truncated .gz read before the damage, names it, and ingests the other files', async () => {
    const dir = tmpDir();
    const gz = gzipSync(lines(5000, 'z'));
    fs.writeFileSync(path.join(dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    fs.writeFileSync(path.join(dir, 'ok.log'), lines(10, 'ok'));
    const data = path.join(dir, 'data');
    const summary = await ingest({ inputs: [path.join(dir, 'cut.log.gz'), path.join(dir, 'ok.log')], dataDir: data, format: syslog, chunkBytes: 16 * 1024 });
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0].message).toMatch(/cut\.log\.gz: truncated at byte \d+/);
    const rows = await query(data, `SELECT host, count(*)::INT AS n, max(line)::INT AS hi FROM logs GROUP BY host ORDER BY host`);
    expect(rows[0]).toEqual({ host: 'ok', n: 10, hi: 10 });
    expect(rows[1].host).toBe('z');
    expect(rows[1].n).toBeGreaterThan(1000);
    expect(rows[1].hi).toBe(rows[1].n);
  });
});

describe('partial input', () => {
  /** Whole lines zlib can decompress from a truncated gzip file: what a reader can keep. */
  function readableLines(cut: Buffer): number {
    const text = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH });
    return text.subarray(0, text.lastIndexOf(10) + 1).toString().split('\n').length - 1;
  }

  it('keeps every whole line of a truncated .gz smaller than one chunk, and reports it truncated at its last byte with exit code 2', async () => {
    const dir = tmpDir();
    const gz = gzipSync(lines(2000, 'z'));
    const cut = gz.subarray(0, Math.floor(gz.length * 0.4));
    const file = path.join(dir, 'cut.log.gz');
    fs.writeFileSync(file, cut);
    const readable = readableLines(cut);
    expect(readable).toBeGreaterThan(500);
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--data', data, '--input-format', 'syslog']));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`truncated: kept lines 1-${readable}`);
    expect(r.stderr).toContain(`logscope: ${file}: truncated at byte ${cut.length} (the gzip data ends there unfinished)`);
    const [row] = await query(data, `SELECT count(*)::INT AS n, max(line)::INT AS hi, bool_and(message = 'line ' || line) AS whole FROM logs`);
    expect(row).toEqual({ n: readable, hi: readable, whole: true });
    const again = (await runCliHere(['ingest', file, '--data', data, '--input-format', 'syslog']));
    expect(again.status).toBe(2);
    expect(again.stdout).toContain(`truncated: nothing readable after line ${readable}, stored before`);
    expect((await query(data, `SELECT count(*)::INT AS n FROM logs`))[0].n).toBe(readable);
  });

  it('reads a text file named .gz as text, with a warning that it is not gzip data', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'plain.log.gz');
    fs.writeFileSync(file, lines(25, 'p'));
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--data', data, '--input-format', 'syslog']));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`warning: ${file}: not gzip data, read as text`);
    const [row] = await query(data, `SELECT count(*)::INT AS n FROM logs`);
    expect(row.n).toBe(25);
  });

  it('refuses a binary file named .gz by name, and ingests the others', async () => {
    const dir = tmpDir();
    const bin = path.join(dir, 'image.gz');
    fs.writeFileSync(bin, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
    fs.writeFileSync(path.join(dir, 'ok.log'), lines(4, 'ok'));
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', bin, path.join(dir, 'ok.log'), '--data', data, '--input-format', 'syslog']));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^logscope: \S+image\.gz: not gzip data, and not text either.*\n$/);
    const [row] = await query(data, `SELECT count(*)::INT AS n FROM logs`);
    expect(row.n).toBe(4);
  });
});

describe('huge lines', () => {
  it('stores a 5 MB line whole, and keeps a line over 8 MiB truncated in unparsed with its length', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'long.log');
    fs.writeFileSync(
      file,
      `2026-11-25T10:00:00Z h app[1]: INFO before\n2026-11-25T10:00:01Z h app[1]: ERROR ${'x'.repeat(5_000_000)}\n${'y'.repeat(9_000_000)}\n2026-11-25T10:00:02Z h app[1]: INFO after\n`,
    );
    const data = path.join(dir, 'data');
    const summary = await ingest({ inputs: [file], dataDir: data, format: syslog, chunkBytes: 1 << 20 });
    expect(summary.totals).toMatchObject({ lines: 4, parsed: 3, unparsed: 1 });
    expect(await query(data, `SELECT line::INT AS line, length(message)::INT AS n FROM logs ORDER BY line`)).toEqual([
      { line: 1, n: 6 },
      { line: 2, n: 5_000_000 },
      { line: 4, n: 5 },
    ]);
    const [u] = await query(data, `SELECT line::INT AS line, length(raw)::INT AS n, reason FROM unparsed`);
    expect(u).toEqual({ line: 3, n: 8 << 20, reason: 'line of 9000000 bytes, over the 8 MiB limit: kept truncated' });
  });
});
