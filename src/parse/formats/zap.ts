import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { indexOfByte, lastIndexOfByte } from '../line-scan.js';
import { epochToMicros, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Go zap's console encoder: tab-separated time, level, [logger], [caller], message and the
 * context as JSON: `2026-11-25T10:00:00.123Z\tINFO\tapi\tserver/http.go:42\tlistening\t{"addr": ":8080"}`.
 * The time is ISO 8601 or epoch seconds (`1.7641e+09`, the production config). The logger fills
 * service; the caller and the context's fields go to attrs. A `name  | ` prefix as docker compose
 * writes it is allowed (its name in attrs as `compose`). The stack trace zap writes after an
 * error (`pkg.(*T).Method` then `\t/path/file.go:12`, each behind the same prefix) is joined to it.
 */
const zap: FormatDefinition = {
  name: 'zap',
  specificity: 7,
  description: 'Go zap console encoder: "time<TAB>LEVEL<TAB>logger<TAB>caller<TAB>message<TAB>{json}"',
  example: '2026-11-25T10:00:00.123Z\tERROR\tapi.db\tstore/pool.go:88\tquery failed\t{"attempt": 3, "error": "context deadline exceeded"}',
  create(_options, ctx) {
    return createZapParser(ctx);
  },
};
export default zap;

const TAB = 9;
const SP = 32;
const PIPE = 124;

function createZapParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  const fields: number[] = [];
  return {
    parseLine(buf, start, end, out) {
      const ts = composeEnd(buf, start, end);
      const ps = ts > start ? start : -1;
      let us: number;
      let i: number;
      if (buf[ts + 4] === 45) {
        us = parseIsoBytes(buf, ts, end, ctx.zone, at);
        i = at.end;
      } else {
        i = ts;
        while (i < end && ((buf[i] >= 48 && buf[i] <= 57) || buf[i] === 46 || buf[i] === 101 || buf[i] === 43)) i++;
        us = i > ts ? epochToMicros(Number(buf.toString('latin1', ts, i))) : NaN;
      }
      if (Number.isNaN(us) || buf[i] !== TAB) return 'no time then tab';
      // The level, possibly coloured.
      let ls = i + 1;
      let le = indexOfByte(buf, TAB, ls, Math.min(end, ls + 24));
      if (le < 0) return 'no level then tab';
      let lw = ls;
      let lwe = le;
      if (buf[lw] === 27) {
        lw = indexOfByte(buf, 109, lw, le) + 1;
        lwe = lastIndexOfByte(buf, 27, le - 1, lw);
        if (lw <= 0 || lwe < lw) return 'no level';
      }
      const word = buf.toString('latin1', lw, lwe);
      // zap's DPANIC (a panic in development) ranks between ERROR and PANIC.
      const level = word === 'DPANIC' || word === 'dpanic' ? 'FATAL' : normalizeLevel(word);
      if (level === undefined || lwe - lw < 4) return 'no level';
      ls = lw;
      le = lwe;
      // The rest: tab-separated fields, the last one a JSON object when it is one.
      fields.length = 0;
      let f = indexOfByte(buf, TAB, ls, end) + 1;
      while (f > 0) {
        const t = indexOfByte(buf, TAB, f, end);
        fields.push(f, t < 0 ? end : t);
        f = t < 0 ? 0 : t + 1;
      }
      let n = fields.length / 2;
      if (n === 0) return 'no message';
      let context: string | undefined;
      if (n > 1 && buf[fields[2 * n - 2]] === 123 && buf[fields[2 * n - 1] - 1] === 125) {
        context = buf.toString('utf8', fields[2 * n - 2], fields[2 * n - 1]);
        n--;
      }
      let logger = -1;
      let caller = -1;
      let m = 0;
      if (n >= 3) {
        logger = 0;
        caller = 1;
        m = 2;
      } else if (n === 2) {
        if (isCaller(buf, fields[0], fields[1])) caller = 0;
        else logger = 0;
        m = 1;
      }
      const attrs: Record<string, unknown> = {};
      if (ps >= 0) {
        let pe = ts - 2;
        while (pe > ps && buf[pe - 1] === SP) pe--;
        attrs.compose = buf.toString('utf8', ps, pe);
      }
      if (caller >= 0) attrs.caller = buf.toString('utf8', fields[2 * caller], fields[2 * caller + 1]);
      if (context !== undefined) {
        try {
          Object.assign(attrs, JSON.parse(context) as object);
        } catch {
          attrs.context = context;
        }
      }
      out.beginRecord(us);
      out.empty();
      if (logger >= 0) out.bytes(buf, fields[2 * logger], fields[2 * logger + 1]);
      else out.empty();
      out.empty();
      out.ascii(level);
      out.bytes(buf, ls, le);
      out.bytes(buf, fields[2 * m], fields[2 * n - 1]);
      if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
    continues(buf, recordStart, start, end) {
      // Behind the record's compose prefix, if any: a stack frame `\t/path/x.go:12`, a
      // function `pkg.(*T).Method`, or `goroutine 1 [running]:`.
      const rp = composeEnd(buf, recordStart, recordStart + 80);
      let i = start;
      if (rp > recordStart) {
        if (end - start < rp - recordStart || buf.compare(buf, recordStart, rp, start, start + (rp - recordStart)) !== 0) return false;
        i = start + (rp - recordStart);
      }
      if (i >= end) return false;
      const c = buf[i];
      if (c === TAB || c === SP) return i > start;
      if (c >= 48 && c <= 57) return false;
      if (startsWith(buf, i, end, 'goroutine ')) return true;
      // One token with a '.' and no space: a Go function name.
      return indexOfByte(buf, SP, i, end) < 0 && indexOfByte(buf, TAB, i, end) < 0 && indexOfByte(buf, 46, i, end) > i;
    },
  };
}

/** Where the text after a docker compose prefix `name  | ` starts, or `start` without one. */
function composeEnd(buf: Buffer, start: number, end: number): number {
  const c = buf[start];
  if (c >= 48 && c <= 57) return start;
  const limit = Math.min(end, start + 80);
  let i = start;
  while (i < limit && buf[i] !== SP && buf[i] !== PIPE && buf[i] !== TAB) i++;
  if (i === start) return start;
  while (i < limit && buf[i] === SP) i++;
  return i + 1 < limit && buf[i] === PIPE && buf[i + 1] === SP ? i + 2 : start;
}

/** `file.go:12`-like: no space, a ':' followed by digits to the end. */
function isCaller(buf: Buffer, s: number, e: number): boolean {
  const colon = lastIndexOfByte(buf, 58, e - 1, s);
  if (colon <= s || colon === e - 1 || indexOfByte(buf, SP, s, e) >= 0) return false;
  for (let i = colon + 1; i < e; i++) if (buf[i] < 48 || buf[i] > 57) return false;
  return true;
}

function startsWith(buf: Buffer, s: number, e: number, text: string): boolean {
  if (e - s < text.length) return false;
  for (let k = 0; k < text.length; k++) if (buf[s + k] !== text.charCodeAt(k)) return false;
  return true;
}
