import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { CONTINUATION_PROBE_BYTES, isContinuation } from '../parse/index.js';

const WINDOW = 64 * 1024;

/**
 * Cuts a file's bytes [start, size) into ranges of about `chunkBytes`, each ending
 * just after a newline (or at the end of the file), so every range holds whole lines.
 * Reads only a small window at each boundary.
 */
export function* planFileChunks(file: string, start: number, size: number, chunkBytes: number): Generator<{ start: number; end: number }> {
  const fd = fs.openSync(file, 'r');
  const window = Buffer.allocUnsafe(WINDOW);
  /** Position just after the next newline at or after `from`, or the end of the file. */
  const afterNewline = (from: number): number => {
    let pos = from;
    while (pos < size) {
      const n = fs.readSync(fd, window, 0, Math.min(WINDOW, size - pos), pos);
      if (n <= 0) break;
      const i = window.subarray(0, n).indexOf(10);
      if (i >= 0) return pos + i + 1;
      pos += n;
    }
    return size;
  };
  /** Whether the line starting at `pos` continues the record before it. */
  const continues = (pos: number): boolean => {
    const n = fs.readSync(fd, window, 0, Math.min(CONTINUATION_PROBE_BYTES, size - pos), pos);
    let e = window.subarray(0, n).indexOf(10);
    if (e < 0) e = n;
    if (e > 0 && window[e - 1] === 13) e--;
    return isContinuation(window, 0, e);
  };
  try {
    let s = start;
    while (s < size) {
      if (s + chunkBytes >= size) {
        yield { start: s, end: size };
        return;
      }
      // End just after a newline, and not before a line that continues a record
      // (a stack frame): a multi-line record is never split between chunks.
      let e = afterNewline(s + chunkBytes - 1);
      while (e < size && continues(e)) e = afterNewline(e);
      yield { start: s, end: e };
      s = e;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Cuts a byte stream (decompressed .gz, stdin) into standalone buffers of whole lines,
 * about `chunkBytes` each; skips the first `skip` bytes (already ingested).
 * Memory: one chunk being filled plus the remainder of a line.
 */
export async function* chunkStream(stream: Readable, chunkBytes: number, skip = 0): AsyncGenerator<Uint8Array> {
  let parts: Buffer[] = [];
  let size = 0;
  let toSkip = skip;
  for await (const piece of stream as AsyncIterable<Buffer>) {
    let b = piece;
    if (toSkip > 0) {
      if (b.length <= toSkip) {
        toSkip -= b.length;
        continue;
      }
      b = b.subarray(toSkip);
      toSkip = 0;
    }
    parts.push(b);
    size += b.length;
    if (size >= chunkBytes) {
      const all = Buffer.concat(parts, size);
      const cut = findCut(all);
      if (cut < 0) {
        parts = [all];
        continue; // a line (or record) longer than the chunk: keep reading
      }
      const out = new Uint8Array(cut + 1);
      out.set(all.subarray(0, cut + 1));
      const rest = all.subarray(cut + 1);
      parts = rest.length > 0 ? [Buffer.from(rest)] : [];
      size = rest.length;
      yield out;
    }
  }
  if (size > 0) {
    const out = new Uint8Array(size);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    yield out;
  }
}

/**
 * Where to cut a buffer of lines: after the last newline that is followed by a whole line
 * that does not continue a record, so that multi-line records stay in one chunk. Falls back
 * to the last newline when the buffer is one long record; -1 when it holds no newline.
 */
function findCut(all: Buffer): number {
  const last = all.lastIndexOf(10);
  if (last < 0) return -1;
  let lineEnd = last;
  for (let nl = last > 0 ? all.lastIndexOf(10, last - 1) : -1; nl >= 0; nl = nl > 0 ? all.lastIndexOf(10, nl - 1) : -1) {
    let e = lineEnd;
    if (e > nl + 1 && all[e - 1] === 13) e--;
    if (!isContinuation(all, nl + 1, e)) return nl;
    lineEnd = nl;
  }
  return last;
}
