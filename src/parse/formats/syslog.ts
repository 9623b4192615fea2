import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { SYSLOG_SEVERITY_LEVELS, writeLevelAndMessage } from '../level.js';
import type { RowWriter } from '../row-writer.js';
import { parseIntRange } from '../line-scan.js';
import { parseIsoBytes, parseRfc3164Bytes } from '../timestamp.js';

/**
 * Syslog in the three shapes found on disk:
 * - RFC 3164 `Nov  5 03:04:05 host prog[pid]: msg` (optionally `<PRI>` first; year inferred),
 * - the ISO form of rsyslog/syslog-ng `2026-11-25T10:00:00.123Z host prog[pid]: msg`,
 * - RFC 5424 `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`.
 * Without a PRI, a level word leading the message (`ERROR ...`) is taken as the level.
 */
const syslog: FormatDefinition = {
  name: 'syslog',
  specificity: 5,
  description: 'syslog: RFC 3164 (year inferred), RFC 5424, ISO-timestamp (rsyslog/syslog-ng)',
  example: '2026-11-25T10:00:00.123Z web-03 nginx[1234]: ERROR upstream timed out',
  create(_options, ctx) {
    return createSyslogParser(ctx);
  },
};
export default syslog;

const SP = 32;

function createSyslogParser(ctx: ParseContext): LineParser {
  const at = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      let i = start;
      let severity = -1;
      if (buf[i] === 60) {
        // <PRI>
        let j = i + 1;
        let pri = 0;
        while (j < end && j - i <= 4 && buf[j] >= 48 && buf[j] <= 57) pri = pri * 10 + (buf[j++] - 48);
        if (j === i + 1 || j >= end || buf[j] !== 62 || pri > 191) return 'bad <PRI>';
        severity = pri & 7;
        i = j + 1;
        if (buf[i] === 49 && buf[i + 1] === SP) return parse5424(buf, i + 2, end, severity, out);
      }
      let us: number;
      if (buf[i] >= 48 && buf[i] <= 57) us = parseIsoBytes(buf, i, end, ctx.zone, at);
      else us = parseRfc3164Bytes(buf, i, end, ctx.referenceMicros, ctx.zone, at);
      if (Number.isNaN(us)) return 'no syslog timestamp';
      i = at.end;
      if (buf[i] !== SP) return 'no space after timestamp';
      while (i < end && buf[i] === SP) i++;
      const hs = i;
      while (i < end && buf[i] !== SP) i++;
      const he = i;
      if (he === hs || i >= end) return 'no host';
      i++;
      // TAG[pid]: — the tag ends at ':' or '[' and has no spaces.
      const ts = i;
      while (i < end && buf[i] !== 58 && buf[i] !== 91 && buf[i] !== SP) i++;
      const te = i;
      let ps = -1;
      let pe = -1;
      if (i < end && buf[i] === 91) {
        ps = i + 1;
        while (i < end && buf[i] !== 93) i++;
        if (i >= end) return 'unclosed [pid]';
        pe = i;
        i++;
      }
      if (i >= end || buf[i] !== 58 || te === ts) return 'no "tag:"';
      // A tag of digits and dots is an address or a number (`client:port` of an access log), not a program.
      if (buf[ts] <= 57 && isDigitsAndDots(buf, ts, te)) return 'tag is a number or an address';
      i++;
      if (i < end && buf[i] === SP) i++;
      const pid = ps >= 0 ? parseIntRange(buf, ps, pe) : -1;
      out.beginRecord(us);
      out.bytes(buf, hs, he);
      out.bytes(buf, ts, te);
      if (pid >= 0) out.int(pid);
      else out.empty();
      if (severity >= 0) {
        out.ascii(SYSLOG_SEVERITY_LEVELS[severity]);
        out.int(severity);
        out.bytes(buf, i, end);
      } else {
        writeLevelAndMessage(out, buf, i, end);
      }
      if (ps >= 0 && pid < 0) out.text(JSON.stringify({ procid: buf.toString('utf8', ps, pe) }));
      else out.empty();
      return null;
    },
  };

  function parse5424(buf: Buffer, start: number, end: number, severity: number, out: RowWriter): string | null {
    // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]; '-' is nil.
    const fields: number[] = [];
    let i = start;
    for (let f = 0; f < 5; f++) {
      const s = i;
      while (i < end && buf[i] !== SP) i++;
      if (i === s) return 'RFC 5424 header too short';
      fields.push(s, i);
      if (i < end) i++;
    }
    let us: number;
    if (buf[fields[0]] === 45 && fields[1] - fields[0] === 1) return 'RFC 5424 nil timestamp';
    us = parseIsoBytes(buf, fields[0], fields[1], ctx.zone, at);
    if (Number.isNaN(us) || at.end !== fields[1]) return 'bad RFC 5424 timestamp';
    // STRUCTURED-DATA: '-' or one or more [id k="v" ...]
    const sds = i;
    if (i < end && buf[i] === 45) {
      i++;
    } else if (i < end && buf[i] === 91) {
      while (i < end && buf[i] === 91) {
        i++;
        while (i < end && buf[i] !== 93) {
          if (buf[i] === 92) i++;
          else if (buf[i] === 34) {
            i++;
            while (i < end && buf[i] !== 34) {
              if (buf[i] === 92) i++;
              i++;
            }
          }
          i++;
        }
        if (i >= end) return 'unclosed RFC 5424 structured data';
        i++;
      }
    } else if (i < end) {
      return 'bad RFC 5424 structured data';
    }
    const sde = i;
    if (i < end && buf[i] === SP) i++;
    const nil = (k: number) => fields[2 * k + 1] - fields[2 * k] === 1 && buf[fields[2 * k]] === 45;
    const attrs: Record<string, string> = {};
    if (!nil(4)) attrs.msgid = buf.toString('utf8', fields[8], fields[9]);
    if (sde > sds && !(sde - sds === 1 && buf[sds] === 45)) attrs.sd = buf.toString('utf8', sds, sde);
    let ms = i;
    // A UTF-8 BOM may start MSG.
    if (buf[ms] === 0xef && buf[ms + 1] === 0xbb && buf[ms + 2] === 0xbf) ms += 3;
    const pid = nil(3) ? -1 : parseIntRange(buf, fields[6], fields[7]);
    if (pid < 0 && !nil(3)) attrs.procid = buf.toString('utf8', fields[6], fields[7]);
    out.beginRecord(us);
    if (nil(1)) out.empty();
    else out.bytes(buf, fields[2], fields[3]);
    if (nil(2)) out.empty();
    else out.bytes(buf, fields[4], fields[5]);
    if (pid >= 0) out.int(pid);
    else out.empty();
    out.ascii(SYSLOG_SEVERITY_LEVELS[severity]);
    out.int(severity);
    out.bytes(buf, ms, end);
    if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
    else out.empty();
    return null;
  }
}

function isDigitsAndDots(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!((buf[i] >= 48 && buf[i] <= 57) || buf[i] === 46)) return false;
  return true;
}
