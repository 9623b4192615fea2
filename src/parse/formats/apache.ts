import { isUtf8 } from 'node:buffer';
import { parseClfBytes } from '../clf-timestamp.js';
import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import type { ParsedAt } from '../timestamp.js';

/**
 * Apache/nginx access logs: Common Log Format
 * `client ident user [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326`, Combined
 * (`... "referer" "user agent"`), and the common extensions after those: nginx's third
 * quoted field (`"$http_x_forwarded_for"`), a response time (`0.123`, `rt=0.123`,
 * `request_time=0.123`), other `key=value` pairs, and Apache's `vhost_combined`
 * (`www.example.com:443 ` first).
 *
 * host, service and pid stay empty (the line names the client, not the server); level comes
 * from the status (5xx ERROR, 4xx WARN, else INFO) with the status as level_raw; the message
 * is the request line as written. Everything else goes to attrs, built as JSON bytes
 * directly from the line: this format is read by the gigabyte.
 */
const apache: FormatDefinition = {
  name: 'apache',
  description: 'Apache/nginx access log: Common and Combined Log Format (+ nginx response time)',
  example: '203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] "POST /api/v1/login HTTP/1.1" 503 512 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)" 0.123',
  create(_options, ctx) {
    return createApacheParser(ctx);
  },
};
export default apache;

const SP = 32;
const DQ = 34;
const BS = 92;
const LB = 91;
const RB = 93;
const DASH = 45;

const NOT_ACCESS_LOG = 'not an access log line';

/** `"name":` as bytes, ready to copy. */
function keyBytes(name: string): Uint8Array {
  return Buffer.from(`${JSON.stringify(name)}:`, 'utf8');
}

/** The attrs keys written from known fields; a trailing `key=value` may not reuse them. */
const OWN_KEYS = ['client', 'ident', 'user', 'vhost', 'method', 'path', 'protocol', 'status', 'bytes', 'referer', 'user_agent', 'forwarded_for', 'response_time_s', 'extra'] as const;
const K = Object.fromEntries(OWN_KEYS.map((k) => [k, keyBytes(k)])) as Record<(typeof OWN_KEYS)[number], Uint8Array>;
const OWN_KEY_SET = new Set<string>(OWN_KEYS);

function createApacheParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  const json = new JsonBytes();
  // [start, end) pairs of the tokens before '[', of quoted fields, and of unrecognised trailers.
  const tok = [0, 0, 0, 0, 0, 0, 0, 0];
  const quoted = new Int32Array(6);
  const extra: number[] = [];
  const pairs: number[] = [];
  const pairKeys: string[] = [];
  return {
    parseLine(buf, start, end, out) {
      let i = start;
      // client ident user — or vhost:port client ident user — before '['.
      let n = 0;
      while (i < end && buf[i] !== LB) {
        if (n === 4) return NOT_ACCESS_LOG;
        const s = i;
        while (i < end && buf[i] !== SP) i++;
        if (i === s || i >= end) return NOT_ACCESS_LOG;
        tok[2 * n] = s;
        tok[2 * n + 1] = i;
        n++;
        i++;
      }
      if (n < 3 || i >= end) return NOT_ACCESS_LOG;
      const t0 = n === 4 ? 2 : 0;
      if (n === 4 && !endsWithPort(buf, tok[0], tok[1])) return NOT_ACCESS_LOG;
      const us = parseClfBytes(buf, i + 1, end, ctx.zone, at);
      if (Number.isNaN(us) || at.end >= end || buf[at.end] !== RB) return 'bad [time]';
      i = at.end + 1;
      if (i + 1 >= end || buf[i] !== SP || buf[i + 1] !== DQ) return 'no quoted request after [time]';
      const rs = i + 2;
      const re = closingQuote(buf, rs, end);
      if (re < 0) return 'unclosed quote in request';
      i = re + 1;
      // status: three digits
      if (i + 4 > end || buf[i] !== SP || !isDigit(buf[i + 1]) || !isDigit(buf[i + 2]) || !isDigit(buf[i + 3]) || (i + 4 < end && buf[i + 4] !== SP)) return 'no status after request';
      const ss = i + 1;
      i += 4;
      // bytes: digits or '-'
      if (i + 1 >= end || buf[i] !== SP) return 'no byte count after status';
      const bs = i + 1;
      i = bs;
      while (i < end && buf[i] !== SP) i++;
      const be = i;
      const bytesDash = be - bs === 1 && buf[bs] === DASH;
      if (!bytesDash && !isPlainInt(buf, bs, be)) return 'bad byte count';
      // The rest: quoted referer, user agent, forwarded-for; a response time; key=value pairs.
      let nq = 0;
      // Emptied only when used: setting an array's length is a runtime call.
      if (extra.length > 0) extra.length = 0;
      if (pairKeys.length > 0) {
        pairs.length = 0;
        pairKeys.length = 0;
      }
      let rtS = -1;
      let rtE = -1;
      while (i < end) {
        if (buf[i] !== SP && buf[i] !== 9) return 'no space between fields';
        while (i < end && (buf[i] === SP || buf[i] === 9)) i++;
        if (i >= end) break;
        const s = i;
        if (buf[i] === DQ) {
          const q = closingQuote(buf, i + 1, end);
          if (q < 0) return 'unclosed quote';
          i = q + 1;
          if (i < end && buf[i] !== SP && buf[i] !== 9) return 'no space after quoted field';
          if (nq < 6) {
            quoted[nq++] = s + 1;
            quoted[nq++] = q;
          } else {
            extra.push(s, i);
          }
          continue;
        }
        while (i < end && buf[i] !== SP && buf[i] !== 9) i++;
        const e = i;
        if (rtS < 0 && isDecimal(buf, s, e)) {
          rtS = s;
          rtE = e;
          continue;
        }
        const eq = keyEnd(buf, s, e);
        if (eq < 0) {
          extra.push(s, e);
          continue;
        }
        let vs = eq + 1;
        let ve = e;
        // A quoted value may hold spaces: `k="a b"`.
        if (vs < end && buf[vs] === DQ) {
          const q = closingQuote(buf, vs + 1, end);
          if (q < 0) return 'unclosed quote';
          vs++;
          ve = q;
          i = q + 1;
          if (i < end && buf[i] !== SP && buf[i] !== 9) return 'no space after quoted field';
        }
        const key = buf.toString('latin1', s, eq);
        if ((key === 'rt' || key === 'request_time') && rtS < 0 && isDecimal(buf, vs, ve)) {
          rtS = vs;
          rtE = ve;
        } else if (OWN_KEY_SET.has(key) || pairKeys.includes(key)) {
          extra.push(s, i);
        } else if (!(ve - vs === 1 && buf[vs] === DASH) && ve > vs) {
          pairKeys.push(key);
          pairs.push(vs, ve);
        }
      }

      const o = json;
      o.begin();
      if (n === 4) o.stringField(K.vhost, buf, tok[0], tok[1], false);
      o.stringField(K.client, buf, tok[t0], tok[t0 + 1], false);
      if (!isDash(buf, tok[t0 + 2], tok[t0 + 3])) o.stringField(K.ident, buf, tok[t0 + 2], tok[t0 + 3], false);
      if (!isDash(buf, tok[t0 + 4], tok[t0 + 5])) o.stringField(K.user, buf, tok[t0 + 4], tok[t0 + 5], false);
      // Method, path and protocol only when the request has the shape `METHOD path[ protocol]`.
      let m1 = rs;
      while (m1 < re && buf[m1] >= 65 && buf[m1] <= 90) m1++;
      if (m1 > rs && m1 < re && buf[m1] === SP) {
        let m2 = re;
        while (m2 > m1 && buf[m2 - 1] !== SP) m2--;
        m2--;
        o.stringField(K.method, buf, rs, m1, false);
        if (m2 > m1 && isHttpVersion(buf, m2 + 1, re)) {
          o.stringField(K.path, buf, m1 + 1, m2, true);
          o.stringField(K.protocol, buf, m2 + 1, re, true);
        } else {
          o.stringField(K.path, buf, m1 + 1, re, true);
        }
      }
      o.intField(K.status, (buf[ss] - 48) * 100 + (buf[ss + 1] - 48) * 10 + (buf[ss + 2] - 48));
      if (!bytesDash) o.rawField(K.bytes, buf, bs, be);
      if (nq >= 2 && !isMissing(buf, quoted[0], quoted[1])) o.stringField(K.referer, buf, quoted[0], quoted[1], true);
      if (nq >= 4 && !isMissing(buf, quoted[2], quoted[3])) o.stringField(K.user_agent, buf, quoted[2], quoted[3], true);
      if (nq >= 6 && !isMissing(buf, quoted[4], quoted[5])) o.stringField(K.forwarded_for, buf, quoted[4], quoted[5], true);
      if (rtS >= 0) o.rawField(K.response_time_s, buf, rtS, rtE);
      for (let k = 0; k < pairKeys.length; k++) o.stringField(keyBytes(pairKeys[k]), buf, pairs[2 * k], pairs[2 * k + 1], true);
      if (extra.length > 0) o.joinedField(K.extra, buf, extra);
      o.finish();

      const st = buf[ss];
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.empty();
      out.ascii(st === 53 ? 'ERROR' : st === 52 ? 'WARN' : 'INFO');
      out.bytes(buf, ss, ss + 3);
      if (re === rs || isDash(buf, rs, re)) out.empty();
      else out.bytes(buf, rs, re);
      // Decoded \xhh escapes may have made invalid UTF-8: then the text path repairs it.
      if (o.decodedHigh && !isUtf8(o.buf.subarray(0, o.pos))) out.text(o.buf.toString('utf8', 0, o.pos));
      else out.bytes(o.buf, 0, o.pos);
      return null;
    },
  };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isDash(buf: Buffer, s: number, e: number): boolean {
  return e - s === 1 && buf[s] === DASH;
}

/** A quoted field that says nothing: `"-"` or `""`. */
function isMissing(buf: Buffer, s: number, e: number): boolean {
  return e === s || (e - s === 1 && buf[s] === DASH);
}

/** Digits that make a valid JSON number: no leading zero, at most 15 of them. */
function isPlainInt(buf: Buffer, s: number, e: number): boolean {
  if (e <= s || e - s > 15 || (buf[s] === 48 && e - s > 1)) return false;
  for (let i = s; i < e; i++) if (!isDigit(buf[i])) return false;
  return true;
}

/** `0.123`, `12.5`: a decimal with a point, valid as a JSON number. */
function isDecimal(buf: Buffer, s: number, e: number): boolean {
  let i = s;
  while (i < e && isDigit(buf[i])) i++;
  if (i === s || i - s > 15 || (buf[s] === 48 && i - s > 1) || i >= e || buf[i] !== 46) return false;
  const f = ++i;
  while (i < e && isDigit(buf[i])) i++;
  return i > f && i === e;
}

/** `HTTP/1.1`, `HTTP/2.0`, `HTTP/2`. */
function isHttpVersion(buf: Buffer, s: number, e: number): boolean {
  return e - s >= 6 && buf[s] === 72 && buf[s + 1] === 84 && buf[s + 2] === 84 && buf[s + 3] === 80 && buf[s + 4] === 47;
}

/** `vhost:443` — the first field of Apache's vhost_combined. */
function endsWithPort(buf: Buffer, s: number, e: number): boolean {
  let i = e;
  while (i > s && isDigit(buf[i - 1])) i--;
  return i < e && i - 1 > s && buf[i - 1] === 58;
}

/** Where a `key=` of word characters ends (the '='), or -1. */
function keyEnd(buf: Buffer, s: number, e: number): number {
  let i = s;
  while (i < e) {
    const c = buf[i] | 32;
    if ((c >= 97 && c <= 122) || isDigit(buf[i]) || buf[i] === 95 || buf[i] === 46 || buf[i] === DASH) i++;
    else break;
  }
  return i > s && i < e && buf[i] === 61 ? i : -1;
}

/** The closing '"' of a quoted field whose body starts at i; a backslash escapes the next byte. */
function closingQuote(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c === DQ) return i;
    i += c === BS ? 2 : 1;
  }
  return -1;
}

const HEX = new Int8Array(256).fill(-1);
for (let k = 0; k < 10; k++) HEX[48 + k] = k;
for (let k = 0; k < 6; k++) {
  HEX[65 + k] = 10 + k;
  HEX[97 + k] = 10 + k;
}
const HEX_DIGITS = '0123456789abcdef';
/** 1 for the bytes JSON string content takes as they are. */
const PLAIN = new Uint8Array(256).fill(1, 0x20);
PLAIN[DQ] = 0;
PLAIN[BS] = 0;

/**
 * The attrs JSON object, written byte by byte from the input. Quoted log fields are
 * unescaped the way Apache and nginx escape them (`\"`, `\\`, `\n`/`\t`/`\r`, `\xhh`) and
 * escaped again for JSON; control bytes become `\u00XX`, so the output never holds a byte
 * the staging text would have to quote.
 */
class JsonBytes {
  buf = Buffer.allocUnsafe(4096);
  pos = 0;
  /** Set when a `\xhh` escape produced a byte >= 0x80: the output then needs a UTF-8 check. */
  decodedHigh = false;
  private first = true;

  begin(): void {
    this.pos = 0;
    this.first = true;
    this.decodedHigh = false;
    this.buf[this.pos++] = 123;
  }

  finish(): void {
    this.ensure(1);
    this.buf[this.pos++] = 125;
  }

  /** `"key":"value"`; `logEscaped` for quoted log fields, whose backslashes are escapes. */
  stringField(key: Uint8Array, src: Buffer, s: number, e: number, logEscaped: boolean): void {
    this.key(key, (e - s) * 6 + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = DQ;
    for (let i = s; i < e; i++) {
      const c = src[i];
      if (PLAIN[c] === 1) {
        b[p++] = c;
      } else if (c === BS && logEscaped && i + 1 < e) {
        const d = src[i + 1];
        if (d === DQ || d === BS || d === 110 || d === 116 || d === 114 || d === 98 || d === 102 || d === 47) {
          // \" \\ \n \t \r \b \f \/ mean the same in JSON: copied as they are.
          b[p++] = BS;
          b[p++] = d;
          i++;
        } else if (d === 120 && i + 3 < e && HEX[src[i + 2]] >= 0 && HEX[src[i + 3]] >= 0) {
          const v = HEX[src[i + 2]] * 16 + HEX[src[i + 3]];
          i += 3;
          if (v >= 0x80) this.decodedHigh = true;
          p = writeJsonByte(b, p, v);
        } else if (d === 118) {
          p = writeJsonByte(b, p, 0x0b);
          i++;
        } else {
          b[p++] = BS;
          b[p++] = BS;
        }
      } else {
        p = writeJsonByte(b, p, c);
      }
    }
    b[p++] = DQ;
    this.pos = p;
  }

  /** `"key":` followed by bytes already valid as a JSON number. */
  rawField(key: Uint8Array, src: Buffer, s: number, e: number): void {
    this.key(key, e - s);
    const b = this.buf;
    let p = this.pos;
    for (let i = s; i < e; i++) b[p++] = src[i];
    this.pos = p;
  }

  /** `"key":123` for a non-negative integer below 2^31. */
  intField(key: Uint8Array, value: number): void {
    this.key(key, 10);
    let div = 1;
    while (div * 10 <= value) div *= 10;
    for (; div >= 1; div = (div / 10) | 0) this.buf[this.pos++] = 48 + (((value / div) | 0) % 10);
  }

  /** `"key":"a b"`: the ranges as written, joined by one space. */
  joinedField(key: Uint8Array, src: Buffer, ranges: number[]): void {
    let len = 2;
    for (let k = 0; k < ranges.length; k += 2) len += (ranges[k + 1] - ranges[k]) * 6 + 1;
    this.key(key, len);
    const b = this.buf;
    let p = this.pos;
    b[p++] = DQ;
    for (let k = 0; k < ranges.length; k += 2) {
      if (k > 0) b[p++] = SP;
      for (let i = ranges[k]; i < ranges[k + 1]; i++) p = writeJsonByte(b, p, src[i]);
    }
    b[p++] = DQ;
    this.pos = p;
  }

  private key(key: Uint8Array, valueRoom: number): void {
    this.ensure(key.length + valueRoom + 2);
    const b = this.buf;
    let p = this.pos;
    if (!this.first) b[p++] = 44;
    this.first = false;
    for (let k = 0; k < key.length; k++) b[p++] = key[k];
    this.pos = p;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra + 1024));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** One byte as JSON string content: `"` and `\` escaped, control bytes as `\u00XX`. */
function writeJsonByte(b: Buffer, p: number, c: number): number {
  if (c >= 0x20 && c !== DQ && c !== BS) {
    b[p++] = c;
  } else if (c === DQ || c === BS) {
    b[p++] = BS;
    b[p++] = c;
  } else {
    b[p++] = BS;
    b[p++] = 117;
    b[p++] = 48;
    b[p++] = 48;
    b[p++] = HEX_DIGITS.charCodeAt(c >> 4);
    b[p++] = HEX_DIGITS.charCodeAt(c & 15);
  }
  return p;
}
