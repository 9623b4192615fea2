import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { writeLevelAndMessage } from '../level.js';
import { readLinePiece } from '../multiline.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Kubernetes CRI container logs (containerd, CRI-O: `/var/log/pods/.../0.log`):
 * `2016-10-06T00:17:09.669794202Z stdout F hello world` — an RFC 3339 timestamp with
 * nanoseconds (kept to the microsecond), the stream (`stdout` or `stderr`), a tag (`F` for a
 * full line, `P` for a partial one; further `:`-separated tags are accepted and ignored) and the
 * content as the container wrote it.
 *
 * A level word leading the content (`ERROR ...`, `[warn] ...`) becomes the level, as in syslog;
 * otherwise the level stays empty (stderr is not taken to mean an error). host, service and pid
 * stay empty: the pod and container are named by the file's path, not by the line. attrs holds
 * `stream`.
 *
 * Partial lines are joined: the runtime splits a long line into `P` pieces ended by an `F`
 * piece of the same stream, and parseLines joins them (through `piece`) into one record: the
 * first piece's timestamp and line number, the contents concatenated with no separator. Lines
 * of the other stream may come between the pieces. Pieces left without their `F` (the file
 * ends, or the next piece of the stream is more than PIECE_WINDOW_BYTES away) are stored
 * joined as far as they go, with `partial: true` in attrs. Stack traces a container prints
 * are one record per line: every CRI line starts with a timestamp, so none continues the one
 * before.
 */
const cri: FormatDefinition = {
  name: 'cri',
  // Higher than the timestamp-first formats (syslog 5, java/python 6): nothing else takes
  // `TIME stdout F`, and a CRI file should win any tie; JSON lines (10) start with '{'.
  specificity: 8,
  description: 'Kubernetes CRI container logs (containerd, CRI-O): TIME stdout|stderr F|P content',
  example: '2026-11-25T10:00:00.123456789Z stderr F ERROR failed to connect to db-01:5432: connection refused',
  create(_options, ctx) {
    return createCriParser(ctx);
  },
};
export default cri;

const SP = 32;
const COLON = 58;
const F = 70;
const P = 80;

// attrs are one of four constants: no JSON built per line.
const ATTRS = {
  stdout: '{"stream":"stdout"}',
  stderr: '{"stream":"stderr"}',
  stdoutPartial: '{"stream":"stdout","partial":true}',
  stderrPartial: '{"stream":"stderr","partial":true}',
} as const;

const STDOUT = Buffer.from('stdout', 'latin1');
const STDERR = Buffer.from('stderr', 'latin1');

function createCriParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out, completed) {
      if (buf[start] < 48 || buf[start] > 57) return 'no CRI timestamp';
      const us = parseIsoBytes(buf, start, end, ctx.zone, at);
      if (Number.isNaN(us)) return 'no CRI timestamp';
      let i = at.end;
      if (buf[i] !== SP) return 'no space after timestamp';
      i++;
      let stderr: boolean;
      if (matches(buf, i, end, STDOUT)) stderr = false;
      else if (matches(buf, i, end, STDERR)) stderr = true;
      else return 'no stdout/stderr stream';
      i += 6;
      if (buf[i] !== SP) return 'no space after stream';
      i++;
      const tag = buf[i];
      if (i >= end || (tag !== F && tag !== P)) return 'no F/P tag';
      i++;
      if (i < end && buf[i] === COLON) {
        while (i < end && buf[i] !== SP) i++;
      }
      if (i < end && buf[i] !== SP) return 'no space after tag';
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.empty();
      // One space separates the tag from the content; the content keeps its own spaces.
      writeLevelAndMessage(out, buf, i < end ? i + 1 : end, end);
      const partial = tag === P && completed !== true;
      out.ascii(stderr ? (partial ? ATTRS.stderrPartial : ATTRS.stderr) : partial ? ATTRS.stdoutPartial : ATTRS.stdout);
      return null;
    },
    piece: readLinePiece,
  };
}

/** Whether buf[i, ...) starts with `word` (within end). */
function matches(buf: Buffer, i: number, end: number, word: Uint8Array): boolean {
  if (end - i < word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) return false;
  return true;
}
