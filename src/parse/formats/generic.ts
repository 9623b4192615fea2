import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { mayBeLevelWord, normalizeLevel, type Level } from '../level.js';
import { startsWithAscii } from '../line-scan.js';
import { TimestampScanner, type ScannedTime } from '../timestamp-scan.js';

/**
 * The fallback for logs that no specific format reads: a line whose record starts with a
 * timestamp in any common layout (see TIME_LAYOUTS in timestamp-scan.ts), within its first 64
 * bytes, after an optional short prefix:
 * - docker compose's `name  | ` (the name fills `service`),
 * - a level word or letter (`INFO `, `E, `, `WARNING: `),
 * - a process tag (`12345:M `, `app[12]: `),
 * - an opening `[` or `(` (closed after the time, or after Ruby's ` #pid`).
 * Then an optional level: the first token (`INFO`, `[info]`, `<warn>`, `E`, `Err`, `fatal`,
 * `level=error`), which is then left out of `message`; or a bracketed level word, `level=...`
 * or an upper-case level word among the next few header tokens (`[8][info][main]`,
 * `[6219] [DEBUG ]`), which leaves `message` whole. The rest is `message`. A line that does
 * not start with a timestamp continues the record before it (see `startsRecord`).
 * Chosen by auto-detection only when no specific format reads nearly as many lines.
 */
const generic: FormatDefinition = {
  name: 'generic',
  specificity: -10,
  description: 'any log whose lines start with a timestamp (after an optional short prefix): time, level, message',
  example: '2026-11-25 10:00:00.123 [worker-3] WARN cache miss for key user:42',
  create(_options, ctx) {
    return createGenericParser(ctx);
  },
};
export default generic;

const SP = 32;
const TAB = 9;
const LB = 91;
const RB = 93;
const LP = 40;
const RP = 41;
const LT = 60;
const GT = 62;
const PIPE = 124;
const COLON = 58;
const COMMA = 44;
const DASH = 45;
const HASH = 35;
const EQ = 61;

/** The timestamp must start within this many bytes of the line. */
const PREFIX_MAX = 64;
/** Header tokens after the time searched for a level. */
const LEVEL_TOKENS = 4;
const LEVEL_SPAN = 96;

function isLetter(b: number): boolean {
  const l = b | 32;
  return l >= 97 && l <= 122;
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

function isSpace(b: number): boolean {
  return b === SP || b === TAB;
}

const COMMON_WORDS = new Set(['trace', 'debug', 'dbg', 'info', 'inf', 'notice', 'warn', 'warning', 'wrn', 'error', 'err', 'fatal', 'crit', 'critical', 'emerg']);

/** A level word buf[s, e) of 1 to 11 letters (single letters: upper case I, W, E, F, D only). */
function levelOf(buf: Buffer, s: number, e: number, upperOnly: boolean, bracketed = false): Level | undefined {
  const n = e - s;
  if (n < 1 || n > 11) return undefined;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (!isLetter(b)) return undefined;
    if (upperOnly && b >= 97) return undefined;
  }
  if (n === 1) {
    const b = buf[s];
    return b === 73 || b === 87 || b === 69 || b === 70 || b === 68 ? normalizeLevel(String.fromCharCode(b)) : undefined;
  }
  // Most words are no level: tell without making a string of each.
  if (!mayBeLevelWord(buf, s, e)) return undefined;
  const word = buf.toString('latin1', s, e);
  // Mixed or lower case: only the usual names (`Alert`, `Note`, `Fine` lead sentences too).
  if (!bracketed && buf[s + 1] >= 97 && !COMMON_WORDS.has(word.toLowerCase())) return undefined;
  return normalizeLevel(word);
}

/** Where a parsed line's pieces are; reused. */
interface Pieces {
  serviceStart: number;
  serviceEnd: number;
  pid: number;
  prefixLevel: Level | undefined;
  plStart: number;
  plEnd: number;
}

function createGenericParser(ctx: ParseContext): LineParser & { startsRecord(buf: Buffer, start: number, end: number): boolean } {
  const scanner = new TimestampScanner(ctx);
  const ts: ScannedTime = { us: 0, end: 0, layout: 0, klogLevel: 0 };
  const p: Pieces = { serviceStart: -1, serviceEnd: -1, pid: -1, prefixLevel: undefined, plStart: 0, plEnd: 0 };
  // What startsRecord found on the last two lines it looked at: parseLines looks one line ahead
  // (is the next line a record of its own?) before it parses the current one.
  const slots = [newSlot(), newSlot()];
  let lineStart = 0;
  let nextSlot = 0;

  /** Finds the timestamp of the line, after its prefix; fills ts and p. Returns the bracket opened before it (0: none) or -1. */
  function locate(buf: Buffer, start: number, end: number): number {
    lineStart = start;
    p.serviceStart = -1;
    p.pid = -1;
    p.prefixLevel = undefined;
    let i = start;
    const limit = Math.min(end, start + PREFIX_MAX);
    // docker compose: `name  | `
    if (isLetter(buf[i]) || isDigit(buf[i])) {
      let j = i;
      while (j < limit && (isLetter(buf[j]) || isDigit(buf[j]) || buf[j] === 95 || buf[j] === 46 || buf[j] === DASH)) j++;
      const ne = j;
      while (j < limit && buf[j] === SP) j++;
      if (j > ne && buf[j] === PIPE && (buf[j + 1] === SP || j + 1 === end)) {
        p.serviceStart = i;
        p.serviceEnd = ne;
        i = j + 2;
      }
    }
    const open = tryAt(buf, i, end);
    if (open >= 0) return open;
    // key=value text led by its time: `time=2026-11-25T10:00:00Z level=info msg="..."` (slog,
    // logrus), here after a compose prefix (plain logfmt files are the logfmt format's).
    const k = timeKeyEnd(buf, i, limit);
    if (k > 0) {
      const o = tryAt(buf, buf[k] === 34 ? k + 1 : k, end);
      if (o >= 0) {
        if (buf[k] === 34 && buf[ts.end] === 34) ts.end++;
        return o;
      }
    }
    // Erlang/OTP error_logger (RabbitMQ before 3.7): `=INFO REPORT==== 1-Nov-2018::13:24:54 ===`
    if (buf[i] === EQ && isLetter(buf[i + 1])) {
      let j = i + 1;
      while (j < limit && isLetter(buf[j])) j++;
      const lvl = levelOf(buf, i + 1, j, true) ?? ERLANG_REPORTS[buf.toString('latin1', i + 1, j)];
      if (lvl !== undefined && startsWithAscii(buf, j, end, REPORT)) {
        p.prefixLevel = lvl;
        p.plStart = i + 1;
        p.plEnd = j;
        const o = tryAt(buf, j + REPORT.length, end);
        if (o >= 0) {
          if (startsWithAscii(buf, ts.end, end, REPORT_END)) ts.end += REPORT_END.length;
          return o;
        }
        p.prefixLevel = undefined;
      }
    }
    // A level word or letter first: `INFO 2026-...`, `E, [2026-...`, `WARNING: 2026-...`
    if (isLetter(buf[i])) {
      let j = i;
      while (j < limit && isLetter(buf[j])) j++;
      const lvl = levelOf(buf, i, j, j - i === 1);
      if (lvl !== undefined) {
        let k = j;
        if (buf[k] === COMMA || buf[k] === COLON) k++;
        if (isSpace(buf[k])) {
          while (k < limit && isSpace(buf[k])) k++;
          p.prefixLevel = lvl;
          p.plStart = i;
          p.plEnd = j;
          const o = tryAt(buf, k, end);
          if (o >= 0) return o;
          p.prefixLevel = undefined;
        }
      }
    }
    // A process tag: `12345:M `, `app[12]: `
    if (isLetter(buf[i]) || isDigit(buf[i])) {
      let j = i;
      while (j < limit && (isLetter(buf[j]) || isDigit(buf[j]) || buf[j] === 95 || buf[j] === DASH || buf[j] === 46 || buf[j] === 47)) j++;
      const te = j;
      let ps = -1;
      let pe = -1;
      if (buf[j] === LB) {
        ps = j + 1;
        while (j < limit && buf[j] !== RB) j++;
        pe = j;
        j++;
      }
      if (buf[j] === COLON && j < limit) {
        j++;
        let pid = -1;
        if (ps < 0 && isLetter(buf[j]) && isSpace(buf[j + 1])) {
          // 12345:M — a pid and a role letter (Redis)
          pid = digitsValue(buf, i, te);
          if (pid < 0) return -1;
          j++;
        } else if (ps >= 0) {
          pid = digitsValue(buf, ps, pe);
        } else {
          // A bare `name:` is not taken: `Date: Thu, 01 Nov 2018 ...` is an HTTP header, not a record.
          return -1;
        }
        if (isSpace(buf[j])) {
          while (j < limit && isSpace(buf[j])) j++;
          const savedService = p.serviceStart;
          if (pid < 0 || ps >= 0) {
            if (p.serviceStart < 0) {
              p.serviceStart = i;
              p.serviceEnd = te;
            }
          }
          p.pid = pid;
          const o = tryAt(buf, j, end);
          if (o >= 0) return o;
          p.pid = -1;
          if (savedService < 0) p.serviceStart = -1;
        }
      }
    }
    return -1;
  }

  /** The timestamp at buf[i], maybe after `[` or `(`: the bracket's closing byte (0: none), or -1. */
  function tryAt(buf: Buffer, i: number, end: number): number {
    if (i >= end || i - lineStart > PREFIX_MAX) return -1;
    const b = buf[i];
    if (b === LB || b === LP) {
      return scanner.scan(buf, i + 1, end, ts) ? (b === LB ? RB : RP) : -1;
    }
    return scanner.scan(buf, i, end, ts) ? 0 : -1;
  }

  function startsRecord(buf: Buffer, start: number, end: number): boolean {
    const open = locate(buf, start, end);
    // Only a line that starts a record is parsed next; one that does not is joined, never
    // parsed, and a slot kept for it could answer for a later buffer reusing the same memory.
    if (open < 0) return false;
    const slot = slots[nextSlot];
    nextSlot ^= 1;
    slot.buf = buf;
    slot.start = start;
    slot.end = end;
    slot.open = open;
    saveSlot(slot, ts, p);
    return true;
  }

  /** locate(), or what startsRecord found on the same line. */
  function recall(buf: Buffer, start: number, end: number): number {
    for (const slot of slots) {
      if (slot.buf === buf && slot.start === start && slot.end === end) {
        slot.buf = null;
        restoreSlot(slot, ts, p);
        return slot.open;
      }
    }
    return locate(buf, start, end);
  }

  return {
    startsRecord,
    parseLine(buf, start, end, out) {
      const open = recall(buf, start, end);
      if (open < 0) return 'no timestamp at the start of the line';
      let i = ts.end;
      if (open !== 0) {
        while (i < end && isSpace(buf[i])) i++;
        if (buf[i] === HASH) {
          // Ruby Logger: `[2026-11-25T10:00:00.123456 #1234]`
          const ps = i + 1;
          let j = ps;
          while (j < end && isDigit(buf[j])) j++;
          if (buf[j] === open && j > ps) {
            if (p.pid < 0) p.pid = digitsValue(buf, ps, j);
            i = j;
          }
        }
        if (buf[i] === open) i++;
        else i = ts.end;
      }
      const c = buf[i];
      if (i < end && !(isSpace(c) || c === LB || c === LP || c === LT || c === PIPE || c === COLON || c === COMMA || c === DASH || c === 123 || c === RB)) return 'no separator after the timestamp';
      i = skipSeparators(buf, i, end);
      let level: Level | undefined = p.prefixLevel;
      let ls = p.plStart;
      let le = p.plEnd;
      let ms = i;
      if (ts.klogLevel !== 0) {
        // klog: `I1125 10:00:00.123456    1234 file.go:12] msg`: the threadid as pid.
        level = normalizeLevel(String.fromCharCode(ts.klogLevel));
        ls = ts.end - 1; // marks "from the time" below
        let j = i;
        while (j < end && isDigit(buf[j])) j++;
        if (j > i && isSpace(buf[j])) {
          if (p.pid < 0) p.pid = digitsValue(buf, i, j);
          ms = skipSeparators(buf, j, end);
        }
      } else if (level !== undefined) {
        // `E, [time #pid] ERROR -- : msg` (Ruby Logger): the word after the time says it again.
        const again = findLevel(buf, i, end);
        if (again !== undefined && lvFirst) {
          level = again;
          ls = lvStart;
          le = lvEnd;
          ms = skipSeparators(buf, lvAfter, end);
        }
      } else {
        // certbot: `2026-11-25 10:00:00,123:DEBUG:certbot.main:msg`; fields joined by bars: `2026-11-25 10:00:00.123|INFO|main|msg`
        const glued = (buf[i] === COLON || buf[i] === PIPE) && isLetter(buf[i + 1]);
        let found = findLevel(buf, glued ? i + 1 : i, end);
        if (glued && (found === undefined || !lvFirst)) found = undefined;
        if (found === undefined && !glued) found = phpLevel(buf, i, end);
        if (found !== undefined) {
          level = found;
          ls = lvStart;
          le = lvEnd;
          if (lvFirst) ms = skipSeparators(buf, lvAfter, end);
        }
      }
      out.beginRecord(ts.us);
      out.empty();
      if (p.serviceStart >= 0) out.bytes(buf, p.serviceStart, p.serviceEnd);
      else out.empty();
      if (p.pid >= 0) out.int(p.pid);
      else out.empty();
      if (level !== undefined) {
        out.ascii(level);
        if (ts.klogLevel !== 0) out.ascii(String.fromCharCode(ts.klogLevel));
        else out.bytes(buf, ls, le);
      } else {
        out.empty();
        out.empty();
      }
      out.bytes(buf, Math.min(ms, end), end);
      out.empty();
      return null;
    },
  };
}

interface Slot {
  buf: Buffer | null;
  start: number;
  end: number;
  open: number;
  us: number;
  tsEnd: number;
  layout: number;
  klog: number;
  serviceStart: number;
  serviceEnd: number;
  pid: number;
  prefixLevel: Level | undefined;
  plStart: number;
  plEnd: number;
}

function newSlot(): Slot {
  return { buf: null, start: 0, end: 0, open: -1, us: 0, tsEnd: 0, layout: 0, klog: 0, serviceStart: -1, serviceEnd: -1, pid: -1, prefixLevel: undefined, plStart: 0, plEnd: 0 };
}

function saveSlot(s: Slot, ts: ScannedTime, p: Pieces): void {
  s.us = ts.us;
  s.tsEnd = ts.end;
  s.layout = ts.layout;
  s.klog = ts.klogLevel;
  s.serviceStart = p.serviceStart;
  s.serviceEnd = p.serviceEnd;
  s.pid = p.pid;
  s.prefixLevel = p.prefixLevel;
  s.plStart = p.plStart;
  s.plEnd = p.plEnd;
}

function restoreSlot(s: Slot, ts: ScannedTime, p: Pieces): void {
  ts.us = s.us;
  ts.end = s.tsEnd;
  ts.layout = s.layout;
  ts.klogLevel = s.klog;
  p.serviceStart = s.serviceStart;
  p.serviceEnd = s.serviceEnd;
  p.pid = s.pid;
  p.prefixLevel = s.prefixLevel;
  p.plStart = s.plStart;
  p.plEnd = s.plEnd;
}

function digitsValue(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 10) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    if (!isDigit(buf[i])) return -1;
    v = v * 10 + buf[i] - 48;
  }
  return v;
}

/** Skips spaces and one lone separator (`-`, `--`, `:`, `|`, `,`) followed by a space. */
function skipSeparators(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i])) i++;
  let j = i;
  if (buf[j] === DASH && buf[j + 1] === DASH) j += 2;
  else if (buf[j] === DASH || buf[j] === COLON || buf[j] === PIPE || buf[j] === COMMA) j++;
  if (j > i && (j >= end || isSpace(buf[j]))) {
    i = j;
    while (i < end && isSpace(buf[i])) i++;
    // Ruby Logger: `ERROR -- : msg` (no progname)
    if (buf[i] === COLON && (i + 1 >= end || isSpace(buf[i + 1]))) {
      i++;
      while (i < end && isSpace(buf[i])) i++;
    }
  }
  return i;
}

// Where findLevel found its level word: the word, the end of its token, and whether it was the first token.
let lvStart = 0;
let lvEnd = 0;
let lvAfter = 0;
let lvFirst = false;

/**
 * The level among the header tokens at buf[i]: the first token as a level word in any case and
 * bracket style (`INFO`, `[info]`, `<warn>`, `(E)`, `Err:`, `level=warn`); a later one only
 * bracketed, as `level=`, or in upper case; the search stops at a token ending in `:` (the message).
 */
function findLevel(buf: Buffer, i: number, end: number): Level | undefined {
  const limit = Math.min(end, i + LEVEL_SPAN);
  for (let t = 0; t < LEVEL_TOKENS && i < limit; t++) {
    const b = buf[i];
    let ws: number;
    let we: number;
    let after: number;
    let bracketed = false;
    if (b === LB || b === LT || b === LP) {
      const close = b === LB ? RB : b === LT ? GT : RP;
      let j = i + 1;
      while (j < limit && buf[j] !== close && buf[j] !== b) j++;
      if (j >= limit || buf[j] !== close) return undefined;
      ws = i + 1;
      we = j;
      while (ws < we && buf[ws] === SP) ws++;
      while (we > ws && buf[we - 1] === SP) we--;
      after = j + 1;
      bracketed = true;
      // `[core:error]`: the level after the module
      for (let k = we - 1; k > ws; k--) {
        if (buf[k] === COLON) {
          const lvl = levelOf(buf, k + 1, we, false);
          if (lvl !== undefined) {
            lvStart = k + 1;
            lvEnd = we;
            lvAfter = after;
            lvFirst = false; // the module stays in the message
            return lvl;
          }
          break;
        }
      }
    } else {
      let j = i;
      while (j < limit && !isSpace(buf[j]) && buf[j] !== LB) j++;
      ws = i;
      we = j;
      after = j;
      if (t === 0) {
        // `DEBUG:certbot.main:msg`, `INFO|main|msg`: a level word ended by ':' or '|' with the message right after it.
        let k = i;
        while (k < j && isLetter(buf[k])) k++;
        if (k > i && k < j && (buf[k] === COLON || buf[k] === PIPE)) {
          const lvl = levelOf(buf, i, k, false);
          if (lvl !== undefined) {
            lvStart = i;
            lvEnd = k;
            lvAfter = k + 1;
            lvFirst = true;
            return lvl;
          }
        }
      }
      // `level=warn`, `level="warn"`
      if (we - ws > 6 && isLevelKey(buf, ws, we)) {
        let k = ws;
        while (buf[k] !== EQ) k++;
        k++;
        if (buf[k] === 34) k++;
        let m = k;
        while (m < we && isLetter(buf[m])) m++;
        const lvl = levelOf(buf, k, m, false);
        if (lvl !== undefined) {
          lvStart = k;
          lvEnd = m;
          lvAfter = after;
          lvFirst = false;
          return lvl;
        }
      }
      if (we > ws && (buf[we - 1] === COLON || buf[we - 1] === COMMA)) we--;
    }
    const lvl = levelOf(buf, ws, we, !bracketed && (t > 0 || we - ws === 1), bracketed);
    if (lvl !== undefined) {
      lvStart = ws;
      lvEnd = we;
      lvAfter = after;
      lvFirst = t === 0;
      return lvl;
    }
    if (!bracketed && buf[after - 1] === COLON) return undefined;
    i = after;
    while (i < limit && isSpace(buf[i])) i++;
  }
  return undefined;
}

const PHP_EXTRA: Record<string, Level> = { parse: 'ERROR', deprecated: 'WARN', catchable: 'ERROR' };

/** PHP's error_log: `PHP Fatal error:  ...`, `PHP Warning:  ...`: the level after `PHP `, the message whole. */
function phpLevel(buf: Buffer, i: number, end: number): Level | undefined {
  if (end - i < 8 || !startsWithAscii(buf, i, end, 'PHP ')) return undefined;
  let j = i + 4;
  while (j < end && j - i < 16 && isLetter(buf[j])) j++;
  const word = buf.toString('latin1', i + 4, j);
  const level = COMMON_WORDS.has(word.toLowerCase()) || word === 'Notice' ? normalizeLevel(word) : PHP_EXTRA[word.toLowerCase()];
  if (level === undefined) return undefined;
  lvStart = i + 4;
  lvEnd = j;
  lvAfter = j;
  lvFirst = false;
  return level;
}

const REPORT = ' REPORT==== ';
const REPORT_END = ' ===';
const ERLANG_REPORTS: Record<string, Level> = { CRASH: 'ERROR', SUPERVISOR: 'ERROR', PROGRESS: 'INFO' };

const TIME_KEYS = ['time=', 'ts=', 'timestamp='];

/** Just past `time=`, `ts=` or `timestamp=` at buf[i], or -1. */
function timeKeyEnd(buf: Buffer, i: number, limit: number): number {
  // Byte compares: a native Buffer.compare per key and line cost more than the parse itself.
  if (buf[i] !== 116) return -1;
  for (const k of TIME_KEYS) if (i + k.length < limit && startsWithAscii(buf, i, limit, k)) return i + k.length;
  return -1;
}

const LEVEL_KEYS = ['level=', 'lvl=', 'severity=', 'loglevel='];

function isLevelKey(buf: Buffer, s: number, e: number): boolean {
  for (const k of LEVEL_KEYS) {
    if (e - s <= k.length) continue;
    let ok = true;
    for (let i = 0; i < k.length && ok; i++) ok = (buf[s + i] | 32) === k.charCodeAt(i) || (k.charCodeAt(i) === 61 && buf[s + i] === 61);
    if (ok) return true;
  }
  return false;
}

let probe: (LineParser & { startsRecord(buf: Buffer, start: number, end: number): boolean }) | undefined;

/**
 * True when the line buf[start, end) starts a record for the generic format (a timestamp after
 * an optional short prefix), whatever the zone. The chunker prefers to cut before such lines,
 * so that the lines the generic format joins to a record stay in its chunk.
 */
export function hasLeadingTimestamp(buf: Buffer, start: number, end: number): boolean {
  probe ??= createGenericParser({ zone: (w) => w, referenceMicros: 0 }) as typeof probe & object;
  return probe.startsRecord(buf, start, end);
}
