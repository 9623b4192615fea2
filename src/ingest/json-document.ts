import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { DETECT_SAMPLE_BYTES } from '../parse/index.js';

/**
 * JSON that is not one object per line, read as JSON lines: a file that is one document with a
 * top-level array of records (`[{...},{...}]`), an object whose first member is such an array
 * (CloudTrail's `{"Records":[...]}`), or objects written over several lines (pretty-printed,
 * Elasticsearch 7's JSON log with its multi-line `stacktrace`). A streaming tokenizer of its own
 * (strings, escapes and nesting; no value is decoded) finds each record's bytes and writes it as
 * one line, its line breaks made spaces (JSON allows them only as whitespace there), on the
 * line where it starts in the file: blank lines pad the lines between, so a record keeps its
 * line number. Records that start on a line an earlier record took (`},{` on one line, as
 * CloudTrail writes them) take the next free line numbers instead. Text outside any record
 * (a line that is not JSON) is written as it is, and stays unparsed. Memory: one record.
 */
export class JsonRecordSplitter {
  /** Open containers; what opened each (`{` or `[`). */
  private stack: number[] = [];
  private inString = false;
  private escape = false;
  /** Depth at which records open: 1 objects at the top, 2 elements of a top-level array, 3 elements of a wrapper's array. */
  recordDepth = 0;
  /** The bytes of the record (or stray text) being read, as pieces. */
  private parts: Buffer[] = [];
  private partsSize = 0;
  private pieceStart = -1;
  /** In a record (depth >= recordDepth) or a stray text line. */
  private inRecord = false;
  private stray = false;
  private recordLine = 0;
  /** Lines of input seen (newlines passed), 0-based line of the current byte. */
  private line = 0;
  /** Lines written so far. */
  private outLines = 0;
  /** While the top object's first member is being read: 1 after its first `:`, 2 after a `[` there. */
  private probe = 0;
  /** Raw bytes taken in, and the raw offset just after the last record written. */
  consumed = 0;
  recordEnd = 0;
  /** Records found, and whether one spanned lines or came out of an array (the input is a document, not JSON lines). */
  records = 0;
  documentLike = false;
  /** Top-level values begun: a wrapper (`{"Records":[...]}`) is the only one of its file. */
  topValues = 0;
  /** Whether the records are the elements of a wrapper object's first member. */
  get wrapped(): boolean {
    return this.recordDepth === 3;
  }

  constructor(private readonly maxRecordBytes = 64 << 20, private readonly source = 'input') {}

  /** Takes in the next bytes; returns the lines they complete (whole records, padded), maybe empty. */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    const base = this.consumed;
    this.pieceStart = this.inRecord ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inRecord && this.stray) {
        if (c === 10) {
          this.keep(chunk, i);
          this.emit(out, base + i);
          this.line++;
        }
        continue;
      }
      if (this.inString) {
        if (c === 10) {
          // A raw line break inside a string is no JSON: the record was cut short (a truncated write).
          this.broken(out, chunk, i, base);
          this.line++;
          this.lineStart = true;
          continue;
        }
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 10) {
        this.line++;
        this.lineStart = true;
        continue;
      }
      if (c === 0x20 || c === 9 || c === 13) {
        this.lineStart = false;
        continue;
      }
      // A `{` at the start of a line inside an object of a stream of objects: the object before it was cut short.
      if (c === 0x7b && this.lineStart && this.recordDepth === 1 && this.inRecord && this.stack.length > 0) this.broken(out, chunk, i, base);
      this.lineStart = false;
      const depth = this.stack.length;
      if (c === 0x7b || c === 0x5b) {
        if (depth === 0) this.topValues++;
        if (depth === 0 && this.recordDepth === 0) {
          this.recordDepth = c === 0x5b ? 2 : 1;
          if (c === 0x5b) this.documentLike = true;
        }
        if (this.probe === 2 && depth === 2 && c === 0x7b) {
          // `{"Records":[{`: the wrapper's array holds the records; what was kept of the wrapper goes.
          this.recordDepth = 3;
          this.documentLike = true;
          this.parts = [];
          this.partsSize = 0;
          this.inRecord = false;
        }
        this.probe = this.probe === 1 && depth === 1 && c === 0x5b ? 2 : this.probe === 1 ? 0 : this.probe === 2 ? 0 : this.probe;
        this.stack.push(c);
        if (this.stack.length === this.recordDepth && !this.inRecord) {
          this.inRecord = true;
          this.recordLine = this.line;
          this.pieceStart = i;
          if (this.recordDepth === 1) this.probe = 0;
        }
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        if (depth === 0) {
          this.strayAt(chunk, i);
          continue;
        }
        this.stack.pop();
        if (this.inRecord && this.stack.length === this.recordDepth - 1) {
          this.keep(chunk, i + 1);
          this.emit(out, base + i + 1);
        }
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
        this.probe = 0;
        continue;
      }
      if (c === 0x3a && depth === 1 && this.recordDepth === 1 && this.probe === 0 && this.records === 0 && this.isFirstMember()) this.probe = 1;
      else if (this.probe === 2 || (this.probe === 1 && c !== 0x3a)) this.probe = 0;
      if (depth === 0 && c !== 0x2c) this.strayAt(chunk, i);
    }
    if (this.inRecord && this.pieceStart >= 0) this.keep(chunk, chunk.length);
    this.consumed += chunk.length;
    if (this.partsSize > this.maxRecordBytes) throw new InputError(this.source, `a JSON record at line ${this.recordLine + 1} is over ${this.maxRecordBytes >> 20} MiB: not read further`);
    return Buffer.concat(out);
  }

  /** At the end of the input: what is left (an unfinished record, as it is), and padding up to the input's last line. */
  end(): Buffer {
    const out: Buffer[] = [];
    if (this.inRecord && this.partsSize > 0) this.emit(out, this.consumed);
    if (this.outLines < this.line) out.push(Buffer.alloc(this.line - this.outLines, 10));
    return Buffer.concat(out);
  }

  private firstMemberSeen = false;
  /** At the first byte of a line. */
  private lineStart = true;
  /** Records found cut short (see broken). */
  brokenRecords = 0;

  /**
   * The record being read was cut short at chunk[i]: what was kept of it is written as a line
   * of text (it stays unparsed) and reading goes on outside it.
   */
  private broken(out: Buffer[], chunk: Buffer, i: number, base: number): void {
    this.keep(chunk, i);
    this.stray = true;
    this.brokenRecords++;
    this.emit(out, base + i);
    this.inString = false;
    this.escape = false;
    this.stack.length = Math.max(0, this.recordDepth - 1);
  }
  /** Whether the `:` just met is the first of the top object's members (CloudTrail's `{"Records":`). */
  private isFirstMember(): boolean {
    if (this.firstMemberSeen) return false;
    this.firstMemberSeen = true;
    return true;
  }

  private strayAt(chunk: Buffer, i: number): void {
    this.inRecord = true;
    this.stray = true;
    this.recordLine = this.line;
    this.pieceStart = i;
  }

  private keep(chunk: Buffer, end: number): void {
    if (this.pieceStart < 0 || end <= this.pieceStart) return;
    this.parts.push(Buffer.from(chunk.subarray(this.pieceStart, end)));
    this.partsSize += end - this.pieceStart;
    this.pieceStart = -1;
  }

  /** Writes the record kept as one line, on its own line number or the next free one. */
  private emit(out: Buffer[], rawEnd: number): void {
    let record = Buffer.concat(this.parts, this.partsSize);
    // A record cut short keeps the text of its line, without the line break after it.
    if (this.stray) {
      let e = record.length;
      while (e > 0 && (record[e - 1] === 10 || record[e - 1] === 13)) e--;
      record = record.subarray(0, e);
    }
    let spanned = false;
    for (let k = 0; k < record.length; k++) {
      if (record[k] === 10 || record[k] === 13) {
        record[k] = 0x20;
        spanned = true;
      }
    }
    if (spanned && !this.stray) this.documentLike = true;
    if (!this.stray) this.records++;
    const pad = this.recordLine - this.outLines;
    if (pad > 0) out.push(Buffer.alloc(pad, 10));
    out.push(record, NEWLINE);
    this.outLines = Math.max(this.outLines, this.recordLine) + 1;
    this.parts = [];
    this.partsSize = 0;
    this.inRecord = false;
    this.stray = false;
    this.pieceStart = -1;
    this.recordEnd = rawEnd;
  }
}

const NEWLINE = Buffer.from('\n');

/**
 * Whether a file's first bytes are JSON that is not one object per line (see JsonRecordSplitter):
 * a top-level array, a `{"Records":[...]}` wrapper, or an object over several lines.
 */
export function looksLikeJsonDocument(head: Buffer): boolean {
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (i >= head.length || (head[i] !== 0x7b && head[i] !== 0x5b)) return false;
  const splitter = new JsonRecordSplitter();
  try {
    splitter.push(head);
  } catch {
    return false;
  }
  // JSON lines whose first member is an array of objects (`{"tags":[{...}],...}`) are no wrapper: a wrapper is its file's only value.
  if (splitter.wrapped && splitter.topValues > 1) return false;
  // A stream of objects with some cut short is JSON lines with truncated writes, not a document.
  if (splitter.recordDepth === 1 && splitter.brokenRecords > 0) return false;
  return splitter.documentLike && splitter.records > 0;
}

/** The first bytes of a JSON document as the JSON lines it is read as (for format detection). */
export function jsonDocumentHead(head: Buffer): Buffer {
  const splitter = new JsonRecordSplitter();
  return splitter.push(head);
}

/**
 * A JSON document's records as chunks of JSON lines of about `chunkBytes`, each ending after a
 * record; `endOffset` is the offset in `stream`'s bytes just after the chunk's last record (the
 * input's end for the last chunk). Records that end at or before `skip` (read before) are not
 * written, but their lines are counted, so line numbers come out as in a run from the start.
 */
export async function* jsonDocumentChunks(stream: Readable, chunkBytes: number, skip: number, source: string): AsyncGenerator<{ data: Uint8Array; endOffset: number }> {
  const splitter = new JsonRecordSplitter(64 << 20, source);
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = skip > 0;
  const take = (lines: Buffer): void => {
    if (lines.length === 0) return;
    if (skipping) {
      if (splitter.recordEnd <= skip) return;
      skipping = false;
    }
    parts.push(lines);
    size += lines.length;
  };
  for await (const piece of stream as AsyncIterable<Buffer>) {
    take(splitter.push(piece));
    if (size >= chunkBytes) {
      yield { data: new Uint8Array(Buffer.concat(parts, size)), endOffset: splitter.recordEnd };
      parts = [];
      size = 0;
    }
  }
  skipping = false;
  take(splitter.end());
  if (size > 0 || splitter.consumed > skip) yield { data: new Uint8Array(Buffer.concat(parts, size)), endOffset: splitter.consumed };
}

/**
 * A whole file as the json format reads it: a JSON document as the JSON lines of its records
 * (see jsonDocumentChunks), any other file as it is. For measuring, not for ingest (it holds
 * the file in memory).
 */
export async function jsonDocumentLines(file: string): Promise<Buffer> {
  const buf = fs.readFileSync(file);
  if (!looksLikeJsonDocument(buf.subarray(0, DETECT_SAMPLE_BYTES))) return buf;
  const parts: Uint8Array[] = [];
  for await (const chunk of jsonDocumentChunks(fs.createReadStream(file), 1 << 20, 0, file)) parts.push(chunk.data);
  return Buffer.concat(parts);
}
