import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { parseIntRange, parseTimeOfDay, readMonthName, startsWithAscii, two } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { daysFromCivil, inferYear, type ParsedAt } from '../timestamp.js';

/**
 * Redis server log: `1234:M 25 Nov 2026 10:00:00.123 * Ready to accept connections`
 * (Redis 3+: pid, role `M` master, `S` replica, `C` child, `X` sentinel) and Redis 2's
 * `[1234] 25 Nov 10:00:00.123 # msg` (year inferred as for syslog). The level symbol `.` is
 * DEBUG, `-` (verbose) DEBUG, `*` (notice) INFO, `#` (warning) WARN; the role goes to attrs.
 * The time has no zone: it is read in the file's zone. The ASCII-art logo (indented lines) is
 * joined to the record before it. `1234:signal-handler (1795600800) Received SIGTERM ...` lines
 * (epoch seconds) are WARN.
 */
const redis: FormatDefinition = {
  name: 'redis',
  specificity: 7,
  description: 'Redis server log: "pid:role dd Mon yyyy hh:mm:ss.mmm <.|-|*|#> message"',
  example: '1234:M 25 Nov 2026 10:00:00.123 * Ready to accept connections tcp',
  create(_options, ctx) {
    return createRedisParser(ctx);
  },
};
export default redis;

const SP = 32;
const ROLES: Record<number, string> = { 77: 'master', 83: 'replica', 67: 'child', 88: 'sentinel' };
const SYMBOLS: Record<number, string> = { 46: 'DEBUG', 45: 'DEBUG', 42: 'INFO', 35: 'WARN' };

function createRedisParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      let i = start;
      let role: string | undefined;
      let pid: number;
      if (buf[i] === 91) {
        const ps = i + 1;
        while (i < end && buf[i] !== 93) i++;
        pid = parseIntRange(buf, ps, i);
        i++;
      } else {
        const ps = i;
        while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
        pid = parseIntRange(buf, ps, i);
        role = ROLES[buf[i + 1]];
        if (buf[i] === 58 && buf[i + 1] === 115 && pid >= 0) return parseSignalHandler(buf, i + 1, end, pid, out);
        if (buf[i] !== 58 || role === undefined) return 'no "pid:role"';
        i += 2;
      }
      if (pid < 0 || buf[i] !== SP) return 'no pid';
      // dd Mon [yyyy] hh:mm:ss.mmm
      const d = two(buf, i + 1);
      const mo = readMonthName(buf, i + 4, end);
      if (d < 1 || d > 31 || buf[i + 3] !== SP || mo === 0 || buf[i + 7] !== SP) return 'no "dd Mon"';
      let us: number;
      if (role !== undefined) {
        const y1 = two(buf, i + 8);
        const y2 = two(buf, i + 10);
        const tod = parseTimeOfDay(buf, i + 13, end, at);
        if (y1 < 0 || y2 < 0 || buf[i + 12] !== SP || Number.isNaN(tod)) return 'no "yyyy hh:mm:ss"';
        us = ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod);
      } else {
        const tod = parseTimeOfDay(buf, i + 8, end, at);
        if (Number.isNaN(tod)) return 'no "hh:mm:ss"';
        us = inferYear(mo, d, tod, ctx.referenceMicros, ctx.zone);
      }
      i = at.end;
      const sym = buf[i + 1];
      const level = SYMBOLS[sym];
      if (buf[i] !== SP || level === undefined || (i + 2 < end && buf[i + 2] !== SP)) return 'no level symbol';
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.int(pid);
      out.ascii(level);
      out.bytes(buf, i + 1, i + 2);
      out.bytes(buf, Math.min(i + 3, end), end);
      if (role !== undefined) out.text(`{"role":"${role}"}`);
      else out.empty();
      return null;
    },
  };
}

const SIGNAL_HANDLER = 'signal-handler (';

/** `1234:signal-handler (1795600800) Received SIGTERM scheduling shutdown...`: logged at warning level. */
function parseSignalHandler(buf: Buffer, s: number, end: number, pid: number, out: RowWriter): string | null {
  if (!startsWithAscii(buf, s, end, SIGNAL_HANDLER)) return 'no "pid:role"';
  const ts = s + SIGNAL_HANDLER.length;
  let i = ts;
  while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
  if (i - ts < 9 || i - ts > 10 || buf[i] !== 41) return 'no "(unixtime)"';
  out.beginRecord(Number(buf.toString('latin1', ts, i)) * 1_000_000);
  out.empty();
  out.empty();
  out.int(pid);
  out.ascii('WARN');
  out.empty();
  out.bytes(buf, Math.min(i + 2, end), end);
  out.text('{"role":"signal-handler"}');
  return null;
}
