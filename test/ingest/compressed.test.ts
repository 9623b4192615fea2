import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectCompression } from '../../src/ingest/compression.js';
import { query, REPO, runCliHere, tmpDir } from '../helpers.js';

/**
 * Two syslog lines (`compressed line one`, `compressed line two`) compressed by the real xz,
 * bzip2, zstd, lz4 and zip (test/fixtures/compressed).
 */
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'compressed');
const READABLE: Array<[file: string, name: string]> = [
  ['app.log.xz', 'xz'],
  ['app.log.bz2', 'bzip2'],
  ['app.log.zst', 'zstd'],
];
const UNREADABLE: Array<[file: string, name: string, decompress: string]> = [
  ['app.log.lz4', 'lz4', 'lz4 -dc'],
  ['app.log.zip', 'zip', 'unzip -p'],
];

describe('xz, bzip2 and zstd inputs', () => {
  it.each(READABLE)('reads %s (%s) by its magic bytes, streamed, into the same records as the plain text', async (file, name) => {
    const dir = tmpDir();
    // Renamed: the bytes decide, not the name.
    const disguised = path.join(dir, `${name}-data.log`);
    fs.copyFileSync(path.join(FIXTURES, file), disguised);
    const data = path.join(dir, 'data');
    const r = await runCliHere(['ingest', disguised, '--data', data, '--timezone', 'UTC', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { sources: Array<{ format: string; lines: number; parsed: number }> };
    expect(summary.sources[0]).toMatchObject({ format: 'syslog', lines: 2, parsed: 2 });
    expect(await query(data, "SELECT strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S') AS ts, level, message, line::INT AS line FROM logs ORDER BY line")).toEqual([
      { ts: '2026-11-25T10:00:00', level: 'INFO', message: 'compressed line one', line: 1 },
      { ts: '2026-11-25T10:00:01', level: 'ERROR', message: 'compressed line two', line: 2 },
    ]);
    // Read again: the manifest knows it by its decompressed head; nothing is added.
    const again = await runCliHere(['ingest', disguised, '--data', data, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual([{ n: 2 }]);
  });

  it.each(READABLE)('reads %s (%s) from stdin, decompressed', async (file) => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const r = await runCliHere(['ingest', '-', '--data', data, '--timezone', 'UTC'], { input: fs.readFileSync(path.join(FIXTURES, file)) });
    expect(r.status, r.stderr).toBe(0);
    expect(await query(data, 'SELECT message FROM logs ORDER BY line')).toEqual([{ message: 'compressed line one' }, { message: 'compressed line two' }]);
  });

  it.each(READABLE)('a truncated %s file is an error naming it and its compression, and no binary line is stored', async (file, name) => {
    const dir = tmpDir();
    const cut = path.join(dir, `cut-${file}`);
    const whole = fs.readFileSync(path.join(FIXTURES, file));
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 12));
    const data = path.join(dir, 'data');
    const r = await runCliHere(['ingest', cut, '--data', data]);
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain(`${cut}: damaged or truncated ${name} data`);
    const unparsed = await query(data, 'SELECT count(*)::INT AS n FROM unparsed');
    expect(unparsed).toEqual([{ n: 0 }]);
  });

  it('tells bzip2 data from a text file that starts with the letters BZh', () => {
    expect(detectCompression(Buffer.from('BZh is a word here\n'))).toBeUndefined();
    expect(detectCompression(fs.readFileSync(path.join(FIXTURES, 'app.log.bz2')))).toBe('bzip2');
    expect(detectCompression(fs.readFileSync(path.join(FIXTURES, 'app.log.zst')))).toBe('zstd');
    expect(detectCompression(fs.readFileSync(path.join(FIXTURES, 'app.log.xz')))).toBe('xz');
  });
});

describe('compressed inputs logscope cannot read yet', () => {
  it('refuses lz4 and zip files by their magic bytes, naming the pipe to use, and ingests the others (exit 2)', async () => {
    const dir = tmpDir();
    const plain = path.join(dir, 'plain.log');
    fs.writeFileSync(plain, '2026-11-25T10:00:00Z h app[1]: INFO plain line\n');
    const disguised = path.join(dir, 'disguised.log');
    fs.copyFileSync(path.join(FIXTURES, 'app.log.lz4'), disguised);
    const data = path.join(dir, 'data');
    const r = await runCliHere(['ingest', ...UNREADABLE.map(([f]) => path.join(FIXTURES, f)), disguised, plain, '--data', data]);
    expect(r.status, r.stderr).toBe(2);
    const said = r.stdout + r.stderr;
    for (const [file, name, decompress] of UNREADABLE) {
      const full = path.join(FIXTURES, file);
      expect(said).toContain(`${full}: ${name}-compressed, which logscope cannot read yet; decompress it first (${decompress} ${full} | logscope ingest - ...)`);
    }
    expect(said).toContain(`${disguised}: lz4-compressed, which logscope cannot read yet`);
    expect(await query(data, 'SELECT count(*)::INT AS n, min(message) AS m FROM logs')).toEqual([{ n: 1, m: 'plain line' }]);
  });

  it('refuses stdin that starts with lz4 magic bytes, storing nothing of it', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const r = await runCliHere(['ingest', '-', '--data', data], { input: fs.readFileSync(path.join(FIXTURES, 'app.log.lz4')) });
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('stdin: lz4-compressed, which logscope cannot read yet; decompress it first (lz4 -dc FILE | logscope ingest -)');
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual([{ n: 0 }]);
  });
});
