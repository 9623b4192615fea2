import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { CONTINUATION_PROBE_BYTES, hasLeadingTimestamp, isContinuation, MAX_LINE_BYTES, mayHoldPieces, PIECE_WINDOW_BYTES, readLinePiece, type ContinuationTest, type LinePiece } from '../parse/index.js';

const WINDOW = 64 * 1024;
/** How far past a possible cut the chunkers look for a line that starts with a timestamp. */
const TIMESTAMP_LOOK_LINES = 200;
const TIMESTAMP_LOOK_BYTES = 64 * 1024;

/**
 * The runs of pieces open at a position of the input (CRI `P` lines waiting for the rest of
 * their line, see readLinePiece), from the lines seen before it: a cut there would split
 * the run when its last piece ends fewer than PIECE_WINDOW_BYTES before the cut (farther,
 * the parser does not join it either).
 */
class OpenPieces {
  /** Per key, the end (past the newline) of its last line, when that line is continued. */
  private readonly ends = new Map<number, number>();
  private readonly piece: LinePiece = { key: 0, contentStart: 0, continued: false };

  /** Takes in the line buf[start, end) (CR dropped) whose newline ends at `after` in the input. */
  see(buf: Uint8Array, start: number, end: number, after: number): void {
    if (!readLinePiece(buf, start, end, this.piece)) return;
    if (this.piece.continued) this.ends.set(this.piece.key, after);
    else this.ends.delete(this.piece.key);
  }

  /** Whether a cut at `pos`, just after the lines seen, would split a run. */
  blocks(pos: number): boolean {
    for (const after of this.ends.values()) if (pos - after < PIECE_WINDOW_BYTES) return true;
    return false;
  }
}

/** End of the line buf[start, nl) without its CR, as the parser sees it. */
function dropCr(buf: Uint8Array, start: number, nl: number): number {
  return nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
}

/**
 * Cuts a file's bytes [start, size) into ranges of about `chunkBytes`, each ending
 * just after a newline (or at the end of the file), so every range holds whole lines.
 * Reads only small windows at each boundary. `continues` tells the lines that continue a record
 * (default `isContinuation`; a format's own are added by `continuationOf`).
 */
export function* planFileChunks(file: string, start: number, size: number, chunkBytes: number, continues: ContinuationTest = isContinuation): Generator<{ start: number; end: number }> {
  const fd = fs.openSync(file, 'r');
  const window = Buffer.allocUnsafe(WINDOW);
  const head = Buffer.allocUnsafe(CONTINUATION_PROBE_BYTES);
  const region = Buffer.allocUnsafe(PIECE_WINDOW_BYTES);
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
  /** Reads the head of the line starting at `pos` into `head`; returns where the line ends in it. */
  const readHead = (pos: number): number => {
    const n = fs.readSync(fd, head, 0, Math.min(CONTINUATION_PROBE_BYTES, size - pos), pos);
    const nl = head.subarray(0, n).indexOf(10);
    return dropCr(head, 0, nl < 0 ? n : nl);
  };
  /** Start of the line that holds byte `pos`, not before `floor` (a line start). */
  const lineStart = (pos: number, floor: number): number => {
    let hi = pos;
    // Lines are mostly short: a small read first, larger ones after.
    for (let step = 1024; hi > floor; step = Math.min(2 * step, WINDOW)) {
      const lo = Math.max(floor, hi - step);
      const n = fs.readSync(fd, window, 0, hi - lo, lo);
      const i = window.subarray(0, n).lastIndexOf(10);
      if (i >= 0) return lo + i + 1;
      hi = lo;
    }
    return floor;
  };
  /**
   * The runs of pieces open at `pos`, just after a newline: from the lines of [floor, pos)
   * that end within PIECE_WINDOW_BYTES of it (none is open at `floor`, a chunk's start).
   */
  const openPiecesAt = (floor: number, pos: number): OpenPieces => {
    const open = new OpenPieces();
    const from = Math.max(floor, pos - PIECE_WINDOW_BYTES);
    const n = fs.readSync(fd, region, 0, pos - from, from);
    let ls = 0;
    if (from > floor) {
      // The first line there may have started earlier: its head is read where it starts.
      const nl = region.indexOf(10);
      open.see(head, 0, readHead(lineStart(from, floor)), from + nl + 1);
      ls = nl + 1;
    }
    if (!mayHoldPieces(region, ls, n)) return open;
    while (ls < n) {
      const nl = region.indexOf(10, ls);
      open.see(region, ls, dropCr(region, ls, nl), from + nl + 1);
      ls = nl + 1;
    }
    return open;
  };
  try {
    let s = start;
    while (s < size) {
      if (s + chunkBytes >= size) {
        yield { start: s, end: size };
        return;
      }
      // End just after a newline, not before a line that continues a record (a stack
      // frame) and not inside a run of pieces (CRI `P` lines and the line that ends them):
      // a multi-line record is never split between chunks.
      let e = afterNewline(s + chunkBytes - 1);
      if (e < size) {
        const open = openPiecesAt(s, e);
        let le = readHead(e);
        for (; continues(head, 0, le) || open.blocks(e); le = readHead(e)) {
          const next = afterNewline(e);
          open.see(head, 0, le, next);
          e = next;
          if (e >= size) break;
        }
        // Better still before a line that starts with a timestamp: the generic format joins the
        // lines that do not to the record before them. Looked for a little way only.
        if (e < size && !hasLeadingTimestamp(head, 0, le)) {
          let f = e;
          const far = Math.min(size, e + TIMESTAMP_LOOK_BYTES);
          for (let k = 0; k < TIMESTAMP_LOOK_LINES && f < far; k++) {
            const fl = readHead(f);
            if (!continues(head, 0, fl) && !open.blocks(f) && hasLeadingTimestamp(head, 0, fl)) {
              e = f;
              break;
            }
            const next = afterNewline(f);
            open.see(head, 0, fl, next);
            f = next;
          }
        }
      }
      yield { start: s, end: e };
      s = e;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Cuts a byte stream (decompressed .gz, stdin) into standalone buffers of whole lines,
 * about `chunkBytes` each; skips the first `skip` bytes (already ingested). Like
 * planFileChunks, never cuts inside a multi-line record or a run of pieces, unless it is
 * longer than MAX_LINE_BYTES (then the parser would not join it whole anyway).
 * When the stream fails (a truncated .gz), the whole lines read before the failure are
 * yielded, then the error is thrown: only the partial last line is lost.
 * Memory: one chunk being filled plus the remainder of a line or record.
 */
export async function* chunkStream(stream: Readable, chunkBytes: number, skip = 0, continues: ContinuationTest = isContinuation): AsyncGenerator<Uint8Array> {
  let parts: Buffer[] = [];
  let size = 0;
  // Past this size, a buffer that is one record is cut at its last newline.
  const longest = chunkBytes + MAX_LINE_BYTES;
  let nextLook = chunkBytes;
  let toSkip = skip;
  const failure: { error?: unknown } = {};
  for await (const piece of untilError(stream, failure)) {
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
    if (size >= nextLook) {
      const all = Buffer.concat(parts, size);
      const cut = findCut(all, size >= longest, continues);
      if (cut < 0) {
        // A line or record longer than the chunk: keep reading, and look again once the
        // buffer has doubled (or reached `longest`), not at every read.
        parts = [all];
        nextLook = Math.max(Math.min(2 * size, longest), size + 1);
        continue;
      }
      nextLook = chunkBytes;
      const out = new Uint8Array(cut + 1);
      out.set(all.subarray(0, cut + 1));
      const rest = all.subarray(cut + 1);
      parts = rest.length > 0 ? [Buffer.from(rest)] : [];
      size = rest.length;
      yield out;
    }
  }
  if (failure.error !== undefined) {
    const all = Buffer.concat(parts, size);
    const last = all.lastIndexOf(10);
    if (last >= 0) yield new Uint8Array(all.subarray(0, last + 1));
    throw failure.error;
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

/** The stream's pieces until it ends or fails; a failure is put in `failure`, not thrown. */
async function* untilError(stream: Readable, failure: { error?: unknown }): AsyncGenerator<Buffer> {
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) yield piece;
  } catch (err) {
    failure.error = err;
  }
}

/**
 * Where to cut a buffer of lines (it starts where a chunk may start): after the last newline
 * that is followed by a whole line that does not continue a record, and not inside a run of
 * pieces, so that multi-line records stay in one chunk. When the buffer is one long record:
 * its last newline if `force`, else -1; -1 when it holds no newline.
 */
export function findCut(all: Buffer, force: boolean, continues: ContinuationTest): number {
  const last = all.lastIndexOf(10);
  if (last < 0) return -1;
  // Only the tail is scanned, unless no cut is found there; without pieces in it, from the end.
  const from = last > 2 * PIECE_WINDOW_BYTES ? all.indexOf(10, last - 2 * PIECE_WINDOW_BYTES) + 1 : 0;
  let cut = mayHoldPieces(all, from, last) ? lastCut(all, from, last, continues) : lastCutBefore(all, from === 0 ? 0 : from + PIECE_WINDOW_BYTES, last, continues);
  if (cut < 0 && from > 0) cut = lastCut(all, 0, last, continues);
  return cut >= 0 || !force ? cut : last;
}

/**
 * The last newline before all[last] (a newline) that ends at least `min` bytes of the buffer
 * and is followed by a line that does not continue a record; -1 when there is none. For a
 * stretch where no run of pieces is open.
 */
function lastCutBefore(all: Buffer, min: number, last: number, continues: ContinuationTest): number {
  let lineEnd = last;
  let fallback = -1;
  let k = 0;
  for (let nl = last > 0 ? all.lastIndexOf(10, last - 1) : -1; nl >= 0 && nl + 1 >= min; nl = nl > 0 ? all.lastIndexOf(10, nl - 1) : -1) {
    const le = dropCr(all, nl + 1, lineEnd);
    if (!continues(all, nl + 1, le)) {
      // Before a line that starts with a timestamp if one is near (see planFileChunks).
      if (hasLeadingTimestamp(all as Buffer, nl + 1, le)) return nl;
      if (fallback < 0) fallback = nl;
    }
    if (fallback >= 0 && (++k >= TIMESTAMP_LOOK_LINES || last - nl >= TIMESTAMP_LOOK_BYTES)) return fallback;
    lineEnd = nl;
  }
  return fallback;
}

/**
 * The last newline before all[last] (a newline) that findCut may cut after, scanning the lines
 * from all[from] (a line start): runs of pieces open at a cut are known from there on only
 * PIECE_WINDOW_BYTES after `from`, or from the buffer's start. -1 when there is none.
 */
function lastCut(all: Buffer, from: number, last: number, continues: ContinuationTest): number {
  const open = new OpenPieces();
  let cut = -1;
  for (let ls = from; ls <= last; ) {
    const nl = all.indexOf(10, ls);
    const le = dropCr(all, ls, nl);
    if (ls > 0 && (from === 0 || ls - from >= PIECE_WINDOW_BYTES) && !open.blocks(ls) && !continues(all, ls, le)) cut = ls - 1;
    open.see(all, ls, le, nl + 1);
    ls = nl + 1;
  }
  return cut;
}
