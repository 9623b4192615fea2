import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunkStream, createWorkerPool, ingest, planFileChunks, type ChunkTask } from '../../src/ingest/index.js';
import { query, tmpDir } from '../helpers.js';

function writeVaried(file: string, n: number): void {
  let s = '';
  for (let i = 1; i <= n; i++) {
    const pad = 'x'.repeat((i * 7919) % 300); // lines of uneven length, so boundaries fall everywhere
    s += i % 50 === 0 ? `garbage line ${i}\n` : i % 77 === 0 ? '\n' : `2026-11-2${i % 3}T10:00:00Z h${i % 5} app[1]: INFO n=${i} ${pad}\n`;
  }
  fs.writeFileSync(file, s);
}

describe('chunks', () => {
  it('cut a file into contiguous ranges that each end just after a newline', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a.log');
    writeVaried(file, 5000);
    const buf = fs.readFileSync(file);
    const ranges = [...planFileChunks(file, 0, buf.length, 4096)];
    expect(ranges.length).toBeGreaterThan(50);
    expect(ranges[0].start).toBe(0);
    expect(ranges[ranges.length - 1].end).toBe(buf.length);
    for (let i = 0; i < ranges.length; i++) {
      expect(buf[ranges[i].end - 1]).toBe(10);
      if (i > 0) expect(ranges[i].start).toBe(ranges[i - 1].end);
    }
  });

  it('streamed (stdin, .gz) never start before a line that continues a record', async () => {
    let s = '';
    for (let i = 1; i <= 2000; i++) {
      s += `2026-11-25T10:00:00Z web-1 api[7]: ERROR failure ${i}\n`;
      for (let k = 0; k < i % 7; k++) s += `\tat com.example.C${k}.m(C${k}.java:${i})\n`;
    }
    const bytes = Buffer.from(s);
    for (const chunkBytes of [1024, 50_000, 300_000]) {
      const reads: Buffer[] = [];
      for (let o = 0; o < bytes.length; o += 4096) reads.push(bytes.subarray(o, o + 4096));
      const chunks: Buffer[] = [];
      for await (const c of chunkStream(Readable.from(reads), chunkBytes)) chunks.push(Buffer.from(c));
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(chunks.length).toBeGreaterThan(bytes.length / chunkBytes / 4);
      expect(chunks.filter((c) => !c.toString('latin1').startsWith('2026-'))).toEqual([]);
    }
  });

  it('are plain data that survive structured cloning (schedulable elsewhere)', () => {
    const task: ChunkTask = { seq: 3, input: { kind: 'file', path: '/var/log/x.log', start: 0, end: 100 }, format: { name: 'regex', options: { pattern: '(?<ts>\\S+)' } }, timezone: 'UTC', referenceMicros: 1, stagingDir: '/tmp/s' };
    expect(structuredClone(task)).toEqual(task);
    expect(JSON.parse(JSON.stringify(task))).toEqual(task);
  });

  it('give the same stored rows whatever the number of workers and the chunk size', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a.log');
    writeVaried(file, 20_000);
    const digest = async (workers: number, chunkBytes: number) => {
      const data = path.join(dir, `data-${workers}-${chunkBytes}`);
      const s = await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, workers, chunkBytes, batchBytes: 256 * 1024 });
      const [logs] = await query(data, `SELECT count(*)::INT AS n, sum(hash(ts, host, message, line))::VARCHAR AS h FROM logs`);
      const [unparsed] = await query(data, `SELECT count(*)::INT AS n, sum(hash(raw, line))::VARCHAR AS h FROM unparsed`);
      return { counts: s.totals, logs, unparsed };
    };
    const one = await digest(1, 8 << 20);
    expect(one.counts).toMatchObject({ lines: 20_000, unparsed: 400, blank: 254 }); // every 50th is garbage; every 77th (not 50th) blank
    expect(one.counts.parsed).toBe(20_000 - 400 - 254);
    expect(await digest(3, 12_000)).toEqual(one);
  });
});

describe('worker pool', () => {
  it('parses tasks in worker threads and reports a failing task as an error', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, '2026-11-25T10:00:00Z h app[1]: INFO hi\n');
    const pool = createWorkerPool(2);
    try {
      const base = { format: { name: 'syslog', options: {} }, timezone: 'UTC', referenceMicros: 0, stagingDir: dir };
      const ok = await pool.run({ ...base, seq: 1, input: { kind: 'file', path: file, start: 0, end: fs.statSync(file).size } });
      expect(ok.counts).toEqual({ lines: 1, parsed: 1, unparsed: 0, blank: 0, joined: 0 });
      await expect(pool.run({ ...base, seq: 2, input: { kind: 'file', path: path.join(dir, 'gone.log'), start: 0, end: 10 } })).rejects.toThrow(/gone\.log/);
      const bytes = new TextEncoder().encode('2026-11-25T10:00:00Z h app[1]: INFO a\nnope\n');
      const fromBytes = await pool.run({ ...base, seq: 3, input: { kind: 'bytes', data: bytes } });
      expect(fromBytes.counts).toEqual({ lines: 2, parsed: 1, unparsed: 1, blank: 0, joined: 0 });
    } finally {
      await pool.close();
    }
  }, 20_000);
});
