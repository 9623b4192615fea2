import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ContinuationTest, FormatSpec } from '../../parse/index.js';
import type { SourceEntry } from '../../store/index.js';
import { findCut } from '../chunker.js';
import { FINGERPRINT_BYTES, hashBytes, TAIL_BYTES } from '../fingerprint.js';
import type { ChunkHeaders } from '../chunk-header.js';
import { sourceChunks } from '../source-chunks.js';
import type { SourceRef } from '../sources.js';

/** A piece of a followed file ready to parse: whole records, and where the file stands after it. */
export interface FollowedChunk {
  data: Uint8Array;
  endOffset: number;
}

/** How a follower reads now (see {@link Follower.read}). */
export interface FollowReadOptions {
  chunkBytes: number;
  continues: ContinuationTest;
  /** Take every complete line, the last record too: the file has been idle long enough, or the watcher stops. */
  idle: boolean;
  /** The file is let go after this read: its last line is taken even without a newline. */
  letGo: boolean;
}

/** A line longer than this is cut where the buffer ends (the parser would not keep it whole either). */
const LONGEST_RECORD_BYTES = 64 << 20;

/**
 * One followed file (one inode), read through a handle kept open, so that after a rename
 * (logrotate `create`) or a deletion its last lines are still read. The role says whether it is
 * the file at its path (`current`) or one rotated away or deleted, to drain and let go.
 * Compressed files (a rotated file compressed before it was drained) are read once, to their end.
 *
 * `entry` is its manifest entry as of the chunks taken so far; `readPos` runs ahead of
 * `entry.offset` by the chunks handed to the workers and not yet taken.
 */
export class Follower {
  role: 'current' | 'draining';
  readPos: number;
  size = 0;
  mtimeMs = 0;
  /** Sizes seen growing and when, past the committed offset: the lag in seconds is the age of the oldest. */
  private grown: Array<{ size: number; at: number }> = [];
  /** The offset of the last committed batch (`entry.offset` runs ahead of it by the open batch). */
  committed: number;
  /** Size, mtime, entry and offset when the file was last found to hold what was stored (see Watcher.checkFollowers). */
  checked = '';
  /** A compressed file read to its end: nothing more will come. */
  exhausted = false;

  constructor(
    /** The `source` its rows are stored under: the path it was first followed at. */
    readonly name: string,
    /** Where it is now (it may have been renamed), for messages and discovery. */
    public path: string,
    readonly fileId: string,
    private readonly handle: FileHandle | undefined,
    public entry: SourceEntry,
    public format: FormatSpec,
    public headers: ChunkHeaders,
    role: 'current' | 'draining',
    private readonly now: () => number,
    private readonly compressedRef?: Extract<SourceRef, { kind: 'file' }>,
  ) {
    this.role = role;
    this.readPos = entry.offset;
    this.committed = entry.offset;
    this.now = now;
  }

  get compressed(): boolean {
    return this.compressedRef !== undefined;
  }

  /** Size, mtime and link count of the open file (nlink 0: deleted). */
  async stat(): Promise<{ size: number; mtimeMs: number; nlink: number }> {
    if (this.handle === undefined) return { size: this.size, mtimeMs: this.mtimeMs, nlink: 1 };
    const st = await this.handle.stat();
    if (st.size > this.size) {
      this.grown.push({ size: st.size, at: this.now() });
      // Bounded: sizes already committed tell nothing more.
      while (this.grown.length > 1 && this.grown[0].size <= this.committed) this.grown.shift();
    }
    this.size = st.size;
    this.mtimeMs = st.mtimeMs;
    return { size: st.size, mtimeMs: st.mtimeMs, nlink: st.nlink };
  }

  /**
   * Whether the file still holds what its entry says was read: at least `offset` bytes, the same
   * first bytes and the same bytes before the offset. False: truncated (copytruncate, `: > file`) or rewritten.
   */
  holdsStored(): boolean {
    if (this.handle === undefined) return true;
    const e = this.entry;
    if (this.size < e.offset) return false;
    if (e.fpLen > 0 && hashBytes(this.readSync(0, e.fpLen)) !== e.fingerprint) return false;
    if (e.tailLen > 0) {
      const tail = this.tailAt(e.offset);
      if (tail.tailLen !== e.tailLen || tail.tailHash !== e.tailHash) return false;
    }
    return true;
  }

  /** The hash of the TAIL_BYTES before `offset`, as the manifest keeps it (see hashTail). */
  tailAt(offset: number): { tailHash: string; tailLen: number } {
    if (this.handle === undefined) return { tailHash: '', tailLen: 0 };
    const len = Math.min(offset, TAIL_BYTES);
    const bytes = this.readSync(offset - len, len);
    return { tailHash: hashBytes(bytes), tailLen: bytes.length === len ? len : -1 };
  }

  /** The entry to commit: as taken so far, with its tail and (while short) its fingerprint brought up to date. */
  entryNow(): SourceEntry {
    const e = this.entry;
    if (this.handle !== undefined && e.fpLen < FINGERPRINT_BYTES && e.offset > e.fpLen) {
      const head = this.readSync(0, Math.min(e.offset, FINGERPRINT_BYTES));
      e.fingerprint = hashBytes(head);
      e.fpLen = head.length;
    }
    // Kept on the entry too: holdsStored() checks the file against it at the next look.
    Object.assign(e, this.compressed ? { tailHash: '', tailLen: 0 } : this.tailAt(e.offset));
    return { ...e, counts: { ...e.counts }, size: this.compressed ? (this.compressedRef as { size: number }).size : Math.max(this.size, e.offset) };
  }

  /**
   * The new whole records from `readPos` on, in chunks of about `chunkBytes`, never cut inside a
   * multi-line record. The last record before the end of the file is held back (its next lines
   * may still be on their way) unless `idle`; a last line without its newline, unless `letGo`.
   * A file that shrinks or changes its first bytes while read stops the read: the next check
   * tells what happened.
   */
  async *read(options: FollowReadOptions): AsyncGenerator<FollowedChunk> {
    if (this.compressedRef !== undefined) {
      for await (const c of sourceChunks(this.compressedRef, this.readPos, { chunkBytes: options.chunkBytes, continues: options.continues })) {
        if (c.input.kind !== 'bytes') continue;
        this.readPos = c.endOffset;
        yield { data: c.input.data, endOffset: c.endOffset };
      }
      this.exhausted = true;
      return;
    }
    const handle = this.handle as FileHandle;
    await this.stat();
    let want = options.chunkBytes;
    while (this.readPos < this.size) {
      const len = Math.min(want, this.size - this.readPos);
      // Not from Buffer's shared pool: the bytes' ArrayBuffer is transferred to a worker.
      const buf = Buffer.allocUnsafeSlow(len);
      let n = 0;
      for (let r = -1; n < len && r !== 0; n += r) r = (await handle.read(buf, n, len - n, this.readPos + n)).bytesRead;
      if (n < len || !this.headIntact()) return;
      const atEnd = this.readPos + n >= this.size;
      let take: number;
      if (!atEnd) {
        const cut = findCut(buf, want >= 4 * options.chunkBytes, options.continues);
        take = cut >= 0 ? cut + 1 : want >= LONGEST_RECORD_BYTES ? n : 0;
      } else if (options.letGo) {
        take = n;
      } else if (options.idle) {
        take = buf.lastIndexOf(10) + 1;
      } else {
        const cut = findCut(buf, false, options.continues);
        take = cut >= 0 ? cut + 1 : 0;
      }
      if (take === 0) {
        if (atEnd) return;
        want *= 2;
        continue;
      }
      this.readPos += take;
      want = options.chunkBytes;
      yield { data: new Uint8Array(buf.buffer, buf.byteOffset, take), endOffset: this.readPos };
    }
  }

  /** Seconds since the oldest byte not yet committed was first seen (0: all committed). */
  lagSeconds(): number {
    while (this.grown.length > 0 && this.grown[0].size <= this.committed) this.grown.shift();
    if (this.committed >= this.size) this.grown.length = 0;
    return this.grown.length === 0 ? 0 : (this.now() - this.grown[0].at) / 1000;
  }

  /** Whether the first bytes still are those the entry was fingerprinted with. */
  private headIntact(): boolean {
    const e = this.entry;
    return e.fpLen === 0 || hashBytes(this.readSync(0, e.fpLen)) === e.fingerprint;
  }

  private readSync(start: number, len: number): Buffer {
    const fd = (this.handle as FileHandle).fd;
    const buf = Buffer.alloc(len);
    let n = 0;
    for (let r = -1; n < len && r !== 0; n += r) r = fs.readSync(fd, buf, n, len - n, start + n);
    return buf.subarray(0, n);
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
  }
}
