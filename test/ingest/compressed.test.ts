import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, REPO, runCli, tmpDir } from '../helpers.js';

/** Two syslog lines compressed by the real xz, bzip2, zstd, lz4 and zip (test/fixtures/compressed). */
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'compressed');
const UNREADABLE: Array<[file: string, name: string, decompress: string]> = [
  ['app.log.xz', 'xz', 'xz -dc'],
  ['app.log.bz2', 'bzip2', 'bzip2 -dc'],
  ['app.log.zst', 'zstd', 'zstd -dc'],
  ['app.log.lz4', 'lz4', 'lz4 -dc'],
  ['app.log.zip', 'zip', 'unzip -p'],
];

describe('compressed inputs logscope cannot read yet', () => {
  it('refuses xz, bzip2, zstd, lz4 and zip files by their magic bytes, naming the pipe to use, and ingests the others (exit 2)', async () => {
    const dir = tmpDir();
    const plain = path.join(dir, 'plain.log');
    fs.writeFileSync(plain, '2026-11-25T10:00:00Z h app[1]: INFO plain line\n');
    // Renamed: the bytes decide, not the name.
    const disguised = path.join(dir, 'disguised.log');
    fs.copyFileSync(path.join(FIXTURES, 'app.log.xz'), disguised);
    const data = path.join(dir, 'data');
    const r = runCli(['ingest', ...UNREADABLE.map(([f]) => path.join(FIXTURES, f)), disguised, plain, '--data', data]);
    expect(r.status, r.stderr).toBe(2);
    const said = r.stdout + r.stderr;
    for (const [file, name, decompress] of UNREADABLE) {
      const full = path.join(FIXTURES, file);
      expect(said).toContain(`${full}: ${name}-compressed, which logscope cannot read yet; decompress it first (${decompress} ${full} | logscope ingest - ...)`);
    }
    expect(said).toContain(`${disguised}: xz-compressed, which logscope cannot read yet`);
    expect(await query(data, 'SELECT count(*)::INT AS n, min(message) AS m FROM logs')).toEqual([{ n: 1, m: 'plain line' }]);
  });

  it('refuses stdin that starts with xz magic bytes, storing nothing of it', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const r = runCli(['ingest', '-', '--data', data], { input: fs.readFileSync(path.join(FIXTURES, 'app.log.xz')) });
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('stdin: xz-compressed, which logscope cannot read yet; decompress it first (xz -dc FILE | logscope ingest -)');
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual([{ n: 0 }]);
  });
});
