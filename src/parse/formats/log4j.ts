import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, indexOfText, lastIndexOfByte, parseTimeOfDay, readLevelWord, skipSpaces, startsWithAscii, two } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { daysFromCivil, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * log4j layouts that java.ts does not read:
 * - Kafka and ZooKeeper `[%d] %p %m (%c)%n`: `[2016-12-19 20:51:20,700] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)`,
 * - Elasticsearch's log4j2 `[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n`:
 *   `[2026-11-25T10:00:00,123][INFO ][o.e.n.Node               ] [node-1] started`.
 * - ZooKeeper `%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m`: `2026-11-25 10:00:00,123 [myid:1] - INFO  [main:QuorumPeerMain@123] - msg`,
 * - Spark `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m`: `26/11/25 10:00:00 INFO SparkContext: Running Spark version 3.5.0`,
 *   and old Hadoop `261125 100000 148 INFO dfs.DataNode: msg` (time, thread, level, logger).
 * The logger fills service (Kafka's trailing `(logger)` when the line ends with one, ZooKeeper's
 * class); the Elasticsearch node name, ZooKeeper's myid and thread go to attrs. Times without a
 * zone are read in the file's zone. java.ts reads `%d %p [%t] %c - %m` and the like.
 */
const log4j: FormatDefinition = {
  name: 'log4j',
  specificity: 5,
  description: 'log4j layouts of Kafka "[time] LEVEL message (logger)", Elasticsearch "[time][LEVEL][logger] [node] message", ZooKeeper, Spark and Hadoop',
  example: '[2026-11-25 10:00:00,700] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)',
  create(_options, ctx) {
    return createLog4jParser(ctx);
  },
};
export default log4j;

const SP = 32;
const LB = 91;
const RB = 93;
const LP = 40;
const RP = 41;
const DAY_US = 86_400_000_000;

function createLog4jParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] !== LB) return parsePlain(buf, start, end, out);
      const us = parseIsoBytes(buf, start + 1, end, ctx.zone, at);
      if (Number.isNaN(us) || buf[at.end] !== RB) return 'no [time]';
      let i = at.end + 1;
      if (buf[i] === LB) return parseBracketed(buf, i, end, us, out);
      if (buf[i] !== SP) return 'no space after [time]';
      const ls = i + 1;
      const level = readLevelWord(buf, ls, end, SP);
      if (level === undefined) return 'no level after [time]';
      const lv = level.level;
      const le = level.end;
      i = skipSpaces(buf, le, end);
      // `(logger)` ending the line: a dotted name with no space.
      let gs = -1;
      let ge = -1;
      let me = end;
      while (me > i && buf[me - 1] === SP) me--;
      if (me > i && buf[me - 1] === RP) {
        const open = lastIndexOfByte(buf, LP, me - 1, i);
        if (open > i && buf[open - 1] === SP && indexOfByte(buf, SP, open, me) < 0 && indexOfByte(buf, 46, open, me) > 0) {
          gs = open + 1;
          ge = me - 1;
          me = open - 1;
        }
      }
      out.beginRecord(us);
      out.empty();
      if (gs >= 0) out.bytes(buf, gs, ge);
      else out.empty();
      out.empty();
      out.ascii(lv);
      out.bytes(buf, ls, le);
      out.bytes(buf, i, me);
      out.empty();
      return null;
    },
  };

  /**
   * The unbracketed layouts java.ts does not read: ZooKeeper `%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m`,
   * Spark `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m` and Hadoop's old `yyMMdd HHmmss thread LEVEL logger: msg`.
   */
  function parsePlain(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    let us: number;
    let i: number;
    const s = start;
    if (buf[s + 2] === 47 && buf[s + 5] === 47 && buf[s + 8] === SP) {
      // Spark: 17/06/09 20:10:40
      const yy = two(buf, s);
      const mo = two(buf, s + 3);
      const d = two(buf, s + 6);
      const tod = parseTimeOfDay(buf, s + 9, end, at);
      if (yy < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || Number.isNaN(tod)) return 'no timestamp';
      us = ctx.zone(daysFromCivil(2000 + yy, mo, d) * DAY_US + tod);
      i = at.end;
    } else if (buf[s + 6] === SP && buf[s + 13] === SP) {
      // Hadoop: 081109 203615 148
      const yy = two(buf, s);
      const mo = two(buf, s + 2);
      const d = two(buf, s + 4);
      const h = two(buf, s + 7);
      const mi = two(buf, s + 9);
      const se = two(buf, s + 11);
      if (yy < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return 'no timestamp';
      us = ctx.zone(daysFromCivil(2000 + yy, mo, d) * DAY_US + (h * 3600 + mi * 60 + se) * 1_000_000);
      i = s + 14;
      const ts = i;
      while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
      if (i === ts || buf[i] !== SP) return 'no thread id';
    } else if (buf[s + 4] === 45) {
      us = parseIsoBytes(buf, s, end, ctx.zone, at);
      if (Number.isNaN(us)) return 'no timestamp';
      i = at.end;
      return parseZooKeeper(buf, i, end, us, out);
    } else {
      return 'no [time]';
    }
    // LEVEL logger: message
    if (buf[i] !== SP) return 'no space after the time';
    const ls = i + 1;
    const level = readLevelWord(buf, ls, end, SP);
    if (level === undefined) return 'no level after the time';
    const lv = level.level;
    const le = level.end;
    const gs = skipSpaces(buf, le, end);
    let ge = gs;
    while (ge < end && buf[ge] !== SP && buf[ge] !== 58) ge++;
    if (ge === gs || buf[ge] !== 58 || (ge + 1 < end && buf[ge + 1] !== SP)) return 'no "logger: "';
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, gs, ge);
    out.empty();
    out.ascii(lv);
    out.bytes(buf, ls, le);
    out.bytes(buf, Math.min(ge + 2, end), end);
    out.empty();
    return null;
  }

  /** ` [myid:1] - INFO  [main:QuorumPeerMain@123] - message` (the `[myid:...]` is optional). */
  function parseZooKeeper(buf: Buffer, i: number, end: number, us: number, out: RowWriter): string | null {
    if (buf[i] !== SP) return 'no space after the time';
    i++;
    let myid: string | undefined;
    if (startsWithAscii(buf, i, end, '[myid:')) {
      const e = indexOfByte(buf, RB, i, Math.min(end, i + 40));
      if (e < 0) return 'unclosed [myid:]';
      myid = buf.toString('latin1', i + 6, e);
      i = e + 2;
    }
    if (buf[i] !== 45 || buf[i + 1] !== SP) return 'no " - LEVEL"';
    const ls = i + 2;
    const level = readLevelWord(buf, ls, end, SP);
    if (level === undefined) return 'no " - LEVEL"';
    const lv = level.level;
    const le = level.end;
    const ts = skipSpaces(buf, le, end);
    if (buf[ts] !== LB) return 'no [thread:Class@line]';
    // The thread may hold brackets (`QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181`): it ends at `] - `.
    const te = indexOfText(buf, '] - ', ts, end);
    if (te < 0) return 'no [thread:Class@line]';
    const at2 = lastIndexOfByte(buf, 64, te, ts);
    const colon = at2 < 0 ? -1 : lastIndexOfByte(buf, 58, at2, ts);
    out.beginRecord(us);
    out.empty();
    if (colon > ts) out.bytes(buf, colon + 1, at2);
    else out.empty();
    out.empty();
    out.ascii(lv);
    out.bytes(buf, ls, le);
    out.bytes(buf, te + 4, end);
    const thread = buf.toString('utf8', ts + 1, colon > ts ? colon : te);
    out.text(JSON.stringify(myid === undefined ? { thread } : { myid, thread }));
    return null;
  }

  /** `[LEVEL ][logger   ] [node] message` after the time. */
  function parseBracketed(buf: Buffer, i: number, end: number, us: number, out: RowWriter): string | null {
    const ls = i + 1;
    const level = readLevelWord(buf, ls, end, SP) ?? readLevelWord(buf, ls, end, RB);
    if (level === undefined) return 'no [LEVEL]';
    const lv = level.level;
    const le = level.end;
    const lc = skipSpaces(buf, le, end);
    if (buf[lc] !== RB || buf[lc + 1] !== LB) return 'no [logger]';
    const gs = lc + 2;
    const gc = indexOfByte(buf, RB, gs, end);
    if (gc < 0) return 'unclosed [logger]';
    let ge = gc;
    while (ge > gs && buf[ge - 1] === SP) ge--;
    if (ge === gs || indexOfByte(buf, SP, gs, ge) >= 0) return 'no [logger]';
    let ms = skipSpaces(buf, gc + 1, end);
    let node: string | undefined;
    if (buf[ms] === LB) {
      const ne = indexOfByte(buf, RB, ms + 1, end);
      if (ne > ms + 1 && indexOfByte(buf, SP, ms + 1, ne) < 0) {
        node = buf.toString('utf8', ms + 1, ne);
        ms = skipSpaces(buf, ne + 1, end);
      }
    }
    out.beginRecord(us);
    out.empty();
    out.bytes(buf, gs, ge);
    out.empty();
    out.ascii(lv);
    out.bytes(buf, ls, le);
    out.bytes(buf, ms, end);
    if (node !== undefined) out.text(JSON.stringify({ node }));
    else out.empty();
    return null;
  }
}
