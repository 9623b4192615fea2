/**
 * Multi-line records: which lines continue the record before them. Decided from the
 * line alone, whatever the format, so that chunk boundaries (cut in the main thread,
 * which has no parser) and the parse workers agree:
 * - an indented line (space or tab first): stack frames `\tat ...`, traceback `  File ...`,
 *   wrapped text;
 * - `Caused by: ...`, `Suppressed: ...`, `... 12 more`, `Traceback (most recent call last):`;
 * - an exception line: a dotted Java class name ending in Exception/Error/Throwable
 *   (`java.lang.IllegalStateException: ...`), or a Python one (`ValueError: ...`);
 * - PHP stack traces as PHP's error_log and Laravel (Monolog) write them: `Stack trace:`,
 *   frames `#0 /app/x.php(12): f()` and `#3 {main}`, and Laravel's `[stacktrace]`,
 *   `[previous exception] ...` and the `"}` that closes its context JSON;
 * - any of these after docker compose's `name  | ` prefix.
 * A blank line is not a continuation (it ends a record).
 */

import type { ContinuationTest, FormatDefinition, LinePiece } from './format.js';

const PREFIXES = ['Caused by: ', 'Suppressed: ', '... ', 'Traceback (most recent call last):', 'Stack trace:'].map((p) => Buffer.from(p, 'latin1'));
const EXCEPTION_LINE = /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable)(?::|$)|^[A-Z][A-Za-z]*(?:Error|Exception|Warning)(?:: |$)/;

/**
 * The continuation test for a format: `isContinuation`, or else the format's own
 * (`FormatDefinition.continuation`). What parseLines joins and the chunker never cuts before.
 */
export function continuationOf(def: Pick<FormatDefinition, 'continuation'> | undefined): ContinuationTest {
  const own = def?.continuation;
  return own === undefined ? isContinuation : (buf, start, end) => isContinuation(buf, start, end) || own(buf, start, end);
}

/** Bytes of a line's start that `isContinuation` needs at most, except for exception lines. */
export const CONTINUATION_PROBE_BYTES = 256;

/** True when the line buf[start, end) continues the record before it. */
export function isContinuation(buf: Uint8Array, start: number, end: number): boolean {
  if (end <= start) return false;
  const c = buf[start];
  if (c === 32 || c === 9) {
    for (let i = start + 1; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9 && buf[i] !== 13) return true;
    return false;
  }
  if (c === 35 || c === 91 || c === 34) return isPhpTraceLine(buf, start, end);
  // Most record lines start with a digit, '{', '[' or '<': none of those continues one.
  if (c < 46 || (c > 46 && c < 65) || c === 91 || c === 123) return false;
  // docker compose output: `api-1  |     at handler (...)` continues as its text would.
  const rest = afterComposePrefix(buf, start, end);
  if (rest > 0) return isContinuation(buf, rest, end);
  for (const p of PREFIXES) {
    if (end - start >= p.length && buf[start] === p[0]) {
      let k = 1;
      while (k < p.length && buf[start + k] === p[k]) k++;
      if (k === p.length) return true;
    }
  }
  // Exception lines start with a letter and hold no space before the first ':'.
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  const probeEnd = Math.min(end, start + CONTINUATION_PROBE_BYTES);
  let i = start;
  while (i < probeEnd && buf[i] !== 32 && buf[i] !== 58) i++;
  if (i < probeEnd && buf[i] === 32) return false;
  return EXCEPTION_LINE.test(Buffer.prototype.toString.call(buf, 'latin1', start, Math.min(probeEnd, i + 2)));
}

const STACKTRACE = Buffer.from('[stacktrace]', 'latin1');
const PREVIOUS = Buffer.from('[previous exception] ', 'latin1');

/** `#12 ...` (a PHP frame), `[stacktrace]`, `[previous exception] ...`, or `"}` alone (Laravel). */
function isPhpTraceLine(buf: Uint8Array, start: number, end: number): boolean {
  const c = buf[start];
  if (c === 35) {
    let i = start + 1;
    while (i < end && i - start <= 6 && buf[i] >= 48 && buf[i] <= 57) i++;
    return i > start + 1 && i < end && buf[i] === 32;
  }
  if (c === 34) {
    if (end - start < 2 || buf[start + 1] !== 125) return false;
    for (let i = start + 2; i < end; i++) if (buf[i] !== 32 && buf[i] !== 9) return false;
    return true;
  }
  return startsWithBytes(buf, start, end, STACKTRACE) || startsWithBytes(buf, start, end, PREVIOUS);
}

function startsWithBytes(buf: Uint8Array, start: number, end: number, p: Buffer): boolean {
  if (end - start < p.length) return false;
  for (let k = 0; k < p.length; k++) if (buf[start + k] !== p[k]) return false;
  return true;
}

/**
 * Where the text after docker compose's `name  | ` prefix starts in buf[start, end), or -1:
 * a name of letters, digits, `_`, `.` and `-` (at most 64 bytes), spaces, `|` and one space.
 */
export function afterComposePrefix(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const limit = Math.min(end, start + 64);
  while (i < limit) {
    const b = buf[i];
    if ((b >= 48 && b <= 57) || ((b | 32) >= 97 && (b | 32) <= 122) || b === 95 || b === 46 || b === 45) i++;
    else break;
  }
  const ne = i;
  while (i < limit && buf[i] === 32) i++;
  if (ne === start || i === ne || i + 1 >= end || buf[i] !== 124 || buf[i + 1] !== 32) return -1;
  return i + 2;
}

/**
 * Lines split into pieces by their writer: Kubernetes CRI logs write a line longer than the
 * runtime's buffer as `P` (partial) lines ended by an `F` line of the same stream, and the
 * other stream's lines may come between them. The `cri` format joins them (see
 * `LineParser.piece`); the chunker uses this same function so that it never cuts inside a
 * run of pieces, whatever the format.
 *
 * A piece and the next piece of its key are joined only when fewer than PIECE_WINDOW_BYTES
 * bytes of other lines separate them: farther apart they are left unjoined, and the chunker
 * need only look that far back before a cut.
 */
export const PIECE_WINDOW_BYTES = 64 * 1024;

/** Longest timestamp before the stream of a CRI line (`2016-10-06T00:17:09.669794202+01:00` is 35). */
const CRI_TIME_MAX = 40;

/**
 * Reads the line buf[start, end) as a piece of a split line into `out` (key 1 stdout,
 * 2 stderr) and returns true, or returns false when it is no CRI line. Checks the shape
 * (`DIGIT...TIME stdout|stderr F|P[:tags] content`), not the timestamp's value; decided from
 * the first 64 bytes, except `contentStart` after long extra tags.
 */
export function readLinePiece(buf: Uint8Array, start: number, end: number, out: LinePiece): boolean {
  const c = buf[start];
  if (end - start < 19 || c < 48 || c > 57) return false;
  // The timestamp is 19 bytes or more (`2026-11-25T10:00:00`, its `T` may be a space) and
  // has no space after those.
  let i = start + 19;
  const limit = Math.min(end, start + CRI_TIME_MAX);
  while (i < limit && buf[i] !== 32) i++;
  if (i >= limit || end - i < 9) return false;
  i++;
  // `stdout ` or `stderr `
  if (buf[i] !== 115 || buf[i + 1] !== 116 || buf[i + 2] !== 100 || buf[i + 6] !== 32) return false;
  let key: number;
  if (buf[i + 3] === 111 && buf[i + 4] === 117 && buf[i + 5] === 116) key = 1;
  else if (buf[i + 3] === 101 && buf[i + 4] === 114 && buf[i + 5] === 114) key = 2;
  else return false;
  i += 7;
  const tag = buf[i++];
  if (tag !== 70 && tag !== 80) return false;
  if (i < end && buf[i] === 58) while (i < end && buf[i] !== 32) i++;
  else if (i < end && buf[i] !== 32) return false;
  out.key = key;
  out.contentStart = i < end ? i + 1 : end;
  out.continued = tag === 80;
  return true;
}

const CONTINUED_MARKS = [Buffer.from(' stdout P', 'latin1'), Buffer.from(' stderr P', 'latin1')];

/**
 * False when no line of buf[start, end) can be a continued piece for readLinePiece (each holds
 * ` stdout P` or ` stderr P`): one native search instead of reading the lines one by one.
 */
export function mayHoldPieces(buf: Buffer, start: number, end: number): boolean {
  const part = buf.subarray(start, end);
  return part.indexOf(CONTINUED_MARKS[0]) >= 0 || part.indexOf(CONTINUED_MARKS[1]) >= 0;
}
