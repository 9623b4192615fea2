import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { parseIntRange, parseTimeOfDay, two } from '../line-scan.js';
import { daysFromCivil, inferYear, type ParsedAt } from '../timestamp.js';

/**
 * Android's logcat, as `adb logcat` writes it: `-v threadtime` (the default)
 * `03-17 16:13:38.811  1702  2395 D WindowManager: msg` (pid, thread id, priority, tag) and
 * `-v time` `03-17 16:13:38.811 D/WindowManager( 1702): msg`, each also with `-v year`
 * (`2026-03-17 16:13:38.811 ...`). The year of `MM-DD` is inferred as for syslog. The priority
 * letter is the level: `V` TRACE, `D` DEBUG, `I` INFO, `W` WARN, `E` ERROR, `F` and `A` FATAL;
 * the tag is `service` and the thread id goes to attrs (`tid`). The time has no zone: it is read
 * in the file's zone. Buffer markers (`--------- beginning of main`) are kept in `unparsed`.
 */
const logcat: FormatDefinition = {
  name: 'logcat',
  specificity: 6,
  description: 'Android logcat (-v threadtime or -v time): "MM-DD hh:mm:ss.mmm pid tid P tag: message"',
  example: '03-17 16:13:38.811  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main',
  create(_options, ctx) {
    return createLogcatParser(ctx);
  },
};
export default logcat;

const SP = 32;
const COLON = 58;
const SLASH = 47;
const LP = 40;
const RP = 41;
const PRIORITIES: Record<number, string> = { 86: 'TRACE', 68: 'DEBUG', 73: 'INFO', 87: 'WARN', 69: 'ERROR', 70: 'FATAL', 65: 'FATAL' };

function createLogcatParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      // [YYYY-]MM-DD hh:mm:ss.mmm
      let i = start;
      let year = -1;
      if (buf[start + 4] === 45) {
        const y1 = two(buf, start);
        const y2 = two(buf, start + 2);
        if (y1 < 0 || y2 < 0) return 'no "MM-DD hh:mm:ss.mmm"';
        year = y1 * 100 + y2;
        i = start + 5;
      }
      const mo = two(buf, i);
      const d = two(buf, i + 3);
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || buf[i + 2] !== 45 || buf[i + 5] !== SP) return 'no "MM-DD hh:mm:ss.mmm"';
      const tod = parseTimeOfDay(buf, i + 6, end, at);
      if (Number.isNaN(tod) || buf[at.end] !== SP) return 'no "MM-DD hh:mm:ss.mmm"';
      const us = year >= 0 ? ctx.zone(daysFromCivil(year, mo, d) * 86_400_000_000 + tod) : inferYear(mo, d, tod, ctx.referenceMicros, ctx.zone);
      i = at.end;
      while (i < end && buf[i] === SP) i++;
      let pid: number;
      let tid = -1;
      let level: string | undefined;
      let ps: number;
      let ts: number;
      let te: number;
      let ms: number;
      if (buf[i + 1] === SLASH) {
        // -v time: `D/Tag( 1702): msg`
        level = PRIORITIES[buf[i]];
        ps = i;
        ts = i + 2;
        let j = ts;
        while (j < end && buf[j] !== LP) j++;
        te = j;
        let k = j + 1;
        while (k < end && buf[k] === SP) k++;
        const ns = k;
        while (k < end && buf[k] >= 48 && buf[k] <= 57) k++;
        pid = parseIntRange(buf, ns, k);
        if (buf[k] !== RP || buf[k + 1] !== COLON) return 'no "P/tag( pid):"';
        ms = k + 2;
      } else {
        // -v threadtime: ` 1702  2395 D Tag: msg`
        let k = i;
        while (k < end && buf[k] >= 48 && buf[k] <= 57) k++;
        pid = parseIntRange(buf, i, k);
        if (buf[k] !== SP) return 'no pid';
        while (k < end && buf[k] === SP) k++;
        const ns = k;
        while (k < end && buf[k] >= 48 && buf[k] <= 57) k++;
        tid = parseIntRange(buf, ns, k);
        if (tid < 0 || buf[k] !== SP) return 'no thread id';
        while (k < end && buf[k] === SP) k++;
        level = PRIORITIES[buf[k]];
        ps = k;
        if (buf[k + 1] !== SP) return 'no priority letter';
        ts = k + 2;
        // The tag, padded to 8 with blanks, ends at the first `: ` (or a `:` ending the line).
        let j = ts;
        while (j < end && !(buf[j] === COLON && (j + 1 === end || buf[j + 1] === SP))) j++;
        if (j >= end) return 'no "tag:"';
        te = j;
        ms = j + 1;
      }
      if (level === undefined) return 'no priority letter';
      if (pid < 0) return 'no pid';
      while (te > ts && buf[te - 1] === SP) te--;
      if (ms < end && buf[ms] === SP) ms++;
      out.beginRecord(us);
      out.empty();
      if (te > ts) out.bytes(buf, ts, te);
      else out.empty();
      out.int(pid);
      out.ascii(level);
      out.bytes(buf, ps, ps + 1);
      if (ms < end) out.bytes(buf, ms, end);
      else out.empty();
      if (tid >= 0) out.text(`{"tid":${tid}}`);
      else out.empty();
      return null;
    },
  };
}
