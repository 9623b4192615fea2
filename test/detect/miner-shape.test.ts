import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLoghubSample } from '../../bench/miner-eval.js';
import { createSignatureMiner } from '../../src/detect/miner/index.js';
import { ShapeCache } from '../../src/detect/miner/shape-cache.js';
import { DATASETS, HAVE_DATASETS } from '../helpers.js';
import { HAVE_REALLOGS, REALLOGS } from '../datasets.js';

/**
 * The shape cache of stage 1 (src/detect/miner/shape-cache.ts) is only valid while a message's
 * signature depends on nothing its shape forgets: how long a digit run is, which digits it
 * holds, and, in a word of digits and `a-f` only, anything but whether it starts and ends with
 * a digit or a letter. These tests rewrite exactly those parts of real and random messages and
 * require the uncached signature to stay the same; a masking rule that reads them fails here.
 */

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIGITS = '0123456789';
const HEX_LETTERS = 'abcdef';

function pick(rnd: () => number, chars: string): string {
  return chars[Math.floor(rnd() * chars.length)];
}

/** A run of 1 to 12 digits, sometimes with leading zeros. */
function digitRun(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * (rnd() < 0.7 ? 4 : 12));
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rnd, DIGITS);
  return s;
}

/** A hex word (digits and a-f, both) of another length, starting and ending with the same kinds as `word`. */
function hexWord(rnd: () => number, word: string): string {
  const firstDigit = /[0-9]/.test(word[0]);
  const lastDigit = /[0-9]/.test(word[word.length - 1]);
  const n = Math.max(firstDigit === lastDigit ? 3 : 2, 1 + Math.floor(rnd() * 20));
  for (;;) {
    let s = pick(rnd, firstDigit ? DIGITS : HEX_LETTERS);
    for (let i = 1; i < n - 1; i++) s += pick(rnd, rnd() < 0.5 ? DIGITS : HEX_LETTERS);
    s += pick(rnd, lastDigit ? DIGITS : HEX_LETTERS);
    if (/[0-9]/.test(s) && /[a-f]/.test(s)) return s;
  }
}

/**
 * A token the shape keeps whole: one that may be a base64 value (upper-case and lower-case
 * letters, digits, `+/=` and punctuation only), or that holds hex digits joined by a colon and a
 * hex letter (`4E:A3:8C`).
 */
function keptWhole(token: string): boolean {
  const base64 = /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token) && /^[0-9A-Za-z+/=([{'"=:,<)\]}'",;:.>]*$/.test(token);
  return base64 || (/[0-9a-fA-F]:[0-9a-fA-F]/.test(token) && /[a-fA-F]/.test(token));
}

/**
 * `message` with every word (ASCII letters and digits) that holds a digit rewritten as the
 * shape allows: a number as another number, a hex word as another hex word with the same end
 * kinds, in other words each digit run as another digit run; a token the shape keeps whole stays.
 * Null when nothing was rewritten.
 */
function variant(message: string, rnd: () => number): string | null {
  let changed = false;
  const out = message.replace(/[^\x00-\x20\x7f]+/g, (token) =>
    keptWhole(token)
      ? token
      : token.replace(/[A-Za-z0-9]+/g, (word) => {
          if (!/[0-9]/.test(word)) return word;
          changed = true;
          if (/^[0-9]+$/.test(word)) return digitRun(rnd);
          if (/^[0-9a-f]+$/.test(word)) return hexWord(rnd, word);
          return word.replace(/[0-9]+/g, () => digitRun(rnd));
        }),
  );
  return changed ? out : null;
}

/** Pieces random messages are made of: the characters and words the masks look at. */
const PIECES = [
  ...'0123456789abcdefgxzAFJKMT'.split(''),
  ...'.:-_/\\+,;=()[]{}<>\'"~ \t'.split(''),
  '  ', ' ', ' ', ' ', 'é', '10.0.0.1:80', 'blk_-42', '0x1f', 'C:\\', './', '~/', '/tmp/', 'HTTP/1.1',
  'Jun', 'Tue', 'JUNE', 'Sept', 'KB', 'ms', 'B', 'MiB', 'sec', 'true', 'false', 'null', 'NULL', 'enabled=', 'host.example.com',
  'core.', 'R02-M1-N0', '4E:A3:8C', 'ff:1', ':', 'd3YN7OD60Ggqc9hClW0/al6t=', '(', ')', '[Mon', ']', 'x86', 'ssh2', 'deadbeef', '4c9a668cb4f679ce', 'a1', '1a', 'user',
];

function randomMessage(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 24);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
}

interface PropertyCheck {
  messages: number;
  variants: number;
  mismatches: string[];
}

/**
 * For each message and `rounds` rewrites of it: the uncached signature of the rewrite equals the
 * message's, and a shape cache that saw the message answers the rewrite with that signature.
 */
function checkShapes(messages: Iterable<string>, rounds: number, seed: number): PropertyCheck {
  const plain = createSignatureMiner({ shapeCache: false });
  const rnd = random(seed);
  const check: PropertyCheck = { messages: 0, variants: 0, mismatches: [] };
  for (const message of messages) {
    check.messages++;
    const id = plain.signature(message);
    for (let r = 0; r < rounds; r++) {
      const v = variant(message, rnd);
      if (v === null) break;
      check.variants++;
      const vid = plain.signature(v);
      if (vid !== id && check.mismatches.length < 10) check.mismatches.push(`${JSON.stringify(message)} and ${JSON.stringify(v)}`);
      const shapes = new ShapeCache({ slots: 1 });
      const bytes = Buffer.from(message);
      const vbytes = Buffer.from(v);
      for (let k = 0; k < 2; k++) {
        shapes.find(bytes, 0, bytes.length);
        shapes.remember(id);
      }
      const cached = shapes.find(vbytes, 0, vbytes.length);
      if (bytes.length <= 1024 && vbytes.length <= 1024 && cached !== id && check.mismatches.length < 10) check.mismatches.push(`shape cache missed ${JSON.stringify(v)} after ${JSON.stringify(message)}`);
    }
    plain.drain();
  }
  return check;
}

/** Every line of every file under dir (the real logs: whole lines are messages too). */
function* linesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* linesUnder(full);
    else if (entry.isFile() && entry.name !== 'README.md') yield* fs.readFileSync(full, 'utf8').split('\n').filter((l) => l !== '');
  }
}

describe('shape cache of the template miner', () => {
  it('gives a random message and its digit and hex rewrites one signature', () => {
    const rnd = random(7);
    const messages = Array.from({ length: 20_000 }, () => randomMessage(rnd));
    const check = checkShapes(messages, 3, 11);
    expect(check.variants).toBeGreaterThan(30_000);
    expect(check.mismatches).toEqual([]);
  }, 60_000);

  it('keeps the masks that read a word holding a digit apart', () => {
    // What the masks do read of such a word, so the shape keeps it: these pairs differ in signature and shape.
    const plain = createSignatureMiner({ shapeCache: false });
    const pairs: [string, string][] = [
      ['Jun 14 up', 'Jun A1 up'], // a month before a number is a date; before a word, a word
      ['x +3 y', 'x +a3 y'], // a sign goes with a number, not with a word (a dash goes with an id too: miner.test.ts)
      ['at a.b:80 now', 'at a.b:8a now'], // a dotted name goes with its port, a number
      ['open /tmp/ab1 My/x', 'open /tmp/ab My/x'], // a path ending in a word may run on
    ];
    for (const [a, b] of pairs) {
      expect(plain.signature(a), `${a} | ${b}`).not.toBe(plain.signature(b));
      const shapes = new ShapeCache({ slots: 1 });
      const ab = Buffer.from(a);
      for (let k = 0; k < 2; k++) {
        shapes.find(ab, 0, ab.length);
        shapes.remember(plain.signature(a));
      }
      expect(shapes.find(Buffer.from(b), 0, Buffer.byteLength(b))).toBe(-1);
    }
  });

  it('gives the same ids and texts with and without the cache, through drains and a full cache', () => {
    const rnd = random(3);
    const base = Array.from({ length: 300 }, () => randomMessage(rnd));
    const messages = Array.from({ length: 20_000 }, (_, i) => variant(base[i % base.length], rnd) ?? base[i % base.length]);
    messages.push('x'.repeat(2000) + ' 42', 'y'.repeat(1500), 'x'.repeat(2000) + ' 43');
    const plain = createSignatureMiner({ shapeCache: false, cacheSize: 50 });
    const cached = createSignatureMiner({ cacheSize: 50 });
    const plainTexts = new Map<number, string>();
    const cachedTexts = new Map<number, string>();
    messages.forEach((m, i) => {
      const b = Buffer.from(m);
      expect(cached.signatureOf(b, 0, b.length)).toBe(plain.signatureOf(b, 0, b.length));
      if (i % 997 === 0) {
        for (const e of plain.drain()) plainTexts.set(e.id, `${e.text}|${e.tokens}`);
        for (const e of cached.drain()) cachedTexts.set(e.id, `${e.text}|${e.tokens}`);
      }
    });
    for (const e of plain.drain()) plainTexts.set(e.id, `${e.text}|${e.tokens}`);
    for (const e of cached.drain()) cachedTexts.set(e.id, `${e.text}|${e.tokens}`);
    expect(cachedTexts).toEqual(plainTexts);
    // The same with the user's masks, which run before the shape is taken.
    const maskedPlain = createSignatureMiner({ shapeCache: false, masks: ['user [a-z]+'] });
    const maskedCached = createSignatureMiner({ masks: ['user [a-z]+'] });
    for (const m of [...messages.slice(0, 2000), 'login user erin 42', 'login user bob 7']) expect(maskedCached.signature(m)).toBe(maskedPlain.signature(m));
  });

  it.skipIf(!HAVE_DATASETS)('gives each Loghub-2k message and its rewrites one signature', () => {
    const names = fs.readdirSync(DATASETS).filter((n) => fs.existsSync(path.join(DATASETS, n, `${n}_2k.log_structured_corrected.csv`)));
    expect(names.length).toBeGreaterThanOrEqual(8);
    const contents = names.flatMap((n) => loadLoghubSample(DATASETS, n).contents);
    const check = checkShapes(contents, 3, 5);
    expect(check.variants).toBeGreaterThan(20_000);
    expect(check.mismatches).toEqual([]);
  }, 60_000);

  it.skipIf(!HAVE_DATASETS)('answers a cache hit with the signature a fresh scan gives, on the real Loghub-2k lines', () => {
    // Whole lines and their messages, twice, so that most shapes are hit (a shape is remembered
    // the second time it is seen); every hit is checked against the uncached signature.
    const names = fs.readdirSync(DATASETS).filter((n) => fs.existsSync(path.join(DATASETS, n, `${n}_2k.log_structured_corrected.csv`)));
    expect(names.length).toBeGreaterThanOrEqual(8);
    const lines = names.flatMap((n) => [...fs.readFileSync(path.join(DATASETS, n, `${n}_2k.log`), 'utf8').split('\n').filter((l) => l !== ''), ...loadLoghubSample(DATASETS, n).contents]);
    const plain = createSignatureMiner({ shapeCache: false });
    const shapes = new ShapeCache();
    let hits = 0;
    const wrong: string[] = [];
    for (const line of [...lines, ...lines]) {
      const bytes = Buffer.from(line);
      const fresh = plain.signatureOf(bytes, 0, bytes.length);
      const cached = shapes.find(bytes, 0, bytes.length);
      if (cached < 0) shapes.remember(fresh);
      else if (++hits && cached !== fresh && wrong.length < 10) wrong.push(line);
    }
    expect(wrong).toEqual([]);
    expect(hits).toBeGreaterThan(lines.length);

    // The same through a miner's refs, its table emptied at drains (a small cacheSize) and the
    // refs' ids (what a staged record holds) checked against the uncached ids.
    const cachedMiner = createSignatureMiner({ cacheSize: 500 });
    lines.forEach((line, i) => {
      const bytes = Buffer.from(line);
      const ref = cachedMiner.refOf(bytes, 0, bytes.length);
      const id = plain.signatureOf(bytes, 0, bytes.length);
      if (cachedMiner.idOfRef(ref) !== id) wrong.push(line);
      if (i % 1000 === 999) {
        cachedMiner.drain();
        plain.drain();
      }
    });
    expect(wrong).toEqual([]);
  }, 60_000);

  it.skipIf(!HAVE_REALLOGS)('gives each line of the real logs and its rewrites one signature', () => {
    const check = checkShapes(linesUnder(REALLOGS), 1, 9);
    expect(check.messages).toBeGreaterThan(50_000);
    expect(check.variants).toBeGreaterThan(30_000);
    expect(check.mismatches).toEqual([]);
  }, 60_000);
});
