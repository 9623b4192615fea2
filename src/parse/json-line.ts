import { FIELD_ALIASES } from './fields.js';
import { normalizeLevel } from './level.js';
import type { RowWriter } from './row-writer.js';
import { epochToMicros, parseIsoBytes, parseTimestampString, type ParsedAt, type ZoneResolver } from './timestamp.js';

/**
 * The fast path of the `json` format: one JSON object per line, read straight from its bytes.
 * It validates the line's JSON while it finds the top-level members, and writes the record
 * from byte ranges: string values without escapes are copied, not decoded; `attrs` is the
 * members the record does not take, copied as written (`{"status":504,"tags":["a"]}`), not
 * rebuilt by JSON.parse and JSON.stringify. The fields it fills, and how, are the ones
 * `FieldCollector` and `writeFields` (fields.ts) give.
 *
 * It declines what it does not handle the same way (returns SLOW): any line it does not find
 * to be valid JSON, a key with an escape, a repeated key, nesting deeper than MAX_DEPTH. The
 * format then parses that line with JSON.parse, which decides the rest. So this scanner must
 * never accept a line JSON.parse rejects; rejecting one it accepts only costs time.
 */

/** `scan` declined: parse this line the general way. */
export const SLOW = 'slow';

const MAX_DEPTH = 64;

const enum Kind {
  String = 1,
  Number = 2,
  True = 3,
  False = 4,
  Null = 5,
  /** An object or an array. */
  Nested = 6,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON's whitespace: space, tab, LF, CR. */
const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
/** Bytes that may follow a backslash, `u` aside. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const FNV_SEED = 0x811c9dc5 | 0;

/** The record fields, in FIELD_ALIASES order. */
const FIELDS = Object.keys(FIELD_ALIASES) as Array<keyof typeof FIELD_ALIASES>;
const F_TS = FIELDS.indexOf('ts');
const F_HOST = FIELDS.indexOf('host');
const F_SERVICE = FIELDS.indexOf('service');
const F_PID = FIELDS.indexOf('pid');
const F_LEVEL = FIELDS.indexOf('level');
const F_MESSAGE = FIELDS.indexOf('message');

interface Alias {
  bytes: Buffer;
  field: number;
  rank: number;
}

/** Aliases by the FNV-1a hash of their bytes (the scanner hashes every key as it reads it). */
const ALIASES = new Map<number, Alias[]>();
FIELDS.forEach((field, f) => {
  FIELD_ALIASES[field].forEach((name, rank) => {
    const bytes = Buffer.from(name);
    let h = FNV_SEED;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
    const list = ALIASES.get(h) ?? [];
    // The first field to claim a name keeps it, as in fields.ts.
    if (![...ALIASES.values()].some((l) => l.some((a) => a.bytes.equals(bytes)))) list.push({ bytes, field: f, rank });
    ALIASES.set(h, list);
  });
});

const PID_KEY = Buffer.from('"pid"');
const PID_PATTERN = /^\d{1,10}$/;

/**
 * One scanner per parser: reused line after line, it keeps the members of the last line in
 * typed arrays (no allocation per line).
 */
export class JsonLineScanner {
  private buf: Buffer = Buffer.alloc(0);
  private n = 0;
  /** Per member: key content range (inside the quotes), its hash, value range (strings with their quotes), kind, escaped. */
  private keyStart = new Int32Array(16);
  private keyEnd = new Int32Array(16);
  private keyHash = new Int32Array(16);
  private valueStart = new Int32Array(16);
  private valueEnd = new Int32Array(16);
  private kind = new Uint8Array(16);
  private escaped = new Uint8Array(16);
  /** Set by scanString: whether the string just scanned had an escape. */
  private lastEscaped = 0;
  private lastHash = 0;
  private readonly at: ParsedAt = { end: 0 };
  private scratch = Buffer.allocUnsafe(4096);
  /** Member index per field (-1: none), and the rank of the alias that filled it. */
  private readonly fieldMember = new Int32Array(FIELDS.length);
  private readonly fieldRank = new Int32Array(FIELDS.length);
  /** Members left to attrs, in order; -1 - m stands for member m under the key "pid". */
  private attrs = new Int32Array(16);
  private attrCount = 0;
  /** The last level text and what it normalised to: most lines repeat a few levels. */
  private lastLevelRaw: string | undefined = undefined;
  private lastLevel: string | undefined = undefined;

  constructor(
    private readonly zone: ZoneResolver,
    private readonly referenceMicros: number,
  ) {}

  /**
   * Parses the line buf[start, end) (it starts with `{`) and writes its record: returns null,
   * the reason the line is not a record, or SLOW (nothing written) to parse it the general way.
   */
  parse(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    this.buf = buf;
    if (!this.scan(start, end)) return SLOW;
    return this.write(out);
  }

  // ---- scanning -----------------------------------------------------------------------

  private scan(start: number, end: number): boolean {
    const buf = this.buf;
    this.n = 0;
    let i = skipWs(buf, start + 1, end);
    if (i < end && buf[i] === CLOSE_BRACE) return skipWs(buf, i + 1, end) === end;
    for (;;) {
      if (i >= end || buf[i] !== QUOTE) return false;
      const ks = i + 1;
      i = this.scanString(i, end);
      if (i < 0 || this.lastEscaped !== 0) return false;
      const ke = i - 1;
      const hash = this.lastHash;
      i = skipWs(buf, i, end);
      if (i >= end || buf[i] !== COLON) return false;
      i = skipWs(buf, i + 1, end);
      const vs = i;
      let kind: Kind;
      let escaped = 0;
      const c = i < end ? buf[i] : -1;
      if (c === QUOTE) {
        i = this.scanString(i, end);
        kind = Kind.String;
        escaped = this.lastEscaped;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        i = this.skipNested(i, end);
        kind = Kind.Nested;
      } else if (c === 0x74) {
        i = literal(buf, i, end, 'true');
        kind = Kind.True;
      } else if (c === 0x66) {
        i = literal(buf, i, end, 'false');
        kind = Kind.False;
      } else if (c === 0x6e) {
        i = literal(buf, i, end, 'null');
        kind = Kind.Null;
      } else {
        i = scanNumber(buf, i, end);
        kind = Kind.Number;
      }
      if (i < 0) return false;
      if (!this.addMember(ks, ke, hash, vs, i, kind, escaped)) return false;
      i = skipWs(buf, i, end);
      if (i >= end) return false;
      if (buf[i] === COMMA) {
        i = skipWs(buf, i + 1, end);
        continue;
      }
      if (buf[i] !== CLOSE_BRACE) return false;
      return skipWs(buf, i + 1, end) === end;
    }
  }

  /** Records a member; false for a key seen before on this line (JSON.parse keeps the last: the slow path does). */
  private addMember(ks: number, ke: number, hash: number, vs: number, ve: number, kind: Kind, escaped: number): boolean {
    const n = this.n;
    for (let m = 0; m < n; m++) {
      if (this.keyHash[m] === hash && sameBytes(this.buf, this.keyStart[m], this.keyEnd[m], ks, ke)) return false;
    }
    if (n === this.keyStart.length) this.grow();
    this.keyStart[n] = ks;
    this.keyEnd[n] = ke;
    this.keyHash[n] = hash;
    this.valueStart[n] = vs;
    this.valueEnd[n] = ve;
    this.kind[n] = kind;
    this.escaped[n] = escaped;
    this.n = n + 1;
    return true;
  }

  private grow(): void {
    const size = this.keyStart.length * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const grow8 = (a: Uint8Array) => {
      const b = new Uint8Array(size);
      b.set(a);
      return b;
    };
    this.keyStart = grow32(this.keyStart);
    this.keyEnd = grow32(this.keyEnd);
    this.keyHash = grow32(this.keyHash);
    this.valueStart = grow32(this.valueStart);
    this.valueEnd = grow32(this.valueEnd);
    this.kind = grow8(this.kind);
    this.escaped = grow8(this.escaped);
  }

  /**
   * The string whose opening quote is at i: returns the index after its closing quote, or -1
   * when it is not a valid JSON string (unescaped control byte, bad escape, no end). Sets
   * lastEscaped and lastHash (FNV-1a of its bytes, escapes included).
   */
  private scanString(i: number, end: number): number {
    const buf = this.buf;
    let h = FNV_SEED;
    let escaped = 0;
    i++;
    for (;;) {
      if (i >= end) return -1;
      const c = buf[i];
      if (c === QUOTE) break;
      if (c < 0x20) return -1;
      if (c === BACKSLASH) {
        escaped = 1;
        if (i + 1 >= end) return -1;
        const e = buf[i + 1];
        if (SIMPLE_ESCAPE[e] === 1) {
          i += 2;
        } else if (e === 0x75 && i + 5 < end && HEX[buf[i + 2]] === 1 && HEX[buf[i + 3]] === 1 && HEX[buf[i + 4]] === 1 && HEX[buf[i + 5]] === 1) {
          i += 6;
        } else {
          return -1;
        }
        continue;
      }
      h = Math.imul(h ^ c, 0x01000193);
      i++;
    }
    this.lastEscaped = escaped;
    this.lastHash = h;
    return i + 1;
  }

  /** The object or array at i, validated: returns the index after it, or -1. */
  private skipNested(i: number, end: number): number {
    const buf = this.buf;
    // Closers of the open containers; what is expected next is decided by the byte read.
    const stack: number[] = [];
    for (;;) {
      // At a value.
      const c = i < end ? buf[i] : -1;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (stack.length === MAX_DEPTH) return -1;
        stack.push(c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
        i = skipWs(buf, i + 1, end);
        if (i < end && buf[i] === stack[stack.length - 1]) {
          stack.pop();
          i++;
        } else {
          if (c === OPEN_BRACE) {
            i = this.objectKey(i, end);
            if (i < 0) return -1;
          }
          continue;
        }
      } else {
        if (c === QUOTE) i = this.scanString(i, end);
        else if (c === 0x74) i = literal(buf, i, end, 'true');
        else if (c === 0x66) i = literal(buf, i, end, 'false');
        else if (c === 0x6e) i = literal(buf, i, end, 'null');
        else i = scanNumber(buf, i, end);
        if (i < 0) return -1;
      }
      // After a value: a comma (and the next member or element), or closers.
      for (;;) {
        if (stack.length === 0) return i;
        i = skipWs(buf, i, end);
        if (i >= end) return -1;
        const closer = stack[stack.length - 1];
        if (buf[i] === closer) {
          stack.pop();
          i++;
          continue;
        }
        if (buf[i] !== COMMA) return -1;
        i = skipWs(buf, i + 1, end);
        if (closer === CLOSE_BRACE) {
          i = this.objectKey(i, end);
          if (i < 0) return -1;
        }
        break;
      }
    }
  }

  /** `"key" :` inside a nested object, at i: returns where its value starts, or -1. */
  private objectKey(i: number, end: number): number {
    const buf = this.buf;
    if (i >= end || buf[i] !== QUOTE) return -1;
    i = this.scanString(i, end);
    if (i < 0) return -1;
    i = skipWs(buf, i, end);
    if (i >= end || buf[i] !== COLON) return -1;
    return skipWs(buf, i + 1, end);
  }

  // ---- writing ------------------------------------------------------------------------

  /** The alias a member's key is, as a field index and rank, or -1 (field * 64 + rank). */
  private alias(m: number): number {
    const list = ALIASES.get(this.keyHash[m]);
    if (list === undefined) return -1;
    const ks = this.keyStart[m];
    const len = this.keyEnd[m] - ks;
    const buf = this.buf;
    for (const a of list) {
      if (a.bytes.length !== len) continue;
      let k = 0;
      while (k < len && a.bytes[k] === buf[ks + k]) k++;
      if (k === len) return a.field * 64 + a.rank;
    }
    return -1;
  }

  private pushAttr(entry: number): void {
    if (this.attrCount === this.attrs.length) {
      const b = new Int32Array(this.attrs.length * 2);
      b.set(this.attrs);
      this.attrs = b;
    }
    this.attrs[this.attrCount++] = entry;
  }

  /** Sorts members into fields and attrs as FieldCollector does, then writes as writeFields does. */
  private write(out: RowWriter): string | null {
    this.fieldMember.fill(-1);
    this.attrCount = 0;
    for (let m = 0; m < this.n; m++) {
      const hit = this.alias(m);
      if (hit < 0) {
        this.pushAttr(m);
        continue;
      }
      const f = hit >> 6;
      const rank = hit & 63;
      const held = this.fieldMember[f];
      if (held < 0 || rank < this.fieldRank[f]) {
        if (held >= 0) this.pushAttr(held);
        this.fieldMember[f] = m;
        this.fieldRank[f] = rank;
      } else {
        this.pushAttr(m);
      }
    }

    const ts = this.fieldMember[F_TS];
    if (ts < 0 || this.kind[ts] === Kind.Null || (this.kind[ts] === Kind.String && this.valueEnd[ts] - this.valueStart[ts] === 2)) return 'no timestamp field';
    const us = this.micros(ts);
    if (Number.isNaN(us)) return `unreadable timestamp ${JSON.stringify(String(this.value(ts))).slice(0, 60)}`;

    const levelMember = this.fieldMember[F_LEVEL];
    const levelRaw = this.text(levelMember);
    if (levelRaw !== this.lastLevelRaw) {
      this.lastLevelRaw = levelRaw;
      this.lastLevel = levelRaw === undefined ? undefined : normalizeLevel(levelRaw.trim());
    }
    const level = this.lastLevel;
    const pidMember = this.fieldMember[F_PID];
    const pidText = this.text(pidMember);
    const pid = pidText !== undefined && PID_PATTERN.test(pidText) ? Number(pidText) : undefined;
    if (pidText !== undefined && pid === undefined) this.pushAttr(-1 - pidMember);

    out.beginRecord(us);
    this.writeText(out, this.fieldMember[F_HOST]);
    this.writeText(out, this.fieldMember[F_SERVICE]);
    if (pid !== undefined) out.int(pid);
    else out.empty();
    if (level !== undefined) out.ascii(level);
    else out.empty();
    this.writeText(out, levelMember);
    this.writeMessage(out, this.fieldMember[F_MESSAGE]);
    this.writeAttrs(out);
    return null;
  }

  /** µs of the timestamp member, or NaN. */
  private micros(m: number): number {
    const kind = this.kind[m];
    if (kind === Kind.Number) return epochToMicros(Number(this.buf.toString('latin1', this.valueStart[m], this.valueEnd[m])));
    if (kind !== Kind.String) return NaN;
    if (this.escaped[m] === 0) {
      // The common case, an ISO timestamp, read in place; anything else as its text.
      const s = this.valueStart[m] + 1;
      const e = this.valueEnd[m] - 1;
      const us = parseIsoBytes(this.buf, s, e, this.zone, this.at);
      if (!Number.isNaN(us) && this.at.end === e) return us;
    }
    return parseTimestampString(this.text(m) as string, this.zone, this.referenceMicros);
  }

  /** The member's value as JSON.parse gives it (for rare paths and messages). */
  private value(m: number): unknown {
    return JSON.parse(this.buf.toString('utf8', this.valueStart[m], this.valueEnd[m]));
  }

  /** The member's value as text, as `asText` in fields.ts gives it; undefined for none or null. */
  private text(m: number): string | undefined {
    if (m < 0) return undefined;
    switch (this.kind[m]) {
      case Kind.String:
        return this.escaped[m] === 0 ? this.buf.toString('utf8', this.valueStart[m] + 1, this.valueEnd[m] - 1) : (this.value(m) as string);
      case Kind.Number:
        return String(Number(this.buf.toString('latin1', this.valueStart[m], this.valueEnd[m])));
      case Kind.True:
        return 'true';
      case Kind.False:
        return 'false';
      case Kind.Null:
        return undefined;
      default:
        return JSON.stringify(this.value(m));
    }
  }

  /** A text field: an unescaped string is copied as bytes. */
  private writeText(out: RowWriter, m: number): void {
    if (m >= 0 && this.kind[m] === Kind.String && this.escaped[m] === 0) {
      out.bytes(this.buf, this.valueStart[m] + 1, this.valueEnd[m] - 1);
      return;
    }
    const text = this.text(m);
    if (text === undefined) out.empty();
    else out.text(text);
  }

  private writeMessage(out: RowWriter, m: number): void {
    if (m < 0 || this.kind[m] !== Kind.String || this.escaped[m] === 0) {
      this.writeText(out, m);
      return;
    }
    // Docker's json-file driver keeps the line's own newline in `log`.
    const message = this.value(m) as string;
    out.text(message.endsWith('\n') ? message.replace(/\r?\n$/, '') : message);
  }

  /** The members no field took, as a JSON object of their keys and values as written. */
  private writeAttrs(out: RowWriter): void {
    if (this.attrCount === 0) {
      out.empty();
      return;
    }
    const buf = this.buf;
    let size = 2;
    for (let k = 0; k < this.attrCount; k++) {
      const entry = this.attrs[k];
      const m = entry < 0 ? -1 - entry : entry;
      size += this.keyEnd[m] - this.keyStart[m] + 4 + this.valueEnd[m] - this.valueStart[m];
    }
    if (size > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2));
    const dst = this.scratch;
    let p = 0;
    dst[p++] = OPEN_BRACE;
    for (let k = 0; k < this.attrCount; k++) {
      if (k > 0) dst[p++] = COMMA;
      const entry = this.attrs[k];
      let m = entry;
      if (entry < 0) {
        m = -1 - entry;
        p = copyBytes(PID_KEY, 0, PID_KEY.length, dst, p);
      } else {
        p = copyBytes(buf, this.keyStart[m] - 1, this.keyEnd[m] + 1, dst, p);
      }
      dst[p++] = COLON;
      p = copyBytes(buf, this.valueStart[m], this.valueEnd[m], dst, p);
    }
    dst[p++] = CLOSE_BRACE;
    out.bytes(dst, 0, p);
  }
}

/** Copies src[s, e) to dst at p and returns the position after it: a loop, as Buffer#copy's checks cost more than a short copy. */
function copyBytes(src: Buffer, s: number, e: number, dst: Buffer, p: number): number {
  if (e - s > 256) return p + src.copy(dst, p, s, e);
  for (let i = s; i < e; i++) dst[p++] = src[i];
  return p;
}

function skipWs(buf: Buffer, i: number, end: number): number {
  while (i < end && WS[buf[i]] === 1) i++;
  return i;
}

function sameBytes(buf: Buffer, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (let k = 0; k < ae - a; k++) if (buf[a + k] !== buf[b + k]) return false;
  return true;
}

/** The literal word at i: returns the index after it, or -1. */
function literal(buf: Buffer, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/** A JSON number at i (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`): returns the index after it, or -1. */
function scanNumber(buf: Buffer, i: number, end: number): number {
  if (i < end && buf[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (buf[i] === 0x30) {
    i++;
  } else if (buf[i] >= 0x31 && buf[i] <= 0x39) {
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
  } else {
    return -1;
  }
  if (i < end && buf[i] === 0x2e) {
    i++;
    const d = i;
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
    if (i === d) return -1;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const d = i;
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
    if (i === d) return -1;
  }
  return i;
}
