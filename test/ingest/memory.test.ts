import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { runCli, tmpDir } from '../helpers.js';

// A file past several batches: reading it whole, or holding batches in memory, would show up as
// peak RSS growing with it. It is compared with a file a few times smaller that also spans
// several batches (so both runs hold a batch being parsed and one being written), not with a
// small file under one batch. `npm test` uses 0.8 M lines (≈ 100 MB) against 0.25 M, in batches
// of 16 MiB, to stay quick; .ci/run sets LOGSCOPE_MEMORY_TEST_LINES to 42 M lines (≈ 5 GB, well
// past DuckDB's 512 MB limit too; or 8 M where the disk is small) against 4 M (≈ 500 MB, two
// batches), read with the default batches of 256 MiB.
const FROM_ENV = process.env.LOGSCOPE_MEMORY_TEST_LINES !== undefined;
const BIG_LINES = Number(process.env.LOGSCOPE_MEMORY_TEST_LINES ?? 800_000);
const MID_LINES = FROM_ENV ? Math.min(4_000_000, Math.floor(BIG_LINES / 4)) : 250_000;
const BATCH = FROM_ENV ? [] : ['--batch-size', '16M'];

function ingestPeak(file: string, data: string): { peakRssMB: number; lines: number; bytes: number } {
  const r = runCli(['ingest', file, '--data', data, '--json', ...BATCH]);
  expect(r.status, r.stderr).toBe(0);
  const s = JSON.parse(r.stdout);
  return { peakRssMB: s.peakRssMB, lines: s.totals.lines, bytes: s.totals.bytes };
}

describe('memory', () => {
  it('stays bounded: peak RSS under 1 GiB and not growing with the file size', async () => {
    const dir = tmpDir();
    const small = path.join(dir, 'mid.log');
    const big = path.join(dir, 'big.log');
    await generateLogs({ lines: MID_LINES, format: 'syslog', out: small, seed: 3 });
    await generateLogs({ lines: BIG_LINES, format: 'syslog', out: big, seed: 3 });
    const s = ingestPeak(small, path.join(dir, 'data-small'));
    fs.rmSync(path.join(dir, 'data-small'), { recursive: true, force: true });
    const b = ingestPeak(big, path.join(dir, 'data-big'));
    console.log(`peak RSS: ${s.peakRssMB} MB for ${(s.bytes / 1e6).toFixed(0)} MB of input, ${b.peakRssMB} MB for ${(b.bytes / 1e6).toFixed(0)} MB`);
    expect(b.lines).toBe(BIG_LINES);
    expect(b.bytes).toBeGreaterThan(3 * s.bytes);
    expect(b.peakRssMB).toBeLessThan(1024);
    // Bounded: a file three to ten times larger peaks within a quarter (plus 100 MB of slack) of the smaller one.
    expect(b.peakRssMB).toBeLessThan(s.peakRssMB * 1.25 + 100);
  }, 900_000);
});
