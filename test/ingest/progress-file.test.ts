import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { createProgressFile, progressFilePath, readIngestProgress, type IngestProgressRecord } from '../../src/ingest/progress-file.js';
import { tmpDir } from '../helpers.js';

function line(i: number): string {
  return `${new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString()} web-1 app[1]: INFO request ${i} served in ${i % 97} ms\n`;
}

describe('the ingest progress file', () => {
  it('writes totals, rate, ETA and worker activity, at most once per interval, and removes the file', () => {
    const dir = tmpDir();
    let t = Date.parse('2026-12-01T10:00:00Z');
    const sample = { bytesDone: 0, bytesTotal: 1000 as number | undefined, estimated: false, lines: 0, workers: [{ worker: 0, chunk: { source: '/logs/a.log', start: 0, end: 500, bytes: 500, since: t }, chunksDone: 0, linesDone: 0 }] };
    const file = createProgressFile({ dataDir: dir, inputs: ['/logs/a.log'], sample: () => sample, pid: 4242, now: () => t, timer: false });
    expect(file.path).toBe(progressFilePath(dir, 4242));
    const read = () => JSON.parse(fs.readFileSync(file.path, 'utf8')) as IngestProgressRecord;
    expect(read()).toMatchObject({ pid: 4242, inputs: ['/logs/a.log'], bytes_done: 0, bytes_total: 1000, lines: 0, eta_seconds: null, started_at: '2026-12-01T10:00:00.000Z' });

    t += 2000;
    Object.assign(sample, { bytesDone: 500, lines: 40 });
    sample.workers[0] = { worker: 0, chunk: null, chunksDone: 1, linesDone: 40 };
    file.touch();
    const second = read();
    expect(second).toMatchObject({ bytes_done: 500, lines: 40, lines_per_second: 20, bytes_per_second: 250, eta_seconds: 2, updated_at: '2026-12-01T10:00:02.000Z' });
    expect(second.workers).toEqual([{ worker: 0, chunk: null, chunks_done: 1, lines_done: 40 }]);

    // Within the interval, a finished chunk does not rewrite the file.
    t += 400;
    Object.assign(sample, { bytesDone: 700, lines: 60 });
    file.touch();
    expect(read().lines).toBe(40);
    t += 600;
    file.touch();
    expect(read().lines).toBe(60);
    expect(fs.readdirSync(path.dirname(file.path))).toEqual(['ingest-4242.json']);

    file.remove();
    expect(fs.existsSync(file.path)).toBe(false);
    expect(fs.existsSync(path.dirname(file.path))).toBe(false);
  });

  it('reads a live ingest as running, and a dead pid or a file not rewritten for 10 s as stopped', () => {
    const dir = tmpDir();
    const t = Date.parse('2026-12-01T10:00:00Z');
    const sample = () => ({ bytesDone: 1, bytesTotal: undefined, estimated: false, lines: 1, workers: [] });
    createProgressFile({ dataDir: dir, inputs: ['-'], sample, pid: 111, now: () => t, timer: false });
    createProgressFile({ dataDir: dir, inputs: ['-'], sample, pid: 222, now: () => t - 1000, timer: false });
    createProgressFile({ dataDir: dir, inputs: ['-'], sample, pid: 333, now: () => t - 30_000, timer: false });
    fs.writeFileSync(path.join(dir, '.progress', 'ingest-444.json.tmp'), '{"half');
    const alive = new Set([111, 333]);
    const states = readIngestProgress(dir, { now: () => t, isAlive: (pid) => alive.has(pid) });
    expect(states.map((s) => [s.pid, s.state])).toEqual([
      [111, 'running'],
      [222, 'stopped'],
      [333, 'stopped'],
    ]);
    expect(states[0].bytes_total).toBeNull();
    expect(readIngestProgress(path.join(dir, 'nowhere'))).toEqual([]);
  });

  it('is written while a real ingest runs (lines growing, the parse workers listed) and removed when it ends', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    let i = 0;
    // Standard input that trickles lines for about 2.5 s, so the file is rewritten several times.
    const stdin = new Readable({
      read() {
        if (i >= 2500) return void this.push(null);
        setTimeout(() => {
          let s = '';
          for (let k = 0; k < 50; k++) s += line(i++);
          this.push(s);
        }, 50);
      },
    });
    const seen: IngestProgressRecord[] = [];
    const poll = setInterval(() => seen.push(...readIngestProgress(data)), 200);
    const summary = await ingest({ inputs: ['-'], dataDir: data, format: { name: 'syslog', options: {} }, workers: 2, chunkBytes: 16 << 10, stdin, progressFile: true });
    clearInterval(poll);
    expect(summary.totals.lines).toBe(2500);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((s) => s.pid === process.pid && s.inputs[0] === '-' && s.bytes_total === null)).toBe(true);
    const lines = seen.map((s) => s.lines);
    expect(lines.at(-1)).toBeGreaterThan(lines[0]);
    expect(new Set(seen.map((s) => s.updated_at)).size).toBeGreaterThan(1);
    expect(seen.at(-1)?.workers.map((w) => w.worker)).toEqual([0, 1]);
    expect(seen.at(-1)?.workers.reduce((n, w) => n + w.lines_done, 0)).toBeGreaterThan(0);
    expect(fs.existsSync(progressFilePath(data, process.pid))).toBe(false);
    expect(readIngestProgress(data)).toEqual([]);
  });
});
