import { FIELD_ALIASES, levelFromText, NESTED_CONTAINERS, TIME_FROM_MTIME } from './fields.js';
import type { RowWriter } from './row-writer.js';
import { epochToMicros, parseIsoBytes, parseTimestampString, type ParsedAt, type ZoneResolver } from './timestamp.js';

/**
 * A structured line (JSON, logfmt) as its members — key and value byte ranges — and the record
 * made of them, written from the bytes: string values without escapes are copied, not decoded;
 * `attrs` is the members the record does not take, written as JSON straight from their bytes.
 * The fields it fills, and how, are the ones `FieldCollector` and `writeFields` (fields.ts)
 * give. A format's scanner (json-line.ts, logfmt-line.ts) finds the members and declines
 * (SLOW) what it does not handle the same way as its general path.
 */

/** A scanner declined the line: parse it the general way. */
export const SLOW = 'slow';

/** What a member's value is. */
export const Kind = {
  /** A JSON string: the range includes its quotes (escaped: it has backslash escapes). */
  String: 1,
  /** A number, as written: valid JSON. */
  Number: 2,
  /** `true`; a logfmt bare key has an empty range. */
  True: 3,
  False: 4,
  Null: 5,
  /** A JSON object or array. */
  Nested: 6,
  /** Text without quotes (a logfmt bare value) with nothing in it JSON would escape. */
  BareString: 7,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const FNV_SEED = 0x811c9dc5 | 0;

/** Bytes that may follow a backslash in a JSON string, `u` aside. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** The backslash at buf[i] starts a JSON escape (`\n`, `\"`, `\u00e9`): returns the index after it, or -1. */
export function jsonEscapeEnd(buf: Buffer, i: number, end: number): number {
  if (i + 1 >= end) return -1;
  const e = buf[i + 1];
  if (SIMPLE_ESCAPE[e] === 1) return i + 2;
  if (e === 0x75 && i + 5 < end && HEX[buf[i + 2]] === 1 && HEX[buf[i + 3]] === 1 && HEX[buf[i + 4]] === 1 && HEX[buf[i + 5]] === 1) return i + 6;
  return -1;
}

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TRUE = Buffer.from('true');

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

/** Hashes of NESTED_CONTAINERS: a nested value under one of these keys sends the line to the general path. */
const CONTAINER_HASHES = new Set<number>();
for (const name of NESTED_CONTAINERS) {
  let h = FNV_SEED;
  for (const b of Buffer.from(name)) h = Math.imul(h ^ b, 0x01000193);
  CONTAINER_HASHES.add(h);
}

const TIME_FROM_ATTR = Buffer.from(`${JSON.stringify(TIME_FROM_MTIME.key)}:${JSON.stringify(TIME_FROM_MTIME.value)}`);

const PID_KEY = Buffer.from('"pid"');
const PID_PATTERN = /^\d{1,10}$/;

/**
 * The members of the last line, in typed arrays reused line after line (no allocation per
 * line), and the writing of its record. One per parser; a format's scanner gives `scan` (find
 * the members, or false to decline) and the reason for a line without a time member.
 */
export abstract class MemberRecord {
  protected buf: Buffer = Buffer.alloc(0);
  protected n = 0;
  /** Per member: key content range (inside the quotes), its hash, value range, kind, escaped. */
  protected keyStart = new Int32Array(16);
  protected keyEnd = new Int32Array(16);
  protected keyHash = new Int32Array(16);
  protected valueStart = new Int32Array(16);
  protected valueEnd = new Int32Array(16);
  protected kind = new Uint8Array(16);
  protected escaped = new Uint8Array(16);
  private readonly at: ParsedAt = { end: 0 };
  private scratch = Buffer.allocUnsafe(4096);
  /** Member index per field (-1: none), and the rank of the alias that filled it. */
  private readonly fieldMember = new Int32Array(FIELDS.length);
  private readonly fieldRank = new Int32Array(FIELDS.length);
  /** Members left to attrs, in order; -1 - m stands for member m under the key "pid". */
  private attrs = new Int32Array(16);
  private attrCount = 0;
  /** The last level text (and the alias it came under) and what it normalised to: most lines repeat a few levels. */
  private lastLevelRaw: string | undefined = undefined;
  private lastLevelRank = -1;
  private lastLevel: string | undefined = undefined;
  /** Whether a line without a time is a record at the file's time (JSON) or not one (logfmt). */
  protected acceptNoTime = false;
  /** The current line's service when it names none (a docker compose prefix), as a byte range; -1: none. */
  protected fallbackServiceStart = -1;
  protected fallbackServiceEnd = -1;

  /** The service of the next lines when they name none: buf[start, end) of the line (-1: none). */
  setFallbackService(start: number, end: number): void {
    this.fallbackServiceStart = start;
    this.fallbackServiceEnd = end;
  }

  /** Set by write: the record took the file's time. */
  private timeFromMtime = false;

  constructor(
    private readonly zone: ZoneResolver,
    private readonly referenceMicros: number,
  ) {}

  /** Finds the members of this.buf[start, end) with addMember; false declines the line. */
  protected abstract scan(start: number, end: number): boolean;
  /** The reason for a line whose members name no time. */
  protected abstract readonly noTime: string;

  /**
   * Parses the line buf[start, end) and writes its record: returns null, the reason the line is
   * not a record, or SLOW (nothing written) to parse it the general way.
   */
  parse(buf: Buffer, start: number, end: number, out: RowWriter): string | null {
    this.buf = buf;
    this.n = 0;
    if (!this.scan(start, end)) return SLOW;
    return this.write(out);
  }

  /** Records a member; false for a key seen before on this line (JSON.parse keeps the last: the slow path does). */
  protected addMember(ks: number, ke: number, hash: number, vs: number, ve: number, kind: Kind, escaped: number): boolean {
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
        if (this.kind[m] === Kind.Nested && CONTAINER_HASHES.has(this.keyHash[m])) return SLOW;
        this.pushAttr(m);
        continue;
      }
      const f = hit >> 6;
      const rank = hit & 63;
      // A nested object under a key that may hold fields (`log` of `log.level`, `t` of `t.$date`): the general path looks into it.
      if (this.kind[m] === Kind.Nested && CONTAINER_HASHES.has(this.keyHash[m])) return SLOW;
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
    let us: number;
    this.timeFromMtime = false;
    if (ts < 0 || this.kind[ts] === Kind.Null || (this.isText(ts) && this.contentEnd(ts) === this.contentStart(ts))) {
      if (!this.acceptNoTime) return ts < 0 ? this.noTime : 'no timestamp field';
      // No time at all: the file's, marked so in attrs.
      us = this.referenceMicros;
      this.timeFromMtime = true;
    } else {
      us = this.micros(ts);
      if (Number.isNaN(us)) return `unreadable timestamp ${JSON.stringify(String(this.value(ts))).slice(0, 60)}`;
    }

    const levelMember = this.fieldMember[F_LEVEL];
    const levelRaw = this.text(levelMember);
    const levelRank = levelMember < 0 ? -1 : this.fieldRank[F_LEVEL];
    if (levelRaw !== this.lastLevelRaw || levelRank !== this.lastLevelRank) {
      this.lastLevelRaw = levelRaw;
      this.lastLevelRank = levelRank;
      this.lastLevel = levelRaw === undefined ? undefined : levelFromText(levelRaw, FIELD_ALIASES.level[levelRank]);
    }
    const level = this.lastLevel;
    const pidMember = this.fieldMember[F_PID];
    const pidText = this.text(pidMember);
    const pid = pidText !== undefined && PID_PATTERN.test(pidText) ? Number(pidText) : undefined;
    if (pidText !== undefined && pid === undefined) this.pushAttr(-1 - pidMember);

    out.beginRecord(us);
    this.writeText(out, this.fieldMember[F_HOST]);
    if (this.fieldMember[F_SERVICE] < 0 && this.fallbackServiceStart >= 0) out.bytes(this.buf, this.fallbackServiceStart, this.fallbackServiceEnd);
    else this.writeText(out, this.fieldMember[F_SERVICE]);
    if (pid !== undefined) out.int(pid);
    else out.empty();
    if (level !== undefined) out.ascii(level);
    else out.empty();
    this.writeText(out, levelMember);
    this.writeMessage(out, this.fieldMember[F_MESSAGE]);
    this.writeAttrs(out);
    return null;
  }

  /** A string value (quoted or bare). */
  private isText(m: number): boolean {
    return this.kind[m] === Kind.String || this.kind[m] === Kind.BareString;
  }

  /** Where a string value's text starts and ends in the line (inside the quotes of a quoted one). */
  private contentStart(m: number): number {
    return this.kind[m] === Kind.String ? this.valueStart[m] + 1 : this.valueStart[m];
  }

  private contentEnd(m: number): number {
    return this.kind[m] === Kind.String ? this.valueEnd[m] - 1 : this.valueEnd[m];
  }

  /** µs of the timestamp member, or NaN. */
  private micros(m: number): number {
    const kind = this.kind[m];
    if (kind === Kind.Number) return epochToMicros(Number(this.buf.toString('latin1', this.valueStart[m], this.valueEnd[m])));
    if (!this.isText(m)) return NaN;
    if (this.escaped[m] === 0) {
      // The common case, an ISO timestamp, read in place; anything else as its text.
      const s = this.contentStart(m);
      const e = this.contentEnd(m);
      const us = parseIsoBytes(this.buf, s, e, this.zone, this.at);
      if (!Number.isNaN(us) && this.at.end === e) return us;
    }
    return parseTimestampString(this.text(m) as string, this.zone, this.referenceMicros);
  }

  /** The member's value as JSON.parse (or the logfmt rules) give it: for rare paths and escaped messages. */
  private value(m: number): unknown {
    if (this.kind[m] === Kind.BareString) return this.buf.toString('utf8', this.valueStart[m], this.valueEnd[m]);
    if (this.kind[m] === Kind.True) return true;
    return JSON.parse(this.buf.toString('utf8', this.valueStart[m], this.valueEnd[m]));
  }

  /** The member's value as text, as `asText` in fields.ts gives it; undefined for none or null. */
  private text(m: number): string | undefined {
    if (m < 0) return undefined;
    switch (this.kind[m]) {
      case Kind.String:
      case Kind.BareString:
        return this.escaped[m] === 0 ? this.buf.toString('utf8', this.contentStart(m), this.contentEnd(m)) : (this.value(m) as string);
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
    if (m >= 0 && this.isText(m) && this.escaped[m] === 0) {
      out.bytes(this.buf, this.contentStart(m), this.contentEnd(m));
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
    if (this.attrCount === 0 && !this.timeFromMtime) {
      out.empty();
      return;
    }
    const buf = this.buf;
    let size = 2 + TIME_FROM_ATTR.length + 1;
    for (let k = 0; k < this.attrCount; k++) {
      const entry = this.attrs[k];
      const m = entry < 0 ? -1 - entry : entry;
      // Key, two quotes, colon, comma, value, and the quotes of a bare string or the word true of a bare key.
      size += this.keyEnd[m] - this.keyStart[m] + 4 + this.valueEnd[m] - this.valueStart[m] + 4;
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
        dst[p++] = QUOTE;
        p = copyBytes(buf, this.keyStart[m], this.keyEnd[m], dst, p);
        dst[p++] = QUOTE;
      }
      dst[p++] = COLON;
      const kind = this.kind[m];
      if (kind === Kind.BareString) {
        dst[p++] = QUOTE;
        p = copyBytes(buf, this.valueStart[m], this.valueEnd[m], dst, p);
        dst[p++] = QUOTE;
      } else if (kind === Kind.True && this.valueEnd[m] === this.valueStart[m]) {
        p = copyBytes(TRUE, 0, TRUE.length, dst, p);
      } else {
        p = copyBytes(buf, this.valueStart[m], this.valueEnd[m], dst, p);
      }
    }
    if (this.timeFromMtime) {
      if (this.attrCount > 0) dst[p++] = COMMA;
      p = copyBytes(TIME_FROM_ATTR, 0, TIME_FROM_ATTR.length, dst, p);
    }
    dst[p++] = CLOSE_BRACE;
    out.bytes(dst, 0, p);
  }
}

/** Copies src[s, e) to dst at p and returns the position after it: a loop, as Buffer#copy's checks cost more than a short copy. */
export function copyBytes(src: Buffer, s: number, e: number, dst: Buffer, p: number): number {
  if (e - s > 256) return p + src.copy(dst, p, s, e);
  for (let i = s; i < e; i++) dst[p++] = src[i];
  return p;
}

export function sameBytes(buf: Buffer, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (let k = 0; k < ae - a; k++) if (buf[a + k] !== buf[b + k]) return false;
  return true;
}

