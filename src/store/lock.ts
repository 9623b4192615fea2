import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '../duckdb.js';
import { StoreError } from '../errors.js';

/** The writer lock's file inside a data directory: a small DuckDB database that is never written. */
export const LOCK_FILE = '.writer.lock';

/** Lock files this process holds: an OS lock does not exclude its own process. */
const held = new Set<string>();

// Why an OS lock and not a pid file. Node has no flock(2), but DuckDB takes an fcntl write
// lock on a database file it opens read-write and holds it until the instance closes; the
// kernel drops it when the process dies, kill -9 included. So the lock cannot go stale and
// there is nothing to take over: no pid to check, no pid reuse, no /proc.
//
// A pid file cannot be taken over atomically on POSIX: taking over means replacing the file
// at a path, and rename/unlink act on whatever file is at the path by then. Two racers that
// both judged lock L stale: A renames L away and links its own lock N_A in; B's rename, meant
// for L, now moves N_A away, and B links N_B: both hold. B can notice (the file it moved is
// not L) and link N_A back, but a third racer may have linked N_C in meanwhile.
//
// The lock file itself is never removed or replaced, so every racer locks the same inode:
// it is created complete under a unique temporary name and linked into place (link fails
// with EEXIST when another racer got there first, and both then lock the one file).
// Interleavings: (1) two racers, no lock file: both create a temp, one link wins, the other
// gets EEXIST; both open the one file and fcntl lets exactly one of them lock it. (2) A
// racer against a live holder: its open fails on the lock (DuckDB names the holder's pid).
// (3) A holder killed with -9: its lock died with it; the file stays and the next open locks it.

/**
 * Takes the data directory's writer lock (one ingest at a time) and returns the function
 * that releases it. Refused with a `StoreError` while another process holds it.
 */
export async function acquireWriterLock(dataDir: string): Promise<() => void> {
  const file = path.join(dataDir, LOCK_FILE);
  await installLockFile(file);
  // Keyed by the real path: the same directory reached through a symlink is the same lock.
  const key = fs.realpathSync(file);
  if (held.has(key)) throw refuseLock(dataDir, process.pid);
  held.add(key); // before the await: a second take in this process meanwhile is refused
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, { threads: '1' });
  } catch (err) {
    held.delete(key);
    const message = (err as Error).message;
    if (/Could not set lock|Conflicting lock/i.test(message)) throw refuseLock(dataDir, Number(/PID (\d+)/.exec(message)?.[1]) || undefined);
    throw new StoreError(`cannot take the writer lock ${file}: ${message}; if no logscope ingest is running, delete ${file} and retry`, { cause: err });
  }
  return () => {
    if (held.delete(key)) instance.closeSync();
  };
}

function refuseLock(dataDir: string, pid: number | undefined): StoreError {
  return new StoreError(`another logscope ingest${pid === undefined ? '' : ` (pid ${pid})`} is writing to ${dataDir}; wait for it or stop it`);
}

/** Creates the lock file, complete, unless it exists. */
async function installLockFile(file: string): Promise<void> {
  if (fs.existsSync(file)) return;
  const tmp = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    (await DuckDBInstance.create(tmp, { threads: '1' })).closeSync();
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`cannot create the writer lock ${file}: ${(err as Error).message}`, { cause: err });
  } finally {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(`${tmp}.wal`, { force: true });
  }
}
