import { open, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before a piece goes to the file. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Room left free so that a whole line almost always fits without checks. */
const HEADROOM_BYTES = 64 * 1024;
/** A UTF-16 code unit never takes more than 3 bytes in UTF-8. */
const MAX_BYTES_PER_CHAR = 3;

/**
 * Appends lines to a file through two reused 4 MiB buffers: one fills while
 * the other is being written, so building text and disk I/O overlap and no
 * long-lived string is ever built.
 */
export interface ChunkWriter {
  /** Copies `text` into the current buffer. */
  append(text: string): void;
  /** Whether the current buffer is full enough that the caller should `flush()`. */
  readonly full: boolean;
  /** Hands the current buffer to the file and returns once a free buffer is ready. */
  flush(): Promise<void>;
  /** Writes what is left, waits for it, and closes the file. */
  close(): Promise<void>;
}

/** Opens (creating or truncating) `path` for chunked writing. */
export async function openChunkWriter(path: string): Promise<ChunkWriter> {
  const handle = await open(path, 'w');
  let current = Buffer.allocUnsafe(CHUNK_BYTES);
  let spare = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let pending: Promise<void> = Promise.resolve();

  const writer = {
    get full(): boolean {
      return used >= CHUNK_BYTES - HEADROOM_BYTES;
    },
    append(text: string): void {
      if (text.length * MAX_BYTES_PER_CHAR > current.length - used) {
        const needed = used + Buffer.byteLength(text);
        if (needed > current.length) {
          // Only an oversized line gets here; grow rather than split it.
          const grown = Buffer.allocUnsafe(needed * 2);
          current.copy(grown, 0, 0, used);
          current = grown;
        }
      }
      used += current.write(text, used);
    },
    async flush(): Promise<void> {
      // The spare buffer is the one the previous write used: wait for it.
      await pending;
      const filled = current;
      const length = used;
      current = spare;
      spare = filled;
      used = 0;
      pending = writeFully(handle, filled.subarray(0, length));
      // The failure surfaces at the next flush() or close(); this only keeps
      // Node from reporting it as unhandled while the caller is busy.
      pending.catch(() => undefined);
    },
    async close(): Promise<void> {
      try {
        if (used > 0) await writer.flush();
        await pending;
      } finally {
        await handle.close();
      }
    },
  };
  return writer;
}

async function writeFully(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
