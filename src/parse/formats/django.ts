import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, parseIntRange, parseTimeOfDay, readLevelWord, readMonthName, two } from '../line-scan.js';
import { isTracebackEnd } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { daysFromCivil, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Django's logs:
 * - the `verbose` formatter of Django's logging docs, `{levelname} {asctime} {module} {process:d} {thread:d} {message}`:
 *   `WARNING 2026-11-25 10:00:00,123 views 1234 140245 Not Found: /favicon.ico`, and the same
 *   without process and thread or with `module:lineno` (`ERROR 2026-11-25 10:00:00,123 log:224 Internal Server Error: /api`);
 *   the module fills service, the process pid;
 * - the runserver request log (`django.server`): `[25/Nov/2026 10:00:00] "GET /api/ HTTP/1.1" 200 1234`,
 *   levelled as Django does it (5xx ERROR, 4xx WARN, else INFO), service `django.server`.
 * Times have no zone: they are read in the file's zone. A traceback is joined to its record, its
 * last line too when the exception has a dotted name (`shop.models.Order.DoesNotExist: ...`).
 */
const django: FormatDefinition = {
  name: 'django',
  specificity: 7,
  description: 'Django: the docs\' verbose format "LEVEL asctime module process thread message" and runserver\'s "[dd/Mon/yyyy hh:mm:ss] \\"request\\" status size"',
  example: 'WARNING 2026-11-25 10:00:00,123 log 1234 140245 Not Found: /favicon.ico',
  create(_options, ctx) {
    return createDjangoParser(ctx);
  },
};
export default django;

const SP = 32;
const SERVER = Buffer.from('django.server', 'latin1');

function createDjangoParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      return buf[start] === 91 ? parseServer(buf, start, end, out) : parseVerbose(buf, start, end, out);
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      return isTracebackEnd(buf, start, end);
    },
  };

  function parseVerbose(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    const level = readLevelWord(buf, start, end, SP);
    if (level === undefined) return 'no level';
    const lv = level.level;
    const le = level.end;
    const us = parseIsoBytes(buf, le + 1, end, ctx.zone, at);
    if (Number.isNaN(us) || buf[le + 11] !== SP || buf[at.end] !== SP) return 'no asctime after the level';
    const ns = at.end + 1;
    let ne = indexOfByte(buf, SP, ns, end);
    if (ne < 0) ne = end;
    let i = ne;
    let line = -1;
    const colon = indexOfByte(buf, 58, ns, ne);
    if (colon >= 0) {
      line = parseIntRange(buf, colon + 1, ne);
      if (line < 0) return 'no module';
      ne = colon;
    }
    if (ne === ns) return 'no module';
    // process and thread, both numbers, or neither.
    let pid = -1;
    let thread = -1;
    const p1 = i + 1;
    const p2 = indexOfByte(buf, SP, p1, end);
    if (p2 > p1) {
      const p3 = indexOfByte(buf, SP, p2 + 1, end);
      const a = parseIntRange(buf, p1, p2);
      const b = p3 < 0 ? -1 : readBigInt(buf, p2 + 1, p3);
      if (a >= 0 && b >= 0) {
        pid = a;
        thread = b;
        i = p3;
      }
    }
    const ms = i < end ? i + 1 : end;
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, ns, ne);
    if (pid >= 0) out.int(pid);
    else out.empty();
    out.ascii(lv);
    out.bytes(buf, start, le);
    out.bytes(buf, ms, end);
    if (line >= 0 || thread >= 0) out.text(JSON.stringify(thread >= 0 ? (line >= 0 ? { line, thread } : { thread }) : { line }));
    else out.empty();
    return null;
  }

  /** `[25/Nov/2026 10:00:00] "GET / HTTP/1.1" 200 1234` */
  function parseServer(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    const s = start + 1;
    const d = two(buf, s);
    const mo = readMonthName(buf, s + 3, end);
    const y1 = two(buf, s + 7);
    const y2 = two(buf, s + 9);
    if (d < 1 || d > 31 || buf[s + 2] !== 47 || buf[s + 6] !== 47 || mo === 0 || y1 < 0 || y2 < 0 || buf[s + 11] !== SP) return 'no [dd/Mon/yyyy hh:mm:ss]';
    const tod = parseTimeOfDay(buf, s + 12, end, at);
    if (Number.isNaN(tod) || buf[at.end] !== 93 || buf[at.end + 1] !== SP) return 'no [dd/Mon/yyyy hh:mm:ss]';
    const ms = at.end + 2;
    // A request: `"METHOD path PROTO" status size`; other django.server messages are levelled INFO.
    let lv = 'INFO';
    let raw = -1;
    if (buf[ms] === 34) {
      const q = indexOfByte(buf, 34, ms + 1, end);
      if (q < 0) return 'unclosed request';
      raw = parseIntRange(buf, q + 2, Math.min(end, q + 5));
      if (buf[q + 1] !== SP || raw < 100 || raw > 599) return 'no status after the request';
      lv = raw >= 500 ? 'ERROR' : raw >= 400 ? 'WARN' : 'INFO';
    }
    out.beginRecord(ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod));
    out.empty();
    out.bytes(SERVER, 0, SERVER.length);
    out.empty();
    out.ascii(lv);
    if (raw >= 0) out.int(raw);
    else out.empty();
    out.bytes(buf, ms, end);
    out.empty();
    return null;
  }
}

/** A thread id: 1 to 20 digits, or -1. */
function readBigInt(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 20) return -1;
  for (let i = s; i < e; i++) if (buf[i] < 48 || buf[i] > 57) return -1;
  return Number(buf.toString('latin1', s, e));
}
