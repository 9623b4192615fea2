import path from 'node:path';

/** Per data directory, the end of the last catalog turn queued in this process. */
const turns = new Map<string, Promise<void>>();

// Across processes the catalog's file lock keeps a writer's transaction and a reader's copy
// apart. Inside one process (a watcher committing batches, compacting and serving its
// dashboard) DuckDB opens the same file twice without a conflict, so the turns do it. Turns
// do not nest: the holder of a turn must not wait for another on the same directory.

/**
 * Waits until no other catalog turn on dataDir is held in this process, then holds one:
 * resolves to the function that ends it (calling it again does nothing).
 */
export function enterCatalogTurn(dataDir: string): Promise<() => void> {
  const key = path.resolve(dataDir);
  let leave = (): void => undefined;
  const held = new Promise<void>((resolve) => (leave = resolve));
  const previous = turns.get(key) ?? Promise.resolve();
  const end = previous.then(() => held);
  turns.set(key, end);
  void end.then(() => {
    if (turns.get(key) === end) turns.delete(key);
  });
  return previous.then(() => leave);
}

/** Runs fn in a catalog turn on dataDir (see enterCatalogTurn) and returns its result. */
export async function takeCatalogTurn<T>(dataDir: string, fn: () => Promise<T>): Promise<T> {
  const leave = await enterCatalogTurn(dataDir);
  try {
    return await fn();
  } finally {
    leave();
  }
}
