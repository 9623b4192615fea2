import { isUtf8 } from 'node:buffer';
import type { LineParser } from './format.js';
import { isContinuation } from './multiline.js';
import type { RowWriter } from './row-writer.js';

/**
 * Longest line stored whole. A longer one is kept in `unparsed`, cut to this length, with
 * its real length in the reason: past a point a "line" is a binary blob or a runaway
 * write, and the staging text must fit DuckDB's `max_line_size` (STAGING_MAX_LINE_BYTES).
 */
export const MAX_LINE_BYTES = 8 << 20;

/**
 * Line accounting of one parsed piece of input: lines = parsed + unparsed + blank.
 * `parsed` counts the lines stored in records, continuation lines included; `joined`
 * says how many of those were continuation lines, so records = parsed - joined.
 */
export interface ParseCounts {
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
  joined: number;
}

/**
 * Parses the whole lines in buf[start, end) (the last one may lack its newline).
 * Line numbers written are relative to the piece, starting at 1; the store adds
 * the piece's base. A trailing CR is dropped; blank lines are counted, not stored.
 * Lines that continue a record (see `isContinuation`: stack frames, tracebacks) are
 * joined to its message with LF and counted as parsed; the record keeps the first
 * line's number. After a line that did not parse, they are unparsed lines of their own.
 */
export function parseLines(buf: Buffer, start: number, end: number, parser: LineParser, out: RowWriter): ParseCounts {
  const counts: ParseCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0 };
  const clean = isCleanInput(buf, start, end);
  out.setInputClean(clean);
  let pos = start;
  // The newline after `pos` when the look-ahead below already found it.
  let knownNl = -1;
  while (pos < end) {
    let nl = knownNl >= 0 ? knownNl : buf.indexOf(10, pos);
    knownNl = -1;
    if (nl < 0 || nl >= end) nl = end;
    let le = nl;
    if (le > pos && buf[le - 1] === 13) le--;
    counts.lines++;
    const lineNo = counts.lines;
    if (isBlank(buf, pos, le)) {
      counts.blank++;
      pos = nl + 1;
      continue;
    }
    if (le - pos > MAX_LINE_BYTES) {
      out.unparsed(lineNo, buf, pos, pos + MAX_LINE_BYTES, `line of ${le - pos} bytes, over the ${MAX_LINE_BYTES >> 20} MiB limit: kept truncated`);
      counts.unparsed++;
      pos = nl + 1;
      continue;
    }
    // The lines after it that continue it (a stack trace) belong to this record.
    let next = nl + 1;
    let joined = 0;
    let joinedEnd = next;
    let size = le - pos;
    while (next < end) {
      let cnl = buf.indexOf(10, next);
      if (cnl < 0 || cnl >= end) cnl = end;
      let ce = cnl;
      if (ce > next && buf[ce - 1] === 13) ce--;
      size += ce - next + 1;
      if (size > MAX_LINE_BYTES || !isContinuation(buf, next, ce)) {
        if (joined === 0) knownNl = cnl;
        break;
      }
      joined++;
      joinedEnd = ce;
      next = cnl + 1;
    }
    if (joined > 0) {
      const text = buf.toString('utf8', nl + 1, joinedEnd);
      out.setContinuation(clean ? text : text.replace(/\r\n/g, '\n'));
    }
    const reason = parser.parseLine(buf, pos, le, out);
    if (reason === null) {
      out.endRecord(lineNo);
      counts.parsed += 1 + joined;
      counts.joined += joined;
      counts.lines += joined;
      pos = joined > 0 ? next : nl + 1;
    } else {
      out.clearContinuation();
      out.unparsed(lineNo, buf, pos, le, reason);
      counts.unparsed++;
      pos = nl + 1;
    }
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
