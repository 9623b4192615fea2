/**
 * A message's shape: its bytes with every word (maximal run of ASCII letters and digits) that
 * holds a digit reduced to what the masks can tell of it. A word of digits and the hex letters
 * `a-f` only (`125`, `24d151b2`) becomes `0` or `a` for its first character, then for its last
 * (a middle `a` or `0` when both ends are digits or both letters: `0a0`, `a0a`); in any other
 * word (`blk_42`, `Jun14`) each run of digits becomes one `0`. So `took 125 ms` and `took 7 ms`
 * have one shape, and so have `request_id=4c9a668cb4f679ce` and `request_id=70609859c1422a94`.
 * A token (a run of non-blank bytes) that may be a base64 value, one with upper-case and
 * lower-case letters and digits and nothing but `+/=` and brackets, quotes and punctuation
 * besides, is kept as it is: the masks take such a token for a variable from 16 bytes on, so
 * its length matters (`Mg/tmp/4c9a668cb4f679ce` is one, `Mg/tmp/5f` is not). So is a token
 * with hex digits joined by a colon and a hex letter: the masks take colon-joined parts of 1 to
 * 4 hex digits for a MAC address or a fingerprint (`4E:A3:8C:5D`), letter-only parts too.
 *
 * The masks of stage 1 (`mask.ts`) make a word that holds a digit part of a variable whatever
 * its length, its digits or its hex letters; what they read of such a word is only whether it
 * starts and ends with a digit or a letter and whether it holds a letter, except in the two
 * kinds of token kept whole. No digit is ever kept in a signature's text. So two messages of
 * one shape have one signature, and a worker may remember the signature of a shape instead of
 * tokenising and classifying every line again. The property is tested on random messages, the
 * Loghub samples and real logs with their digit runs and hex words rewritten
 * (`test/detect/miner-shape.test.ts`): a new masking rule that reads digits, hex letters or
 * their count fails that test until the shape keeps what the rule reads.
 */

import { CLOSERS, OPENERS } from './mask.js';

const ZERO = 0x30;
const A = 0x61;
/** Longest message (bytes) whose shape is remembered; longer ones are rare and mostly unique. */
const MAX_SHAPE_BYTES = 1024;

/** Byte kinds. In a word: a digit, `a-f`, another ASCII letter (`WORD` of them). */
const DIGIT = 1;
const HEX = 2;
const LETTER = 4;
const WORD = DIGIT | HEX | LETTER;
/** For the tokens kept whole (see above): a blank (a token's end), upper-case and lower-case letters, a byte no base64 value holds nor the punctuation around it, a hex digit, a hex letter. */
const BLANK = 8;
const UPPER = 16;
const LOWER = 32;
const OTHER = 64;
const HEX_DIGIT = 128;
const HEX_LETTER = 256;
/** Set per token: a colon between hex digits (`4E:A3`). */
const HEX_COLON = 512;
const KIND = new Uint16Array(256).fill(OTHER);
for (let b = 0; b <= 32; b++) KIND[b] = BLANK;
KIND[127] = BLANK;
// What a base64 value holds besides letters and digits, and the punctuation the masks take around a value.
for (const c of `+/=${OPENERS}${CLOSERS}`) KIND[c.charCodeAt(0)] = 0;
for (let b = 0x30; b <= 0x39; b++) KIND[b] = DIGIT | HEX_DIGIT;
for (let b = 0x61; b <= 0x7a; b++) KIND[b] = (b <= 0x66 ? HEX | HEX_DIGIT | HEX_LETTER : LETTER) | LOWER;
for (let b = 0x41; b <= 0x5a; b++) KIND[b] = LETTER | UPPER | (b <= 0x46 ? HEX_DIGIT | HEX_LETTER : 0);
const COLON = 0x3a;
/**
 * The word kind of each byte (KIND & WORD, and whether it is an upper-case or a lower-case
 * letter), in bytes: the loop over every byte reads this one.
 */
const WORD_UPPER = 8;
const WORD_LOWER = 16;
const WORD_KIND = new Uint8Array(256);
for (let b = 0; b < 256; b++) WORD_KIND[b] = (KIND[b] & WORD) | ((KIND[b] & UPPER) !== 0 ? WORD_UPPER : 0) | ((KIND[b] & LOWER) !== 0 ? WORD_LOWER : 0);

/**
 * Whether a token whose words hold these kinds (WORD_KIND) may be kept whole: it has a digit,
 * and upper-case and lower-case letters (base64), or a colon and a letter (hex digits joined by
 * colons). `keptWhole` then decides on all its bytes.
 */
function mayKeepWhole(kinds: number, colon: boolean): boolean {
  if ((kinds & DIGIT) === 0) return false;
  return (kinds & (WORD_UPPER | WORD_LOWER)) === (WORD_UPPER | WORD_LOWER) || (colon && (kinds & (HEX | WORD_UPPER)) !== 0);
}

/** Whether a token that holds these kinds is kept whole (see the shape above). */
function keptWhole(holds: number): boolean {
  return (holds & (UPPER | LOWER | DIGIT | OTHER)) === (UPPER | LOWER | DIGIT) || (holds & (HEX_COLON | HEX_LETTER)) === (HEX_COLON | HEX_LETTER);
}

/** Options of {@link ShapeCache}. */
export interface ShapeCacheOptions {
  /** Slots of the cache, a power of two (default 16,384): a shape takes the slot of its hash, replacing the one there. */
  slots?: number;
}

/**
 * Remembers the signature id of message shapes, exactly: a hit compares the whole shape, not
 * only its hash. A shape is remembered the second time it is seen, so that the many shapes seen
 * once (a line with a hex id) neither allocate nor push out the common ones.
 * @example
 * let id = shapes.find(buf, start, end);
 * if (id < 0) shapes.remember((id = scanner.scan(buf, start, end)));
 */
export class ShapeCache {
  private readonly mask: number;
  /** Per slot: the hash of the shape remembered there (0: none), its shape and its id. */
  private readonly hashes: Int32Array;
  private readonly shapes: (Int32Array | undefined)[];
  private readonly ids: Float64Array;
  /** Per slot: the length in bytes of the shape remembered there. */
  private readonly bytes: Int32Array;
  /** Per slot: the hash of the last shape seen once there, not yet remembered. */
  private readonly seen: Int32Array;
  /** The shape of the last `find`, bytes then zeros to a whole 32-bit word, and as words (compared and hashed 4 bytes at a time). */
  private readonly shape = new Uint8Array(MAX_SHAPE_BYTES + 8);
  private readonly words = new Int32Array(this.shape.buffer);
  /** Words, bytes and hash of the shape written by the last `find`; -1 words: not cacheable. */
  private length = -1;
  private byteLength = 0;
  private hash = 0;

  constructor(options: ShapeCacheOptions = {}) {
    const slots = options.slots ?? 16_384;
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0) throw new RangeError(`shape cache slots ${slots}: write a power of two`);
    this.mask = slots - 1;
    this.hashes = new Int32Array(slots);
    this.shapes = new Array<Int32Array | undefined>(slots).fill(undefined);
    this.ids = new Float64Array(slots);
    this.bytes = new Int32Array(slots);
    this.seen = new Int32Array(slots);
  }

  /** The signature id remembered for the shape of buf[start, end), or -1. */
  find(buf: Uint8Array, start: number, end: number): number {
    if (end - start > MAX_SHAPE_BYTES) {
      this.length = -1;
      return -1;
    }
    const shape = this.shape;
    const kindOf = WORD_KIND;
    let n = 0;
    // The current token: where it starts in the input and in the shape, the kinds of its words
    // (only one with a digit may have a shape other than its bytes, and be kept whole instead),
    // and whether it holds a colon.
    let token = start;
    let tokenAt = 0;
    let tokenKinds = 0;
    let colon = false;
    let i = start;
    while (i < end) {
      let b = buf[i];
      let k = kindOf[b];
      if (k === 0) {
        if (b <= 32 || b === 127) {
          if (mayKeepWhole(tokenKinds, colon)) n = this.keepWhole(buf, token, i, tokenAt, n);
          tokenKinds = 0;
          colon = false;
          token = i + 1;
          tokenAt = n + 1;
        } else if (b === COLON) {
          colon = true;
        }
        shape[n++] = b;
        i++;
        continue;
      }
      // A word, read to its end here (one loop per word, not one pass of the outer loop per
      // byte: about 20% less time per message): where it starts in the shape, its kinds and
      // its last kind.
      const word = n;
      let kinds = 0;
      let last = 0;
      for (;;) {
        kinds |= k;
        // A run of digits is one 0.
        if (k === DIGIT) {
          if (last !== DIGIT) shape[n++] = ZERO;
        } else {
          shape[n++] = b;
        }
        last = k;
        if (++i === end) break;
        b = buf[i];
        k = kindOf[b];
        if (k === 0) break;
      }
      tokenKinds |= kinds;
      if ((kinds & ~WORD_LOWER) === (DIGIT | HEX)) n = this.hexWord(word, last);
    }
    if (mayKeepWhole(tokenKinds, colon)) n = this.keepWhole(buf, token, end, tokenAt, n);
    shape[n] = 0;
    shape[n + 1] = 0;
    shape[n + 2] = 0;
    const count = (n + 3) >> 2;
    const words = this.words;
    let h = 0x811c9dc5 ^ n;
    for (let i = 0; i < count; i++) {
      h = Math.imul(h ^ words[i], 0x9e3779b1);
      h = (h << 13) | (h >>> 19);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    // Never 0, the mark of an empty slot.
    h |= 1;
    this.length = count;
    this.byteLength = n;
    this.hash = h;
    const slot = h & this.mask;
    if (this.hashes[slot] !== h || this.bytes[slot] !== n) return -1;
    const known = this.shapes[slot] as Int32Array;
    if (known.length !== count) return -1;
    for (let i = 0; i < count; i++) if (known[i] !== words[i]) return -1;
    return this.ids[slot];
  }

  /**
   * Rewrites the hex word written from `word` on (digits and `a-f`, both held) as whether it
   * starts and ends with a digit or a letter; returns the shape's new length.
   */
  private hexWord(word: number, last: number): number {
    const shape = this.shape;
    const first = shape[word] === ZERO ? ZERO : A;
    const end = last === DIGIT ? ZERO : A;
    let n = word;
    shape[n++] = first;
    if (first === end) shape[n++] = first === ZERO ? A : ZERO;
    shape[n++] = end;
    return n;
  }

  /**
   * For the token buf[from, to), written into the shape from `at` to `n`: when it is one the
   * shape keeps whole, writes its bytes there instead. Returns the shape's length.
   */
  private keepWhole(buf: Uint8Array, from: number, to: number, at: number, n: number): number {
    let holds = 0;
    for (let i = from; i < to; i++) {
      const c = KIND[buf[i]];
      holds |= c;
      if (buf[i] === COLON && i > from && i + 1 < to && (KIND[buf[i - 1]] & HEX_DIGIT) !== 0 && (KIND[buf[i + 1]] & HEX_DIGIT) !== 0) holds |= HEX_COLON;
    }
    if (!keptWhole(holds)) return n;
    const shape = this.shape;
    let m = at;
    for (let i = from; i < to; i++) shape[m++] = buf[i];
    return m;
  }

  /** Forgets every shape (the ids it remembered are no longer valid). */
  clear(): void {
    this.hashes.fill(0);
    this.seen.fill(0);
    this.shapes.fill(undefined);
    this.length = -1;
  }

  /** Remembers `id` as the signature of the shape of the last `find` (from the second time that shape is seen). */
  remember(id: number): void {
    if (this.length < 0) return;
    const h = this.hash;
    const slot = h & this.mask;
    if (this.seen[slot] !== h) {
      this.seen[slot] = h;
    } else {
      this.hashes[slot] = h;
      this.shapes[slot] = this.words.slice(0, this.length);
      this.ids[slot] = id;
      this.bytes[slot] = this.byteLength;
    }
    this.length = -1;
  }
}
