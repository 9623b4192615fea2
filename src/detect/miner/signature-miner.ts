import { ConfigError } from '../../errors.js';
import { MaskScanner, WILDCARD } from './mask.js';
import { ShapeCache } from './shape-cache.js';

/** Options of {@link createSignatureMiner}; the same options must be given to every worker. */
export interface SignatureMinerOptions {
  /**
   * Extra regular expressions whose matches are masked (replaced by `<*>`) before the
   * built-in masks run, like the `regex` entries of Loghub's benchmark settings. Strings are
   * compiled once, here; a RegExp is used with the global flag added.
   * @example ['core\\.\\d+', 'blk_-?\\d+']
   */
  masks?: readonly (string | RegExp)[];
  /** Tokens kept from the start of a message (default 128); the rest is not part of the signature. */
  maxTokens?: number;
  /**
   * Distinct signatures whose text a miner keeps between drains (default 20,000), so that a
   * known signature costs no text building; the cache is emptied at a drain once larger.
   */
  cacheSize?: number;
  /**
   * Remember the signature of each message shape (digit runs as one `0`, see `shape-cache.ts`)
   * and skip the masks for a message of a known shape (default true). The ids are the same
   * either way; off only to compare.
   */
  shapeCache?: boolean;
}

/** One distinct signature seen since the last drain. */
export interface SignatureEntry {
  /** 53-bit id: a hash of `text`, the same in every worker and run. */
  id: number;
  /** The masked message: tokens joined by one space, variables as `<*>`. */
  text: string;
  /** Tokens in `text`. */
  tokens: number;
  /** Messages with this signature since the last drain. */
  count: number;
}

/**
 * Stage 1 of template mining, run per line in the parse workers: a message's signature is
 * the id of its masked token sequence, a pure function of the message and the options.
 */
export interface SignatureMiner {
  /** The signature id of a message. */
  signature(message: string): number;
  /** The signature id of the UTF-8 message buf[start, end): the same id as `signature` of its text, without decoding it. */
  signatureOf(buf: Buffer, start: number, end: number): number;
  /**
   * The signature of buf[start, end) as a ref: a small whole number (from 0) naming the
   * signature in this miner's table until the next `drain`, so that a caller can keep per
   * signature counts in arrays instead of maps keyed by the 53-bit id. `idOfRef` gives the id.
   */
  refOf(buf: Buffer, start: number, end: number): number;
  /** `refOf` for a message given as text. */
  refOfText(message: string): number;
  /** The id of a ref given since the last drain. */
  idOfRef(ref: number): number;
  /** The distinct signatures seen since the last drain, with their counts; starts a new count. */
  drain(): SignatureEntry[];
}

interface ResolvedMinerOptions {
  masks: RegExp[];
  maxTokens: number;
  cacheSize: number;
  shapeCache: boolean;
}

/** Checks and compiles the options; throws a ConfigError naming a bad one. */
function resolveMinerOptions(options: SignatureMinerOptions = {}): ResolvedMinerOptions {
  const masks = (options.masks ?? []).map((m, i) => {
    if (m instanceof RegExp) return new RegExp(m.source, m.flags.includes('g') ? m.flags : m.flags + 'g');
    try {
      return new RegExp(m, 'g');
    } catch (err) {
      throw new ConfigError(`miner mask ${i + 1} ${JSON.stringify(m)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
    }
  });
  for (const [i, re] of masks.entries()) {
    if (re.test('')) throw new ConfigError(`miner mask ${i + 1} ${JSON.stringify(re.source)} matches the empty string: write one that matches at least one character`);
    re.lastIndex = 0;
  }
  const maxTokens = options.maxTokens ?? 128;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ConfigError(`miner maxTokens ${maxTokens}: write a whole number of at least 1`);
  const cacheSize = options.cacheSize ?? 20_000;
  return { masks, maxTokens, cacheSize, shapeCache: options.shapeCache ?? true };
}

const encoder = new TextEncoder();

/**
 * Creates a stage-1 miner: one per worker.
 * @example
 * const miner = createSignatureMiner();
 * const id = miner.signatureOf(buf, start, end); // store with the record
 * postMessage({ rows, signatures: miner.drain() }); // with the chunk result
 */
export function createSignatureMiner(options: SignatureMinerOptions = {}): SignatureMiner {
  const { masks, maxTokens, cacheSize, shapeCache } = resolveMinerOptions(options);
  const scanner = new MaskScanner(maxTokens);
  // The shape cache remembers refs: it is emptied whenever the table below is.
  const shapes = shapeCache ? new ShapeCache() : undefined;
  let scratch = Buffer.allocUnsafe(4096);
  // The table of signatures known since the table was last emptied (at a drain, once larger
  // than cacheSize): per ref, the id, text, tokens, count since the last drain.
  let refs = new Map<number, number>();
  let ids: number[] = [];
  let texts: string[] = [];
  let tokenCounts: number[] = [];
  let counts = new Int32Array(1024);
  let touched: number[] = [];

  /** The ref of the signature the scanner just scanned (its id), added to the table when new; counted. */
  function noteScanned(id: number): number {
    let ref = refs.get(id);
    if (ref === undefined) {
      ref = ids.length;
      refs.set(id, ref);
      ids.push(id);
      texts.push(scanner.text());
      tokenCounts.push(scanner.tokens);
      if (ref === counts.length) {
        const grown = new Int32Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
    }
    if (counts[ref]++ === 0) touched.push(ref);
    return ref;
  }

  /** The ref of buf[start, end), counted: from the shape cache when the shape is known. */
  function scan(buf: Buffer, start: number, end: number): number {
    if (shapes === undefined) return noteScanned(scanner.scan(buf, start, end));
    const known = shapes.find(buf, start, end);
    if (known >= 0) {
      if (counts[known]++ === 0) touched.push(known);
      return known;
    }
    const ref = noteScanned(scanner.scan(buf, start, end));
    shapes.remember(ref);
    return ref;
  }

  function refOfText(message: string): number {
    if (masks.length > 0) message = applyMasks(message, masks);
    if (message.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(Math.max(message.length * 3, scratch.length * 2));
    // encodeInto is the fastest way to UTF-8 for short strings (faster than Buffer.write or a loop).
    const n = encoder.encodeInto(message, scratch).written;
    return scan(scratch, 0, n);
  }

  function refOf(buf: Buffer, start: number, end: number): number {
    if (masks.length > 0) return refOfText(buf.toString('utf8', start, end));
    return scan(buf, start, end);
  }

  return {
    signature: (message) => ids[refOfText(message)],
    signatureOf: (buf, start, end) => ids[refOf(buf, start, end)],
    refOf,
    refOfText,
    idOfRef: (ref) => ids[ref],
    drain() {
      const out: SignatureEntry[] = [];
      for (const ref of touched) {
        out.push({ id: ids[ref], text: texts[ref], tokens: tokenCounts[ref], count: counts[ref] });
        counts[ref] = 0;
      }
      touched = [];
      if (ids.length > cacheSize) {
        refs = new Map();
        ids = [];
        texts = [];
        tokenCounts = [];
        shapes?.clear();
      }
      scanner.release();
      return out;
    },
  };
}

/** Replaces every match of the user's masks by the wildcard. */
function applyMasks(message: string, masks: readonly RegExp[]): string {
  for (const re of masks) {
    re.lastIndex = 0;
    message = message.replace(re, WILDCARD);
  }
  return message;
}
