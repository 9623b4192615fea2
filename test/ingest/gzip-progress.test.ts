import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeLines } from '../../src/cli/progress.js';
import { estimateGunzipSize } from '../../src/ingest/gzip-estimate.js';
import { ingest, type IngestProgress } from '../../src/ingest/index.js';
import { tmpDir } from '../helpers.js';

const GiB = 2 ** 30;

function lines(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `${new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString()} h app[1]: INFO request ${i} served in ${i % 97} ms\n`;
  return s;
}

describe('progress of a .gz', () => {
  it('counts uncompressed bytes against the uncompressed total from the gzip trailer, so it reaches 100% only at the end', async () => {
    const dir = tmpDir();
    const text = lines(20_000);
    const gz = path.join(dir, 'app.log.gz');
    fs.writeFileSync(gz, gzipSync(text));
    const plain = path.join(dir, 'plain.log');
    fs.writeFileSync(plain, lines(100));
    const reports: IngestProgress[] = [];
    await ingest({ inputs: [gz, plain], dataDir: path.join(dir, 'data'), format: { name: 'syslog', options: {} }, workers: 2, chunkBytes: 64 << 10, onProgress: (p) => reports.push({ ...p }) });
    const total = Buffer.byteLength(text) + fs.statSync(plain).size;
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.every((p) => p.bytesTotal === total && p.estimated)).toBe(true);
    expect(reports.slice(0, -1).every((p) => (p.bytesDone as number) < total)).toBe(true);
    expect(reports.at(-1)?.bytesDone).toBe(total);
    expect(reports.at(-1)?.lines).toBe(20_100);
  });
});

describe('estimateGunzipSize', () => {
  it('takes the trailer size as it is below 4 GiB, and never less than what was read', () => {
    expect(estimateGunzipSize(123_456, 10_000)).toBe(123_456);
    expect(estimateGunzipSize(123_456, 10_000, 9_000, 130_000)).toBe(130_000);
  });

  it('adds the 4 GiB wraps that the ratio read so far points to', () => {
    // 10 GiB compressed 10:1 into 1 GiB: ISIZE holds 10 GiB mod 4 GiB = 2 GiB.
    expect(estimateGunzipSize(2 * GiB, GiB, 100 << 20, 1000 << 20)).toBe(10 * GiB);
    // Before anything is read: an ISIZE below the compressed size has wrapped.
    expect(estimateGunzipSize(GiB / 4, GiB)).toBe(GiB / 4 + 4 * GiB);
  });

  it('extrapolates by the ratio so far when the trailer holds only the last of several members', () => {
    // Three members of 8 MB each, 1 MB compressed each: the trailer says 8 MB.
    expect(estimateGunzipSize(8e6, 3e6, 1e6, 8e6)).toBe(24e6);
  });

  it('extrapolates by the ratio so far when there is no trailer', () => {
    expect(estimateGunzipSize(-1, 1000, 100, 800)).toBe(8000);
  });
});

describe('describeLines', () => {
  it('shows the lines expected at the bytes per line so far when the total is estimated', () => {
    expect(describeLines({ bytesDone: 1000, bytesTotal: 8000, estimated: true, lines: 12_000, elapsedMs: 1 })).toBe('12,000 of ~96,000');
    expect(describeLines({ bytesDone: 1000, bytesTotal: 8000, estimated: false, lines: 12_000, elapsedMs: 1 })).toBe('12,000');
  });
});
