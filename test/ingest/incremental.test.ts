import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { query, tmpDir } from '../helpers.js';

function lines(from: number, to: number): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString()} h app[1]: INFO line ${i}\n`;
  return s;
}

const syslog = { name: 'syslog', options: {} };

async function stored(data: string) {
  const [r] = await query(data, `SELECT count(*)::INT AS n, count(DISTINCT (source, line))::INT AS d, bool_and(message = 'line ' || line) AS numbered FROM logs`);
  return r;
}

describe('manifest', () => {
  it('adds nothing when the same file is ingested again', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, lines(1, 500));
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: syslog });
    const again = await ingest({ inputs: [file], dataDir: data, format: syslog });
    expect(again.sources[0]).toMatchObject({ status: 'unchanged', lines: 0 });
    expect(again.batches).toBe(0);
    expect(await stored(data)).toEqual({ n: 500, d: 500, numbered: true });
  });

  it('adds only the new lines of a file that grew, numbered on from where it stopped', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, lines(1, 10)); // smaller than the fingerprint: it grows past it
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: syslog });
    fs.appendFileSync(file, lines(11, 300));
    const grew = await ingest({ inputs: [file], dataDir: data, format: syslog });
    expect(grew.sources[0]).toMatchObject({ status: 'resumed', fromLine: 11, lines: 290 });
    fs.appendFileSync(file, lines(301, 305));
    await ingest({ inputs: [file], dataDir: data, format: syslog });
    expect(await stored(data)).toEqual({ n: 305, d: 305, numbered: true });
  });

  it('recognises a rotated (renamed) file by its fingerprint and reads only what was added', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, lines(1, 200));
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: syslog });
    fs.appendFileSync(file, lines(201, 210)); // written just before rotation
    fs.renameSync(file, path.join(dir, 'app.log.1'));
    fs.writeFileSync(file, lines(1000, 1009)); // the new app.log
    const after = await ingest({ inputs: [path.join(dir, 'app.log.1'), file], dataDir: data, format: syslog });
    expect(after.sources.map((s) => [path.basename(s.source), s.status, s.lines, s.previousPath && path.basename(s.previousPath)])).toEqual([
      ['app.log.1', 'resumed', 10, 'app.log'],
      ['app.log', 'ingested', 10, undefined],
    ]);
    const rows = await query(data, `SELECT count(*)::INT AS n FROM logs`);
    expect(rows[0].n).toBe(220);
  });

  it('does not ingest a .gz twice, and the same content under two names once', async () => {
    const dir = tmpDir();
    const gz = path.join(dir, 'old.log.gz');
    fs.writeFileSync(gz, gzipSync(lines(1, 100)));
    fs.copyFileSync(gz, path.join(dir, 'copy.log.gz'));
    const data = path.join(dir, 'data');
    const first = await ingest({ inputs: [gz, path.join(dir, 'copy.log.gz')], dataDir: data, format: syslog });
    expect(first.sources.map((s) => s.status)).toEqual(['ingested', 'duplicate']);
    const second = await ingest({ inputs: [gz], dataDir: data, format: syslog });
    expect(second.sources[0].status).toBe('unchanged');
    expect(await stored(data)).toEqual({ n: 100, d: 100, numbered: true });
  });
});
