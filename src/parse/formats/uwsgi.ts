import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, indexOfText, parseIntRange, parseTimeOfDay, readMonthName, startsWithAscii, two } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { daysFromCivil, type ParsedAt } from '../timestamp.js';

/**
 * uWSGI's request log (the default `log-format`):
 * `[pid: 1234|app: 0|req: 5/17] 203.0.113.9 () {40 vars in 712 bytes} [Wed Nov 25 10:00:00 2026] GET /api/items => generated 1234 bytes in 56 msecs (HTTP/1.1 200) 4 headers in 134 bytes (1 switches on core 0)`.
 * The pid fills pid; the level comes from the status (5xx ERROR, 4xx WARN, else INFO); client,
 * user, method, path, status, bytes, msecs, app, req and vars go to attrs; the message is
 * `METHOD path => generated ...`. `*** Starting uWSGI ... on [time] ***` is a record with the
 * startup report after it joined (service `uwsgi`), and `Wed Nov 25 10:00:00 2026 - message`
 * lines (broken pipes, SIGPIPE) are records without a level. The time has no zone: it is read in
 * the file's zone.
 */
const uwsgi: FormatDefinition = {
  name: 'uwsgi',
  specificity: 7,
  description: 'uWSGI request log: "[pid: N|app: N|req: N/N] client () {N vars in N bytes} [ctime] METHOD path => generated ..."',
  example: '[pid: 1234|app: 0|req: 5/17] 203.0.113.9 () {40 vars in 712 bytes} [Wed Nov 25 10:00:00 2026] GET /api/items => generated 1234 bytes in 56 msecs (HTTP/1.1 200) 4 headers in 134 bytes (1 switches on core 0)',
  create(_options, ctx) {
    return createUwsgiParser(ctx);
  },
};
export default uwsgi;

const SP = 32;
const HEAD = Buffer.from('[pid: ', 'latin1');
const REQUEST = /^(\S+) (.*?) => generated (\d+) bytes in (\d+) msecs \((\S+) (\d{3})\)/;

function createUwsgiParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };

  /** `Wed Nov 25 10:00:00 2026` (the day may be space-padded) at buf[s], in the file's zone; sets at.end. */
  function readCtime(buf: Buffer, s: number, end: number): number {
    if (end - s < 24 || buf[s + 3] !== SP || buf[s + 7] !== SP) return NaN;
    const mo = readMonthName(buf, s + 4, end);
    const d = buf[s + 8] === SP ? buf[s + 9] - 48 : two(buf, s + 8);
    if (mo === 0 || d < 1 || d > 31 || buf[s + 10] !== SP) return NaN;
    const tod = parseTimeOfDay(buf, s + 11, end, at);
    if (Number.isNaN(tod) || buf[at.end] !== SP) return NaN;
    const y1 = two(buf, at.end + 1);
    const y2 = two(buf, at.end + 3);
    if (y1 < 0 || y2 < 0) return NaN;
    at.end += 5;
    return ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod);
  }

  /**
   * `*** Starting uWSGI 2.0.23 (64bit) on [Wed Nov 25 10:00:00 2026] ***` (the startup report
   * after it is joined to it) and `Wed Nov 25 10:00:00 2026 - message` lines (SIGPIPE, broken pipes).
   */
  function parseOther(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    let us: number;
    let ms: number;
    let starting = false;
    if (startsWithAscii(buf, start, end, STARTING)) {
      const on = indexOfText(buf, ' on [', start, end);
      us = on < 0 ? NaN : readCtime(buf, on + 5, end);
      if (Number.isNaN(us) || buf[at.end] !== 93) return 'no "on [time]"';
      ms = start;
      starting = true;
    } else {
      us = readCtime(buf, start, end);
      if (Number.isNaN(us) || buf[at.end] !== SP || buf[at.end + 1] !== 45 || buf[at.end + 2] !== SP) return 'no "[pid: " or "time - "';
      ms = at.end + 3;
    }
    out.beginRecord(us);
    out.empty();
    out.text('uwsgi');
    out.empty();
    if (starting) out.ascii('INFO');
    else out.empty();
    out.empty();
    out.bytes(buf, ms, end);
    out.empty();
    return null;
  }

  return {
    parseLine(buf, start, end, out) {
      if (buf.compare(HEAD, 0, HEAD.length, start, start + HEAD.length) !== 0) return parseOther(buf, start, end, out);
      const close = indexOfByte(buf, 93, start, Math.min(end, start + 80));
      if (close < 0) return 'no "[pid: ...]"';
      const head = buf.toString('latin1', start + 6, close).split('|');
      const pid = parseIntRange(buf, start + 6, start + 6 + head[0].length);
      if (pid < 0) return 'bad pid';
      const attrs: Record<string, string | number> = {};
      for (const part of head.slice(1)) {
        const c = part.indexOf(': ');
        if (c > 0) attrs[part.slice(0, c)] = part.slice(c + 2);
      }
      // client (user) {vars} [ctime]
      let i = close + 2;
      const cs = i;
      i = indexOfByte(buf, SP, i, end);
      if (i < 0 || buf[i + 1] !== 40) return 'no client';
      attrs.client = buf.toString('latin1', cs, i);
      const ue = indexOfByte(buf, 41, i + 2, end);
      if (ue < 0) return 'no (user)';
      if (ue > i + 2) attrs.user = buf.toString('utf8', i + 2, ue);
      if (buf[ue + 2] !== 123) return 'no {vars}';
      const ve = indexOfByte(buf, 125, ue + 3, end);
      if (ve < 0) return 'no {vars}';
      const vars = parseIntRange(buf, ue + 3, indexOfByte(buf, SP, ue + 3, ve));
      if (vars >= 0) attrs.vars = vars;
      const ts = ve + 3;
      if (buf[ve + 2] !== 91) return 'no [time]';
      // Wed Nov 25 10:00:00 2026 (the day may be space-padded)
      const mo = readMonthName(buf, ts + 4, end);
      const d = buf[ts + 8] === SP ? buf[ts + 9] - 48 : two(buf, ts + 8);
      if (mo === 0 || d < 1 || d > 31) return 'no [time]';
      const tod = parseTimeOfDay(buf, ts + 11, end, at);
      const y1 = two(buf, at.end + 1);
      const y2 = two(buf, at.end + 3);
      if (Number.isNaN(tod) || y1 < 0 || y2 < 0 || buf[at.end + 5] !== 93) return 'no [time]';
      const ms = at.end + 7;
      const m = REQUEST.exec(buf.toString('utf8', ms, end));
      let level = 'INFO';
      if (m !== null) {
        attrs.method = m[1];
        attrs.path = m[2];
        attrs.bytes = Number(m[3]);
        attrs.msecs = Number(m[4]);
        attrs.protocol = m[5];
        const status = Number(m[6]);
        attrs.status = status;
        level = status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO';
      }
      out.beginRecord(ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod));
      out.empty();
      out.empty();
      out.int(pid);
      out.ascii(level);
      if (m !== null) out.text(m[6]);
      else out.empty();
      out.bytes(buf, Math.min(ms, end), end);
      out.text(JSON.stringify(attrs));
      return null;
    },
    continues(buf, recordStart, start, end) {
      // The startup report after `*** Starting uWSGI ...`, up to the first request or timed line.
      if (!startsWithAscii(buf, recordStart, end, STARTING) || startsWithAscii(buf, start, end, '[pid: ') || startsWithAscii(buf, start, end, STARTING) || end === start) return false;
      return Number.isNaN(readCtime(buf, start, end));
    },
  };
}

const STARTING = '*** Starting uWSGI ';
