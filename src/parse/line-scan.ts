import { normalizeLevel, type Level } from './level.js';

/**
 * Small byte scanners shared by the application-log formats (java, python, journald,
 * apache-error): they read fields from the input bytes without making strings.
 */

/** Where a read level word ends and what it means; the object is reused between calls. */
export interface LevelWord {
  level: Level;
  end: number;
}

const found: LevelWord = { level: 'INFO', end: 0 };

/**
 * A level word of 3 to 11 ASCII letters at buf[start] (`INFO`, `WARNING`, `error`), ended by
 * `stop` or the end of the range; undefined when the word is not a level name. Single letters
 * (`I`, `E`) are not taken: the formats using this write whole words.
 */
export function readLevelWord(buf: Buffer, start: number, end: number, stop: number): LevelWord | undefined {
  let i = start;
  while (i < end && i - start <= 11 && (buf[i] | 32) >= 97 && (buf[i] | 32) <= 122) i++;
  if (i - start < 3 || i - start > 11 || (i < end && buf[i] !== stop)) return undefined;
  const level = normalizeLevel(buf.toString('latin1', start, i));
  if (level === undefined) return undefined;
  found.level = level;
  found.end = i;
  return found;
}

/** A decimal integer of 1 to 10 digits filling [s, e), or -1. */
export function parseIntRange(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 10) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** The first index at or after i that is not a space. */
export function skipSpaces(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] === 32) i++;
  return i;
}

/** The index of the first `c` in [i, end), or -1. Never looks past `end` (a chunk holds megabytes). */
export function indexOfByte(buf: Buffer, c: number, i: number, end: number): number {
  if (end - i <= 64) {
    for (; i < end; i++) if (buf[i] === c) return i;
    return -1;
  }
  const at = buf.subarray(i, end).indexOf(c);
  return at < 0 ? -1 : i + at;
}

/** The index of the last `c` in [floor, from], or -1. */
export function lastIndexOfByte(buf: Buffer, c: number, from: number, floor: number): number {
  for (let i = from; i >= floor; i--) if (buf[i] === c) return i;
  return -1;
}

/** The index of the first occurrence of the ASCII `text` in [i, end), or -1. */
export function indexOfText(buf: Buffer, text: string | Buffer, i: number, end: number): number {
  if (end <= i) return -1;
  const at = buf.subarray(i, end).indexOf(text, 0, 'latin1');
  return at < 0 ? -1 : i + at;
}

/**
 * `HH:MM:SS` with an optional `.fff`/`,fff` fraction at buf[start], as µs into the day, or
 * NaN; sets `at.end`. `fracDigits` > 0 demands exactly that many fraction digits when a
 * fraction is present.
 */
export function parseTimeOfDay(buf: Buffer, start: number, end: number, at: { end: number }, fracDigits = 0): number {
  if (end - start < 8 || buf[start + 2] !== 58 || buf[start + 5] !== 58) return NaN;
  const h = two(buf, start);
  const mi = two(buf, start + 3);
  const se = two(buf, start + 6);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  let i = start + 8;
  let frac = 0;
  if (i < end && (buf[i] === 46 || buf[i] === 44)) {
    const fs = ++i;
    let fd = 0;
    while (i < end && buf[i] >= 48 && buf[i] <= 57) {
      if (fd < 6) {
        frac = frac * 10 + (buf[i] - 48);
        fd++;
      }
      i++;
    }
    if (i === fs || (fracDigits > 0 && i - fs !== fracDigits)) return NaN;
    while (fd < 6) {
      frac *= 10;
      fd++;
    }
  }
  at.end = i;
  return (h * 3600 + mi * 60 + se) * 1_000_000 + frac;
}

/** Two digits as a number, or -1 (also past the end of `buf`). */
export function two(buf: Uint8Array, i: number): number {
  const a = buf[i] - 48;
  const b = buf[i + 1] - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const MONTH_NAMES = 'janfebmaraprmayjunjulaugsepoctnovdec';

/** The month (1-12) of an English three-letter month name at buf[i] (any case), or 0. */
export function readMonthName(buf: Uint8Array, i: number, end: number): number {
  if (i + 3 > end) return 0;
  const a = buf[i] | 32;
  const b = buf[i + 1] | 32;
  const c = buf[i + 2] | 32;
  for (let k = 0; k < 36; k += 3) {
    if (MONTH_NAMES.charCodeAt(k) === a && MONTH_NAMES.charCodeAt(k + 1) === b && MONTH_NAMES.charCodeAt(k + 2) === c) return k / 3 + 1;
  }
  return 0;
}

/** True when buf[s, e) starts with the ASCII text `prefix`. */
export function startsWithAscii(buf: Buffer, s: number, e: number, prefix: string): boolean {
  if (e - s < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[s + k] !== prefix.charCodeAt(k)) return false;
  return true;
}

/**
 * The last line of a Python traceback whose exception name the shared rules do not know
 * (`shop.models.Order.DoesNotExist: ...`, `KeyError: 'x'` is known): a dotted name with no
 * space, then `: ` or the end, right after an indented line (the traceback's last frame).
 */
export function isTracebackEnd(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  const c = buf[i];
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return false;
  while (i < end && buf[i] !== 58 && buf[i] !== SP_BYTE) i++;
  if (i < end && (buf[i] !== 58 || (i + 1 < end && buf[i + 1] !== SP_BYTE))) return false;
  // The line before: indented.
  const prevEnd = start - 1;
  if (prevEnd <= 0) return false;
  const prevStart = buf.lastIndexOf(10, prevEnd - 1) + 1;
  return buf[prevStart] === SP_BYTE;
}

const SP_BYTE = 32;
