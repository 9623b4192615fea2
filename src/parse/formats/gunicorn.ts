import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, parseIntRange } from '../line-scan.js';
import { isTracebackEnd } from '../line-scan.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * gunicorn's error log: `[2026-11-25 10:00:00 +0000] [1234] [INFO] Booting worker with pid: 1234`.
 * The pid fills pid; tracebacks after `[ERROR]` lines are joined. (Its access log is the
 * combined format: see `apache`.)
 */
const gunicorn: FormatDefinition = {
  name: 'gunicorn',
  specificity: 7,
  description: 'gunicorn error log: "[time zone] [pid] [LEVEL] message"',
  example: '[2026-11-25 10:00:00 +0000] [1234] [INFO] Booting worker with pid: 1234',
  create(_options, ctx) {
    return createGunicornParser(ctx);
  },
};
export default gunicorn;

const SP = 32;
const LB = 91;
const RB = 93;

function createGunicornParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] !== LB) return 'no [time]';
      // `2026-11-25 10:00:00 +0000`: the zone after a space.
      let us = parseIsoBytes(buf, start + 1, end, ctx.zone, at);
      if (Number.isNaN(us)) return 'no [time]';
      let i = at.end;
      if (buf[i] === SP && (buf[i + 1] === 43 || buf[i + 1] === 45)) {
        const sign = buf[i + 1] === 43 ? 1 : -1;
        const z = parseIntRange(buf, i + 2, i + 6);
        if (z < 0) return 'bad zone';
        // parseIsoBytes read the wall clock in the file's zone: undo that, apply the offset.
        const wall = parseIsoBytes(buf, start + 1, i, (w) => w, at);
        us = wall - sign * (Math.floor(z / 100) * 3600 + (z % 100) * 60) * 1_000_000;
        i += 6;
      }
      if (buf[i] !== RB || buf[i + 1] !== SP || buf[i + 2] !== LB) return 'no "] [pid]"';
      const ps = i + 3;
      const pe = indexOfByte(buf, RB, ps, Math.min(end, ps + 12));
      const pid = pe < 0 ? -1 : parseIntRange(buf, ps, pe);
      if (pid < 0 || buf[pe + 1] !== SP || buf[pe + 2] !== LB) return 'no "[pid] [LEVEL]"';
      const ls = pe + 3;
      const le = indexOfByte(buf, RB, ls, Math.min(end, ls + 10));
      const level = le < 0 ? undefined : normalizeLevel(buf.toString('latin1', ls, le));
      if (level === undefined) return 'no [LEVEL]';
      const ms = buf[le + 1] === SP ? le + 2 : le + 1;
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.int(pid);
      out.ascii(level);
      out.bytes(buf, ls, le);
      out.bytes(buf, Math.min(ms, end), end);
      out.empty();
      return null;
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      return isTracebackEnd(buf, start, end);
    },
  };
}
