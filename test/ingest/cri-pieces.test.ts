import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunkStream, ingest, planFileChunks } from '../../src/ingest/index.js';
import { PIECE_WINDOW_BYTES } from '../../src/parse/multiline.js';
import { query, runCliHere, tmpDir } from '../helpers.js';

/** A record the file should give: its first line, stream, whole message, time (µs) and whether it lacks its end. */
interface Expected {
  line: number;
  stream: string;
  message: string;
  us: number;
  partial: boolean;
}

/** A generated CRI log: the bytes, the records it holds, and the byte range of each line run that makes one record. */
interface CriLog {
  bytes: Buffer;
  lines: number;
  records: Expected[];
  runs: { start: number; end: number }[];
}

const WORDS = ['alpha', 'beta', 'café', 'naïve', '日本語', 'x=1', '{"k":"v"}', 'GET /api/v1/items', '200'];

/**
 * Writes a container's stdout and stderr as containerd does: long lines (one in five) split
 * into 2 to 5 pieces at random byte offsets (through multi-byte characters too), the two
 * streams interleaved line by line; in the middle, a P line whose stream then stays silent
 * for more than PIECE_WINDOW_BYTES, and its next piece after that.
 */
function makeCriLog(lines: number, seed: number, eol = '\n'): CriLog {
  let state = seed;
  const rand = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const parts: Buffer[] = [];
  let offset = 0;
  let lineNo = 0;
  let ms = Date.UTC(2026, 10, 25, 10);
  const records: Expected[] = [];
  const runs: { start: number; end: number }[] = [];
  const emit = (stream: string, tag: string, content: Buffer): { start: number; end: number; line: number; us: number } => {
    const head = Buffer.from(`${new Date(ms).toISOString().slice(0, -1)}123456Z ${stream} ${tag} `);
    const us = ms * 1000 + 123;
    ms += 1;
    const line = Buffer.concat([head, content, Buffer.from(eol)]);
    parts.push(line);
    const at = { start: offset, end: offset + line.length, line: ++lineNo, us };
    offset += line.length;
    return at;
  };
  // Per stream, the pieces still to write of its current line, and where its first one went.
  const pending = new Map<string, { pieces: Buffer[]; record: Expected; start: number }>();
  let id = 0;
  const step = (stream: string) => {
    let p = pending.get(stream);
    if (p === undefined) {
      const long = rand() < 0.2;
      const words = [`${stream} record ${++id}`];
      for (let n = long ? 30 + Math.floor(rand() * 120) : 1 + Math.floor(rand() * 8); n > 0; n--) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
      const message = Buffer.from(words.join(' '));
      const cuts = long ? Array.from({ length: 1 + Math.floor(rand() * 4) }, () => 1 + Math.floor(rand() * (message.length - 1))).sort((a, b) => a - b) : [];
      const pieces = [0, ...cuts].map((c, i) => message.subarray(c, i < cuts.length ? cuts[i] : message.length));
      p = { pieces, record: { line: 0, stream, message: message.toString('utf8'), us: 0, partial: false }, start: 0 };
      pending.set(stream, p);
    }
    const content = p.pieces.shift() as Buffer;
    const at = emit(stream, p.pieces.length > 0 ? 'P' : 'F', content);
    if (p.record.line === 0) {
      p.record.line = at.line;
      p.record.us = at.us;
      p.start = at.start;
      records.push(p.record);
    }
    if (p.pieces.length === 0) {
      if (at.start > p.start) runs.push({ start: p.start, end: at.end });
      pending.delete(stream);
    }
  };
  const flush = () => {
    while (pending.size > 0) step([...pending.keys()][0]);
  };
  while (lineNo < lines / 2) step(rand() < 0.7 ? 'stdout' : 'stderr');
  flush();
  // A piece whose stream falls silent: too far from its next piece to be joined to it.
  const orphan = emit('stdout', 'P', Buffer.from('orphan piece '));
  records.push({ line: orphan.line, stream: 'stdout', message: 'orphan piece ', us: orphan.us, partial: true });
  const gapStart = offset;
  while (offset - gapStart <= PIECE_WINDOW_BYTES) step('stderr');
  flush();
  while (lineNo < lines) step(rand() < 0.7 ? 'stdout' : 'stderr');
  flush();
  records.sort((a, b) => a.line - b.line);
  return { bytes: Buffer.concat(parts), lines: lineNo, records, runs };
}

/** Full CRI lines of a stream, about `bytes` long in all. */
function fill(stream: string, bytes: number): string[] {
  const out: string[] = [];
  for (let n = 0, size = 0; size < bytes; n++) {
    const line = `2026-11-25T10:00:00Z ${stream} F filler ${String(n).padStart(6, '0')} ${'f'.repeat(50)}`;
    out.push(line);
    size += line.length + 1;
  }
  return out;
}

/** The runs of pieces that a cut falls inside. */
function runsCut(log: CriLog, cuts: number[]): { start: number; end: number }[] {
  return log.runs.filter((r) => cuts.some((c) => c > r.start && c < r.end));
}

async function storedRecords(data: string): Promise<Expected[]> {
  const rows = await query(data, `SELECT line::INT AS line, attrs->>'stream' AS stream, message, epoch_us(ts)::DOUBLE AS us, coalesce((attrs->>'partial')::BOOLEAN, false) AS partial FROM logs ORDER BY line`);
  return rows as unknown as Expected[];
}

describe('CRI partial lines across chunks', () => {
  const log = makeCriLog(4000, 11);

  it('the generated log holds runs of pieces, interleaved streams and split multi-byte characters', () => {
    expect(log.runs.length).toBeGreaterThan(300);
    expect(log.records.length).toBeLessThan(log.lines - 500);
    const text = log.bytes.toString('utf8');
    expect(text).toContain('\ufffd'); // a character cut between two pieces
    expect(text).toMatch(/stdout P [^\n]*\n[^\n]* stderr [^\n]*\n[^\n]* stdout [FP] /);
  });

  it('planFileChunks never cuts a run of pieces, whatever the chunk size', () => {
    const file = path.join(tmpDir(), 'pod.log');
    fs.writeFileSync(file, log.bytes);
    for (const chunkBytes of [1024, 3000, 20_000, 100_000]) {
      const ranges = [...planFileChunks(file, 0, log.bytes.length, chunkBytes)];
      expect(ranges.length).toBeGreaterThan(log.bytes.length / chunkBytes / 4);
      expect(ranges[ranges.length - 1].end).toBe(log.bytes.length);
      expect(runsCut(log, ranges.map((r) => r.end))).toEqual([]);
    }
  });

  it('chunkStream never cuts a run of pieces, whatever the chunk and read sizes', async () => {
    for (const [chunkBytes, readBytes] of [
      [1024, 700],
      [3000, 4096],
      [200_000, 65_536],
    ]) {
      const reads: Buffer[] = [];
      for (let o = 0; o < log.bytes.length; o += readBytes) reads.push(log.bytes.subarray(o, o + readBytes));
      const cuts: number[] = [];
      let at = 0;
      for await (const chunk of chunkStream(Readable.from(reads), chunkBytes)) cuts.push((at += chunk.length));
      expect(at).toBe(log.bytes.length);
      expect(cuts.length).toBeGreaterThan(1);
      expect(runsCut(log, cuts)).toEqual([]);
    }
  });

  it('keep a P line open when it starts more than PIECE_WINDOW_BYTES before the cut and ends within it', async () => {
    // [stdout lines][one 2 KiB stdout P line][~63 KiB of stderr lines][the stdout F ending it][stdout lines]
    const head = fill('stdout', 10_000);
    const piece = `2026-11-25T10:00:01Z stdout P ${'p'.repeat(2000)}`;
    const between = fill('stderr', 63 * 1024);
    const text = [...head, piece, ...between, '2026-11-25T10:00:02Z stdout F end', ...fill('stdout', 20_000)].join('\n') + '\n';
    const runStart = Buffer.byteLength(head.join('\n') + '\n');
    const runEnd = Buffer.byteLength([...head, piece, ...between, '2026-11-25T10:00:02Z stdout F end'].join('\n') + '\n');
    expect(runEnd - runStart - piece.length - 1).toBeLessThan(PIECE_WINDOW_BYTES);
    const dir = tmpDir();
    const file = path.join(dir, 'pod.log');
    fs.writeFileSync(file, text);
    // The first cut is looked for where the window before it starts inside the P line.
    const chunkBytes = runStart + piece.length + 1 + PIECE_WINDOW_BYTES - 1000;
    expect(chunkBytes).toBeLessThan(runEnd);
    const ranges = [...planFileChunks(file, 0, text.length, chunkBytes)];
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.filter((r) => r.end > runStart && r.end < runEnd)).toEqual([]);
    const cuts: number[] = [];
    let at = 0;
    for await (const chunk of chunkStream(Readable.from([Buffer.from(text)]), chunkBytes)) cuts.push((at += chunk.length));
    expect(cuts.filter((c) => c > runStart && c < runEnd)).toEqual([]);
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'cri', options: {} }, chunkBytes, workers: 2 });
    const [joined] = await query(data, `SELECT line::INT AS line, message, attrs->>'partial' AS partial FROM logs WHERE message LIKE 'ppp%'`);
    expect(joined).toEqual({ line: head.length + 1, message: `${'p'.repeat(2000)}end`, partial: null });
  });

  it('chunkStream sees a run of pieces that began before the tail of the buffer it scans for a cut', async () => {
    // Three stdout P lines and their F, ~63 KB of stderr lines between each: 190 KB in all.
    const pieces = ['one ', 'two ', 'three '].map((c, i) => [`2026-11-25T10:00:0${i}Z stdout P ${c}`, ...fill('stderr', 63_000)]);
    const before = fill('stdout', 2000);
    const run = [...pieces.flat(), '2026-11-25T10:00:04Z stdout F four'];
    const text = [...before, ...run].join('\n') + '\n';
    const runStart = Buffer.byteLength(before.join('\n') + '\n');
    expect(text.length - runStart).toBeGreaterThan(2 * PIECE_WINDOW_BYTES + 50_000);
    const cuts: number[] = [];
    let at = 0;
    for await (const chunk of chunkStream(Readable.from([Buffer.from(text)]), 1024)) cuts.push((at += chunk.length));
    expect(cuts).toEqual([runStart, text.length]);
    const data = path.join(tmpDir(), 'data');
    await ingest({ inputs: ['-'], stdin: Readable.from([Buffer.from(text)]), dataDir: data, format: { name: 'cri', options: {} }, chunkBytes: 1024, workers: 2 });
    const rows = await query(data, `SELECT line::INT AS line, message FROM logs WHERE attrs->>'stream' = 'stdout' AND message NOT LIKE 'filler%'`);
    expect(rows).toEqual([{ line: before.length + 1, message: 'one two three four' }]);
  });

  it('stores each run of pieces as one record at its first line, from a file, a .gz and stdin in tiny chunks', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'pod.log');
    fs.writeFileSync(file, log.bytes);
    const crlf = makeCriLog(4000, 11, '\r\n');
    const gz = path.join(dir, 'pod-crlf.log.gz');
    fs.writeFileSync(gz, gzipSync(crlf.bytes));
    const totalsOf = (l: CriLog) => ({ lines: l.lines, parsed: l.lines, unparsed: 0, blank: 0, joined: l.lines - l.records.length });
    const totals = totalsOf(log);

    const fromFile = path.join(dir, 'file');
    const s1 = await ingest({ inputs: [file], dataDir: fromFile, format: { name: 'cri', options: {} }, chunkBytes: 1024, workers: 2 });
    expect(s1.totals).toMatchObject(totals);
    expect(await storedRecords(fromFile)).toEqual(log.records);

    const fromGz = path.join(dir, 'gz');
    const s2 = await ingest({ inputs: [gz], dataDir: fromGz, format: { name: 'cri', options: {} }, chunkBytes: 1024, workers: 2 });
    expect(s2.totals).toMatchObject(totalsOf(crlf));
    expect(await storedRecords(fromGz)).toEqual(crlf.records);

    const fromStdin = path.join(dir, 'stdin');
    const r = (await runCliHere(['ingest', '-', '--input-format', 'cri', '--chunk-size', '1K', '--workers', '2', '--json', '--data', fromStdin], { input: log.bytes }));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).totals).toMatchObject(totals);
    expect(await storedRecords(fromStdin)).toEqual(log.records);
  });
});
