import fs from 'node:fs';
import path from 'node:path';
import { CATALOG_FILE, openStoreReader, type StoreReader } from '../store/index.js';

/** What {@link createServeContext} needs. */
export interface ServeContextOptions {
  /** The data directory served. */
  dataDir: string;
  /** When set, every request must present it (see `auth.ts`). */
  token?: string;
  /** The clock, ms since the epoch: tests inject one. */
  now?: () => number;
  /** The Redis of a cluster (`serve --redis`): the Jobs page shows its workers and queue. */
  redisUrl?: string;
}

/**
 * What every route reads through: the store (a read-only, sealed reader that follows the
 * ingest's commits), the clock, the token. One per server.
 */
export interface ServeContext {
  readonly dataDir: string;
  readonly token: string | undefined;
  /** The Redis of a cluster, when served with `--redis` (never shown: it may hold a password). */
  readonly redisUrl: string | undefined;
  now(): number;
  /**
   * Runs `fn` with a reader of the store as of its last committed batch. Calls run one at a
   * time per reader (one DuckDB connection). When an ingest has committed since the reader was
   * opened, a fresh one is opened first; the old one closes once its last call is done. The
   * catalog is attached only while a reader opens, so an ingest is never blocked by the server.
   * Throws the store's `StoreError` when the directory holds no store yet.
   */
  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T>;
  /**
   * A result computed from the store, kept until the next commit: `key` names what was
   * computed and with which parameters. For the slow, repeated loads (anomaly detection).
   */
  cached<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** The catalog's version as last seen (changes with every commit); `''` before any store. */
  version(): string;
  /** Closes the readers; waits for running calls. */
  close(): Promise<void>;
}

interface OpenReader {
  version: string;
  reader: StoreReader;
  users: number;
  retired: boolean;
  /** The tail of the queue of calls on this reader's connection. */
  queue: Promise<unknown>;
}

/** The catalog's version: size, mtime and inode of catalog.duckdb and its WAL, which every commit changes. */
export function catalogVersion(dataDir: string): string {
  const parts: string[] = [];
  for (const file of [CATALOG_FILE, `${CATALOG_FILE}.wal`]) {
    try {
      const st = fs.statSync(path.join(dataDir, file), { bigint: true });
      parts.push(`${st.ino}:${st.size}:${st.mtimeNs}`);
    } catch {
      parts.push('-');
    }
  }
  return parts.join('/');
}

/** Creates the context of one server over `options.dataDir`. */
export function createServeContext(options: ServeContextOptions): ServeContext {
  const dataDir = path.resolve(options.dataDir);
  const now = options.now ?? (() => Date.now());
  let current: OpenReader | undefined;
  let opening: Promise<OpenReader> | undefined;
  let lastVersion = '';
  const cache = new Map<string, { version: string; value: Promise<unknown> }>();
  const all = new Set<OpenReader>();

  function release(entry: OpenReader): void {
    entry.users--;
    if (entry.retired && entry.users === 0) {
      all.delete(entry);
      entry.reader.close();
    }
  }

  async function acquire(): Promise<OpenReader> {
    const version = catalogVersion(dataDir);
    lastVersion = version;
    if (current !== undefined && current.version === version) {
      current.users++;
      return current;
    }
    if (opening === undefined) {
      opening = (async () => {
        try {
          const reader = await openStoreReader(dataDir);
          // Read after the open: a commit during it gives a newer version, and the next call reopens.
          const entry: OpenReader = { version, reader, users: 0, retired: false, queue: Promise.resolve() };
          all.add(entry);
          const old = current;
          current = entry;
          if (old !== undefined) {
            old.retired = true;
            if (old.users === 0) {
              all.delete(old);
              old.reader.close();
            }
          }
          return entry;
        } finally {
          opening = undefined;
        }
      })();
    }
    const entry = await opening;
    entry.users++;
    return entry;
  }

  return {
    dataDir,
    token: options.token,
    redisUrl: options.redisUrl,
    now,
    version: () => lastVersion,
    async read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T> {
      const entry = await acquire();
      const run = entry.queue.then(() => fn(entry.reader));
      entry.queue = run.catch(() => undefined);
      try {
        return await run;
      } finally {
        release(entry);
      }
    },
    async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const version = catalogVersion(dataDir);
      const hit = cache.get(key);
      if (hit !== undefined && hit.version === version) return hit.value as Promise<T>;
      const value = compute();
      cache.set(key, { version, value });
      value.catch(() => cache.delete(key));
      // A small cache: the pages a team keeps open, not every URL ever asked.
      if (cache.size > 64) cache.delete(cache.keys().next().value as string);
      return value;
    },
    async close(): Promise<void> {
      for (const entry of all) await entry.queue;
      for (const entry of all) entry.reader.close();
      all.clear();
      current = undefined;
    },
  };
}
