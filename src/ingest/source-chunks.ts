import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { InputError, RefusedInputError } from '../errors.js';
import { DETECT_SAMPLE_BYTES, type ContinuationTest } from '../parse/index.js';
import { chunkStream, planFileChunks } from './chunker.js';
import { describeUnreadable, detectUnreadableCompression } from './compression.js';
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
}

/**
 * The chunks of one source from `offset` on: byte ranges of a plain file (never read here),
 * or, for .gz and stdin, which cannot be read at an offset, the decompressed bytes. A stream
 * chunk is yielded one behind the stream, so the last one is known to be last. A damaged .gz
 * yields the whole lines read before the damage and then throws an InputError naming it.
 */
export async function* sourceChunks(ref: SourceRef, offset: number, options: SourceChunksOptions): AsyncGenerator<SourceChunk> {
  if (ref.kind === 'file' && !ref.compressed) {
    const ranges = [...planFileChunks(ref.path, offset, ref.size, options.chunkBytes, options.continues)];
    for (const [i, r] of ranges.entries()) yield { input: { kind: 'file', path: ref.path, start: r.start, end: r.end }, endOffset: r.end, last: i === ranges.length - 1 };
    return;
  }
  let stream: Readable;
  let gunzip: Gunzip | undefined;
  let compressedRead = 0;
  if (ref.kind === 'stdin') {
    stream = options.stdin ?? process.stdin;
  } else {
    const raw = fs.createReadStream(ref.path);
    raw.on('data', (b) => {
      compressedRead += b.length;
    });
    stream = gunzip = raw.pipe(createGunzip());
    raw.on('error', (err) => stream.destroy(err));
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
    throw new InputError(ref.path, describeGzipFailure(err, ref.size, gunzip?.bytesWritten ?? compressedRead, at), { cause: err });
  }
  if (held !== undefined) yield { ...held, last: true };
}

/** Stdin whose first bytes are xz, bzip2, zstd, lz4 or zip data: an InputError, not binary text. */
function refuseUnreadable(first: Uint8Array): void {
  const unreadable = detectUnreadableCompression(first);
  if (unreadable !== undefined) throw new RefusedInputError('stdin', describeUnreadable(unreadable, undefined));
}

/**
 * What went wrong in a .gz, and what was kept: `kept` decompressed bytes of whole lines.
 * Truncated data is told by zlib's "unexpected end of file" (Z_BUF_ERROR): it stops at the
 * file's last byte. Other damage is placed by the compressed bytes zlib had taken in.
 */
function describeGzipFailure(err: unknown, size: number, compressedIn: number, kept: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  const what =
    code === 'Z_BUF_ERROR'
      ? `truncated at byte ${size} (the gzip data ends there unfinished)`
      : code?.startsWith('Z_')
        ? `damaged gzip data within its first ${compressedIn} bytes (${(err as Error).message})`
        : `read failed: ${(err as Error).message}`;
  return `${what}; kept the whole lines of its first ${kept} decompressed bytes, the rest is not stored`;
}

/** The first bytes of a file (decompressed for .gz), for format detection. */
export async function readHead(file: string, compressed: boolean): Promise<Buffer> {
  const raw = fs.createReadStream(file, compressed ? {} : { end: DETECT_SAMPLE_BYTES - 1 });
  const stream: Readable = compressed ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      parts.push(piece);
      size += piece.length;
      if (size >= DETECT_SAMPLE_BYTES) break;
    }
  } catch {
    // A damaged .gz: detect on what was read; the ingest itself reports the damage.
  } finally {
    raw.destroy();
  }
  return Buffer.concat(parts, size).subarray(0, DETECT_SAMPLE_BYTES);
}
