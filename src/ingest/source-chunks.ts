import fs from 'node:fs';
import { Readable } from 'node:stream';
import { InputError, RefusedInputError } from '../errors.js';
import { DETECT_SAMPLE_BYTES, type ContinuationTest } from '../parse/index.js';
import { chunkStream, planFileChunks } from './chunker.js';
import { decompressStream, describeUnreadable, readContentPrefix, detectCompression, detectUnreadableCompression, type Compression } from './compression.js';
import { jsonDocumentChunks, jsonDocumentHead, looksLikeJsonDocument } from './json-document.js';
import type { SourceRef } from './sources.js';
import type { ChunkInput } from './task.js';

/** One chunk of a source, ready to become a task. */
export interface SourceChunk {
  input: ChunkInput;
  /** Offset just past the chunk (decompressed offset for .gz and stdin). */
  endOffset: number;
  /** Whether this is the source's last chunk. */
  last: boolean;
}

/** Hooks of {@link sourceChunks}. */
export interface SourceChunksOptions {
  chunkBytes: number;
  /** Standard input, for `-` (default process.stdin). */
  stdin?: Readable;
  /** Compressed bytes read so far of a .gz and the decompressed bytes they gave, after each chunk (for progress). */
  onCompressedBytes?: (bytes: number, decompressed: number) => void;
  /** Called with each streamed chunk's first bytes before it is yielded (stdin/.gz format detection). */
  onStreamChunk?: (sample: Buffer) => Promise<void> | void;
  /** The lines that continue a record, never cut before (default `isContinuation`; a format's own: `continuationOf`). */
  continues?: ContinuationTest;
  /**
   * Read a file whose head is a JSON document (a top-level array of records, `{"Records":[...]}`,
   * objects over several lines) as the JSON lines of its records (see JsonRecordSplitter): for
   * the json format.
   */
  jsonDocuments?: boolean;
}

/** The chunks of a JSON document file, as JSON lines of its records (see jsonDocumentChunks). */
async function* documentChunks(ref: Extract<SourceRef, { kind: 'file' }>, offset: number, options: SourceChunksOptions): AsyncGenerator<SourceChunk> {
  const raw = fs.createReadStream(ref.path);
  const compression = compressionOf(ref);
  const stream = compression === undefined ? raw : decompressStream(raw, compression);
  let held: SourceChunk | undefined;
  let at = offset;
  try {
    for await (const chunk of jsonDocumentChunks(stream, options.chunkBytes, offset, ref.path)) {
      if (held !== undefined) yield held;
      at = chunk.endOffset;
      held = { input: { kind: 'bytes', data: chunk.data }, endOffset: chunk.endOffset, last: false };
    }
  } catch (err) {
    if (held !== undefined) yield held;
    if (err instanceof InputError) throw err;
    throw new InputError(ref.path, `read stopped after byte ${at}: ${(err as Error).message}`, { cause: err });
  } finally {
    raw.destroy();
  }
  if (held !== undefined) yield { ...held, last: true };
}

/**
 * The chunks of one source from `offset` on: byte ranges of a plain file (never read here),
 * or, for .gz and stdin, which cannot be read at an offset, the decompressed bytes. A stream
 * chunk is yielded one behind the stream, so the last one is known to be last. A damaged .gz
 * yields the whole lines read before the damage and then throws an InputError naming it.
 */
export async function* sourceChunks(ref: SourceRef, offset: number, options: SourceChunksOptions): AsyncGenerator<SourceChunk> {
  if (ref.kind === 'file' && options.jsonDocuments === true && looksLikeJsonDocument(await readHead(ref.path, compressionOf(ref), false))) {
    yield* documentChunks(ref, offset, options);
    return;
  }
  if (ref.kind === 'file' && !ref.compressed) {
    const ranges = [...planFileChunks(ref.path, offset, ref.size, options.chunkBytes, options.continues)];
    for (const [i, r] of ranges.entries()) yield { input: { kind: 'file', path: ref.path, start: r.start, end: r.end }, endOffset: r.end, last: i === ranges.length - 1 };
    return;
  }
  let stream: Readable;
  let compressedRead = 0;
  const compression = ref.kind === 'file' ? compressionOf(ref) ?? 'gzip' : undefined;
  if (ref.kind === 'stdin') {
    stream = await decompressedStdin(options.stdin ?? process.stdin);
  } else {
    const raw = fs.createReadStream(ref.path);
    raw.on('data', (b) => {
      compressedRead += b.length;
    });
    stream = decompressStream(raw, compression as Compression);
  }
  let at = offset;
  let held: SourceChunk | undefined;
  try {
    for await (const data of chunkStream(stream, options.chunkBytes, offset, options.continues)) {
      if (ref.kind === 'stdin' && at === offset) refuseUnreadable(data);
      await options.onStreamChunk?.(Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, DETECT_SAMPLE_BYTES)));
      at += data.length;
      if (held !== undefined) yield held;
      held = { input: { kind: 'bytes', data }, endOffset: at, last: false };
      options.onCompressedBytes?.(compressedRead, at);
    }
  } catch (err) {
    if (held !== undefined) yield held;
    if (err instanceof InputError) throw err;
    if (ref.kind === 'stdin') throw new InputError('stdin', `read stopped at byte ${at}: ${(err as Error).message}`, { cause: err });
    const zlibIn = (stream as Readable & { bytesWritten?: number }).bytesWritten;
    throw new InputError(ref.path, describeDecompressFailure(err, compression as Compression, ref.size, zlibIn ?? compressedRead, at), { cause: err });
  }
  if (held !== undefined) yield { ...held, last: true };
}

/** Stdin whose first bytes are lz4 or zip data: an InputError, not binary text. */
function refuseUnreadable(first: Uint8Array): void {
  const unreadable = detectUnreadableCompression(first);
  if (unreadable !== undefined) throw new RefusedInputError('stdin', describeUnreadable(unreadable, undefined));
}

/**
 * Standard input, decompressed when its first bytes are gzip, zstd, bzip2 or xz data (told
 * from the first piece read, then streamed as for a file); otherwise as it is.
 */
async function decompressedStdin(stdin: Readable): Promise<Readable> {
  const it = (stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  // Enough bytes for the longest magic (bzip2's 10), unless the input is shorter.
  while (head.length < 16 && !done) {
    const r = await it.next();
    if (r.done === true) done = true;
    else head = Buffer.concat([head, Buffer.from(r.value)]);
  }
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (let r = await it.next(); r.done !== true; r = await it.next()) yield Buffer.from(r.value);
  }
  const whole = Readable.from(replay(), { objectMode: false });
  const compression = detectCompression(head);
  return compression === undefined ? whole : decompressStream(whole, compression);
}

/** The compression of a file source: undefined for a plain file, gzip unless the ref says which. */
export function compressionOf(ref: Extract<SourceRef, { kind: 'file' }>): Compression | undefined {
  return ref.compressed ? (ref.compression ?? 'gzip') : undefined;
}

/**
 * What went wrong in a compressed file, and what was kept: `kept` decompressed bytes of whole
 * lines. Truncated gzip is told by zlib's "unexpected end of file" (Z_BUF_ERROR): it stops at
 * the file's last byte. Other damage is placed by the compressed bytes zlib had taken in; the
 * other decompressors say what they found.
 */
function describeDecompressFailure(err: unknown, compression: Compression, size: number, compressedIn: number, kept: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = (err as Error).message;
  const what =
    compression === 'gzip' && code === 'Z_BUF_ERROR'
      ? `truncated at byte ${size} (the gzip data ends there unfinished)`
      : compression === 'gzip' && code?.startsWith('Z_')
        ? `damaged gzip data within its first ${compressedIn} bytes (${message})`
        : compression !== 'gzip' && !(typeof code === 'string' && /^E[A-Z]+$/.test(code))
          ? `damaged or truncated ${compression} data (${message}; ${compressedIn} of its ${size} bytes read)`
          : `read failed: ${message}`;
  return `${what}; kept the whole lines of its first ${kept} decompressed bytes, the rest is not stored`;
}

/**
 * The first bytes of a file (decompressed when it is compressed), for format detection. A JSON
 * document's head is given as the JSON lines of its records, as the json format reads it,
 * unless `asRead` is false.
 */
export async function readHead(file: string, compression: Compression | undefined, asRead = true): Promise<Buffer> {
  const head = await readContentPrefix(file, compression, DETECT_SAMPLE_BYTES);
  return asRead && looksLikeJsonDocument(head) ? jsonDocumentHead(head) : head;
}

