import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, parseTimeOfDay, skipSpaces, two } from '../line-scan.js';
import { daysFromCivil, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * HashiCorp's hclog (Vault, Consul, Nomad, Terraform, Packer) and the Go `log` + `[LEVEL]`
 * style it grew from:
 * `2026-11-25T10:00:00.123Z [INFO]  agent.server: member joined: member=node-2 partition=default`,
 * `2026/11/25 10:00:00 [WARN] agent: Check is now critical`.
 * The name before the first `: ` (a word of letters, digits, `.`, `-`, `_`, `/`) fills service;
 * trailing `key=value` pairs after the last `: ` go to attrs and leave the message.
 */
const hclog: FormatDefinition = {
  name: 'hclog',
  specificity: 7,
  description: 'hclog (HashiCorp tools) and Go log with [LEVEL]: "time [LEVEL]  name: message: key=value ..."',
  example: '2026-11-25T10:00:00.123Z [INFO]  agent.server: member joined, marking health alive: member=node-2 partition=default',
  create(_options, ctx) {
    return createHclogParser(ctx);
  },
};
export default hclog;

const SP = 32;
const LB = 91;
const RB = 93;
const COLON = 58;
const KV = /^(?:[\w.\-/@]+=(?:"(?:[^"\\]|\\.)*"|[^\s"]*)(?: |$))+$/;
const PAIR = /([\w.\-/@]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g;

function createHclogParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      let us: number;
      if (buf[start + 4] === 47) {
        // 2026/11/25 10:00:00
        const s = start;
        const y1 = two(buf, s);
        const y2 = two(buf, s + 2);
        const mo = two(buf, s + 5);
        const d = two(buf, s + 8);
        if (y1 < 0 || y2 < 0 || buf[s + 7] !== 47 || buf[s + 10] !== SP || mo < 1 || mo > 12 || d < 1 || d > 31) return 'no timestamp';
        const tod = parseTimeOfDay(buf, s + 11, end, at);
        if (Number.isNaN(tod)) return 'no timestamp';
        us = ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod);
      } else {
        us = parseIsoBytes(buf, start, end, ctx.zone, at);
        if (Number.isNaN(us) || buf[start + 10] !== 84) return 'no timestamp';
      }
      if (buf[at.end] !== SP || buf[at.end + 1] !== LB) return 'no [LEVEL]';
      const ls = at.end + 2;
      let le = ls;
      while (le < end && buf[le] >= 65 && buf[le] <= 90) le++;
      if (buf[le] !== RB || le - ls < 3) return 'no [LEVEL]';
      const level = normalizeLevel(buf.toString('latin1', ls, le));
      if (level === undefined) return 'no [LEVEL]';
      let i = skipSpaces(buf, le + 1, end);
      if (i === le + 1 && i < end) return 'no space after [LEVEL]';
      // name: — a word with no space, ended by ': '.
      let ns = -1;
      let ne = -1;
      let j = i;
      while (j < end && isNameByte(buf[j])) j++;
      if (j > i && buf[j] === COLON && buf[j + 1] === SP) {
        ns = i;
        ne = j;
        i = j + 2;
      }
      // msg: key=value ...
      let me = end;
      let attrs: Record<string, string> | undefined;
      const colon = indexOfByte(buf, COLON, i, end);
      if (colon >= 0 && indexOfByte(buf, 61, colon, end) > 0) {
        const text = buf.toString('utf8', i, end);
        let c = text.indexOf(': ');
        while (c >= 0) {
          const rest = text.slice(c + 2);
          if (rest.length > 0 && KV.test(rest)) {
            attrs = {};
            for (const m of rest.matchAll(PAIR)) attrs[m[1]] = m[2].startsWith('"') ? unquote(m[2]) : m[2];
            me = i + Buffer.byteLength(text.slice(0, c));
            break;
          }
          c = text.indexOf(': ', c + 2);
        }
      }
      out.beginRecord(us);
      out.empty();
      if (ns >= 0) out.bytes(buf, ns, ne);
      else out.empty();
      out.empty();
      out.ascii(level);
      out.bytes(buf, ls, le);
      out.bytes(buf, i, me);
      if (attrs !== undefined) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
  };
}

function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 95 || c === 47;
}

function unquote(q: string): string {
  try {
    return JSON.parse(q) as string;
  } catch {
    return q.slice(1, -1);
  }
}
