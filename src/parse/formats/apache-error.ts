import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, parseIntRange, parseTimeOfDay, skipSpaces, two } from '../line-scan.js';
import { normalizeLevel } from '../level.js';
import { daysFromCivil, type ParsedAt } from '../timestamp.js';

/**
 * Apache httpd error log:
 * - 2.2 `[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico`,
 * - 2.4 `[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5432] AH00124: msg`.
 * The level word fills level and level_raw, the module (`core`) service, the pid pid; tid,
 * client and remote (`[remote ...]`, behind a proxy) go to attrs. The message is the rest of
 * the line. The time has no zone: it is read in the file's zone.
 */
const apacheError: FormatDefinition = {
  name: 'apache-error',
  specificity: 6,
  description: 'Apache httpd error log (2.2 and 2.4): [time] [module:level] [pid N:tid N] [client ip] message',
  example: '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] AH00124: Request exceeded the limit of 10 internal redirects',
  create(_options, ctx) {
    return createApacheErrorParser(ctx);
  },
};
export default apacheError;

const SP = 32;
const COLON = 58;
const LB = 91;
const RB = 93;
const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

function createApacheErrorParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] !== LB) return 'no [time]';
      const us = parseCtime(buf, start + 1, end, ctx, at);
      if (Number.isNaN(us) || buf[at.end] !== RB || at.end >= end) return 'no [time]';
      let i = at.end + 1;
      if (buf[i] !== SP || buf[i + 1] !== LB || i + 1 >= end) return 'no [level]';
      // [level] or [module:level]
      const bs = i + 2;
      const be = indexOfByte(buf, RB, bs, end);
      if (be < 0) return 'no [level]';
      let ls = bs;
      let ss = -1;
      const colon = indexOfByte(buf, COLON, bs, be);
      if (colon >= 0) {
        ss = bs;
        ls = colon + 1;
      }
      // trace1..trace8 are TRACE.
      let lw = be;
      while (lw > ls && buf[lw - 1] >= 48 && buf[lw - 1] <= 57) lw--;
      const level = be - ls > 11 || lw === ls ? undefined : normalizeLevel(buf.toString('latin1', ls, lw));
      if (level === undefined) return 'no level in [level]';
      i = be + 1;
      let pid = -1;
      const attrs: Record<string, string | number> = {};
      // The bracketed fields 2.4 writes before the message.
      while (i + 1 < end && buf[i] === SP && buf[i + 1] === LB) {
        const fs = i + 2;
        const fe = indexOfByte(buf, RB, fs, end);
        if (fe < 0) break;
        if (startsWith(buf, fs, fe, 'pid ')) {
          const tid = indexOfByte(buf, COLON, fs + 4, fe);
          pid = parseIntRange(buf, fs + 4, tid < 0 ? fe : tid);
          if (pid < 0) return 'bad [pid]';
          if (tid >= 0 && startsWith(buf, tid + 1, fe, 'tid ')) {
            const t = buf.toString('latin1', tid + 5, fe);
            attrs.tid = /^\d{1,15}$/.test(t) ? Number(t) : t;
          }
        } else if (startsWith(buf, fs, fe, 'client ')) {
          attrs.client = buf.toString('utf8', fs + 7, fe);
        } else if (startsWith(buf, fs, fe, 'remote ')) {
          attrs.remote = buf.toString('utf8', fs + 7, fe);
        } else {
          break;
        }
        i = fe + 1;
      }
      const ms = skipSpaces(buf, i, end);
      out.beginRecord(us);
      out.empty();
      if (ss >= 0) out.bytes(buf, ss, colon);
      else out.empty();
      if (pid >= 0) out.int(pid);
      else out.empty();
      out.ascii(level);
      out.bytes(buf, ls, be);
      out.bytes(buf, ms, end);
      if (attrs.client !== undefined || attrs.tid !== undefined || attrs.remote !== undefined) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
  };
}

function startsWith(buf: Buffer, s: number, e: number, prefix: string): boolean {
  if (e - s < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[s + k] !== prefix.charCodeAt(k)) return false;
  return true;
}

/** `Sun Dec 04 04:47:44[.123456] 2005` (ctime with an optional fraction), in the file's zone. */
function parseCtime(buf: Buffer, s: number, end: number, ctx: ParseContext, at: ParsedAt): number {
  if (end - s < 24 || buf[s + 3] !== SP || buf[s + 7] !== SP || buf[s + 10] !== SP) return NaN;
  for (let k = 0; k < 3; k++) if (((buf[s + k] | 32) < 97 || (buf[s + k] | 32) > 122)) return NaN;
  const m = MONTHS.indexOf(buf.toString('latin1', s + 4, s + 7).toLowerCase());
  if (m < 0 || m % 3 !== 0) return NaN;
  // Apache pads the day with a zero; a space-padded day is taken too.
  const day = buf[s + 8] === SP ? (buf[s + 9] >= 49 && buf[s + 9] <= 57 ? buf[s + 9] - 48 : -1) : two(buf, s + 8);
  if (day < 1 || day > 31) return NaN;
  const tod = parseTimeOfDay(buf, s + 11, end, at);
  if (Number.isNaN(tod)) return NaN;
  const ys = at.end + 1;
  if (buf[at.end] !== SP || ys + 4 > end) return NaN;
  const y1 = two(buf, ys);
  const y2 = two(buf, ys + 2);
  if (y1 < 0 || y2 < 0) return NaN;
  at.end = ys + 4;
  return ctx.zone(daysFromCivil(y1 * 100 + y2, m / 3 + 1, day) * 86_400_000_000 + tod);
}
