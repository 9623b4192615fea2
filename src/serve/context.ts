import fs from 'node:fs';
import path from 'node:path';
import { CATALOG_FILE, openStoreReader, type StoreReader, type StoreSpan } from '../store/index.js';

/**
 * Readers a server keeps open at most per catalog version. Each is an in-memory DuckDB with its
 * own copy of the catalog's tables (a few MB on 10 M lines) and opens in 0.1–0.3 s; two let a
 * quick page pass a slow one on a two-core machine without opening many.
 */
export const MAX_READERS = 2;

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
   * time per reader (one DuckDB connection); up to {@link MAX_READERS} readers run calls side
   * by side, so a quick page does not wait behind a slow detection (a reader more is opened
   * when all are busy). When an ingest has committed since the readers were opened, a fresh
   * one is opened first; the old ones close once their last call is done. The catalog is
   * attached only while a reader opens, so an ingest is never blocked by the server.
   * Throws the store's `StoreError` when the directory holds no store yet.
   */
  read<T>(fn: (reader: StoreReader) => Promise<T>): Promise<T>;
  /** The stored records' span as the current reader saw it (null when none), without waiting for its queue. */
  span(): Promise<StoreSpan | null>;
  /**
   * A result computed from the store, kept until the next commit: `key` names what was
   * computed and with which parameters. For the slow, repeated loads (anomaly detection).
   */
  cached<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** The value `cached(key, ...)` computed, when it is done and still current; else undefined (nothing is computed). */
  peek<T>(key: string): T | undefined;
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
  /** Calls queued or running on it. */
  pending: number;
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
  /** The readers of the newest version seen. */
  let pool: OpenReader[] = [];
  let opening: Promise<OpenReader> | undefined;
  let lastVersion = '';
  const cache = new Map<string, { version: string; value: Promise<unknown>; settled?: { value: unknown } }>();
  const all = new Set<OpenReader>();

  function retire(entry: OpenReader): void {
    entry.retired = true;
    if (entry.users === 0) {
      all.delete(entry);
      entry.reader.close();
    }
  }

  function release(entry: OpenReader): void {
    entry.users--;
    if (entry.retired && entry.users === 0) {
      all.delete(entry);
      entry.reader.close();
    }
  }

  function open(version: string): Promise<OpenReader> {
    opening ??= (async () => {
      try {
        const reader = await openStoreReader(dataDir);
        // Read after the open: a commit during it gives a newer version, and the next call reopens.
        const entry: OpenReader = { version, reader, users: 0, retired: false, queue: Promise.resolve(), pending: 0 };
        all.add(entry);
        if (pool.length > 0 && pool[0].version !== version) {
          for (const old of pool) retire(old);
          pool = [];
        }
        pool.push(entry);
        return entry;
      } finally {
        opening = undefined;
      }
    })();
    return opening;
  }

  /** A reader of the current version: an idle one, else a new one while fewer than MAX_READERS, else the least busy. `anyReader`: for its span only, any will do. */
  async function acquire(anyReader = false): Promise<OpenReader> {
    const version = catalogVersion(dataDir);
    lastVersion = version;
    const fresh = pool.length > 0 && pool[0].version === version ? pool : [];
    let entry: OpenReader | undefined = anyReader ? fresh[0] : fresh.find((e) => e.pending === 0);
    if (entry === undefined && (fresh.length === 0 || (fresh.length < MAX_READERS && opening === undefined))) entry = await open(version);
    if (entry === undefined && opening !== undefined) entry = await opening;
    entry ??= fresh.reduce((a, b) => (b.pending < a.pending ? b : a));
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
      entry.pending++;
      const run = entry.queue.then(() => fn(entry.reader));
      entry.queue = run.catch(() => undefined);
      try {
        return await run;
      } finally {
        entry.pending--;
        release(entry);
      }
    },
    async span(): Promise<StoreSpan | null> {
      const entry = await acquire(true);
      release(entry);
      return entry.reader.span;
    },
    async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
      const version = catalogVersion(dataDir);
      const hit = cache.get(key);
      if (hit !== undefined && hit.version === version) return hit.value as Promise<T>;
      const value = compute();
      const entry: { version: string; value: Promise<unknown>; settled?: { value: unknown } } = { version, value };
      cache.set(key, entry);
      value.then(
        (v) => void (entry.settled = { value: v }),
        () => cache.get(key) === entry && cache.delete(key),
      );
      // A small cache: the pages a team keeps open, not every URL ever asked.
      if (cache.size > 64) cache.delete(cache.keys().next().value as string);
      return value;
    },
    peek<T>(key: string): T | undefined {
      const hit = cache.get(key);
      return hit !== undefined && hit.settled !== undefined && hit.version === catalogVersion(dataDir) ? (hit.settled.value as T) : undefined;
    },
    async close(): Promise<void> {
      // A reader still opening (the server opens one as it starts) is closed with the others.
      await opening?.catch(() => undefined);
      for (const entry of all) await entry.queue;
      for (const entry of all) entry.reader.close();
      all.clear();
      pool = [];
    },
  };
}
