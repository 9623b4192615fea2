import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, lastIndexOfByte, readLevelWord, skipSpaces } from '../line-scan.js';
import type { RowWriter } from '../row-writer.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * log4j layouts that put the time in brackets:
 * - Kafka and ZooKeeper `[%d] %p %m (%c)%n`: `[2016-12-19 20:51:20,700] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)`,
 * - Elasticsearch's log4j2 `[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n`:
 *   `[2026-11-25T10:00:00,123][INFO ][o.e.n.Node               ] [node-1] started`.
 * The logger fills service (Kafka's trailing `(logger)` when the line ends with one); the
 * Elasticsearch node name goes to attrs. java.ts reads the unbracketed `%d %p [%t] %c - %m`.
 */
const log4j: FormatDefinition = {
  name: 'log4j',
  specificity: 5,
  description: 'log4j with the time in brackets: Kafka/ZooKeeper "[time] LEVEL message (logger)", Elasticsearch "[time][LEVEL][logger] [node] message"',
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

function createLog4jParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] !== LB) return 'no [time]';
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
