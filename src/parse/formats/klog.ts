import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, lastIndexOfByte, parseIntRange, parseTimeOfDay, two } from '../line-scan.js';
import { daysFromCivil, inferYear, type ParsedAt } from '../timestamp.js';

/**
 * klog/glog, the text format of Kubernetes components (kubelet, kube-apiserver, ...):
 * `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`, L one of `I`, `W`, `E`, `F`:
 * `I1125 10:00:00.123456   12345 kubelet.go:2183] "Node not found" node="worker-1"`.
 * glog 0.6+ (C++) writes the year too (`I20261125 10:00:00.123456 ...`); without it the year is
 * inferred from the file's time as for syslog; the source file fills service
 * (`kubelet.go`), the pid (klog's threadid) pid; the source line goes to attrs. The lines of a
 * multi-line message (klog writes them unprefixed) are joined to its record.
 */
const klog: FormatDefinition = {
  name: 'klog',
  specificity: 7,
  description: 'klog/glog (Kubernetes components): "Lmmdd hh:mm:ss.uuuuuu pid file:line] message", year inferred',
  example: 'E1125 10:00:00.123456   12345 kubelet.go:2183] "Node not found" node="worker-1"',
  create(_options, ctx) {
    return createKlogParser(ctx);
  },
};
export default klog;

const SP = 32;
const RB = 93;
const COLON = 58;

const LEVELS: Record<number, string> = { 73: 'INFO', 87: 'WARN', 69: 'ERROR', 70: 'FATAL' };

function createKlogParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      const level = LEVELS[buf[start]];
      if (level === undefined) return 'no klog level letter';
      // glog 0.6+ writes the year: `I20261125 10:00:00.123456`.
      const year = buf[start + 5] !== SP ? two(buf, start + 1) * 100 + two(buf, start + 3) : -1;
      const ds = year >= 0 ? start + 4 : start;
      const mo = two(buf, ds + 1);
      const d = two(buf, ds + 3);
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || buf[ds + 5] !== SP || (buf[start + 5] !== SP && year < 0)) return 'no mmdd';
      const tod = parseTimeOfDay(buf, ds + 6, end, at);
      if (Number.isNaN(tod) || buf[at.end] !== SP) return 'no time of day';
      let i = at.end;
      while (i < end && buf[i] === SP) i++;
      const ps = i;
      while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
      const pid = parseIntRange(buf, ps, i);
      if (pid < 0 || buf[i] !== SP) return 'no thread id';
      const fs = i + 1;
      const close = indexOfByte(buf, RB, fs, Math.min(end, fs + 256));
      if (close < 0) return 'no "file:line]"';
      const colon = lastIndexOfByte(buf, COLON, close, fs);
      const line = colon > fs ? parseIntRange(buf, colon + 1, close) : -1;
      if (line < 0 || indexOfByte(buf, SP, fs, colon) >= 0) return 'no "file:line]"';
      const us = year >= 0 ? ctx.zone(daysFromCivil(year, mo, d) * 86_400_000_000 + tod) : inferYear(mo, d, tod, ctx.referenceMicros, ctx.zone);
      const ms = close + 1 < end && buf[close + 1] === SP ? close + 2 : close + 1;
      out.beginRecord(us);
      out.empty();
      out.bytes(buf, fs, colon);
      out.int(pid);
      out.ascii(level);
      out.bytes(buf, start, start + 1);
      out.bytes(buf, ms, end);
      out.text(`{"line":${line}}`);
      return null;
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      // klog writes a message's newlines as they are (a health check's `[+]ping ok` list):
      // a line that is no klog header and starts with no digit continues the record.
      const c = buf[start];
      if (end === start || (c >= 48 && c <= 57)) return false;
      return LEVELS[c] === undefined || two(buf, start + 1) < 0 || (buf[start + 5] !== SP && buf[start + 9] !== SP);
    },
  };
}
