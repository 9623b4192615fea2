import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, indexOfText, parseIntRange, skipSpaces } from '../line-scan.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Ruby's `Logger` default format (Rails, Sidekiq, ...): `I, [2026-11-25T10:00:00.123456 #1234]  INFO -- web: message`
 * (`-- : message` without a progname). The progname fills service, the pid pid; the time has
 * no zone and is read in the file's zone. An exception's backtrace (`/app/models/user.rb:12:in 'save'`)
 * is joined to the record.
 */
const ruby: FormatDefinition = {
  name: 'ruby',
  specificity: 7,
  description: 'Ruby Logger: "L, [time #pid]  LEVEL -- progname: message"',
  example: 'E, [2026-11-25T10:00:00.123456 #1234] ERROR -- web: Completed 500 Internal Server Error in 12ms',
  create(_options, ctx) {
    return createRubyParser(ctx);
  },
};
export default ruby;

const SP = 32;
const BACKTRACE = /^(?:\S+:\d+:in |from \S+:\d+:in )/;

function createRubyParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      const letter = buf[start];
      if (letter < 65 || letter > 90 || buf[start + 1] !== 44 || buf[start + 2] !== SP || buf[start + 3] !== 91) return 'no "L, ["';
      const us = parseIsoBytes(buf, start + 4, end, ctx.zone, at);
      if (Number.isNaN(us) || buf[at.end] !== SP || buf[at.end + 1] !== 35) return 'no "[time #pid]"';
      const ps = at.end + 2;
      const pe = indexOfByte(buf, 93, ps, Math.min(end, ps + 12));
      const pid = pe < 0 ? -1 : parseIntRange(buf, ps, pe);
      if (pid < 0) return 'no "#pid]"';
      const ls = skipSpaces(buf, pe + 1, end);
      let le = ls;
      while (le < end && buf[le] >= 65 && buf[le] <= 90) le++;
      if (le === ls || buf[ls] !== letter || buf[le] !== SP || buf[le + 1] !== 45 || buf[le + 2] !== 45 || buf[le + 3] !== SP) return 'no "LEVEL -- "';
      const level = normalizeLevel(buf.toString('latin1', ls, le));
      // progname: message — the progname may be empty.
      const ns = le + 4;
      const colon = indexOfText(buf, ': ', ns, end);
      let ne: number;
      let ms: number;
      if (colon >= 0) {
        ne = colon;
        ms = colon + 2;
      } else if (end - ns >= 1 && buf[end - 1] === 58) {
        ne = end - 1;
        ms = end;
      } else {
        return 'no "progname: "';
      }
      out.beginRecord(us);
      out.empty();
      if (ne > ns) out.bytes(buf, ns, ne);
      else out.empty();
      out.int(pid);
      if (level !== undefined) out.ascii(level);
      else out.empty();
      out.bytes(buf, ls, le);
      out.bytes(buf, ms, end);
      out.empty();
      return null;
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      const c = buf[start];
      if (c !== 47 && c !== 102 && !(c >= 97 && c <= 122) && c !== 46) return false;
      return BACKTRACE.test(buf.toString('latin1', start, Math.min(end, start + 512)));
    },
  };
}
