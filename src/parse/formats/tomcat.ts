import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, lastIndexOfByte, parseTimeOfDay, readLevelWord, readMonthName, two } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { daysFromCivil, type ParsedAt } from '../timestamp.js';

/**
 * Tomcat's `catalina.out` (java.util.logging through JULI):
 * - OneLineFormatter (Tomcat 8+): `19-Dec-2016 18:00:00.123 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in 1234 ms`:
 *   the class fills service, the thread and the method go to attrs;
 * - SimpleFormatter (older Tomcat): two lines, `Jan 12, 2012 3:53:59 PM org.apache.catalina.startup.Catalina start`
 *   then `INFO: Server startup in 1234 ms`: one record, the level from the second line.
 * The time has no zone: it is read in the file's zone. Stack traces are joined as usual.
 */
const tomcat: FormatDefinition = {
  name: 'tomcat',
  specificity: 6,
  description: "Tomcat catalina.out: JULI OneLineFormatter 'dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] class.method message' and the two-line SimpleFormatter",
  example: '25-Nov-2026 10:00:00.123 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [1234] milliseconds',
  create(_options, ctx) {
    return createTomcatParser(ctx);
  },
  // A SimpleFormatter record's second line (`INFO: message`), known to the chunker so that it
  // never cuts a record in two. Such a line after a OneLineFormatter record joins it as well.
  continuation(buf, start, end) {
    return levelLineEnd(buf as Buffer, start, end) > 0;
  },
};
export default tomcat;

const SP = 32;
const LB = 91;
const RB = 93;
const DASH = 45;
const COLON = 58;
const DAY_US = 86_400_000_000;

function createTomcatParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] >= 48 && buf[start] <= 57) return parseOneLine(buf, start, end, out);
      return parseSimple(buf, start, end, out);
    },
  };

  function parseOneLine(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    // dd-MMM-yyyy HH:mm:ss.SSS
    const day = two(buf, start);
    if (day < 1 || day > 31 || buf[start + 2] !== DASH || buf[start + 6] !== DASH) return 'no dd-MMM-yyyy date';
    const month = readMonthName(buf, start + 3, end);
    const y1 = two(buf, start + 7);
    const y2 = two(buf, start + 9);
    if (month === 0 || y1 < 0 || y2 < 0 || buf[start + 11] !== SP) return 'no dd-MMM-yyyy date';
    const tod = parseTimeOfDay(buf, start + 12, end, at);
    if (Number.isNaN(tod) || buf[at.end] !== SP) return 'no time of day';
    const us = ctx.zone(daysFromCivil(y1 * 100 + y2, month, day) * DAY_US + tod);
    const ls = at.end + 1;
    const level = readLevelWord(buf, ls, end, SP);
    if (level === undefined) return 'no level';
    const lv = level.level;
    const le = level.end;
    if (buf[le + 1] !== LB) return 'no [thread]';
    const ts = le + 2;
    // Thread names may hold brackets (`ContainerBackgroundProcessor[StandardEngine[Catalina]]`): the name ends at `] `.
    let te = indexOfByte(buf, RB, ts, end);
    while (te >= 0 && te + 1 < end && buf[te + 1] !== SP) te = indexOfByte(buf, RB, te + 1, end);
    if (te < 0 || buf[te + 1] !== SP) return 'no [thread]';
    // class.method: a dotted name; the method is after its last dot.
    const cs = te + 2;
    let ce = cs;
    while (ce < end && buf[ce] !== SP) ce++;
    const dot = lastIndexOfByte(buf, 46, ce - 1, cs);
    if (dot <= cs || dot >= ce - 1) return 'no class.method';
    const ms = ce < end ? ce + 1 : end;
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, cs, dot);
    out.empty();
    out.ascii(lv);
    out.bytes(buf, ls, le);
    out.bytes(buf, ms, end);
    out.text(JSON.stringify({ thread: buf.toString('utf8', ts, te), method: buf.toString('utf8', dot + 1, ce) }));
    return null;
  }

  /** `Jan 12, 2012 3:53:59 PM org.example.Class method`, its level on the next line. */
  function parseSimple(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    const month = readMonthName(buf, start, end);
    if (month === 0 || buf[start + 3] !== SP) return 'no "MMM d, yyyy" date';
    let i = start + 4;
    let day = 0;
    while (i < end && buf[i] >= 48 && buf[i] <= 57 && i - start < 6) day = day * 10 + buf[i++] - 48;
    if (day < 1 || day > 31 || buf[i] !== 44 || buf[i + 1] !== SP) return 'no "MMM d, yyyy" date';
    const y1 = two(buf, i + 2);
    const y2 = two(buf, i + 4);
    if (y1 < 0 || y2 < 0 || buf[i + 6] !== SP) return 'no year';
    i += 7;
    // h:mm:ss AM|PM
    let h = 0;
    const hs = i;
    while (i < end && buf[i] >= 48 && buf[i] <= 57 && i - hs < 2) h = h * 10 + buf[i++] - 48;
    const mi = two(buf, i + 1);
    const se = two(buf, i + 4);
    if (i === hs || h < 1 || h > 12 || buf[i] !== COLON || buf[i + 3] !== COLON || mi < 0 || mi > 59 || se < 0 || se > 60 || buf[i + 6] !== SP) return 'no h:mm:ss';
    const ap = buf[i + 7] | 32;
    if ((ap !== 97 && ap !== 112) || (buf[i + 8] | 32) !== 109 || buf[i + 9] !== SP) return 'no AM/PM';
    const hour = (h % 12) + (ap === 112 ? 12 : 0);
    const us = ctx.zone(daysFromCivil(y1 * 100 + y2, month, day) * DAY_US + (hour * 3600 + mi * 60 + se) * 1_000_000);
    const cs = i + 10;
    const sp = indexOfByte(buf, SP, cs, end);
    if (sp <= cs || indexOfByte(buf, SP, sp + 1, end) >= 0 || sp + 1 >= end) return 'no "class method"';
    // The level and message are the next line's; the lines after it continue the message.
    const cont = out.pendingContinuation;
    let lv: string | undefined;
    let raw = '';
    let message = '';
    if (cont !== null) {
      const nl = cont.indexOf('\n');
      const first = nl < 0 ? cont : cont.slice(0, nl);
      const colon = first.indexOf(': ');
      raw = colon > 0 ? first.slice(0, colon) : '';
      lv = normalizeLevel(raw);
      if (lv !== undefined) message = first.slice(colon + 2) + (nl < 0 ? '' : cont.slice(nl));
      out.clearContinuation();
    }
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, cs, sp);
    out.empty();
    if (lv !== undefined) {
      out.ascii(lv);
      out.text(raw);
      out.text(message);
    } else {
      out.empty();
      out.empty();
      if (cont !== null) out.text(cont);
      else out.empty();
    }
    out.text(JSON.stringify({ method: buf.toString('utf8', sp + 1, end) }));
    return null;
  }
}

/** End of the level word of a JULI SimpleFormatter level line `SEVERE: msg`, or 0. */
function levelLineEnd(buf: Buffer, start: number, end: number): number {
  const c = buf[start];
  if (c < 65 || c > 90) return 0;
  const colon = indexOfByte(buf, COLON, start, Math.min(end, start + 9));
  if (colon < 0 || (colon + 1 < end && buf[colon + 1] !== SP)) return 0;
  const word = buf.toString('latin1', start, colon);
  return JULI_LEVELS.has(word) ? colon : 0;
}

const JULI_LEVELS = new Set(['SEVERE', 'WARNING', 'INFO', 'CONFIG', 'FINE', 'FINER', 'FINEST']);
