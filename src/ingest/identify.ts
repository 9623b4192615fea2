import type { SourceEntry } from '../store/index.js';
import { fingerprintFile, hashBytes, hashTail, readGzipSize } from './fingerprint.js';
import type { SourceRef } from './sources.js';

type FileRef = Extract<SourceRef, { kind: 'file' }>;

/** How a file stands to what the manifest has stored. */
export type SourceMatch =
  /** Nothing of it is stored: read it all. */
  | { kind: 'new' }
  /** A stored source's content, maybe renamed, grown or compressed since: read on from the entry's offset, unless `done`. */
  | { kind: 'same'; entry: SourceEntry; done: boolean }
  /** A stored file truncated or rewritten in place: read it from byte `from`, numbering its lines after the entry's. */
  | { kind: 'restarted'; entry: SourceEntry; from: number };

/**
 * Finds what the manifest knows of a file, by content, from `head` (its first bytes,
 * decompressed for a .gz; see readContentHead):
 * - `same`: a stored entry's first bytes are the file's first bytes, and, for a plain file,
 *   the file still holds the bytes stored last (the hash of the TAIL_BYTES before the
 *   stored offset): a file that grew, was renamed, or was compressed (app.log.1 →
 *   app.log.2.gz). A .gz is done when it is the stored .gz, or when its trailer's size is
 *   the stored offset.
 * - `restarted`: no entry's content, but the entry last read at this path from this inode
 *   (`dev:ino`; for entries from before inodes were kept: one that had more bytes than the
 *   file has now). copytruncate, `: > app.log`, a rewrite. Of the file's start, the whole
 *   lines within the stored first bytes (when they still match) are skipped: the manifest
 *   has no hash of anything stored later, so content after them is read as new.
 * - `new`: anything else, such as the new app.log a rename rotation creates.
 */
export function matchSource(ref: FileRef, head: Buffer, manifest: SourceEntry[]): SourceMatch {
  const headHashes = new Map<number, string>();
  const headHash = (len: number) => {
    let h = headHashes.get(len);
    if (h === undefined) headHashes.set(len, (h = hashBytes(head.subarray(0, len))));
    return h;
  };
  // Stores from before .gz heads were decompressed: their .gz entries hash the compressed bytes.
  const rawHashes = new Map<number, string>();
  const rawHash = (len: number) => {
    let h = rawHashes.get(len);
    if (h === undefined) rawHashes.set(len, (h = fingerprintFile(ref.path, len).fingerprint));
    return h;
  };
  const startsLike = (e: SourceEntry) =>
    e.fpLen > 0 && ((e.fpLen <= head.length && headHash(e.fpLen) === e.fingerprint) || (ref.compressed && ref.compression === undefined && e.compressed && e.fpLen <= ref.size && rawHash(e.fpLen) === e.fingerprint));
  const same = manifest.find((e) => startsLike(e) && (ref.compressed || stillHolds(ref, e)));
  if (same !== undefined) return { kind: 'same', entry: same, done: isDone(ref, same) };
  if (!ref.compressed) {
    const inPlace = manifest
      .filter((e) => e.path === ref.path && !e.compressed && (e.fileId !== '' ? e.fileId === ref.fileId : ref.size < e.offset))
      .sort((a, b) => b.lines - a.lines)[0];
    if (inPlace !== undefined) return { kind: 'restarted', entry: inPlace, from: startsLike(inPlace) ? storedHeadLines(head, inPlace) : 0 };
  }
  return { kind: 'new' };
}

/** Whether a plain file holds, where the entry stopped, the bytes stored last: it only grew since. */
function stillHolds(ref: FileRef, e: SourceEntry): boolean {
  if (e.offset > ref.size) return false;
  // 0: not known (stores from before tails were kept, or an entry last read from a .gz).
  if (e.tailLen === 0) return true;
  const tail = hashTail(ref.path, e.offset);
  return tail.tailLen === e.tailLen && tail.tailHash === e.tailHash;
}

/** Whether a file that is the entry's content has nothing the entry has not stored. */
function isDone(ref: FileRef, e: SourceEntry): boolean {
  if (!ref.compressed) return e.offset >= ref.size;
  if (e.compressed && e.size === ref.size) return true;
  // Only gzip declares its decompressed size in a trailer; other compressed files are read on from the offset.
  if (ref.compression !== undefined && ref.compression !== 'gzip') return false;
  return readGzipSize(ref.path, ref.size) === e.offset % 2 ** 32;
}

/** The length of the whole lines at the file's start that were stored (they match the entry's first bytes). */
function storedHeadLines(head: Buffer, e: SourceEntry): number {
  return head.subarray(0, Math.min(e.fpLen, e.offset)).lastIndexOf(10) + 1;
}
