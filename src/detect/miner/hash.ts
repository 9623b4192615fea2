/**
 * The 53-bit ids of the miner: two 32-bit multiplicative hashes (FNV-1a and a
 * murmur-style mix) run over each token's bytes, folded token by token, and joined into one
 * safe integer, `hi21 * 2^32 + lo32`. A JS number rather than a bigint or a hex string: it costs no
 * allocation per line, is a fast Map key, fits a Float64Array, and is stored as a DuckDB
 * BIGINT (8 bytes, decimal in the staging text). 53 bits keep collisions negligible:
 * about 5e-5 for a million distinct signatures (birthday bound n^2 / 2^54).
 */

/** Seeds of the two lanes of a signature's hash. */
export const H1_SEED = 0x811c9dc5 | 0;
export const H2_SEED = 0x2f6b5a1d | 0;
/** Seeds of the two lanes of a template's hash. */
const TEMPLATE_H1_SEED = 0x6a09e667 | 0;
const TEMPLATE_H2_SEED = 0x3c6ef372 | 0;

/** Seeds of the two lanes of a token's hash. */
export const T1_SEED = 0x811c9dc5 | 0;
export const T2_SEED = 0x1b873593 | 0;

/** Folds a token's first hash lane into a message's. */
export function mixToken1(h: number, t: number): number {
  h = Math.imul(h ^ t, 0x2c1b3c6d);
  return (h << 13) | (h >>> 19);
}

/** Folds a token's second hash lane into a message's. */
export function mixToken2(h: number, t: number): number {
  h = Math.imul(h ^ t, 0x297a2d39);
  return (h << 17) | (h >>> 15);
}

/**
 * The id the miner gives a masked text (tokens joined by single spaces): each token's UTF-8
 * bytes are hashed on two lanes, and the token hashes folded in order. It is what
 * `SignatureMiner` computes while it scans, without building the text.
 */
export function signatureIdOfText(text: string): number {
  return idOfTokens(text, H1_SEED, H2_SEED);
}

/** The id of a template: the same hash as `signatureIdOfText` with other seeds, so the two kinds of id never meet by design. */
export function templateIdOfText(text: string): number {
  return idOfTokens(text, TEMPLATE_H1_SEED, TEMPLATE_H2_SEED);
}

function idOfTokens(text: string, h1: number, h2: number): number {
  let tokens = 0;
  let t1 = T1_SEED;
  let t2 = T2_SEED;
  let inToken = false;
  for (let i = 0; i <= text.length; i++) {
    let c = i < text.length ? text.charCodeAt(i) : 32;
    if (c === 32) {
      if (inToken) {
        h1 = mixToken1(h1, t1);
        h2 = mixToken2(h2, t2);
        tokens++;
        t1 = T1_SEED;
        t2 = T2_SEED;
        inToken = false;
      }
      continue;
    }
    inToken = true;
    if (c < 0x80) {
      t1 = Math.imul(t1 ^ c, 0x01000193);
      t2 = Math.imul(t2 + c, 0x5bd1e995);
      continue;
    }
    // Hash the UTF-8 bytes, as the miner does (a lone surrogate is U+FFFD, as TextEncoder writes it).
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) < 0xe000) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
    } else if (c >= 0xd800 && c < 0xe000) {
      c = 0xfffd;
    }
    const n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    for (let k = n - 1; k >= 0; k--) {
      const b = k === n - 1 ? ((0xf00 >> n) & 0xff) | (c >> (6 * k)) : 0x80 | ((c >> (6 * k)) & 0x3f);
      t1 = Math.imul(t1 ^ b, 0x01000193);
      t2 = Math.imul(t2 + b, 0x5bd1e995);
    }
  }
  return finishId(h1 ^ tokens, h2);
}

/** Joins the two 32-bit states into the final id (a final avalanche on each half). */
export function finishId(h1: number, h2: number): number {
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 15;
  h2 = Math.imul(h2, 0x2c1b3c6d);
  h2 ^= h2 >>> 12;
  h2 = Math.imul(h2, 0x297a2d39);
  h2 ^= h2 >>> 15;
  return (h2 >>> 11) * 4294967296 + (h1 >>> 0);
}
