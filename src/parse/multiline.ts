/**
 * Multi-line records: which lines continue the record before them. Decided from the
 * line alone, whatever the format, so that chunk boundaries (cut in the main thread,
 * which has no parser) and the parse workers agree:
 * - an indented line (space or tab first): stack frames `\tat ...`, traceback `  File ...`,
 *   wrapped text;
 * - `Caused by: ...`, `Suppressed: ...`, `... 12 more`, `Traceback (most recent call last):`;
 * - an exception line: a dotted Java class name ending in Exception/Error/Throwable
 *   (`java.lang.IllegalStateException: ...`), or a Python one (`ValueError: ...`).
 * A blank line is not a continuation (it ends a record).
 */

const PREFIXES = ['Caused by: ', 'Suppressed: ', '... ', 'Traceback (most recent call last):'].map((p) => Buffer.from(p, 'latin1'));
const EXCEPTION_LINE = /^(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*(?:Exception|Error|Throwable)(?::|$)|^[A-Z][A-Za-z]*(?:Error|Exception|Warning)(?:: |$)/;

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
  // Most record lines start with a digit, '{', '[' or '<': none of those continues one.
  if (c < 46 || (c > 46 && c < 65) || c === 91 || c === 123) return false;
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
