import fs from 'node:fs';
import { PassThrough, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { createRequire } from 'node:module';
import { Decompress as ZstdDecompress } from 'fzstd';
import unbzip2Stream from 'unbzip2-stream';

// xz-decompress is CommonJS without named ESM exports: loaded by require.
const { XzReadableStream } = createRequire(import.meta.url)('xz-decompress') as typeof import('xz-decompress');

/** A compression format logscope reads, streamed, recognised by its magic bytes whatever the file's name. */
export type Compression = 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** A compression format logscope recognises but cannot read yet, and the command that decompresses it. */
export interface UnreadableCompression {
  name: string;
  /** Writes the decompressed bytes of a file to stdout. */
  decompress: string;
}

const READABLE: ReadonlyArray<{ name: Compression; test: (head: Uint8Array) => boolean }> = [
  { name: 'gzip', test: (h) => startsWith(h, [0x1f, 0x8b]) },
  { name: 'zstd', test: (h) => startsWith(h, [0x28, 0xb5, 0x2f, 0xfd]) },
  { name: 'xz', test: (h) => startsWith(h, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  // `BZh` alone is three letters a text file may start with: the block size digit and the
  // 48-bit magic of the first block (or of the end of an empty stream) must follow.
  {
    name: 'bzip2',
    test: (h) =>
      startsWith(h, [0x42, 0x5a, 0x68]) &&
      h.length >= 10 &&
      h[3] >= 0x31 &&
      h[3] <= 0x39 &&
      (startsWith(h.subarray(4), [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || startsWith(h.subarray(4), [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])),
  },
];

const UNREADABLE: ReadonlyArray<UnreadableCompression & { magic: readonly number[] }> = [
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18], decompress: 'lz4 -dc' },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], decompress: 'unzip -p' },
];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** The readable compression format whose magic bytes `head` starts with, if any. */
export function detectCompression(head: Uint8Array): Compression | undefined {
  return READABLE.find((c) => c.test(head))?.name;
}

/** The unreadable compression format whose magic bytes `head` starts with, if any. */
export function detectUnreadableCompression(head: Uint8Array): UnreadableCompression | undefined {
  const found = UNREADABLE.find((c) => startsWith(head, c.magic));
  return found === undefined ? undefined : { name: found.name, decompress: found.decompress };
}

/** The one-line refusal: what the data is and the pipe that ingests it today. */
export function describeUnreadable(compression: UnreadableCompression, file: string | undefined): string {
  const how = file === undefined ? `${compression.decompress} FILE | logscope ingest -` : `${compression.decompress} ${file} | logscope ingest - ...`;
  return `${compression.name}-compressed, which logscope cannot read yet; decompress it first (${how})`;
}

/**
 * The decompressed bytes of a compressed byte stream, streamed: gzip by Node's zlib, zstd by
 * `fzstd` (pure JavaScript), bzip2 by `unbzip2-stream` (pure JavaScript), xz by `xz-decompress`
 * (liblzma compiled to WebAssembly). Damaged or truncated data fails the returned stream.
 */
export function decompressStream(raw: Readable, compression: Compression): Readable {
  let out: Readable;
  switch (compression) {
    case 'gzip':
      out = raw.pipe(createGunzip());
      break;
    case 'zstd':
      out = raw.pipe(createZstdTransform());
      break;
    case 'bzip2': {
      // unbzip2-stream is a classic `through` stream: a PassThrough makes it async-iterable.
      const bz = raw.pipe(unbzip2Stream() as unknown as Transform);
      const pass = new PassThrough();
      bz.on('error', (err: Error) => pass.destroy(err));
      out = bz.pipe(pass);
      break;
    }
    case 'xz': {
      const web = Readable.toWeb(raw) as unknown as ReadableStream<Uint8Array>;
      out = Readable.fromWeb(new XzReadableStream(web) as unknown as WebReadableStream<Uint8Array>);
      break;
    }
  }
  raw.on('error', (err) => out.destroy(err));
  return out;
}

/** fzstd's push decoder as a Node Transform; a frame left unfinished at the end is an error. */
function createZstdTransform(): Transform {
  let decoder: ZstdDecompress;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  decoder = new ZstdDecompress((data) => {
    // fzstd reuses its window: copy what it hands out.
    transform.push(Buffer.from(data));
  });
  return transform;
}

/** The decompressing command line for a compression format, for messages. */
export function decompressCommand(compression: Compression): string {
  return { gzip: 'gzip -dc', zstd: 'zstd -dc', bzip2: 'bzip2 -dc', xz: 'xz -dc' }[compression];
}

/**
 * The first `bytes` bytes of a file's content, decompressed when `compression` is given
 * (streamed: only as much is decompressed as they need); for damaged data, what decompressed
 * before the damage (the ingest itself reports it).
 */
export async function readContentPrefix(file: string, compression: Compression | undefined, bytes: number): Promise<Buffer> {
  const raw = fs.createReadStream(file, compression !== undefined ? {} : { end: bytes - 1 });
  const stream: Readable = compression !== undefined ? decompressStream(raw, compression) : raw;
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      parts.push(piece);
      size += piece.length;
      if (size >= bytes) break;
    }
  } catch {
    // Damaged data: what was read is all there is.
  } finally {
    raw.destroy();
    stream.destroy();
  }
  return Buffer.concat(parts, size).subarray(0, bytes);
}
