import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { readContentPrefix, type Compression } from './compression.js';

/** How many leading bytes identify a file (as tools like Fluent Bit and Vector do). */
export const FINGERPRINT_BYTES = 1024;

/** How many bytes before the stored offset are hashed, to check that a file still holds what was stored. */
export const TAIL_BYTES = 1024;

/** sha256 of some bytes, hex. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Bytes [start, start + len) of a file (fewer at its end). */
export function readRange(file: string, start: number, len: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(len);
    let n = 0;
    for (let r = -1; n < len && r !== 0; n += r) r = fs.readSync(fd, buf, n, len - n, start + n);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** sha256 of a file's first `len` bytes (fewer if the file is shorter). */
export function fingerprintFile(file: string, len = FINGERPRINT_BYTES): { fingerprint: string; fpLen: number } {
  const head = readRange(file, 0, len);
  return { fingerprint: hashBytes(head), fpLen: head.length };
}

/**
 * The first FINGERPRINT_BYTES of a source's content: a plain file's bytes, or a .gz's
 * decompressed bytes, so that app.log.1 and the app.log.2.gz it becomes have the same
 * head. Decompresses only a small prefix of the .gz (zlib's sync flush takes partial
 * data); a .gz damaged within its first bytes has whatever decompressed before.
 */
export function readContentHead(file: string, compressed: boolean): Buffer {
  if (!compressed) return readRange(file, 0, FINGERPRINT_BYTES);
  // Logs compress about 10:1; a larger prefix only when the first does not give enough.
  for (let raw = 1024; ; raw *= 4) {
    const prefix = readRange(file, 0, raw);
    let out: Buffer;
    try {
      out = gunzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return Buffer.alloc(0);
    }
    if (out.length >= FINGERPRINT_BYTES || prefix.length < raw || raw >= 64 * 1024) return out.subarray(0, FINGERPRINT_BYTES);
  }
}

/**
 * readContentHead for any compression: the first FINGERPRINT_BYTES of the decompressed
 * content of a zstd, bzip2 or xz file, streamed (only as much is decompressed as they need);
 * what decompressed before damage, if any.
 */
export async function readContentHeadOf(file: string, compression: Compression | undefined): Promise<Buffer> {
  if (compression === undefined || compression === 'gzip') return readContentHead(file, compression !== undefined);
  return readContentPrefix(file, compression, FINGERPRINT_BYTES);
}

/**
 * The hash of the TAIL_BYTES (fewer near the start) before `offset`: what the manifest keeps
 * of a plain file's last stored bytes. A file whose bytes there changed is not a file that
 * grew: it was truncated and written again.
 */
export function hashTail(file: string, offset: number): { tailHash: string; tailLen: number } {
  const len = Math.min(offset, TAIL_BYTES);
  let bytes: Buffer;
  try {
    bytes = readRange(file, offset - len, len);
  } catch {
    // Gone since it was read (rotated away mid-ingest): what was read still commits; 0 is 'not known'.
    return { tailHash: '', tailLen: 0 };
  }
  return { tailHash: hashBytes(bytes), tailLen: bytes.length === len ? len : -1 };
}

/**
 * The decompressed size a .gz declares in its trailer (ISIZE: the size modulo 2^32 of its
 * last member). Exact for a single-member file under 4 GiB, as logrotate and gzip write them.
 */
export function readGzipSize(file: string, size: number): number {
  try {
    const trailer = readRange(file, Math.max(0, size - 4), 4);
    return trailer.length === 4 ? trailer.readUInt32LE(0) : -1;
  } catch {
    return -1; // then the file is read, and reading it reports what is wrong
  }
}
