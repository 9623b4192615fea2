import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LIST, listValue, VARCHAR } from '../duckdb.js';
import { isLeaseAlive, listReaderLeases, removeDeadLeases } from './lease.js';
import { crashPoint } from './crash-point.js';

/**
 * Inside a catalog transaction that unlists `rels` (paths relative to dataDir): notes them as
 * retired together with the reader leases that exist now, which may still read them. They
 * are deleted by {@link sweepRetired} once all those leases are gone (see lease.ts).
 */
export async function retireFiles(cat: DuckDBConnection, dataDir: string, rels: string[]): Promise<void> {
  if (rels.length === 0) return;
  const readers = listValue(listReaderLeases(dataDir));
  for (const rel of rels) {
    await cat.run('INSERT INTO _logscope.retired VALUES ($rel, now(), $readers)', { rel, readers }, { readers: LIST(VARCHAR) });
  }
}

/** What a sweep did. */
export interface Sweep {
  /** Retired files deleted. */
  deleted: number;
  /** Retired files kept for readers that may still read them. */
  waiting: number;
}

/**
 * Deletes the retired files that no reader can still need, and forgets them; removes the
 * leases of readers that died. A crash between a deletion and the commit leaves a row whose
 * file is gone: the next sweep forgets it.
 */
export async function sweepRetired(dataDir: string): Promise<Sweep> {
  removeDeadLeases(dataDir);
  // Imported here: a reader loads this module (through rollup.ts), and store.ts brings the writer and the parsers along (issue 17: start-up).
  const { withCatalog } = await import('./store.js');
  return withCatalog(dataDir, async (cat) => {
    const rows = (await cat.runAndReadAll('SELECT path, readers FROM _logscope.retired')).getRowsJS();
    const done: string[] = [];
    for (const [rel, readers] of rows) {
      if ((readers as string[]).some((name) => isLeaseAlive(name))) continue;
      const file = path.join(dataDir, String(rel));
      fs.rmSync(file, { force: true });
      removeIfEmpty(path.dirname(file));
      done.push(String(rel));
      crashPoint('sweep:deleted');
    }
    if (done.length > 0) await cat.run('DELETE FROM _logscope.retired WHERE list_contains($done, path)', { done: listValue(done) });
    return { deleted: done.length, waiting: rows.length - done.length };
  });
}

/** The retired files that are still on disk or may be (paths relative to dataDir). */
export async function listRetired(cat: DuckDBConnection): Promise<string[]> {
  return (await cat.runAndReadAll('SELECT path FROM _logscope.retired')).getRows().map((r) => String(r[0]));
}

/** Removes a day directory that its last file left (a pruned day); one that holds anything stays. */
function removeIfEmpty(dir: string): void {
  if (!/^dt=\d{4}-\d{2}-\d{2}$/.test(path.basename(dir))) return;
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (or already gone): nothing to do.
  }
}
