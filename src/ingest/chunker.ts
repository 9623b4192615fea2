import fs from 'node:fs';
import type { Readable } from 'node:stream';

const WINDOW = 64 * 1024;

/**
 * Cuts a file's bytes [start, size) into ranges of about `chunkBytes`, each ending
 * just after a newline (or at the end of the file), so every range holds whole lines.
 * Reads only a small window at each boundary.
 */
export function* planFileChunks(file: string, start: number, size: number, chunkBytes: number): Generator<{ start: number; end: number }> {
  const fd = fs.openSync(file, 'r');
  const window = Buffer.allocUnsafe(WINDOW);
  try {
    let s = start;
    while (s < size) {
      let e = s + chunkBytes;
      if (e >= size) {
        yield { start: s, end: size };
        return;
      }
      // Move e forward to just after the next newline at or after e-1.
      let pos = e - 1;
      let found = -1;
      while (found < 0 && pos < size) {
        const n = fs.readSync(fd, window, 0, Math.min(WINDOW, size - pos), pos);
        if (n <= 0) break;
        const i = window.subarray(0, n).indexOf(10);
        if (i >= 0) found = pos + i;
        else pos += n;
      }
      e = found < 0 ? size : found + 1;
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
      const cut = all.lastIndexOf(10);
      if (cut < 0) continue; // a line longer than the chunk: keep reading
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
