/**
 * The staged records of a chunk as plain Parquet: the hand-off from a parse worker to DuckDB.
 *
 * Every column is one uncompressed data page of PLAIN values in one row group, with the
 * definition levels of a nullable column bit-packed in front of its values: a file DuckDB's
 * Parquet reader takes without parsing text. Measured side by side with the staging CSV it
 * replaced (`npm run bench`, the write floors): DuckDB's COPY of the staged rows into the
 * store's zstd Parquet costs about a third less CPU from this file than from CSV, and the
 * worker writes integers as 8 bytes instead of decimal digits.
 *
 * What is stored is what the CSV hand-off stored: an empty string is NULL (an empty CSV field
 * was NULL), NUL and invalid UTF-8 become U+FFFD, any other byte is kept.
 */
import { endianness } from 'node:os';

/** Columns of a staged record file, in order, with their Parquet type. */
export const STAGED_COLUMNS = [
  { name: 'us', kind: 'int', optional: false },
  { name: 'host', kind: 'string', optional: true },
  { name: 'service', kind: 'string', optional: true },
  { name: 'pid', kind: 'int', optional: true },
  { name: 'level', kind: 'string', optional: true },
  { name: 'level_raw', kind: 'string', optional: true },
  { name: 'message', kind: 'string', optional: true },
  { name: 'attrs', kind: 'string', optional: true },
  { name: 'signature', kind: 'int', optional: true },
  { name: 'rel_line', kind: 'int', optional: false },
] as const;

if (endianness() !== 'LE') throw new Error('logscope stages records as little-endian Parquet and needs a little-endian machine');

/**
 * Column buffers kept for reuse across chunks: a worker parses chunk after chunk, and fresh
 * multi-megabyte buffers each time cost page faults and garbage collection.
 */
const bytePool: Uint8Array[] = [];
const wordPool: Int32Array[] = [];
const POOL_MAX = 32;

/** The smallest pooled array of at least `size` elements, or a new one. */
function take<T extends Uint8Array | Int32Array>(pool: T[], size: number, make: (n: number) => T): T {
  let best = -1;
  for (let i = 0; i < pool.length; i++) if (pool[i].length >= size && (best < 0 || pool[i].length < pool[best].length)) best = i;
  return best >= 0 ? pool.splice(best, 1)[0] : make(size);
}

function give<T>(pool: T[], a: T): void {
  if (pool.length < POOL_MAX) pool.push(a);
}

/** A pooled array of at least `size` elements holding old[0, used); `old` goes back to the pool. */
function regrow<T extends Uint8Array | Int32Array>(pool: T[], old: T, used: number, size: number, make: (n: number) => T): T {
  const next = take(pool, size, make);
  next.set(old.subarray(0, used));
  give(pool, old);
  return next;
}

/** Writes n as 4 bytes, little-endian, at buf[at]. */
function putUint32(buf: Uint8Array, at: number, n: number): void {
  buf[at] = n & 0xff;
  buf[at + 1] = (n >>> 8) & 0xff;
  buf[at + 2] = (n >>> 16) & 0xff;
  buf[at + 3] = n >>> 24;
}

const newBytes = (n: number): Uint8Array => Buffer.allocUnsafeSlow(n);
const newWords = (n: number): Int32Array => new Int32Array(n);

/** Values of one string column: each a 4-byte little-endian length, then its UTF-8 bytes. */
export class StringColumn {
  buf: Uint8Array;
  pos = 0;
  constructor(size: number) {
    this.buf = take(bytePool, Math.max(size, 64), newBytes);
  }

  /** Room for `extra` more bytes. */
  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    this.buf = regrow(bytePool, this.buf, this.pos, Math.max(this.buf.length * 2, this.pos + extra + 1024), newBytes);
  }

  /** Writes the length of the value that starts at `at` (its prefix) now that it ends at pos. */
  close(at: number): void {
    putUint32(this.buf, at, this.pos - at - 4);
  }
}

/** Values of one integer column, as int64: low and high 32-bit halves. */
export class IntColumn {
  words: Int32Array;
  count = 0;
  constructor(rows: number) {
    this.words = take(wordPool, Math.max(rows, 16) * 2, newWords);
  }

  /** Appends an integer (|value| < 2^53). */
  push(value: number): void {
    if (this.count * 2 === this.words.length) this.words = regrow(wordPool, this.words, this.count * 2, this.words.length * 2, newWords);
    const hi = Math.floor(value / 4294967296);
    const k = this.count++ * 2;
    this.words[k] = value - hi * 4294967296;
    this.words[k + 1] = hi;
  }
}

/**
 * One day's staged records of a chunk, column by column. Per row, `present` has bit `c - 1`
 * set when nullable column c (1..8 in STAGED_COLUMNS) holds a value.
 */
export class StagedColumns {
  rows = 0;
  present: Uint8Array;
  readonly strings: StringColumn[];
  readonly ints: IntColumn[];

  /** `bytes`: the expected size of the messages, to size the buffers. */
  constructor(bytes: number) {
    const rows = Math.max(16, bytes >> 7);
    this.present = take(bytePool, rows, newBytes);
    this.strings = STAGED_COLUMNS.map((c) => (c.kind === 'string' ? new StringColumn(c.name === 'message' ? bytes : bytes >> 4) : (null as unknown as StringColumn)));
    this.ints = STAGED_COLUMNS.map((c) => (c.kind === 'int' ? new IntColumn(c.optional ? rows >> 2 : rows) : (null as unknown as IntColumn)));
  }

  /** Starts row `rows` with no value present; the caller sets bits, then `rows++`. */
  beginRow(): void {
    if (this.rows === this.present.length) this.present = regrow(bytePool, this.present, this.rows, this.present.length * 2, newBytes);
    this.present[this.rows] = 0;
  }

  /** Returns the buffers to the pool, once the parts of `encode` are written out. */
  release(): void {
    give(bytePool, this.present);
    for (const s of this.strings) if (s !== null) give(bytePool, s.buf);
    for (const n of this.ints) if (n !== null) give(wordPool, n.words);
  }

  /** The Parquet file: its parts in order (views of the column buffers: valid until they change). */
  encode(): Uint8Array[] {
    const parts: Uint8Array[] = [MAGIC];
    let offset = MAGIC.length;
    const chunks: Array<{ offset: number; size: number }> = [];
    for (let c = 0; c < STAGED_COLUMNS.length; c++) {
      const col = STAGED_COLUMNS[c];
      const levels = col.optional ? definitionLevels(this.present, this.rows, 1 << (c - 1)) : null;
      const values = col.kind === 'string' ? this.strings[c].buf.subarray(0, this.strings[c].pos) : new Uint8Array(this.ints[c].words.buffer, 0, this.ints[c].count * 8);
      const size = (levels === null ? 0 : levels.length) + values.length;
      const header = pageHeader(this.rows, size);
      parts.push(header);
      if (levels !== null) parts.push(levels);
      parts.push(values);
      chunks.push({ offset, size: header.length + size });
      offset += header.length + size;
    }
    const footer = fileMetaData(this.rows, chunks);
    const tail = new Uint8Array(8);
    putUint32(tail, 0, footer.length);
    tail.set(MAGIC, 4);
    parts.push(footer, tail);
    return parts;
  }
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/**
 * The definition levels of a nullable column (bit `bit` of each row's present byte), as data
 * page v1 writes them: a 4-byte length, then the RLE/bit-packed hybrid at bit width 1 — one RLE
 * run when every row has a value or none has, else bit-packed groups of 8.
 */
function definitionLevels(present: Uint8Array, rows: number, bit: number): Uint8Array {
  let all = true;
  let none = true;
  for (let r = 0; r < rows; r++) {
    if ((present[r] & bit) === 0) all = false;
    else none = false;
  }
  const out = new Writer(rows === 0 || all || none ? 16 : 16 + (rows >> 3));
  out.pos = 4;
  if (rows === 0 || all || none) {
    out.varint(rows * 2);
    out.byte(all && rows > 0 ? 1 : 0);
  } else {
    const groups = (rows + 7) >> 3;
    out.varint(groups * 2 + 1);
    for (let g = 0; g < groups; g++) {
      let v = 0;
      const end = Math.min(rows, g * 8 + 8);
      for (let r = g * 8; r < end; r++) if ((present[r] & bit) !== 0) v |= 1 << (r - g * 8);
      out.byte(v);
    }
  }
  putUint32(out.buf, 0, out.pos - 4);
  return out.buf.subarray(0, out.pos);
}

/** Thrift compact protocol, the little of it a Parquet footer needs. */
class Writer {
  buf: Uint8Array;
  pos = 0;
  /** Field id of the last field written, per open struct. */
  private last: number[] = [0];
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }
  byte(b: number): void {
    if (this.pos === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.pos++] = b;
  }
  /** An unsigned LEB128 varint of a whole number below 2^53. */
  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }
  /** A field header: the id's delta from the last field of the struct, and the type. */
  field(id: number, type: number): void {
    const top = this.last.length - 1;
    this.byte(((id - this.last[top]) << 4) | type);
    this.last[top] = id;
  }
  /** An i32 or i64 field (non-negative: zigzag is twice the value). */
  int(id: number, type: typeof I32 | typeof I64, value: number): void {
    this.field(id, type);
    this.varint(value * 2);
  }
  binary(id: number, text: string): void {
    this.field(id, BINARY);
    this.bytesOf(text);
  }
  bytesOf(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.varint(bytes.length);
    for (const b of bytes) this.byte(b);
  }
  list(id: number, type: number, size: number): void {
    this.field(id, LIST);
    this.listHeader(type, size);
  }
  listHeader(type: number, size: number): void {
    if (size < 15) this.byte((size << 4) | type);
    else {
      this.byte(0xf0 | type);
      this.varint(size);
    }
  }
  /** A struct: a field of one (id > 0) or an element of a list (id 0). */
  struct(id: number, body: () => void): void {
    if (id > 0) this.field(id, STRUCT);
    this.last.push(0);
    body();
    this.last.pop();
    this.byte(0);
  }
  done(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

// Compact protocol types.
const I32 = 5;
const I64 = 6;
const BINARY = 8;
const LIST = 9;
const STRUCT = 12;
// Parquet enums.
const INT64 = 2;
const BYTE_ARRAY = 6;
const REQUIRED = 0;
const OPTIONAL = 1;
const UTF8 = 0;
const DATA_PAGE = 0;
const PLAIN = 0;
const RLE = 3;
const UNCOMPRESSED = 0;

/** PageHeader of an uncompressed v1 data page of `rows` values and `size` bytes. */
function pageHeader(rows: number, size: number): Uint8Array {
  const w = new Writer(32);
  w.int(1, I32, DATA_PAGE);
  w.int(2, I32, size);
  w.int(3, I32, size);
  w.struct(5, () => {
    w.int(1, I32, rows);
    w.int(2, I32, PLAIN);
    w.int(3, I32, RLE);
    w.int(4, I32, RLE);
  });
  w.byte(0);
  return w.done();
}

/** FileMetaData: the schema of STAGED_COLUMNS and one row group of the given column chunks. */
function fileMetaData(rows: number, chunks: Array<{ offset: number; size: number }>): Uint8Array {
  const w = new Writer(1024);
  w.int(1, I32, 1);
  w.list(2, STRUCT, STAGED_COLUMNS.length + 1);
  w.struct(0, () => {
    w.binary(4, 'schema');
    w.int(5, I32, STAGED_COLUMNS.length);
  });
  for (const col of STAGED_COLUMNS) {
    w.struct(0, () => {
      w.int(1, I32, col.kind === 'int' ? INT64 : BYTE_ARRAY);
      w.int(3, I32, col.optional ? OPTIONAL : REQUIRED);
      w.binary(4, col.name);
      if (col.kind === 'string') w.int(6, I32, UTF8);
    });
  }
  w.int(3, I64, rows);
  w.list(4, STRUCT, 1);
  w.struct(0, () => {
    w.list(1, STRUCT, STAGED_COLUMNS.length);
    STAGED_COLUMNS.forEach((col, c) => {
      w.struct(0, () => {
        w.int(2, I64, chunks[c].offset);
        w.struct(3, () => {
          w.int(1, I32, col.kind === 'int' ? INT64 : BYTE_ARRAY);
          w.list(2, I32, 2);
          w.varint(PLAIN * 2);
          w.varint(RLE * 2);
          w.list(3, BINARY, 1);
          w.bytesOf(col.name);
          w.int(4, I32, UNCOMPRESSED);
          w.int(5, I64, rows);
          w.int(6, I64, chunks[c].size);
          w.int(7, I64, chunks[c].size);
          w.int(9, I64, chunks[c].offset);
        });
      });
    });
    w.int(2, I64, chunks.reduce((n, c) => n + c.size, 0));
    w.int(3, I64, rows);
  });
  w.binary(6, 'logscope');
  w.byte(0);
  return w.done();
}
