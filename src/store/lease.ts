import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The directory of a data directory that holds its readers' leases. */
export const READERS_DIR = '.readers';

/** Leases this process holds: their names. */
const own = new Set<string>();

/** This process's start time as the kernel counts it (Linux), to tell it from a later process with the same pid. */
const SELF_START = readStartTime(process.pid) ?? '0';

// Why leases, and why a pid (plus its start time) decides whether one is alive.
//
// A reader copies the list of live Parquet files when it opens and reads them for as long as
// it stays open (a `logscope sql`, a dashboard's reader until the catalog changes). A rewrite
// (compaction, forget, prune) that unlists files must not delete them under such a reader.
// Each reader takes a lease (an empty file under .readers/) before it reads the catalog; a
// rewrite notes the leases that exist inside its catalog transaction, and the files it unlists
// are deleted only once every noted lease is gone. A reader that took its lease after that
// listing reads the catalog after the commit (the catalog's lock keeps the two apart), so it
// never sees the unlisted files.
//
// A lease is alive while its process is: its name holds the pid and the process's start
// time. Dead is claimed only when no such process exists (kill(pid, 0) fails with ESRCH) or a
// process of that pid started at another time (the pid was reused); a reader killed with -9
// leaves a dead lease, removed by the next sweep. Mistaking a dead lease for a live one only
// delays a deletion. (A lock held by an open DuckDB file, as the writer lock is, would do
// too, but opening a DuckDB file costs 0.1 s and every `logscope sql` opens a reader.)

/**
 * Takes a reader lease on dataDir and returns the function that releases it. A directory that
 * cannot be written (a read-only mount) gets no lease: nothing can rewrite such a store either.
 */
export function takeReaderLease(dataDir: string): () => void {
  const name = `${process.pid}-${SELF_START}-${randomUUID().slice(0, 8)}`;
  const file = path.join(dataDir, READERS_DIR, name);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '', { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM') return () => undefined;
    throw err;
  }
  own.add(name);
  return () => {
    if (!own.delete(name)) return;
    fs.rmSync(file, { force: true });
  };
}

/** The names of the leases under dataDir now. */
export function listReaderLeases(dataDir: string): string[] {
  try {
    return fs.readdirSync(path.join(dataDir, READERS_DIR)).filter((n) => LEASE_NAME.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

const LEASE_NAME = /^(\d+)-(\d+)-[0-9a-f]{8}$/;

/** Whether the reader that took the lease `name` may still be reading. */
export function isLeaseAlive(name: string): boolean {
  const m = LEASE_NAME.exec(name);
  if (m === null) return false;
  const pid = Number(m[1]);
  if (pid === process.pid && m[2] === SELF_START) return own.has(name);
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = readStartTime(pid);
  return start === undefined || start === m[2];
}

/** Removes the leases of readers that are gone (killed without closing). */
export function removeDeadLeases(dataDir: string): void {
  for (const name of listReaderLeases(dataDir)) {
    if (!isLeaseAlive(name)) fs.rmSync(path.join(dataDir, READERS_DIR, name), { force: true });
  }
}

/** Field 22 of /proc/PID/stat (clock ticks after boot); undefined where there is no /proc. */
function readStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}
