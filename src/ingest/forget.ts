import fs from 'node:fs';
import path from 'node:path';
import { StoreError, UsageError } from '../errors.js';
import { CATALOG_FILE, StoreWriter, type SourceEntry, type SourcesToRemove } from '../store/index.js';

/** Options of `forgetSources`. */
export interface ForgetOptions {
  /** Paths of ingested files as given (resolved against the working directory), or `stdin`. */
  names: string[];
  dataDir: string;
}

/** What was removed of one name given. */
export interface ForgottenSource {
  source: string;
  rows: number;
  unparsed: number;
  /** Manifest entries removed (0 for stdin, which has none). */
  entries: number;
}

/** The result of `forgetSources`. */
export interface ForgetSummary {
  dataDir: string;
  sources: ForgottenSource[];
  filesRewritten: number;
}

/**
 * Removes what is stored of the given sources: their rows, their unparsed rows and their
 * manifest entries, at once (see `StoreWriter.removeSources`), so that they can be ingested
 * afresh. A name with nothing stored under it is an error and nothing is removed.
 */
export async function forgetSources(options: ForgetOptions): Promise<ForgetSummary> {
  if (!fs.existsSync(path.join(options.dataDir, CATALOG_FILE))) {
    throw new StoreError(`no logscope data in ${path.resolve(options.dataDir)} (no ${CATALOG_FILE}): nothing to forget; pass the --data directory the files were ingested into`);
  }
  const store = await StoreWriter.open(options.dataDir);
  try {
    const names = [...new Set(options.names.map(resolveSourceName))];
    const manifest = await store.readManifest();
    const stored = await store.readSourceLines();
    const missing = names.filter((n) => !stored.has(n) && !manifest.some((e) => e.path === n));
    if (missing.length > 0) {
      throw new UsageError(
        `nothing is stored under ${missing.join(', ')} in ${store.dataDir}; the stored names are listed by: logscope sql "SELECT DISTINCT source FROM logs" --data ${options.dataDir}`,
      );
    }
    const removal = await store.removeSources(selectRemoval(names, manifest));
    const sources = removal.removed.map((r) => ({ ...r, entries: manifest.filter((e) => e.path === r.source).length }));
    return { dataDir: store.dataDir, sources, filesRewritten: removal.filesRewritten };
  } finally {
    await store.close();
  }
}

/** The name a source's rows carry: a file's absolute path, or `stdin`. */
export function resolveSourceName(name: string): string {
  return name === 'stdin' || name === '-' ? 'stdin' : path.resolve(name);
}

/** The rows and manifest entries of the given names. */
export function selectRemoval(names: string[], manifest: SourceEntry[]): SourcesToRemove {
  return { names, sourceIds: manifest.filter((e) => names.includes(e.path)).map((e) => e.sourceId) };
}
