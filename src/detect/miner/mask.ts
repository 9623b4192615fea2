import { finishId, H1_SEED, H2_SEED, mixToken1, mixToken2, T1_SEED, T2_SEED } from './hash.js';

/** The text a masked (variable) part of a message becomes. */
export const WILDCARD = '<*>';
const WILDCARD_BYTES = Buffer.from(WILDCARD);
const EMPTY = Buffer.alloc(0);

// Byte classes. Bytes >= 0x80 (UTF-8 of non-ASCII letters) count as letters.
const SPACE = 1;
const DIGIT = 2;
const ALPHA = 4;
const ALNUM = DIGIT | ALPHA;
/** Joins variable words into one variable: `10.0.0.1:80`, `2005-06-03`, `broadcast_0_piece0`. */
const JOIN = 8;
/** May stand before a path: `(/tmp/x)`, `file=/tmp/x`, `'/tmp/x'`. */
const OPEN = 16;
/** Trailing punctuation a path gives back: `(/tmp/x).` keeps `).`. */
const CLOSE = 32;
/** Joins words into one identifier: `core.42`, `blk_42`, `host-7.example.com`. */
const IDJOIN = 64;

/** `/` and `\\`: the token may hold a path. */
const SLASH_CLASS = 128;

/** Bytes of a token that is one number: digits and joiners. */
const NUMBER_CLASSES = DIGIT | JOIN | IDJOIN | SLASH_CLASS;

const CLASS = new Uint8Array(256);
for (let b = 0; b <= 32; b++) CLASS[b] = SPACE;
CLASS[127] = SPACE;
for (let b = 48; b <= 57; b++) CLASS[b] = DIGIT;
for (let b = 65; b <= 90; b++) CLASS[b] = ALPHA;
for (let b = 97; b <= 122; b++) CLASS[b] = ALPHA;
for (let b = 128; b < 256; b++) CLASS[b] = ALPHA;
for (const c of '.:-_/+,') CLASS[c.charCodeAt(0)] |= JOIN;
for (const c of '.-_') CLASS[c.charCodeAt(0)] |= IDJOIN;
CLASS[0x2f] |= SLASH_CLASS;
CLASS[0x5c] |= SLASH_CLASS;
/** Bytes that may stand before a path or a value (OPEN) and after one (CLOSE). */
export const OPENERS = '([{\'"=:,<';
export const CLOSERS = ')]}\'",;:.>';
for (const c of OPENERS) CLASS[c.charCodeAt(0)] |= OPEN;
for (const c of CLOSERS) CLASS[c.charCodeAt(0)] |= CLOSE;

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const TILDE = 0x7e;
const EQUALS = 0x3d;
const LESS = 0x3c;
const GREATER = 0x3e;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** The hash lanes of a token that is one wildcard. */
let WILD_T1 = T1_SEED;
let WILD_T2 = T2_SEED;
for (const b of WILDCARD_BYTES) {
  WILD_T1 = Math.imul(WILD_T1 ^ b, 0x01000193);
  WILD_T2 = Math.imul(WILD_T2 + b, 0x5bd1e995);
}

/** Shapes of a token in a bracket group of variables (see `bracketShape`). */
const GROUP_OPEN = 1;
const GROUP_CLOSE = 2;
/** Fewest bytes of a base64 value before its padding (see `maskBase64`). */
const MIN_BASE64 = 16;
/** Blanks a path may hold (see `extendPath`). */
const PATH_SPACES = 2;
/** Most tokens a bracket group of variables, or a square-bracket group of words (see `wordGroupEnd`), spans. */
const MAX_GROUP = 8;

/** A piece that is a wildcard; others are ranges of the input (start >= 0). */
const P_WILD = -1;

/**
 * Units written as a word of their own after a number (`5.8 KB`, `21 ms`): masked with the
 * number, so that `93.0 B` and `5.8 KB` are the same template. Short symbols only; words
 * like `bytes` or `seconds` stay literal.
 */
const UNITS = new Set([
  'B', 'KB', 'MB', 'GB', 'TB', 'PB', 'kB', 'KiB', 'MiB', 'GiB', 'TiB', 'kb', 'mb', 'gb',
  'K', 'M', 'G', 'ms', 'us', 'ns', 's', 'sec', 'secs', 'min', 'mins', 'h', 'hrs',
]);
const MAX_UNIT = 4;
const UNIT_CODES = new Set<number>();
for (const u of UNITS) UNIT_CODES.add(unitCode(Buffer.from(u), 0, u.length));

/** Packs a word of up to 4 ASCII letters into one number (0 for anything else). */
function unitCode(buf: Uint8Array, s: number, e: number): number {
  if (e - s > MAX_UNIT || e <= s) return 0;
  let code = 0;
  for (let i = s; i < e; i++) code = code * 256 + buf[i];
  return code;
}

/** `true`, `false` and `null` packed 5 bits a letter, as `maskValueWord` reads them. */
const VALUE_TRUE = packWord('true');
const VALUE_FALSE = packWord('false');
const VALUE_NULL = packWord('null');
function packWord(word: string): number {
  let code = 0;
  for (let i = 0; i < word.length; i++) code = code * 32 + (word.charCodeAt(i) - 0x60);
  return code;
}

const MONTH = 1;
const WEEKDAY = 2;
/** Month and weekday names, lower case, by their first three letters packed in a number. */
const DATE_WORDS = new Map<number, { kind: number; names: string[] }>();
function addDateWord(name: string, kind: number): void {
  const code = (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2);
  const entry = DATE_WORDS.get(code) ?? { kind, names: [] };
  entry.names.push(name);
  DATE_WORDS.set(code, entry);
}
for (const m of ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'sept']) addDateWord(m, MONTH);
for (const d of ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) addDateWord(d, WEEKDAY);

/**
 * MONTH or WEEKDAY for a capitalised English month or weekday name or its first three letters
 * (`Jun`, `JUNE`, `Tue,`: letters, then only closing punctuation), else 0.
 */
function dateWord(buf: Uint8Array, ts: number, te: number): number {
  const first = buf[ts];
  if (first < 65 || first > 90) return 0;
  let e = ts + 1;
  while (e < te && (CLASS[buf[e]] & ALPHA) !== 0 && buf[e] < 128) e++;
  const len = e - ts;
  if (len < 3 || len > 9) return 0;
  for (let i = e; i < te; i++) if ((CLASS[buf[i]] & CLOSE) === 0) return 0;
  const entry = DATE_WORDS.get(((first | 0x20) << 16) | ((buf[ts + 1] | 0x20) << 8) | (buf[ts + 2] | 0x20));
  if (entry === undefined) return 0;
  if (len === 3) return entry.kind;
  for (const name of entry.names) {
    if (name.length !== len) continue;
    let i = 3;
    while (i < len && (buf[ts + i] | 0x20) === name.charCodeAt(i)) i++;
    if (i === len) return entry.kind;
  }
  return 0;
}

/**
 * Stage 1's tokeniser and masks: turns a message (UTF-8 bytes) into pieces (ranges of the
 * input and wildcards, in tokens) that are hashed into the signature id and, for a new
 * signature, turned into its text, so that id and text come from one scan and cannot disagree.
 *
 * Tokens are the runs of non-blank bytes. Inside a token:
 * - a path (from a `/` at the token start or after one of `([{'"=:,<`, `./`, `~/`, `C:\`, or
 *   a relative path of three or more names with a `.` in one, `k8s.io/client-go/x/factory.go`)
 *   up to the token end, less trailing `)]}'",;:.>`, is one variable (`chdir(<*>)`, `file=<*>`);
 * - an identifier run (letters and digits, joined by single `.`, `-` or `_`) holding a digit
 *   is a variable (`core.2275`, `blk_-42`, `R02-M1-N0`, `0x1f`, `12ms`, `ssh2`, UUIDs), and
 *   variables joined by any of `.:-_/+,` are one (`10.0.0.1:8080`, `2005-06-03-15.42.50`);
 *   a sign goes with its number (`-3`), a dotted name with its port (`host.example.com:80`);
 * - a unit after a token that ends in a variable (`5.8 KB`, `21 ms`), a month or weekday
 *   name that starts a date (`Jun 14`, `Tue Jul 26`), and a value word (`true`, `false`,
 *   `null`, also as `enabled=true`) are variables too; so is a JSON object written in one token
 *   (`[{"phase":"new","action":"complete"}]` is `[<*>]`).
 * A run of tokens that are each one wildcard (`<*> <*> <*>`: a date, a list of ids) counts as
 * one token, so a variable of any length is one `<*>`. A bracket group of two or more tokens
 * (up to MAX_GROUP) that holds only variables leaves no token (`(1.16 KB)`); one in square
 * brackets that holds words, past the first token of the message, is one token `[<*>]`
 * (`cause [auto(bulk api)],`, `The Cgroup [kubepods besteffort] has`): square brackets hold a
 * value (a name, a list, a reason) far more often than the words of the event; so do the
 * parentheses right after a name (`_OSI(Module Device)` is `_OSI(<*>)`: its arguments), not
 * a group that opens with `(` (`Pause Young (Metadata GC Threshold)`). So do single
 * quotes: a group of several tokens in them past the first token, alone or after a key, is one
 * token `'<*>'` (`feature 0x001: 'x87 floating point registers'`, `cert 'Canonical Ltd. Secure
 * Boot Signing'`, `reason='no route'`). So do double quotes after a key (klog's
 * `message="Starting kubelet."`), unless the message opens with a key (logfmt's `level=info
 * msg="starting containerd"`, where the quoted value holds the event's own words); double
 * quotes without a key are kept, as they hold the event's words as often as a value (klog's
 * `"Event occurred"`, an access log's `"GET / HTTP/1.1"`). Tokens past `maxTokens` are left out.
 */
export class MaskScanner {
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  /** Index of the first piece of each token of the last scan. */
  private marks = new Int32Array(128);
  /** Pieces of the last scan. */
  count = 0;
  /** Tokens of the last scan. */
  tokens = 0;
  private buf: Buffer = EMPTY;
  /** Where the last scan's message starts (see `opensWithKey`). */
  private start = 0;

  /** Token hash lanes left by `hashPieces`. */
  private t1 = 0;
  private t2 = 0;
  /** End of the run scanned by `scanRun`. */
  private runEnd = 0;
  /** The closing bracket found by `wordGroupEnd`. */
  private closerAt = 0;
  /** An open square-bracket group or quoted value (see `openWordGroup`): where it ends (-1: none open), its first byte and the end of what its token keeps, and the tokens, pieces and hash lanes before it. */
  private wordEnd = -1;
  private wordOpen = 0;
  private wordOpenEnd = 0;
  private wordTokens = 0;
  private wordCount = 0;
  private wordH1 = 0;
  private wordH2 = 0;

  constructor(private readonly maxTokens: number) {}

  /**
   * Scans buf[start, end) and returns the 53-bit id of its masked token sequence (see
   * `signatureIdOfText`). A token without digits or slashes (most of them) is hashed in the
   * same pass that classifies its bytes; only the others are masked piece by piece.
   */
  scan(buf: Buffer, start: number, end: number): number {
    this.buf = buf;
    this.start = start;
    this.count = 0;
    this.tokens = 0;
    let h1 = H1_SEED;
    let h2 = H2_SEED;
    let pos = start;
    let prevEndsWild = false;
    let prevWholeWild = false;
    // An open bracket group of variables only (`(1.16 KB)`, `[Mon Jun 12 10:00:01 2023]`):
    // the state before its first token, restored when it closes, so that the group leaves no
    // token (`1190 bytes (1.16 KB) sent` and `0 bytes sent` are one signature).
    let groupTokens = -1;
    let groupCloser = 0;
    let groupH1 = 0;
    let groupH2 = 0;
    let groupCount = 0;
    let groupEndsWild = false;
    let groupWholeWild = false;
    let elided = false;
    this.wordEnd = -1;
    while (pos < end) {
      while (pos < end && (CLASS[buf[pos]] & SPACE) !== 0) pos++;
      if (pos >= end || this.tokens === this.maxTokens) break;
      const ts = pos;
      let flags = 0;
      let t1 = T1_SEED;
      let t2 = T2_SEED;
      while (pos < end) {
        const b = buf[pos];
        const c = CLASS[b];
        if ((c & SPACE) !== 0) break;
        flags |= c;
        t1 = Math.imul(t1 ^ b, 0x01000193);
        t2 = Math.imul(t2 + b, 0x5bd1e995);
        pos++;
      }
      const first = this.count;
      const prevEndsWildBefore: boolean = prevEndsWild;
      // A square-bracket group, a quoted value or a name's arguments of several tokens (see
      // `openWordGroup`, `openQuotedValue`); one at the message's start is left as it is: the first token routes
      // the message to its family, and there a group is most often the source's context
      // (`[session uid=1 pid=2]`).
      if (this.wordEnd < 0 && this.tokens > 0) {
        if (buf[ts] === OPEN_BRACKET) this.openWordGroup(ts, ts + 1, this.wordGroupEnd(ts, end), h1, h2);
        else if (buf[ts] === APOSTROPHE || ((flags & OPEN) !== 0 && (CLASS[buf[pos - 1]] & CLOSE) === 0)) this.openQuotedValue(ts, pos, end, h1, h2);
      }
      let masked = true;
      const json = (flags & OPEN) !== 0 && (CLASS[buf[pos - 1]] & CLOSE) !== 0 && this.maskJsonObject(ts, pos);
      const b64 = !json && (flags & DIGIT) !== 0 && (flags & ALPHA) !== 0 && pos - ts >= MIN_BASE64 ? this.maskBase64(ts, pos) : false;
      const path = !b64 && (flags & SLASH_CLASS) !== 0 ? this.pathStart(ts, pos) : -1;
      if (json) {
        // `[{"phase":"new","action":"complete"}]`: an object, one variable.
        prevEndsWild = this.starts[this.count - 1] === P_WILD;
      } else if (b64) {
        // `"d3YN7OD60Ggqc9hClW0/al6tlFEshidDnQKzZRRk410="`: a base64 value, one variable.
        prevEndsWild = this.starts[this.count - 1] === P_WILD;
      } else if (path < 0 && (flags & ~NUMBER_CLASSES) === 0 && (CLASS[buf[ts]] & DIGIT) !== 0 && (CLASS[buf[pos - 1]] & DIGIT) !== 0) {
        // The common case of a token that is one number (`42`, `3.5`, `10.0.0.1:80`).
        this.push(P_WILD, 0);
        prevEndsWild = true;
      } else if ((flags & DIGIT) !== 0 || path >= 0) {
        this.maskToken(ts, pos, path);
        // A path cut by a blank ends in a word (`/tmp/My`), not in a number or an extension;
        // it may be cut more than once (`C:\Program Files\Common Files\x.dll`).
        if (path >= 0 && this.starts[this.count - 1] === P_WILD) {
          while ((CLASS[buf[pos - 1]] & ALPHA) !== 0) {
            const next = this.extendPath(pos, end);
            if (next === pos) break;
            pos = next;
          }
        }
        prevEndsWild = this.starts[this.count - 1] === P_WILD;
      } else if (prevEndsWild && pos - ts <= MAX_UNIT + 2 && this.maskUnit(ts, pos)) {
        // A word like `B,` after `93.0`: a unit.
        prevEndsWild = false;
      } else if (pos - ts <= 11 && ((buf[ts] >= 65 && buf[ts] <= 90) || buf[ts] === OPEN_BRACKET || buf[ts] === OPEN_PAREN) && this.maskDateWord(ts, pos, end)) {
        // `Jun` in `Jun 14`, `Tue` in `Tue Jul 26`, `[Mon` in `[Mon Jun 12 ...]`: part of a date.
        prevEndsWild = true;
      } else if (this.maskValueWord(ts, pos)) {
        // `true`, `enabled=false`, `(null)`.
        prevEndsWild = false;
      } else {
        this.push(ts, pos);
        prevEndsWild = false;
        masked = false;
      }
      // Bracket groups of two or more variable tokens only (`(1.16 KB)`) are left out. A group
      // in one token (`[conn12]`, `(usable)`, `()`) stays a token, so that a value in brackets
      // with or without digits, or empty, gives as many tokens.
      const b0 = buf[ts];
      const bl = buf[pos - 1];
      const shape = b0 === OPEN_PAREN || b0 === OPEN_BRACKET || bl === CLOSE_PAREN || bl === CLOSE_BRACKET ? this.bracketShape(first) : 0;
      if (shape === GROUP_CLOSE && groupTokens >= 0 && buf[pos - 1] === groupCloser) {
        this.tokens = groupTokens;
        this.count = groupCount;
        h1 = groupH1;
        h2 = groupH2;
        prevEndsWild = groupEndsWild;
        prevWholeWild = groupWholeWild;
        groupTokens = -1;
        elided = true;
        if (pos >= this.wordEnd) this.wordEnd = -1;
        continue;
      }
      if (this.wordEnd >= 0 && pos >= this.wordEnd && this.closeWordGroup(pos)) {
        h1 = this.t1;
        h2 = this.t2;
        prevEndsWild = false;
        prevWholeWild = false;
        groupTokens = -1;
        continue;
      }
      if (shape === GROUP_OPEN) {
        groupTokens = this.tokens;
        groupCloser = buf[ts] === OPEN_PAREN ? CLOSE_PAREN : CLOSE_BRACKET;
        groupH1 = h1;
        groupH2 = h2;
        groupCount = first;
        groupEndsWild = prevEndsWildBefore;
        groupWholeWild = prevWholeWild;
      } else if (groupTokens >= 0 && (!masked || this.count - first !== 1 || this.starts[first] !== P_WILD || this.tokens - groupTokens >= MAX_GROUP)) {
        groupTokens = -1;
      }
      let wholeWild = false;
      if (masked) {
        wholeWild = this.count - first === 1 && this.starts[first] === P_WILD;
        // A run of tokens that are one wildcard each (`<*> <*> <*>`: a date, a list of ids)
        // is one variable of any length.
        if (wholeWild && prevWholeWild) {
          this.count = first;
          continue;
        }
        if (wholeWild) {
          t1 = WILD_T1;
          t2 = WILD_T2;
        } else {
          this.hashPieces(first);
          t1 = this.t1;
          t2 = this.t2;
        }
      }
      prevWholeWild = wholeWild;
      if (this.tokens === this.marks.length) this.marks = grow(this.marks);
      this.marks[this.tokens++] = first;
      h1 = mixToken1(h1, t1);
      h2 = mixToken2(h2, t2);
    }
    if (this.tokens === 0 && elided) {
      // A message of nothing but a bracket group of variables: one variable.
      this.push(P_WILD, 0);
      this.marks[this.tokens++] = 0;
      h1 = mixToken1(h1, WILD_T1);
      h2 = mixToken2(h2, WILD_T2);
    }
    return finishId(h1 ^ this.tokens, h2);
  }

  /**
   * Notes a group of several tokens opened by the token at ts and ending at groupEnd (see
   * `wordGroupEnd`, `quotedValueEnd`), the bytes buf[ts, openEnd) its token keeps before the
   * variable (`[`, `reason='`), and the state before it, with h1, h2 the message's hash lanes so far.
   */
  private openWordGroup(ts: number, openEnd: number, groupEnd: number, h1: number, h2: number): void {
    this.wordEnd = groupEnd;
    this.wordOpen = ts;
    this.wordOpenEnd = openEnd;
    this.wordTokens = this.tokens;
    this.wordCount = this.count;
    this.wordH1 = h1;
    this.wordH2 = h2;
  }

  /**
   * At the end of a token at or past the open group's end: when the token closes it, turns the
   * group's tokens, words and variables, into one variable in its brackets or quotes (`[<*>],`,
   * `'<*>'`), leaves the message's hash lanes with that token mixed in in t1, t2, and
   * returns true. Either way the group is closed.
   */
  private closeWordGroup(pos: number): boolean {
    const closes = pos === this.wordEnd;
    this.wordEnd = -1;
    if (!closes) return false;
    const first = this.wordCount;
    this.tokens = this.wordTokens;
    this.count = first;
    this.push(this.wordOpen, this.wordOpenEnd);
    this.push(P_WILD, 0);
    this.push(this.closerAt, pos);
    this.hashPieces(first);
    this.marks[this.tokens++] = first;
    this.t1 = mixToken1(this.wordH1, this.t1);
    this.t2 = mixToken2(this.wordH2, this.t2);
    return true;
  }

  /**
   * Where the square-bracket group opened by the token at ts ends (the end of the token that
   * closes it), or -1: it must close in a later token, MAX_GROUP tokens at most, with `]` and
   * nothing but closing punctuation after it (`[auto(bulk api)],`). Sets `closerAt`. From a `(`
   * after a name, the same for the name's arguments, closing with `)` (`_OSI(Module Device)`).
   */
  private wordGroupEnd(ts: number, end: number): number {
    const buf = this.buf;
    let depth = 0;
    let tokens = 1;
    let i = ts;
    for (;;) {
      while (i < end && (CLASS[buf[i]] & SPACE) === 0) {
        const b = buf[i];
        if (b === OPEN_PAREN || b === OPEN_BRACKET) depth++;
        else if ((b === CLOSE_PAREN || b === CLOSE_BRACKET) && --depth === 0) {
          if (tokens === 1 || b !== (buf[ts] === OPEN_PAREN ? CLOSE_PAREN : CLOSE_BRACKET)) return -1;
          return this.closedAt(i, end, -1);
        }
        i++;
      }
      if (i >= end || ++tokens > MAX_GROUP) return -1;
      while (i < end && (CLASS[buf[i]] & SPACE) !== 0) i++;
    }
  }

  /**
   * Opens a quoted value of several tokens (see `quotedValueEnd`) when the token buf[ts, te),
   * past the message's first, starts one: a single quote, or a key of letters without digits,
   * `=` and a single quote, or `=` and a double quote when the message does not open with a
   * key (see `opensWithKey`), then a word that the quote does not close within the token (`'x87
   * floating point registers'`, `reason='no route'`, `message="Starting kubelet."`). Opens the
   * arguments of a name the same way (see `wordGroupEnd`): a name of letters without digits and
   * `(`, the group closing in a later token (`_OSI(Module Device)` is `_OSI(<*>)`).
   */
  private openQuotedValue(ts: number, te: number, end: number, h1: number, h2: number): void {
    const buf = this.buf;
    let at = ts;
    if (buf[ts] === APOSTROPHE) {
      if (te - ts < 2) return;
    } else {
      while (at < te && buf[at] !== EQUALS && buf[at] !== OPEN_PAREN) {
        if ((CLASS[buf[at]] & DIGIT) !== 0) return;
        at++;
      }
      if (buf[at] === OPEN_PAREN) {
        // `_OSI(Module Device)`: the arguments of a name, one value.
        if (at > ts && at < te - 1) this.openWordGroup(ts, at + 1, this.wordGroupEnd(at, end), h1, h2);
        return;
      }
      if (at === ts || at >= te - 2) return;
      if (buf[at + 1] !== APOSTROPHE && (buf[at + 1] !== QUOTE || this.opensWithKey())) return;
      at++;
    }
    const q = buf[at];
    for (let k = at + 1; k < te; k++) if (buf[k] === q) return;
    const groupEnd = this.quotedValueEnd(te, end, q);
    if (groupEnd >= 0) this.openWordGroup(ts, at + 1, groupEnd, h1, h2);
  }

  /**
   * True when the message's first token is `key=...` (logfmt: `level=info msg="starting
   * containerd"`), where a double-quoted value (`msg="..."`) holds the event's own words.
   */
  private opensWithKey(): boolean {
    const buf = this.buf;
    let i = this.start;
    while (i < buf.length && (CLASS[buf[i]] & SPACE) !== 0) i++;
    const s = i;
    while (i < buf.length && (CLASS[buf[i]] & SPACE) === 0 && buf[i] !== EQUALS) i++;
    return i > s && i < buf.length && buf[i] === EQUALS;
  }

  /**
   * Where a quoted value opened before `from` ends (the end of the token that closes it), or
   * -1: the quote q must close in a later token, at its end but for closing punctuation
   * (`registers'`, `route',`), and nowhere before. Sets `closerAt`. The look stops at the next
   * quote q, and every token that opens a value holds one, so a message is read at most about
   * twice whatever its quotes.
   */
  private quotedValueEnd(from: number, end: number, q: number): number {
    const buf = this.buf;
    let i = from;
    for (;;) {
      while (i < end && (CLASS[buf[i]] & SPACE) !== 0) i++;
      if (i >= end) return -1;
      for (; i < end && (CLASS[buf[i]] & SPACE) === 0; i++) {
        if (buf[i] === q) return this.closedAt(i, end, q);
      }
    }
  }

  /**
   * When the group's closer at `i` ends its token but for closing punctuation other than the
   * byte `not` (`],`, `'.`): the end of that token, with `closerAt` set to i; else -1.
   */
  private closedAt(i: number, end: number, not: number): number {
    const buf = this.buf;
    let e = i + 1;
    while (e < end && (CLASS[buf[e]] & SPACE) === 0) {
      if ((CLASS[buf[e]] & CLOSE) === 0 || buf[e] === not) return -1;
      e++;
    }
    this.closerAt = i;
    return e;
  }

  /**
   * GROUP_OPEN for a token of pieces `(` or `[` then variables only (`(<*>`), GROUP_CLOSE for
   * variables then `)` or `]` (`<*>)`), else 0: a token that begins or ends a bracket group of
   * variables only.
   */
  private bracketShape(first: number): number {
    const last = this.count - 1;
    if (last < first) return 0;
    const buf = this.buf;
    const s0 = this.starts[first];
    const sl = this.starts[last];
    if (first === last) return 0;
    const opens = s0 >= 0 && this.ends[first] - s0 === 1 && (buf[s0] === OPEN_PAREN || buf[s0] === OPEN_BRACKET);
    const closes = sl >= 0 && this.ends[last] - sl === 1 && (buf[sl] === CLOSE_PAREN || buf[sl] === CLOSE_BRACKET);
    // A group in one token (`(<*>)`) stays a token; a token that neither opens nor closes one is no part.
    if (opens === closes || (s0 >= 0 && !opens) || (sl >= 0 && !closes)) return 0;
    for (let i = opens ? first + 1 : first; i <= (closes ? last - 1 : last); i++) if (this.starts[i] !== P_WILD) return 0;
    return opens ? GROUP_OPEN : GROUP_CLOSE;
  }

  /** Drops the reference to the last input (a worker's chunk buffer), once its text is no longer needed. */
  release(): void {
    this.buf = EMPTY;
    this.count = 0;
  }

  /** The masked text of the last scan: tokens joined by one space. */
  text(): string {
    let out = '';
    const buf = this.buf;
    let token = 1;
    for (let i = 0; i < this.count; i++) {
      if (token < this.tokens && this.marks[token] === i) {
        out += ' ';
        token++;
      }
      const s = this.starts[i];
      if (s === P_WILD) out += WILDCARD;
      else out += buf.toString('utf8', s, this.ends[i]);
    }
    return out;
  }

  /** Hashes the pieces from `first` to the end (one token) into t1, t2. */
  private hashPieces(first: number): void {
    let t1 = T1_SEED;
    let t2 = T2_SEED;
    const buf = this.buf;
    for (let i = first; i < this.count; i++) {
      const s = this.starts[i];
      if (s >= 0) {
        const e = this.ends[i];
        for (let j = s; j < e; j++) {
          const b = buf[j];
          t1 = Math.imul(t1 ^ b, 0x01000193);
          t2 = Math.imul(t2 + b, 0x5bd1e995);
        }
      } else {
        for (let j = 0; j < WILDCARD_BYTES.length; j++) {
          const b = WILDCARD_BYTES[j];
          t1 = Math.imul(t1 ^ b, 0x01000193);
          t2 = Math.imul(t2 + b, 0x5bd1e995);
        }
      }
    }
    this.t1 = t1;
    this.t2 = t2;
  }

  /**
   * Masks a JSON object written in one token (`{"phase":"new","action":"complete"}`, with
   * brackets, quotes or a key without digits before it and closing punctuation after it:
   * `[{"a":1}],`, `data={"a":"b"}`) as one variable, and returns true; else pushes nothing and
   * returns false. An object's keys are constants and its values variables, but in one token
   * they are one value: the object a statement prints.
   */
  private maskJsonObject(ts: number, te: number): boolean {
    const buf = this.buf;
    let close = te - 1;
    while (close > ts && buf[close] !== CLOSE_BRACE && (CLASS[buf[close]] & CLOSE) !== 0) close--;
    if (buf[close] !== CLOSE_BRACE) return false;
    let open = ts;
    while (open < close && buf[open] !== OPEN_BRACE) {
      if ((CLASS[buf[open]] & DIGIT) !== 0) return false;
      open++;
    }
    if (open >= close - 3 || buf[open + 1] !== QUOTE) return false;
    let keyed = false;
    for (let i = open + 2; i < close && !keyed; i++) keyed = buf[i] === QUOTE && buf[i + 1] === COLON;
    if (!keyed) return false;
    if (open > ts) this.push(ts, open);
    this.push(P_WILD, 0);
    if (close + 1 < te) this.push(close + 1, te);
    return true;
  }

  private push(s: number, e: number): void {
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = s;
    this.ends[this.count] = e;
    this.count++;
  }

  /** A literal range, skipping empty ones. */
  private literal(s: number, e: number): void {
    if (e > s) this.push(s, e);
  }

  /** Where a path starts in the token, or -1. */
  private pathStart(ts: number, te: number): number {
    const buf = this.buf;
    for (let k = ts; k < te; k++) {
      const b = buf[k];
      if (b === SLASH) {
        const opens = k === ts || (CLASS[buf[k - 1]] & OPEN) !== 0;
        // The root path alone: `GET /`, `container "/"`.
        if (opens && rootOnly(buf, k + 1, te)) return k;
        if (k === te - 1) break;
        const next = buf[k + 1];
        if ((CLASS[next] & CLOSE) !== 0 && next !== DOT) continue;
        if (opens) return k;
        // ./x and ~/x
        if ((buf[k - 1] === DOT || buf[k - 1] === TILDE) && (k - 1 === ts || (CLASS[buf[k - 2]] & OPEN) !== 0)) return k - 1;
      } else if (b === BACKSLASH && k >= ts + 2 && buf[k - 1] === COLON && (CLASS[buf[k - 2]] & ALPHA) !== 0 && buf[k - 2] < 128) {
        if (k - 2 === ts || (CLASS[buf[k - 3]] & OPEN) !== 0) return k - 2;
      }
    }
    return this.relativePathStart(ts, te);
  }

  /**
   * Where a relative path starts in the token, or -1: names joined by two or more `/`, each
   * before a letter, with a `.` in one of them (`k8s.io/client-go/informers/factory.go:134:`,
   * `src/main/App.java`), from the token start less `([{'"=:,<`; not `default/read/poll` nor
   * `HTTP/1.1` nor `a/b.c`.
   */
  private relativePathStart(ts: number, te: number): number {
    const buf = this.buf;
    let s = ts;
    while (s < te && (CLASS[buf[s]] & OPEN) !== 0) s++;
    if (s >= te || (CLASS[buf[s]] & ALNUM) === 0) return -1;
    let slashes = 0;
    let dotted = false;
    for (let k = s + 1; k < te - 1; k++) {
      if (buf[k] === DOT && (CLASS[buf[k + 1]] & ALNUM) !== 0) dotted = true;
      if (buf[k] !== SLASH) continue;
      if ((CLASS[buf[k - 1]] & ALNUM) === 0 || (CLASS[buf[k + 1]] & ALPHA) === 0) return -1;
      slashes++;
    }
    return slashes >= 2 && dotted ? s : -1;
  }

  /**
   * A path with spaces (`/tmp/My Documents/report.txt`, `C:\Program Files (x86)\app.exe`):
   * when one of the next two tokens holds a `/` or `\` before a letter (not a version like
   * `HTTP/1.1`, not starting a path of its own), the path runs on to it, less its trailing `)]}'",;:.>`. Returns where the path ends.
   */
  private extendPath(pos: number, end: number): number {
    const buf = this.buf;
    let q = pos;
    for (let k = 0; k < PATH_SPACES; k++) {
      while (q < end && (CLASS[buf[q]] & SPACE) !== 0) q++;
      const ts = q;
      let slash = false;
      while (q < end && (CLASS[buf[q]] & SPACE) === 0) {
        // A slash between words (`Documents/report`, `(x86)\\Google`), not a version (`HTTP/1.1`).
        if (!slash && (CLASS[buf[q]] & SLASH_CLASS) !== 0 && q + 1 < end && (CLASS[buf[q + 1]] & ALPHA) !== 0) slash = true;
        q++;
      }
      if (ts === q) return pos;
      if (!slash) continue;
      if (this.pathStart(ts, q) >= 0) return pos;
      let pe = q;
      while (pe > ts + 1 && (CLASS[buf[pe - 1]] & CLOSE) !== 0) pe--;
      this.literal(pe, q);
      return q;
    }
    return pos;
  }

  /**
   * Masks a base64 value (a key, a hash, a token): the token, less quotes or brackets around it
   * and a `key=` before it, made of base64 bytes only (`+` and `/` inside, up to two `=` at the
   * end), MIN_BASE64 or more of them, with upper-case and lower-case letters and digits.
   * Returns true when it did.
   */
  private maskBase64(ts: number, te: number): boolean {
    const buf = this.buf;
    let s = ts;
    while (s < te && (CLASS[buf[s]] & OPEN) !== 0) s++;
    let e = te;
    while (e > s && (CLASS[buf[e - 1]] & CLOSE) !== 0 && buf[e - 1] !== EQUALS) e--;
    let pad = e;
    while (pad > s && buf[pad - 1] === EQUALS && e - pad < 2) pad--;
    if (pad - s < MIN_BASE64) return false;
    let kinds = 0;
    for (let i = s; i < pad; i++) {
      const b = buf[i];
      if (b >= 48 && b <= 57) kinds |= 1;
      else if (b >= 65 && b <= 90) kinds |= 2;
      else if (b >= 97 && b <= 122) kinds |= 4;
      else if (b !== PLUS && b !== SLASH) return false;
    }
    if (kinds !== 7) return false;
    this.literal(ts, s);
    this.push(P_WILD, 0);
    this.literal(e, te);
    return true;
  }

  /** Masks the token buf[ts, te) whose path (if any) starts at p. */
  private maskToken(ts: number, te: number, p: number): void {
    if (p < 0) {
      this.maskWords(ts, te);
      return;
    }
    let pe = te;
    while (pe > p + 1 && (CLASS[this.buf[pe - 1]] & CLOSE) !== 0) pe--;
    this.maskWords(ts, p);
    this.push(P_WILD, 0);
    this.literal(pe, te);
  }

  /**
   * Masks buf[a, b): an identifier run (words joined by single `.`, `-` or `_`) holding a
   * digit is one variable, and variables joined by `.:-_/+,` merge into one.
   */
  private maskWords(a: number, b: number): void {
    const buf = this.buf;
    let lit = a;
    let i = a;
    while (i < b) {
      if ((CLASS[buf[i]] & ALNUM) === 0) {
        i++;
        continue;
      }
      const rs = i;
      const hex = this.hexGroupEnd(i, b);
      if (hex > 0) {
        // `4E:A3:8C:5D:FE:BC`, `00:1a:2b:cc:dd:ee`: one variable, its letter-only parts too.
        this.literal(lit, rs);
        this.push(P_WILD, 0);
        i = lit = hex;
        continue;
      }
      const c = this.scanRun(i, b);
      i = this.runEnd;
      if ((c & DIGIT) === 0) continue;
      let vs = rs;
      const sign = buf[rs - 1];
      // A sign before a number is the number's; a dash before an id of letters and digits is the id's
      // (`{-OIsUtKyS_irdAE9iKMSAQ}`: a base64url id may start with one), so both shapes are one variable.
      const signed = isSign(sign) && ((CLASS[buf[rs]] & DIGIT) !== 0 || (sign === MINUS && (c & ALPHA) !== 0));
      if (rs - 1 >= lit && signed && (rs - 1 === a || (CLASS[buf[rs - 2]] & ALNUM) === 0)) {
        vs = rs - 1;
      } else if (sign === COLON && rs - 2 >= lit && (c & ALPHA) === 0) {
        // host.example.com:8080: a dotted name before a port is part of the address.
        let j = rs - 2;
        let dot = false;
        while (j >= lit && (CLASS[buf[j]] & (ALNUM | IDJOIN)) !== 0) {
          if (buf[j] === DOT) dot = true;
          j--;
        }
        if (dot && (CLASS[buf[j + 1]] & ALNUM) !== 0) vs = j + 1;
      }
      // Extend over joiners followed by another variable run.
      for (;;) {
        let j = i;
        while (j < b && (CLASS[buf[j]] & JOIN) !== 0) j++;
        if (j === i || j >= b || (CLASS[buf[j]] & ALNUM) === 0) break;
        const d = this.scanRun(j, b);
        if ((d & DIGIT) === 0) break;
        i = this.runEnd;
      }
      this.literal(lit, vs);
      this.push(P_WILD, 0);
      lit = i;
    }
    this.literal(lit, b);
  }

  /**
   * The end of a group of hex parts joined by single colons that starts at i, or 0: three or
   * more parts of 1 to 4 hex digits, some holding a decimal digit and some letters only, not
   * joined on to more (a MAC address, a key fingerprint, an IPv6 address without `::`). Such
   * a group is one variable, its letter-only parts too.
   */
  private hexGroupEnd(i: number, b: number): number {
    const buf = this.buf;
    let parts = 0;
    let digits = false;
    let letters = false;
    for (;;) {
      const s = i;
      let digit = false;
      while (i < b && i - s < 5 && isHex(buf[i])) {
        if ((CLASS[buf[i]] & DIGIT) !== 0) digit = true;
        i++;
      }
      if (i === s || i - s > 4 || (i < b && (CLASS[buf[i]] & ALNUM) !== 0)) return 0;
      parts++;
      if (digit) digits = true;
      else letters = true;
      if (i + 1 < b && buf[i] === COLON && isHex(buf[i + 1])) {
        i++;
        continue;
      }
      // Groups of digits only (`10:00:01.5`, `0000:00:14.0`) are left to the number rules.
      if (!letters || !digits || parts < 3) return 0;
      return i + 1 < b && (CLASS[buf[i]] & JOIN) !== 0 && (CLASS[buf[i + 1]] & ALNUM) !== 0 ? 0 : i;
    }
  }

  /** Scans the identifier run starting at i (a letter or digit); returns the union of its byte classes. */
  private scanRun(i: number, b: number): number {
    const buf = this.buf;
    let c = 0;
    for (;;) {
      while (i < b && (CLASS[buf[i]] & ALNUM) !== 0) c |= CLASS[buf[i++]];
      if (i + 1 < b && (CLASS[buf[i]] & IDJOIN) !== 0) {
        if ((CLASS[buf[i + 1]] & ALNUM) !== 0) {
          i++;
          continue;
        }
        // `blk_-42`: a signed number joined like an unsigned one.
        if (i + 2 < b && (buf[i + 1] === MINUS || buf[i + 1] === PLUS) && (CLASS[buf[i + 2]] & DIGIT) !== 0) {
          i += 2;
          continue;
        }
      }
      break;
    }
    this.runEnd = i;
    return c;
  }

  /**
   * Masks a month name followed by a number (`Jun 14`), or a weekday name followed by a
   * number or a month name (`Tue Jul 26`), and returns true; else false.
   */
  private maskDateWord(start: number, te: number, end: number): boolean {
    const buf = this.buf;
    const ts = buf[start] === OPEN_BRACKET || buf[start] === OPEN_PAREN ? start + 1 : start;
    if (ts >= te || buf[ts] < 65 || buf[ts] > 90) return false;
    let q = te;
    while (q < end && (CLASS[buf[q]] & SPACE) !== 0) q++;
    if (q >= end) return false;
    const next = buf[q];
    if ((CLASS[next] & DIGIT) === 0 && (next < 65 || next > 90)) return false;
    const kind = dateWord(buf, ts, te);
    if (kind === 0) return false;
    let ok = (CLASS[next] & DIGIT) !== 0;
    if (!ok && kind === WEEKDAY) {
      let qe = q;
      while (qe < end && (CLASS[buf[qe]] & SPACE) === 0) qe++;
      ok = dateWord(buf, q, qe) === MONTH;
    }
    if (!ok) return false;
    let e = ts;
    while (e < te && (CLASS[buf[e]] & ALPHA) !== 0) e++;
    this.literal(start, ts);
    this.push(P_WILD, 0);
    this.literal(e, te);
    return true;
  }

  /**
   * Masks a token's last word when it is `true`, `false` or `null` (any case) standing as a
   * value (`true`, `enabled=false`, `(null),`, not `is_null`) and returns true; else false.
   */
  private maskValueWord(ts: number, te: number): boolean {
    const buf = this.buf;
    let e = te;
    while (e > ts && (CLASS[buf[e - 1]] & CLOSE) !== 0) e--;
    if (e - ts < 4) return false;
    const last = buf[e - 1] | 0x20;
    if (last !== 0x65 && last !== 0x6c) return false;
    let s = e - 1;
    while (s > ts && (CLASS[buf[s - 1]] & ALPHA) !== 0) s--;
    if (s > ts && (CLASS[buf[s - 1]] & IDJOIN) !== 0) return false;
    const len = e - s;
    if (len !== 4 && len !== 5) return false;
    let word = 0;
    for (let i = s; i < e; i++) word = word * 32 + ((buf[i] | 0x20) - 0x60);
    if (word !== VALUE_TRUE && word !== VALUE_FALSE && word !== VALUE_NULL) return false;
    this.literal(ts, s);
    this.push(P_WILD, 0);
    this.literal(e, te);
    return true;
  }

  /** Masks a unit word (letters, then only closing punctuation) and returns true, or false. */
  private maskUnit(ts: number, te: number): boolean {
    const buf = this.buf;
    let e = ts;
    while (e < te && (CLASS[buf[e]] & ALPHA) !== 0) e++;
    if (e - ts > MAX_UNIT) return false;
    for (let i = e; i < te; i++) if ((CLASS[buf[i]] & CLOSE) === 0) return false;
    if (!UNIT_CODES.has(unitCode(buf, ts, e))) return false;
    this.push(P_WILD, 0);
    this.literal(e, te);
    return true;
  }
}

/** True when buf[s, e) is only closing punctuation (`"`, `)`, `",`) after a `/`: the root path alone. */
function rootOnly(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if ((CLASS[buf[i]] & CLOSE) === 0 || buf[i] === DOT) return false;
  return true;
}

/** `0`-`9`, `a`-`f`, `A`-`F`. */
function isHex(b: number): boolean {
  return (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 102);
}

/** A sign or comparison that goes with the number after it: `-3`, `+3`, `<1`, `>5`, `~2`. */
function isSign(b: number): boolean {
  return b === MINUS || b === PLUS || b === LESS || b === GREATER || b === TILDE;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
