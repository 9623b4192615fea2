import path from 'node:path';

/** Per data directory, the end of the last catalog turn queued in this process. */
const turns = new Map<string, Promise<unknown>>();

/**
 * Runs fn when no other catalog turn on dataDir runs in this process, and returns its result.
 * Across processes the catalog's file lock keeps a writer's transaction and a reader's copy
 * apart; inside one process (a watcher committing batches, compacting and serving its
 * dashboard) DuckDB opens the same file twice without a conflict, so the turns do it. Turns
 * do not nest: fn must not take another turn on the same directory.
 */
export function takeCatalogTurn<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(dataDir);
  const run = (turns.get(key) ?? Promise.resolve()).then(fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return run;
}
