import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { runCli, runCliHere, tmpDir } from '../helpers.js';

describe('logscope coverage', () => {
  it('shows per source the format, the share parsed and the commonest shapes of unparsed lines', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    let s = '';
    for (let i = 1; i <= 90; i++) s += `2026-11-25T10:00:${String(i % 60).padStart(2, '0')}Z web-1 api[7]: INFO request ${i}\n`;
    for (let i = 1; i <= 7; i++) s += `worker ${i} restarted after ${i * 3} s\n`;
    s += 'Segmentation fault (core dumped)\n\n\n';
    fs.writeFileSync(file, s);
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} } });
    const r = (await runCliHere(['coverage', '--data', data]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${file}  syslog  91.8% parsed  (100 lines: 90 parsed, 8 unparsed, 2 blank)`);
    expect(r.stdout).toMatch(/ {7}7 × "worker 0 restarted after 0 s" {2}\(first at line 91\)/);
    expect(r.stdout).toMatch(/ {7}1 × "Segmentation fault \(core dumped\)" {2}\(first at line 98\)/);
    const j = JSON.parse((await runCliHere(['coverage', '--data', data, '--json', '--top', '1'])).stdout);
    expect(j[0]).toMatchObject({ format: 'syslog', lines: 100, parsed: 90, unparsed: 8, blank: 2, joined: 0 });
    expect(j[0].shapes).toEqual([{ shape: 'worker 0 restarted after 0 s', count: 7, firstLine: 91, example: 'worker 1 restarted after 3 s' }]);
  });

  it('adds up the accounting over incremental ingests of a growing file', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '2026-11-25T10:00:00Z h a[1]: INFO one\njunk\n');
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} } });
    fs.appendFileSync(file, '2026-11-25T10:00:01Z h a[1]: INFO two\n\n');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} } });
    const [c] = JSON.parse((await runCliHere(['coverage', '--data', data, '--json'])).stdout);
    expect(c).toMatchObject({ lines: 4, parsed: 2, unparsed: 1, blank: 1 });
  });
});

describe('ingest summary', () => {
  it('ends with the commonest shapes of the unparsed lines of the files it read', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '2026-11-25T10:00:00Z h a[1]: INFO ok\nworker 1 restarted\nworker 22 restarted\n');
    const r = (await runCliHere(['ingest', file, '--data', path.join(dir, 'data'), '--input-format', 'syslog']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`unparsed in ${file} (33.3% parsed), commonest shapes:`);
    expect(r.stdout).toMatch(/ {7}2 × "worker 0 restarted" {2}\(first at line 2\)/);
  });
});
