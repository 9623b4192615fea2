import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, parseIntRange, parseTimeOfDay, readLevelWord, skipSpaces } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Java logging defaults (log4j, logback, Spring Boot):
 * - Spring Boot `2026-11-25T10:00:00.123+01:00  INFO 12345 --- [myapp] [           main] c.e.demo.DemoApplication : msg`
 *   (2.x: no `[app]`; 3.2+ with tracing: a third `[trace-span]` group),
 * - logback `10:00:00.123 [main] INFO  com.example.App - msg` (time only: the date is the
 *   reference time's UTC day) and `2026-11-25 10:00:00,123 [main] INFO  com.example.App - msg`,
 * - log4j `2026-11-25 10:00:00,123 ERROR [pool-1-thread-3] com.example.Service - msg` and
 *   `2026-11-25 10:00:00,123 INFO  [main] com.example.App: msg`.
 * The logger fills service, Spring's pid pid; thread, app and correlation go to attrs. A thread
 * in brackets or Spring's `pid ---` is required: without either, the line is Python's shape.
 */
const java: FormatDefinition = {
  name: 'java',
  specificity: 6,
  description: 'Java logs: Spring Boot, logback and log4j default patterns (logger, thread, pid)',
  example: '2026-11-25T10:00:00.123+01:00  INFO 12345 --- [myapp] [           main] c.e.demo.DemoApplication                 : Started DemoApplication in 1.2 seconds',
  create(_options, ctx) {
    return createJavaParser(ctx);
  },
};
export default java;

const SP = 32;
const LB = 91;
const RB = 93;
const DASH = 45;
const COLON = 58;
const DAY_US = 86_400_000_000;

function createJavaParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  const refDay = Math.floor(ctx.referenceMicros / DAY_US);
  // [start, end) of up to three bracket groups after Spring's `---`.
  const groups = [0, 0, 0, 0, 0, 0];
  let json = Buffer.allocUnsafe(1024);
  return {
    parseLine(buf, start, end, out) {
      let us: number;
      if (buf[start + 4] === DASH) {
        us = parseIsoBytes(buf, start, end, ctx.zone, at);
      } else {
        const tod = parseTimeOfDay(buf, start, end, at);
        us = Number.isNaN(tod) ? NaN : ctx.zone(refDay * DAY_US + tod);
      }
      if (Number.isNaN(us)) return 'no timestamp';
      let i = at.end;
      if (buf[i] !== SP) return 'no space after timestamp';
      i = skipSpaces(buf, i, end);
      let ts = -1;
      let te = -1;
      let pid = -1;
      let ng = 0;
      let level;
      let ls: number;
      if (buf[i] === LB) {
        // logback: [thread] LEVEL logger - msg
        ts = i + 1;
        te = indexOfByte(buf, RB, ts, end);
        if (te < 0) return 'unclosed [thread]';
        i = skipSpaces(buf, te + 1, end);
        ls = i;
        level = readLevelWord(buf, i, end, SP);
        if (level === undefined) return 'no level after [thread]';
      } else {
        ls = i;
        level = readLevelWord(buf, i, end, SP);
        if (level === undefined) return 'no level after timestamp';
      }
      const levelName = level.level;
      const le = level.end;
      i = skipSpaces(buf, le, end);
      if (ts < 0 && buf[i] >= 48 && buf[i] <= 57) {
        // Spring Boot: LEVEL pid --- [app] [thread] logger : msg
        const ps = i;
        while (i < end && buf[i] !== SP) i++;
        pid = parseIntRange(buf, ps, i);
        if (pid < 0) return 'bad pid';
        i = skipSpaces(buf, i, end);
        if (i + 4 > end || buf[i] !== DASH || buf[i + 1] !== DASH || buf[i + 2] !== DASH || buf[i + 3] !== SP) return 'no "---" after pid';
        i = skipSpaces(buf, i + 3, end);
        while (buf[i] === LB && ng < 3) {
          const gs = i + 1;
          const ge = indexOfByte(buf, RB, gs, end);
          if (ge < 0) return 'unclosed [...]';
          groups[2 * ng] = gs;
          groups[2 * ng + 1] = ge;
          ng++;
          i = skipSpaces(buf, ge + 1, end);
        }
        if (ng === 0) return 'no [thread] after "---"';
        const t = ng === 1 ? 0 : 1;
        ts = groups[2 * t];
        te = groups[2 * t + 1];
      } else if (ts < 0) {
        // log4j: LEVEL [thread] logger - msg
        if (buf[i] !== LB) return 'no [thread] after level';
        ts = i + 1;
        te = indexOfByte(buf, RB, ts, end);
        if (te < 0) return 'unclosed [thread]';
        i = skipSpaces(buf, te + 1, end);
      }
      // logger, then ` - `, `: ` or Spring's padded ` : `.
      const gs = i;
      while (i < end && buf[i] !== SP && buf[i] !== COLON) i++;
      const ge = i;
      if (ge === gs) return 'no logger';
      if (buf[i] !== COLON) {
        i = skipSpaces(buf, i, end);
        if (buf[i] !== DASH && buf[i] !== COLON) return 'no " - " after logger';
      }
      i++;
      if (i < end && buf[i] !== SP) return 'no " - " after logger';
      const ms = i < end ? i + 1 : end;
      const alen = attrsOf(buf, ts, te, ng);
      writeRecord(out, buf, us, gs, ge, pid, levelName, ls, le, ms, end, json, alen);
      return null;
    },
  };

  /** The attrs JSON, written as bytes into `json`: a string per line costs more than the parse. */
  function attrsOf(buf: Buffer, ts: number, te: number, ng: number): number {
    let p = putAscii(0, '{');
    if (ng >= 2) p = putField(p, '"app":"', buf, groups[0], groups[1]);
    p = putField(p, ng >= 2 ? ',"thread":"' : '"thread":"', buf, ts, te);
    if (ng === 3) p = putField(p, ',"correlation":"', buf, groups[4], groups[5]);
    return putAscii(p, '}');
  }

  function putAscii(p: number, text: string): number {
    for (let k = 0; k < text.length; k++) json[p++] = text.charCodeAt(k);
    return p;
  }

  /** `"key":"value"` with the value trimmed of spaces and escaped for JSON. */
  function putField(p: number, key: string, buf: Buffer, s: number, e: number): number {
    while (s < e && buf[s] === SP) s++;
    while (e > s && buf[e - 1] === SP) e--;
    const room = p + key.length + (e - s) * 6 + 8;
    if (room > json.length) {
      const next = Buffer.allocUnsafe(Math.max(json.length * 2, room + 1024));
      json.copy(next, 0, 0, p);
      json = next;
    }
    p = putAscii(p, key);
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c >= 0x20 && c !== 34 && c !== 92) {
        json[p++] = c;
      } else if (c === 34 || c === 92) {
        json[p++] = 92;
        json[p++] = c;
      } else {
        p = putAscii(p, `\\u00${c < 16 ? '0' : ''}${c.toString(16)}`);
      }
    }
    json[p++] = 34;
    return p;
  }
}

function writeRecord(out: RowWriter, buf: Buffer, us: number, gs: number, ge: number, pid: number, level: string, ls: number, le: number, ms: number, end: number, attrs: Buffer, attrsLen: number): void {
  out.beginRecord(us);
  out.empty();
  out.bytes(buf, gs, ge);
  if (pid >= 0) out.int(pid);
  else out.empty();
  out.ascii(level);
  out.bytes(buf, ls, le);
  out.bytes(buf, ms, end);
  out.bytes(attrs, 0, attrsLen);
}
