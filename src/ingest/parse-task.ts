import fs from 'node:fs';
import path from 'node:path';
import { createSignatureMiner, type SignatureMiner } from '../detect/miner/index.js';
import { InputError } from '../errors.js';
// The parse modules one by one, not ../parse/index.js: each worker loads this graph at start,
// and the index would bring zod (the record schema) and detection along, ≈ 0.2 s of CPU per worker.
import { CountingWriter } from '../parse/count-writer.js';
import type { LineParser } from '../parse/format.js';
import { parseLines } from '../parse/parse-chunk.js';
import { createParser } from '../parse/registry.js';
import { RowWriter } from '../parse/row-writer.js';
import { SignatureTally } from '../parse/signature-tally.js';
import { createZone } from '../parse/timestamp.js';
import type { ChunkResult, ChunkTask } from './task.js';

const parsers = new Map<string, Promise<LineParser>>();
let readBuffer = Buffer.alloc(0);
/** Stage-1 template miners of this worker, by their masks: a miner keeps a cache of signatures. */
const miners = new Map<string, SignatureMiner>();

/** The tally of each miner, emptied by every chunk's `take`. */
const tallies = new WeakMap<SignatureMiner, SignatureTally>();

function getTally(miner: SignatureMiner): SignatureTally {
  let tally = tallies.get(miner);
  if (tally === undefined) tallies.set(miner, (tally = new SignatureTally(miner)));
  return tally;
}

function getMiner(masks: string[]): SignatureMiner {
  const key = JSON.stringify(masks);
  let miner = miners.get(key);
  if (miner === undefined) {
    if (miners.size > 16) miners.clear();
    miners.set(key, (miner = createSignatureMiner({ masks })));
  }
  return miner;
}

function getParser(task: ChunkTask): Promise<LineParser> {
  const key = JSON.stringify([task.format, task.timezone, task.referenceMicros]);
  let p = parsers.get(key);
  if (p === undefined) {
    if (parsers.size > 64) parsers.clear();
    p = createParser(task.format, { zone: createZone(task.format.options.timezone ?? task.timezone), referenceMicros: task.referenceMicros });
    parsers.set(key, p);
  }
  return p;
}

function readRange(file: string, start: number, end: number): Buffer {
  const len = end - start;
  if (readBuffer.length < len) readBuffer = Buffer.allocUnsafe(Math.max(len, readBuffer.length * 2));
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < len) {
      const n = fs.readSync(fd, readBuffer, done, len - done, start + done);
      if (n === 0) throw shrankError(file, fd, start + done);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return readBuffer;
}

/** The error for a file that ended at `at`, short of the size it had when its chunks were planned. */
function shrankError(file: string, fd: number, at: number): InputError {
  const size = fs.fstatSync(fd).size;
  return new InputError(file, `shrank while being read (it is now ${size} bytes; the ingest was reading at byte ${at}); was it truncated or rotated with copytruncate? Nothing after the last committed batch was stored; run the ingest again`);
}

/** Writes a file from its parts, in order. */
function writeParts(file: string, parts: Uint8Array[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.length; ) done += fs.writeSync(fd, part, done, part.length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs one chunk task: reads its bytes, parses every line, writes the staging files.
 * This is the body of a worker thread, and plain function for tests.
 */
export async function runChunkTask(task: ChunkTask): Promise<ChunkResult> {
  const parser = await getParser(task);
  let buf: Buffer;
  let len: number;
  if (task.input.kind === 'file') {
    len = task.input.end - task.input.start;
    buf = readRange(task.input.path, task.input.start, task.input.end);
  } else {
    buf = Buffer.from(task.input.data.buffer, task.input.data.byteOffset, task.input.data.byteLength);
    len = buf.length;
  }
  if (task.count !== undefined) {
    const counter = new CountingWriter(task.count.bucketUs, task.count.by);
    const counts = parseLines(buf, 0, len, parser, counter);
    return { seq: task.seq, counts, bytes: len, dayFiles: [], unparsedRows: counts.unparsed, table: counter.table() };
  }
  const miner = task.mining !== undefined ? getMiner(task.mining.masks) : undefined;
  const tally = miner !== undefined ? getTally(miner) : null;
  // What a chunk that failed part way left in the tally is no part of this one.
  tally?.take();
  const out = new RowWriter(Math.min(Math.max(len, 4096), 16 << 20), tally);
  const counts = parseLines(buf, 0, len, parser, out);
  let signatures: ChunkResult['signatures'];
  if (miner !== undefined && tally !== null) {
    // The tally first: its refs are the miner's until the drain.
    const taken = tally.take();
    const texts = new Map(miner.drain().map((e) => [e.id, e]));
    signatures = taken.map((t) => {
      const e = texts.get(t.id);
      return { ...t, text: e?.text ?? '', tokens: e?.tokens ?? 0 };
    });
  }
  const done = out.finish();
  const dayFiles = done.days.map((d) => {
    const file = path.join(task.stagingDir, `c${task.seq}-${d.day}.parquet`);
    writeParts(file, d.data);
    return { day: d.day, path: file, rows: d.rows, minUs: d.minUs, maxUs: d.maxUs };
  });
  let unparsedFile: string | undefined;
  if (done.unparsedRows > 0) {
    unparsedFile = path.join(task.stagingDir, `c${task.seq}-unparsed.csv`);
    fs.writeFileSync(unparsedFile, done.unparsed);
  }
  out.release();
  return { seq: task.seq, counts, bytes: len, dayFiles, unparsedFile, unparsedRows: done.unparsedRows, signatures };
}
