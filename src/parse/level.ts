import type { RowWriter } from './row-writer.js';

/** The normalised levels, lowest to highest. */
export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

const ALIASES: Record<string, Level> = {
  TRACE: 'TRACE', FINEST: 'TRACE', FINER: 'TRACE', VERBOSE: 'TRACE',
  DEBUG: 'DEBUG', DBG: 'DEBUG', FINE: 'DEBUG', D: 'DEBUG',
  INFO: 'INFO', INF: 'INFO', INFORMATION: 'INFO', I: 'INFO', CONFIG: 'INFO',
  NOTICE: 'NOTICE', NOTE: 'NOTICE',
  WARN: 'WARN', WARNING: 'WARN', WRN: 'WARN', W: 'WARN',
  ERROR: 'ERROR', ERR: 'ERROR', E: 'ERROR', SEVERE: 'ERROR', FAIL: 'ERROR', FAILURE: 'ERROR',
  CRIT: 'FATAL', CRITICAL: 'FATAL', FATAL: 'FATAL', ALERT: 'FATAL', EMERG: 'FATAL', EMERGENCY: 'FATAL', PANIC: 'FATAL', F: 'FATAL',
};

/** Syslog severities 0-7 (RFC 5424 §6.2.1) mapped to our levels. */
export const SYSLOG_SEVERITY_LEVELS: readonly Level[] = ['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'];

/** Normalises a level word of any case (`err`, `Warning`, `SEVERE`); undefined when it is not one. */
export function normalizeLevel(word: string): Level | undefined {
  return ALIASES[word.toUpperCase()];
}

/**
 * A level word leading a message: `ERROR ...`, `[warn] ...`, `WARN: ...`, `<error> ...`.
 * Single-letter aliases are not taken here: `I` or `E` leading free text is a word, not a level.
 * Returns where the level word starts/ends and where the rest of the message starts, or
 * undefined.
 */
export function findLeadingLevel(buf: Buffer, start: number, end: number): LeadingLevel | undefined {
  let i = start;
  let close = 0;
  if (i < end && (buf[i] === 91 || buf[i] === 60)) {
    close = buf[i] === 91 ? 93 : 62;
    i++;
  }
  const ws = i;
  while (i < end && i - ws <= 11 && ((buf[i] | 32) >= 97 && (buf[i] | 32) <= 122)) i++;
  const we = i;
  if (we - ws < 3 || we - ws > 11) return undefined;
  if (close !== 0) {
    if (i >= end || buf[i] !== close) return undefined;
    i++;
  } else if (i < end && buf[i] === 58) {
    i++;
  }
  if (i < end && buf[i] !== 32 && buf[i] !== 9) return undefined;
  const level = we - ws <= 6 ? SHORT_WORDS.get(wordKey(buf, ws, we)) : ALIASES[buf.toString('latin1', ws, we).toUpperCase()];
  if (level === undefined) return undefined;
  while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
  // One result object reused: this runs for every line of formats without a level field.
  leading.level = level;
  leading.wordStart = ws;
  leading.wordEnd = we;
  leading.rest = i;
  return leading;
}

/** Where a leading level word is; the object is reused between calls. */
export interface LeadingLevel {
  level: Level;
  wordStart: number;
  wordEnd: number;
  rest: number;
}

const leading: LeadingLevel = { level: 'INFO', wordStart: 0, wordEnd: 0, rest: 0 };

/** Letters folded to 5 bits each: a case-insensitive integer key for words of up to 6 letters. */
function wordKey(buf: Buffer, s: number, e: number): number {
  let k = 0;
  for (let i = s; i < e; i++) k = k * 32 + ((buf[i] | 32) - 96);
  return k;
}

const SHORT_WORDS = new Map<number, Level>();
for (const [word, level] of Object.entries(ALIASES)) {
  if (word.length >= 3 && word.length <= 6) SHORT_WORDS.set(wordKey(Buffer.from(word, 'latin1'), 0, word.length), level);
}

/** Keys (wordKey) of the first six letters of the level words of seven letters or more. */
const LONG_PREFIXES = new Set<number>();
for (const word of Object.keys(ALIASES)) if (word.length > 6) LONG_PREFIXES.add(wordKey(Buffer.from(word, 'latin1'), 0, 6));

/**
 * Whether the letters buf[s, e) may be a level word of any case, without making a string: true
 * for every word `normalizeLevel` knows of 3 letters or more (and for a few longer words that only
 * start like one), false for almost every other word.
 */
export function mayBeLevelWord(buf: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n < 3) return false;
  if (n <= 6) return SHORT_WORDS.has(wordKey(buf, s, e));
  return LONG_PREFIXES.has(wordKey(buf, s, s + 6));
}

/**
 * Writes the level, level_raw and message fields of a record whose message may lead with a
 * level word (formats without a level field): the normalised level, the word as written and the
 * message after it; or two empty fields and the whole message buf[start, end).
 */
export function writeLevelAndMessage(out: RowWriter, buf: Buffer, start: number, end: number): void {
  const lead = findLeadingLevel(buf, start, end);
  if (lead === undefined) {
    out.empty();
    out.empty();
    out.bytes(buf, start, end);
    return;
  }
  out.ascii(lead.level);
  out.bytes(buf, lead.wordStart, lead.wordEnd);
  out.bytes(buf, lead.rest, end);
}
