import { isUtf8 } from 'node:buffer';
import type { LineParser } from './format.js';
import type { RowWriter } from './row-writer.js';

/**
 * Longest line stored whole. A longer one is kept in `unparsed`, cut to this length, with
 * its real length in the reason: past a point a "line" is a binary blob or a runaway
 * write, and the staging text must fit DuckDB's `max_line_size` (STAGING_MAX_LINE_BYTES).
 */
export const MAX_LINE_BYTES = 8 << 20;

/** Line accounting of one parsed piece of input: lines = parsed + unparsed + blank. */
export interface ParseCounts {
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
}

/**
 * Parses the whole lines in buf[start, end) (the last one may lack its newline).
 * Line numbers written are relative to the piece, starting at 1; the store adds
 * the piece's base. A trailing CR is dropped; blank lines are counted, not stored.
 */
export function parseLines(buf: Buffer, start: number, end: number, parser: LineParser, out: RowWriter): ParseCounts {
  const counts: ParseCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0 };
  out.setInputClean(isCleanInput(buf, start, end));
  let pos = start;
  while (pos < end) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0 || nl >= end) nl = end;
    let le = nl;
    if (le > pos && buf[le - 1] === 13) le--;
    counts.lines++;
    if (isBlank(buf, pos, le)) {
      counts.blank++;
    } else if (le - pos > MAX_LINE_BYTES) {
      out.unparsed(counts.lines, buf, pos, pos + MAX_LINE_BYTES, `line of ${le - pos} bytes, over the ${MAX_LINE_BYTES >> 20} MiB limit: kept truncated`);
      counts.unparsed++;
    } else {
      const reason = parser.parseLine(buf, pos, le, out);
      if (reason === null) {
        out.endRecord(counts.lines);
        counts.parsed++;
      } else {
        out.unparsed(counts.lines, buf, pos, le, reason);
        counts.unparsed++;
      }
    }
    pos = nl + 1;
  }
  return counts;
}

function isBlank(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Valid UTF-8 with none of the bytes the staging text must escape: checked natively, once per piece. */
function isCleanInput(buf: Buffer, start: number, end: number): boolean {
  const piece = buf.subarray(start, end);
  return piece.indexOf(0x1f) < 0 && piece.indexOf(0x1e) < 0 && piece.indexOf(0x0d) < 0 && piece.indexOf(0) < 0 && isUtf8(piece);
}
