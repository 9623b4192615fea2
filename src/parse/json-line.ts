import { FNV_SEED, jsonEscapeEnd, Kind, MemberRecord, SLOW } from './member-record.js';
import type { ZoneResolver } from './timestamp.js';

/**
 * The fast path of the `json` format: one JSON object per line, read straight from its bytes.
 * It validates the line's JSON while it finds the top-level members; `MemberRecord` writes the
 * record from them (strings copied, `attrs` copied as written: `{"status":504,"tags":["a"]}`,
 * not rebuilt by JSON.parse and JSON.stringify).
 *
 * It declines what it does not handle the same way (returns SLOW): any line it does not find
 * to be valid JSON, a key with an escape, a repeated key, nesting deeper than MAX_DEPTH. The
 * format then parses that line with JSON.parse, which decides the rest. So this scanner must
 * never accept a line JSON.parse rejects; rejecting one it accepts only costs time.
 */

export { SLOW };

const MAX_DEPTH = 64;

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

/** One scanner per parser, reused line after line. */
export class JsonLineScanner extends MemberRecord {
  /** Set by scanString: whether the string just scanned had an escape, and the hash of its bytes. */
  private lastEscaped = 0;
  private lastHash = 0;
  /** skipNested's closers of the open containers, reused (no array per nested value). */
  private readonly closers = new Uint8Array(MAX_DEPTH);

  protected readonly noTime = 'no timestamp field';

  constructor(zone: ZoneResolver, referenceMicros: number) {
    super(zone, referenceMicros);
    this.acceptNoTime = true;
  }

  // ---- scanning -----------------------------------------------------------------------

  /** The line (it starts with `{`) as members, validated as JSON; false declines it. */
  protected scan(start: number, end: number): boolean {
    const buf = this.buf;
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
        i = jsonEscapeEnd(buf, i, end);
        if (i < 0) return -1;
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
    const stack = this.closers;
    let depth = 0;
    for (;;) {
      // At a value.
      const c = i < end ? buf[i] : -1;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === MAX_DEPTH) return -1;
        stack[depth++] = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        i = skipWs(buf, i + 1, end);
        if (i < end && buf[i] === stack[depth - 1]) {
          depth--;
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
        if (depth === 0) return i;
        i = skipWs(buf, i, end);
        if (i >= end) return -1;
        const closer = stack[depth - 1];
        if (buf[i] === closer) {
          depth--;
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


}

function skipWs(buf: Buffer, i: number, end: number): number {
  while (i < end && WS[buf[i]] === 1) i++;
  return i;
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
