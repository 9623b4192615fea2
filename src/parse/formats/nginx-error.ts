import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, indexOfText, parseIntRange, parseTimeOfDay, two } from '../line-scan.js';
import { daysFromCivil, type ParsedAt } from '../timestamp.js';

/**
 * nginx error log: `2026/11/25 10:00:00 [error] 1234#5678: *9 connect() failed (111: Connection refused) while
 * connecting to upstream, client: 203.0.113.9, server: example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8080/"`.
 * The level word (`debug` ... `emerg`) fills level, the pid pid; the thread id, the connection
 * number and the trailing `client: ..., server: ..., request: "..."` pairs go to attrs, and
 * the message is what comes before them. The time has no zone: it is read in the file's zone.
 */
const nginxError: FormatDefinition = {
  name: 'nginx-error',
  specificity: 7,
  description: 'nginx error log: "yyyy/mm/dd hh:mm:ss [level] pid#tid: *connection message, client: ..., server: ..."',
  example: '2026/11/25 10:00:00 [error] 1234#5678: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.9, server: example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8080/", host: "example.com"',
  create(_options, ctx) {
    return createNginxErrorParser(ctx);
  },
};
export default nginxError;

const SP = 32;
const SLASH = 47;
const HASH = 35;
const COLON = 58;
const KEYS = ['client', 'server', 'request', 'upstream', 'host', 'referrer', 'subrequest', 'login'];
const TAIL = Buffer.from(', client: ', 'latin1');
const LEVEL_WORDS = new Set(['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg']);

function createNginxErrorParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      const s = start;
      if (end - s < 25 || buf[s + 4] !== SLASH || buf[s + 7] !== SLASH || buf[s + 10] !== SP) return 'no yyyy/mm/dd date';
      const y1 = two(buf, s);
      const y2 = two(buf, s + 2);
      const mo = two(buf, s + 5);
      const d = two(buf, s + 8);
      if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return 'no yyyy/mm/dd date';
      const tod = parseTimeOfDay(buf, s + 11, end, at);
      if (Number.isNaN(tod) || buf[at.end] !== SP || buf[at.end + 1] !== 91) return 'no [level]';
      const ls = at.end + 2;
      const le = indexOfByte(buf, 93, ls, Math.min(end, ls + 8));
      if (le < 0) return 'no [level]';
      const word = buf.toString('latin1', ls, le);
      if (!LEVEL_WORDS.has(word)) return 'no nginx level';
      // pid#tid:
      let i = le + 2;
      const ps = i;
      while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
      const pid = parseIntRange(buf, ps, i);
      if (buf[le + 1] !== SP || pid < 0 || buf[i] !== HASH) return 'no pid#tid';
      const ts = ++i;
      while (i < end && buf[i] >= 48 && buf[i] <= 57) i++;
      if (i === ts || buf[i] !== COLON) return 'no pid#tid';
      const attrs: Record<string, string | number> = { tid: Number(buf.toString('latin1', ts, i)) };
      i++;
      if (buf[i] === SP) i++;
      if (buf[i] === 42) {
        // *connection
        const cs = i + 1;
        let j = cs;
        while (j < end && buf[j] >= 48 && buf[j] <= 57) j++;
        if (j > cs && (j === end || buf[j] === SP)) {
          attrs.connection = Number(buf.toString('latin1', cs, j));
          i = j < end ? j + 1 : j;
        }
      }
      let me = end;
      const tail = indexOfText(buf, TAIL, i, end);
      if (tail >= 0) {
        me = tail;
        readPairs(buf.toString('utf8', tail + 2, end), attrs);
      }
      out.beginRecord(ctx.zone(daysFromCivil(y1 * 100 + y2, mo, d) * 86_400_000_000 + tod));
      out.empty();
      out.empty();
      out.int(pid);
      out.ascii(normalizeLevel(word) ?? 'ERROR');
      out.bytes(buf, ls, le);
      out.bytes(buf, i, me);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}

/** `client: 1.2.3.4, server: x, request: "GET / HTTP/1.1", host: "x"` into attrs (quotes removed). */
function readPairs(text: string, attrs: Record<string, string | number>): void {
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(': ', i);
    if (colon < 0) return;
    const key = text.slice(i, colon);
    let j = colon + 2;
    let value: string;
    if (text[j] === '"') {
      let k = j + 1;
      while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      value = text.slice(j + 1, Math.min(k, text.length));
      j = k + 1;
    } else {
      const comma = text.indexOf(', ', j);
      const k = comma < 0 ? text.length : comma;
      value = text.slice(j, k);
      j = k;
    }
    attrs[KEYS.includes(key) ? key : key.replace(/[^\w]+/g, '_')] = value;
    if (!text.startsWith(', ', j)) return;
    i = j + 2;
  }
}
