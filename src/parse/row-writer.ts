import { isUtf8 } from 'node:buffer';
import type { SignatureTally } from './signature-tally.js';
import { StagedColumns, type StringColumn } from './staging-parquet.js';
import { dayOf } from './timestamp.js';

/**
 * The staging text of unparsed lines between a parse worker and DuckDB (parsed records are
 * staged as plain Parquet, see `staging-parquet.ts`): one line a row, fields
 * separated by US (0x1f); a field holding US, RS, CR, LF or NUL is quoted with RS
 * (0x1e), RS doubled inside. Chosen because log text almost never contains these
 * bytes, so nearly every field is a plain byte copy, and DuckDB's CSV reader
 * takes it with `delim='\x1f', quote='\x1e', escape='\x1e'`.
 */
export const STAGING_CSV_OPTIONS = { delim: '\x1f', quote: '\x1e', escape: '\x1e' } as const;

/**
 * Longest staging line DuckDB is asked to read: an 8 MiB input line can grow up to 3x
 * (each invalid byte becomes a 3-byte U+FFFD), plus the other fields.
 */
export const STAGING_MAX_LINE_BYTES = 32 << 20;

/** Column order of an unparsed-line staging file. */
export const UNPARSED_STAGING_COLUMNS = {
  rel_line: 'BIGINT',
  raw: 'VARCHAR',
  reason: 'VARCHAR',
} as const;

const US = 0x1f;
const RS = 0x1e;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Output buffers kept for reuse across chunks: a worker parses chunk after chunk, and
 * fresh multi-megabyte buffers each time cost page faults and garbage collection.
 */
const pool: Buffer[] = [];
const POOL_MAX = 16;

function takeBuffer(size: number): Buffer {
  let best = -1;
  for (let i = 0; i < pool.length; i++) if (pool[i].length >= size && (best < 0 || pool[i].length < pool[best].length)) best = i;
  if (best >= 0) return pool.splice(best, 1)[0];
  return Buffer.allocUnsafeSlow(size);
}

function giveBuffer(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}

class ByteOut {
  buf: Buffer;
  pos = 0;
  rows = 0;
  constructor(size: number) {
    this.buf = takeBuffer(size);
  }
  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = takeBuffer(Math.max(this.buf.length * 2, this.pos + extra + 1024));
    this.buf.copy(next, 0, 0, this.pos);
    giveBuffer(this.buf);
    this.buf = next;
  }
}

/** One day's parsed rows of a chunk: a plain Parquet file, in parts (see `staging-parquet.ts`). */
export interface DayOutput {
  day: string;
  rows: number;
  minUs: number;
  maxUs: number;
  data: Uint8Array[];
}

interface Day {
  cols: StagedColumns;
  day: string;
  minUs: number;
  maxUs: number;
}

/** Indexes into STAGED_COLUMNS of the integer columns (field f, host 0 ... attrs 6, fills column f + 1). */
const PID = 3;
const SIGNATURE = 8;
const REL_LINE = 9;

/**
 * Accumulates parsed records (split by UTC day, the partition key) as columns, and unparsed
 * lines as staging text. Fields go in STAGED_COLUMNS order: `beginRecord(us)`, then
 * host, service, pid, level, level_raw, message, attrs through the field methods (an empty
 * value is NULL), then `endRecord(relLine)`.
 */
export class RowWriter {
  private days = new Map<number, Day>();
  private cols!: StagedColumns;
  private curDayKey = NaN;
  private curDay!: Day;
  /** Bit c - 1 set when nullable column c has a value in the current record. */
  private present = 0;
  /** True while the input piece is known to hold no byte that needs escaping (see `setInputClean`). */
  private clean = false;
  private readonly unparsedOut: ByteOut;
  private readonly initial: number;

  /** Template mining: each record's signature, and the chunk's tally of them (null: not mined). */
  private readonly mined: SignatureTally | null;

  constructor(initialSize = 1 << 20, tally: SignatureTally | null = null) {
    this.initial = initialSize;
    this.unparsedOut = new ByteOut(64 * 1024);
    this.mined = tally;
  }

  /** Fields written since beginRecord: the message is field 5 (host 0 ... attrs 6). */
  private field = 0;
  /**
   * Continuation lines to append to the next record's message: their bytes (contBuf, null: none;
   * range; whether to turn CRLF into LF), made a string (joined by LF) the first time they are
   * read, then that string.
   */
  private continuation: string | null = null;
  private contBuf: Buffer | null = null;
  private contStart = 0;
  private contEnd = 0;
  private contCrlf = false;

  /**
   * Appends the lines buf[start, end) (UTF-8; CRLF becomes LF when `crlf`) to the message of the
   * record parsed next: the continuation lines of a multi-line record (a stack trace). Cleared by
   * endRecord or clearContinuation. They are made a string only when the record reads or writes
   * them: a line that does not parse never pays for the lines after it (parseLines tries each
   * line of a long run of continuation lines after an unparsed one as a record of its own, with
   * the rest of the run joined to it).
   */
  setContinuationBytes(buf: Buffer, start: number, end: number, crlf: boolean): void {
    this.continuation = null;
    this.contBuf = buf;
    this.contStart = start;
    this.contEnd = end;
    this.contCrlf = crlf;
  }

  /** Whether continuation lines are set for the record being parsed. */
  private hasContinuation(): boolean {
    return this.continuation !== null || this.contBuf !== null;
  }

  /**
   * The lines joined to the record being parsed (set by parseLines before parseLine), LF between
   * them, or null: a format whose record's time or level is on a later line (a setupapi
   * section's `Section start`) reads it here.
   */
  continuationText(): string | null {
    if (this.contBuf !== null) {
      const text = this.contBuf.toString('utf8', this.contStart, this.contEnd);
      this.continuation = this.contCrlf ? text.replace(/\r\n/g, '\n') : text;
      this.contBuf = null;
    }
    return this.continuation;
  }

  clearContinuation(): void {
    this.continuation = null;
    this.contBuf = null;
  }

  /**
   * The continuation lines set for the record being parsed, or null: for a format that
   * writes a message of its own from them (then it calls clearContinuation first).
   */
  get pendingContinuation(): string | null {
    return this.continuationText();
  }

  /** The message field of a multi-line record: first line, LF, the continuation. */
  private writeJoinedMessage(first: string): void {
    const joined = this.continuationText() as string;
    this.string(6, first === '' ? joined : `${first}\n${joined}`);
  }

  /**
   * Declares whether the input bytes about to be copied are valid UTF-8 and free of NUL
   * (and of US, RS, CR, which the unparsed lines' text quotes): then fields are plain copies.
   */
  setInputClean(clean: boolean): void {
    this.clean = clean;
  }

  beginRecord(us: number): void {
    const dayKey = Math.floor(us / 86_400_000_000);
    let d = this.curDay;
    if (dayKey !== this.curDayKey) {
      d = this.days.get(dayKey) as Day;
      if (d === undefined) {
        // The chunk's first day is sized for the whole chunk; a chunk that spans days mostly holds
        // few records of the others (a log over years: thousands of days in one chunk).
        d = { cols: new StagedColumns(this.days.size === 0 ? this.initial : Math.min(this.initial, 64 * 1024)), day: dayOf(us), minUs: us, maxUs: us };
        this.days.set(dayKey, d);
      }
      this.curDayKey = dayKey;
      this.curDay = d;
    }
    if (us < d.minUs) d.minUs = us;
    if (us > d.maxUs) d.maxUs = us;
    this.cols = d.cols;
    this.field = 0;
    this.present = 0;
    this.mined?.begin(us);
    this.cols.ints[0].push(us);
  }

  /** A field copied from the input bytes [start, end). */
  bytes(buf: Buffer, start: number, end: number): void {
    if (this.mined !== null) this.tallyBytes(buf, start, end);
    const f = this.field++;
    if (f === 5 && this.hasContinuation()) return this.writeJoinedMessage(buf.toString('utf8', start, end));
    if (f === 2) return this.pidText(buf.toString('latin1', start, end));
    if (end === start) return;
    const col = this.cols.strings[f + 1];
    const at = col.pos;
    if (this.clean) copyPlain(col, buf, start, end);
    else if (!copyChecked(col, buf, start, end)) return this.string(f + 1, buf.toString('utf8', start, end));
    col.close(at);
    this.present |= 1 << f;
  }

  /** A field from a string. */
  text(value: string): void {
    if (this.mined !== null) this.tallyText(value);
    const f = this.field++;
    if (f === 5 && this.hasContinuation()) return this.writeJoinedMessage(value);
    if (f === 2) return this.pidText(value);
    this.string(f + 1, value);
  }

  /** A short ASCII field (a level name): as `text`, whose ASCII loop makes no native call. */
  ascii(value: string): void {
    this.text(value);
  }

  /** An integer field (pid; a number written into a text column, such as a syslog severity as level_raw, is its digits). */
  int(value: number): void {
    const f = this.field++;
    if (f === 2) this.pid(value);
    else this.string(f + 1, String(value));
  }

  /** A missing value (NULL). */
  empty(): void {
    if (this.field++ === 5 && this.hasContinuation()) return this.writeJoinedMessage('');
  }

  /** The pid given as text: its integer, or NULL when it is none. */
  private pidText(value: string): void {
    this.pid(value.trim() === '' ? NaN : Number(value));
  }

  /** The pid column: the value when it is an integer, else NULL. */
  private pid(value: number): void {
    if (!Number.isSafeInteger(value)) return;
    this.cols.ints[PID].push(value);
    this.present |= 1 << (PID - 1);
  }

  /** A string into text column c (1..7): empty is NULL; NUL becomes U+FFFD. */
  private string(c: number, value: string): void {
    if (value.length === 0) return;
    writeText(this.cols.strings[c], value);
    this.present |= 1 << (c - 1);
  }

  /** The level (field 3) and message (field 5) of a mined record go to the tally too. */
  private tallyBytes(buf: Buffer, start: number, end: number): void {
    if (this.field === 5) (this.mined as SignatureTally).messageBytes(buf, start, end);
    else if (this.field === 3) (this.mined as SignatureTally).levelBytes(buf, start, end);
  }

  private tallyText(value: string): void {
    if (this.field === 5) (this.mined as SignatureTally).messageText(value);
    else if (this.field === 3) (this.mined as SignatureTally).levelText(value);
  }

  endRecord(relLine: number): void {
    this.clearContinuation();
    const cols = this.cols;
    // The signature column: NULL when not mining or when the record has no message.
    if (this.mined !== null) {
      const ref = this.mined.end(relLine);
      // Id 0 (a message with no tokens) is stored as NULL, as it was when ids were staged as digits.
      const id = ref >= 0 ? this.mined.idOf(ref) : 0;
      if (id !== 0) {
        cols.ints[SIGNATURE].push(id);
        this.present |= 1 << (SIGNATURE - 1);
      }
    }
    cols.ints[REL_LINE].push(relLine);
    cols.beginRow();
    cols.present[cols.rows++] = this.present;
  }

  /** A line that did not parse: kept raw with a short reason. */
  unparsed(relLine: number, buf: Buffer, start: number, end: number, reason: string): void {
    const o = this.unparsedOut;
    o.ensure(24);
    this.writeInt(o, relLine);
    o.buf[o.pos++] = US;
    writeBytesField(o, buf, start, end);
    o.buf[o.pos++] = US;
    writeTextField(o, reason);
    o.buf[o.pos++] = LF;
    o.rows++;
  }

  get unparsedCount(): number {
    return this.unparsedOut.rows;
  }

  /** Returns the buffers to the pool, once the outputs of `finish` are written out. */
  release(): void {
    for (const d of this.days.values()) d.cols.release();
    giveBuffer(this.unparsedOut.buf);
    this.days.clear();
  }

  /** The finished outputs (views of the writer's buffers: valid until `release`). */
  finish(): { days: DayOutput[]; unparsed: Buffer; unparsedRows: number } {
    const days: DayOutput[] = [];
    for (const d of this.days.values()) days.push({ day: d.day, rows: d.cols.rows, minUs: d.minUs, maxUs: d.maxUs, data: d.cols.encode() });
    days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    return { days, unparsed: this.unparsedOut.buf.subarray(0, this.unparsedOut.pos), unparsedRows: this.unparsedOut.rows };
  }

  private writeInt(o: ByteOut, value: number): void {
    o.ensure(24);
    writeIntDigits(o, value);
  }
}

/** The two ASCII digits of 0..99, at 2n and 2n + 1. */
const PAIRS = new Uint8Array(200);
for (let n = 0; n < 100; n++) {
  PAIRS[2 * n] = 48 + Math.floor(n / 10);
  PAIRS[2 * n + 1] = 48 + (n % 10);
}

/**
 * Decimal digits of an integer up to 2^53 without a string: this runs three times per
 * record (time, signature, line). The number is split into 32-bit-safe halves below 1e8
 * (integer division is fast on small ints, slow on doubles) and written two digits per step,
 * right to left, straight into the output.
 */
export function writeIntDigits(o: { buf: Buffer; pos: number }, value: number): void {
  const buf = o.buf;
  let p = o.pos;
  let v = value;
  if (v < 0) {
    buf[p++] = 45;
    v = -v;
  }
  if (v < 1e8) {
    o.pos = writeBelow1e8(buf, p, v);
    return;
  }
  const hi = Math.floor(v / 1e8);
  let lo = v - hi * 1e8;
  p = writeBelow1e8(buf, p, hi);
  // The low half always takes all 8 digits, zeros included.
  for (let e = p + 8; e > p; e -= 2) {
    const q = (lo / 100) | 0;
    const r = (lo - q * 100) * 2;
    buf[e - 1] = PAIRS[r + 1];
    buf[e - 2] = PAIRS[r];
    lo = q;
  }
  o.pos = p + 8;
}

/** Writes 0 <= x < 1e8 at p without leading zeros; returns the position after it. */
function writeBelow1e8(buf: Buffer, p: number, x: number): number {
  const n = x < 10 ? 1 : x < 100 ? 2 : x < 1e3 ? 3 : x < 1e4 ? 4 : x < 1e5 ? 5 : x < 1e6 ? 6 : x < 1e7 ? 7 : 8;
  let e = p + n;
  while (x >= 100) {
    const q = (x / 100) | 0;
    const r = (x - q * 100) * 2;
    buf[--e] = PAIRS[r + 1];
    buf[--e] = PAIRS[r];
    x = q;
  }
  if (x >= 10) {
    buf[--e] = PAIRS[2 * x + 1];
    buf[--e] = PAIRS[2 * x];
  } else {
    buf[--e] = 48 + x;
  }
  return p + n;
}

/** Appends src[start, end) to a text column as one value, its length prefix left for `close`. */
function copyPlain(o: StringColumn, src: Uint8Array, start: number, end: number): void {
  const len = end - start;
  o.ensure(len + 4);
  o.pos += 4;
  if (len > 200) {
    o.buf.set(src.subarray(start, end), o.pos);
    o.pos += len;
    return;
  }
  const dst = o.buf;
  let p = o.pos;
  for (let i = start; i < end; i++) dst[p++] = src[i];
  o.pos = p;
}

/**
 * copyPlain for input not known to be clean: false (nothing written) when the bytes hold NUL
 * or are not valid UTF-8, which then go through their string.
 */
function copyChecked(o: StringColumn, src: Buffer, start: number, end: number): boolean {
  const len = end - start;
  o.ensure(len + 4);
  const dst = o.buf;
  const begin = o.pos;
  let p = begin + 4;
  let bad = 0;
  let high = 0;
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (c === 0) bad = 1;
    else if (c >= 0x80) high = 1;
    dst[p++] = c;
  }
  if (bad === 1 || (high === 1 && !isUtf8(src.subarray(start, end)))) return false;
  o.pos = p;
  return true;
}

/** Appends a string to a text column as one value (UTF-8, NUL as U+FFFD). */
function writeText(o: StringColumn, value: string): void {
  const n = value.length;
  o.ensure(n * 3 + 4);
  const dst = o.buf;
  const at = o.pos;
  let p = at + 4;
  let i = 0;
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || c === 0) break;
    dst[p++] = c;
  }
  if (i < n) p = at + 4 + Buffer.from(dst.buffer, dst.byteOffset, dst.length).write(value.includes('\0') ? value.replace(/\x00/g, '\ufffd') : value, at + 4, 'utf8');
  o.pos = p;
  o.close(at);
}

function writeBytesField(o: ByteOut, src: Buffer, start: number, end: number): void {
  const len = end - start;
  o.ensure(len + 1);
  const dst = o.buf;
  const begin = o.pos;
  let p = begin;
  let special = 0;
  let high = 0;
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (c < 0x20) {
      if (c === US || c === RS || c === LF || c === CR || c === 0) special = 1;
    } else if (c >= 0x80) {
      high = 1;
    }
    dst[p++] = c;
  }
  o.pos = p;
  if (special === 0 && high === 0) return;
  if (high === 1 && !isUtf8(src.subarray(start, end))) {
    // Invalid UTF-8 would make DuckDB reject the whole file: keep the line, with U+FFFD
    // in place of the bad bytes.
    o.pos = begin;
    writeTextField(o, src.toString('utf8', start, end));
    return;
  }
  if (special === 1) {
    o.pos = begin;
    writeQuoted(o, src.toString('utf8', start, end));
  }
}

/**
 * A string field. ASCII without special bytes (nearly every value) is copied by a
 * plain loop: Buffer#write costs more in argument checks than the copy itself.
 */
function writeTextField(o: ByteOut, value: string): void {
  const n = value.length;
  o.ensure(n * 3 + 3);
  const dst = o.buf;
  const begin = o.pos;
  let p = begin;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80 || c === US || c === RS || c === LF || c === CR || c === 0) {
      o.pos = begin;
      if (/[\x00\x0a\x0d\x1e\x1f]/.test(value)) writeQuoted(o, value);
      else o.pos += dst.write(value, begin, 'utf8');
      return;
    }
    dst[p++] = c;
  }
  o.pos = p;
}

function writeQuoted(o: ByteOut, value: string): void {
  // NUL cannot travel through DuckDB's CSV reader; it is stored as U+FFFD.
  const v = value.replace(/\x00/g, '\ufffd').replace(/\x1e/g, '\x1e\x1e');
  o.ensure(v.length * 3 + 3);
  o.buf[o.pos++] = RS;
  o.pos += o.buf.write(v, o.pos, 'utf8');
  o.buf[o.pos++] = RS;
}
