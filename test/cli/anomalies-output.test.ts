import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliHere, tmpDir } from '../helpers.js';

/**
 * Three hours a minute at a time: 20 info lines and 0–2 errors a minute, then from 12:00 to 12:06
 * 30 errors a minute, except 12:03 (a dip back to normal: the burst is still one firing).
 */
function writeBurst(dir: string): string {
  const file = path.join(dir, 'burst.log');
  let text = '';
  for (let m = 0; m < 180; m++) {
    const ts = new Date(Date.parse('2026-11-25T10:00:00Z') + m * 60_000).toISOString().replace('.000Z', 'Z');
    const errors = m >= 120 && m < 126 && m !== 123 ? 30 : m % 3;
    for (let i = 0; i < 20; i++) text += `${ts} h app[1]: INFO request ${i} served\n`;
    for (let i = 0; i < errors; i++) text += `${ts} h app[1]: ERROR request ${i} failed\n`;
  }
  fs.writeFileSync(file, text);
  return file;
}

describe('anomalies table', () => {
  const dir = tmpDir('logscope-anomout-');
  const file = writeBurst(dir);

  it('shows one row per event with its span, peak z, observed vs expected with units and the flagged count, not a row per bucket', async () => {
    const r = (await runCliHere(['anomalies', file, '--format', 'table']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^start \(UTC\) +end +series +measure +peak z +observed +expected \(±sd\) +flagged +severity$/m);
    expect(r.stdout).toMatch(/^2026-11-25 12:00 +12:06 +\* +errors\/1m +\d+\.\d +30 +\d+(\.\d+)? \(±\d+(\.\d+)?\) +4 +critical$/m);
    expect(r.stdout).not.toContain('2026-11-25T12:05:00.000Z');
    expect(r.stdout).toMatch(/^observed and expected \(±sd\) are at the peak bucket, per 1m: errors = error lines, volume = lines/m);
  });

  it('shows one row per flagged bucket with --buckets', async () => {
    const r = (await runCliHere(['anomalies', file, '--format', 'table', '--buckets']));
    expect(r.status, r.stderr).toBe(0);
    const errorBuckets = r.stdout.split('\n').filter((l) => /^2026-11-25T12:0\d:00\.000Z +\* +errors /.test(l));
    expect(errorBuckets).toHaveLength(4);
  });

  it('keeps full precision, one row per bucket, in csv', async () => {
    const r = (await runCliHere(['anomalies', file, '--format', 'csv']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('bucket,series,measure,observed,expected,stddev,z,severity,baseline,z_trailing,samples');
    const row = r.stdout.split('\n').find((l) => l.startsWith('2026-11-25T12:00:00.000Z,*,errors,30,'));
    expect(row?.split(',')[5]).toMatch(/^\d+\.\d{4,}$/);
  });

  it('labels the --explain columns with what they count, the change with its sign', async () => {
    const dataDir = path.join(dir, 'data');
    expect((await runCliHere(['ingest', file, '--data', dataDir])).status).toBe(0);
    const r = (await runCliHere(['anomalies', '--data', dataDir, '--explain', '--format', 'table']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^errors of \* from 2026-11-25 12:00 to 2026-11-25 12:06 UTC \(4 flagged buckets, peak z \d+\.\d, critical\): what changed; during = over the event/m);
    expect(r.stdout).toMatch(/^dimension +value +error lines before +error lines during +change$/m);
    expect(r.stdout).toMatch(/^dimension +value +lines before +lines during +change$/m);
    expect(r.stdout).toMatch(/^service +app +\d+(\.\d)? +150 +\+\d+(\.\d)?$/m);
  });
});
