import { isUtf8 } from 'node:buffer';
import { HEADER_LINE, type LinePiece, type LineParser } from './format.js';
import { isContinuation, PIECE_WINDOW_BYTES } from './multiline.js';
import type { RowWriter } from './row-writer.js';

/**
 * Longest line stored whole. A longer one is kept in `unparsed`, cut to this length, with
 * its real length in the reason: past a point a "line" is a binary blob or a runaway
 * write, and the staging text must fit DuckDB's `max_line_size` (STAGING_MAX_LINE_BYTES).
 */
export const MAX_LINE_BYTES = 8 << 20;

/**
 * Line accounting of one parsed piece of input: lines = parsed + unparsed + blank, where
 * `blank` also counts a format's header lines (HEADER_LINE): neither holds a record.
 * `parsed` counts the lines stored in records, joined lines included; `joined` says how
 * many of those were joined to a record begun on an earlier line (continuation lines, the
 * later pieces of a split line), so records = parsed - joined.
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
 * A format with `startsRecord` (generic) also has every non-blank line that starts no record
 * joined so, and the blank lines between such lines (see `continuesUntimed`). For a format that splits lines into pieces (`LineParser.piece`: CRI `P` lines), the pieces
 * of one line are joined likewise, with no separator (see `joinPieces`).
 */
export function parseLines(buf: Buffer, start: number, end: number, parser: LineParser, out: RowWriter, reuseRuns = true): ParseCounts {
  const counts: ParseCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0 };
  const clean = isCleanInput(buf, start, end);
  out.setInputClean(clean);
  parser.beginChunk?.();
  // For a format with pieces: the starts of those already joined to a record before them,
  // counted when reached, not parsed again.
  const taken = parser.piece !== undefined ? new Set<number>() : null;
  const continues = parser.continues;
  let pos = start;
  // The newline after `pos` when the look-ahead below already found it.
  let knownNl = -1;
  const startsRecord = parser.startsRecord?.bind(parser);
  // The run of continuation lines found after a line that did not parse: its lines are then
  // tried as records of their own, and the run of each is the rest of that run, up to the same
  // line. Remembered so that a long run (a dump of lines no record continues, after an unparsed
  // line) is looked through once, not once per line: that was quadratic. Only where a line's
  // continuing the run depends on nothing but that line and those after it: not for a format
  // whose `continues` reads the record's first line (see `continuesByLine`), nor for a run cut
  // by the size limit.
  // runFrom: the run's first line (-1: none); runJoined: its lines; runJoinedEnd: the end of its
  // last; runStop: the line that ended it (or end), and that line's newline (-1: none).
  const runs = reuseRuns && (continues === undefined || parser.continuesByLine === true) && taken === null;
  const refuses = parser.refuses?.bind(parser);
  let runFrom = -1;
  let runJoined = 0;
  let runJoinedEnd = 0;
  let runStop = 0;
  let runStopNl = -1;
  while (pos < end) {
    let nl = knownNl >= 0 ? knownNl : buf.indexOf(10, pos);
    knownNl = -1;
    if (nl < 0 || nl >= end) nl = end;
    let le = nl;
    if (le > pos && buf[le - 1] === 13) le--;
    counts.lines++;
    const lineNo = counts.lines;
    if (taken !== null && taken.size > 0 && taken.delete(pos)) {
      pos = nl + 1;
      continue;
    }
    if (isBlank(buf, pos, le)) {
      counts.blank++;
      if (pos === runFrom) {
        // A blank line of the run: the run goes on from the line after it.
        runFrom = --runJoined > 0 ? nl + 1 : -1;
      }
      pos = nl + 1;
      continue;
    }
    if (le - pos > MAX_LINE_BYTES) {
      out.unparsed(lineNo, buf, pos, pos + MAX_LINE_BYTES, `line of ${le - pos} bytes, over the ${MAX_LINE_BYTES >> 20} MiB limit: kept truncated`);
      counts.unparsed++;
      pos = nl + 1;
      continue;
    }
    if (taken !== null && (parser.piece as PieceReader)(buf, pos, le, first) && first.continued) {
      const joined = joinPieces(buf, pos, le, nl, end, parser, out, lineNo, taken);
      if (joined > 0) {
        counts.parsed += 1 + joined;
        counts.joined += joined;
        pos = nl + 1;
        continue;
      }
    }
    // A line that begins no record whatever follows it is refused before its run is looked through.
    const refused = refuses === undefined ? null : refuses(buf, pos, le);
    if (refused !== null) {
      out.unparsed(lineNo, buf, pos, le, refused);
      counts.unparsed++;
      pos = nl + 1;
      continue;
    }
    // The lines after it that continue it (a stack trace) belong to this record.
    let next = nl + 1;
    let joined = 0;
    let joinedEnd = next;
    let size = le - pos;
    let capped = false;
    let stopNl = -1;
    if (pos === runFrom && runJoined > 0) {
      // The line after an unparsed one, in its run: this line's run is the rest of it.
      joined = runJoined - 1;
      if (joined > 0) {
        joinedEnd = runJoinedEnd;
        next = runStop;
      } else {
        knownNl = runStopNl;
      }
      stopNl = runStopNl;
    } else {
      while (next < end) {
        let cnl = buf.indexOf(10, next);
        if (cnl < 0 || cnl >= end) cnl = end;
        let ce = cnl;
        if (ce > next && buf[ce - 1] === 13) ce--;
        size += ce - next + 1;
        if (size > MAX_LINE_BYTES || !(isContinuation(buf, next, ce) || (continues !== undefined && continues.call(parser, buf, pos, next, ce)) || (startsRecord !== undefined && continuesUntimed(buf, next, ce, cnl, end, startsRecord)))) {
          if (joined === 0) knownNl = cnl;
          capped = size > MAX_LINE_BYTES;
          stopNl = cnl;
          break;
        }
        joined++;
        joinedEnd = ce;
        next = cnl + 1;
      }
    }
    runFrom = -1;
    if (joined > 0) out.setContinuationBytes(buf, nl + 1, joinedEnd, !clean);
    const reason = parser.parseLine(buf, pos, le, out);
    if (reason === null) {
      out.endRecord(lineNo);
      counts.parsed += 1 + joined;
      counts.joined += joined;
      counts.lines += joined;
      pos = joined > 0 ? next : nl + 1;
    } else if (reason === HEADER_LINE) {
      // A header block's lines (the header line and those it continues with) hold no record.
      out.clearContinuation();
      counts.blank += 1 + joined;
      counts.lines += joined;
      pos = joined > 0 ? next : nl + 1;
    } else {
      out.clearContinuation();
      out.unparsed(lineNo, buf, pos, le, reason);
      counts.unparsed++;
      if (runs && joined > 0 && !capped) {
        runFrom = nl + 1;
        runJoined = joined;
        runJoinedEnd = joinedEnd;
        runStop = next;
        runStopNl = stopNl;
      }
      pos = nl + 1;
    }
  }
  return counts;
}

type PieceReader = NonNullable<LineParser['piece']>;
const first: LinePiece = { key: 0, contentStart: 0, continued: false };
const later: LinePiece = { key: 0, contentStart: 0, continued: false };

/**
 * Joins the continued piece buf[pos, le) (read into `first` by `LineParser.piece`) with the
 * next pieces of its key, up to the one that ends the line: the lines of other keys between
 * them are left to be parsed in their turn. A piece whose next one is PIECE_WINDOW_BYTES or more
 * past it, at the end of buf, or over MAX_LINE_BYTES joined, ends the run unfinished: the
 * record is then written as the format writes an unfinished piece (CRI: `partial: true`).
 * Writes the joined record with line number `lineNo`, adds the starts of the later pieces to
 * `taken`, and returns how many there were; returns 0, writing nothing, when no piece
 * continues it or the joined line does not parse.
 */
function joinPieces(buf: Buffer, pos: number, le: number, nl: number, end: number, parser: LineParser, out: RowWriter, lineNo: number, taken: Set<number>): number {
  const piece = parser.piece as PieceReader;
  // [contentStart, end) of each later piece, then the start of its line.
  const found: number[] = [];
  let size = le - pos;
  let completed = false;
  // Just past the newline of the run's last piece so far.
  let after = nl + 1;
  for (let p = nl + 1; p < end && p - after < PIECE_WINDOW_BYTES; ) {
    let cnl = buf.indexOf(10, p);
    if (cnl < 0 || cnl >= end) cnl = end;
    let ce = cnl;
    if (ce > p && buf[ce - 1] === 13) ce--;
    if (piece(buf, p, ce, later) && later.key === first.key) {
      if (size + ce - later.contentStart > MAX_LINE_BYTES) break;
      size += ce - later.contentStart;
      found.push(later.contentStart, ce, p);
      after = cnl + 1;
      if (!later.continued) {
        completed = true;
        break;
      }
    }
    p = cnl + 1;
  }
  if (found.length === 0) return 0;
  const line = Buffer.allocUnsafe(size);
  let o = buf.copy(line, 0, pos, le);
  for (let k = 0; k < found.length; k += 3) o += buf.copy(line, o, found[k], found[k + 1]);
  if (parser.parseLine(line, 0, o, out, completed) !== null) return 0;
  out.endRecord(lineNo);
  for (let k = 2; k < found.length; k += 3) taken.add(found[k]);
  return found.length / 3;
}

/** Blank lines looked past for a line that continues the record before them. */
const BLANK_RUN_MAX = 16;

/**
 * For a format with `startsRecord`: whether the line buf[s, e) (its newline at `nl`) continues
 * the record before it: a non-blank line that starts no record, or a blank line followed (after
 * at most BLANK_RUN_MAX blank lines) by such a line — the blank lines of a Python traceback's
 * "During handling of the above exception" or of a dump inside a record.
 */
function continuesUntimed(buf: Buffer, s: number, e: number, nl: number, end: number, startsRecord: (buf: Buffer, start: number, end: number) => boolean): boolean {
  if (!isBlank(buf, s, e)) return !startsRecord(buf, s, e);
  let q = nl + 1;
  for (let k = 0; q < end && k < BLANK_RUN_MAX; k++) {
    let qnl = buf.indexOf(10, q);
    if (qnl < 0 || qnl >= end) qnl = end;
    let qe = qnl;
    if (qe > q && buf[qe - 1] === 13) qe--;
    if (!isBlank(buf, q, qe)) return isContinuation(buf, q, qe) || !startsRecord(buf, q, qe);
    q = qnl + 1;
  }
  return false;
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
