import { FNV_SEED, jsonEscapeEnd, Kind, MemberRecord, SLOW } from './member-record.js';

/**
 * The fast path of the `logfmt` format: the pairs of a line found in its bytes, the record
 * written by `MemberRecord` (values copied, `attrs` written as JSON straight from the bytes).
 * It reads pairs exactly as the format's general path does (formats/logfmt.ts) and declines
 * (SLOW) every line that path would reject, and every one where the two could differ: an
 * escape JSON does not share (`\x`) or a control byte in a quoted value, a backslash or a quote
 * in a bare value, a backslash in a key, a repeated key. The format then parses that line the
 * general way. A quoted value with JSON's escapes (`\"`, `\n`, `\u00e9`) is a JSON string as
 * written: decoded by JSON.parse, which reads those escapes as logfmt does.
 */

export { SLOW };

const SP = 32;
const TAB = 9;
const DQ = 34;
const BS = 92;
const EQ = 61;
const MINUS = 45;

/** One scanner per parser, reused line after line. */
export class LogfmtLineScanner extends MemberRecord {
  protected readonly noTime = 'no time= field';

  /** The line's pairs as members, read as the general path reads them; false declines it. */
  protected scan(start: number, end: number): boolean {
    const buf = this.buf;
    let pairs = 0;
    let i = start;
    while (i < end) {
      while (i < end && (buf[i] === SP || buf[i] === TAB)) i++;
      if (i >= end) break;
      const ks = i;
      let h = FNV_SEED;
      let c = buf[i];
      while (c > SP && c !== EQ && c !== DQ) {
        if (c === BS) return false;
        h = Math.imul(h ^ c, 0x01000193);
        if (++i >= end) break;
        c = buf[i];
      }
      if (i === ks || (i < end && c === DQ)) return false;
      const ke = i;
      if (i >= end || c !== EQ) {
        // A bare key: true. Not as the first pair (that is no logfmt line).
        if (pairs === 0) return false;
        if (!this.addMember(ks, ke, h, i, i, Kind.True, 0)) return false;
        continue;
      }
      i++;
      if (i < end && buf[i] === DQ) {
        const vs = i;
        let escaped = 0;
        i++;
        while (i < end && (c = buf[i]) !== DQ) {
          // A byte JSON would escape: the general path decodes and re-encodes.
          if (c < SP) return false;
          if (c === BS) {
            // An escape JSON reads the same way keeps the value a JSON string as written; others (`\x`) decline.
            i = jsonEscapeEnd(buf, i, end);
            if (i < 0) return false;
            escaped = 1;
            continue;
          }
          i++;
        }
        if (i >= end) return false;
        i++;
        if (i < end && buf[i] !== SP && buf[i] !== TAB) return false;
        if (!this.addMember(ks, ke, h, vs, i, Kind.String, escaped)) return false;
      } else {
        const vs = i;
        while (i < end && (c = buf[i]) !== SP && c !== TAB) {
          if (c === BS || c === DQ || c < SP) return false;
          i++;
        }
        if (!this.addMember(ks, ke, h, vs, i, isExactNumber(buf, vs, i) ? Kind.Number : Kind.BareString, 0)) return false;
      }
      pairs++;
    }
    return pairs > 0;
  }
}

/**
 * A bare value the general path takes as a number: it starts with a digit or `-`, has at most
 * 17 characters, and reads back exactly as written (`504`, `0.25`; not `007`, `1.10`, `1e3`).
 */
function isExactNumber(buf: Buffer, s: number, e: number): boolean {
  const c = buf[s];
  if (e - s > 17 || e === s || !((c >= 48 && c <= 57) || c === MINUS)) return false;
  const text = buf.toString('latin1', s, e);
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text;
}
