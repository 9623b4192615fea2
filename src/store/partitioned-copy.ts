/**
 * Many small Parquet files in one COPY. Each COPY costs DuckDB a few milliseconds however few its
 * rows (planning, opening and closing the file): a log spread over 3,000 UTC days, one line a
 * day, took 16 s to write one file a day and 10 s more for their rollups. One COPY with
 * `PARTITION_BY` writes them all at once; this moves each partition's file where it belongs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/**
 * Files with fewer rows than this are written together when there are two or more of them;
 * larger ones keep a COPY of their own, which uses every thread.
 */
export const SMALL_FILE_ROWS = 10_000;

/**
 * Partitions a COPY writes at most: each open partition holds buffers of its own (3,000 at once
 * ran out of the writer's memory).
 */
const PARTITIONS_PER_COPY = 32;

/**
 * The items of fewer than SMALL_FILE_ROWS rows, in groups of up to PARTITIONS_PER_COPY to write
 * with one partitioned COPY each; none when fewer than two are small (one COPY each then).
 */
export function smallGroups<T>(items: readonly T[], rows: (item: T) => number): T[][] {
  const small = items.filter((item) => rows(item) < SMALL_FILE_ROWS);
  const groups: T[][] = [];
  if (small.length < 2) return groups;
  for (let i = 0; i < small.length; i += PARTITIONS_PER_COPY) groups.push(small.slice(i, i + PARTITIONS_PER_COPY));
  return groups;
}

/**
 * Runs `copy`, a `COPY (...) TO $dir (..., PARTITION_BY (key))` whose query yields the column
 * `key`, then moves the file of partition `key=v` to `outs.get(v)` and removes `dir`. The COPY
 * runs on one thread: DuckDB writes a file per thread and partition, and each output must be one
 * file (the rows are few, so one thread costs nothing). Throws, naming the directory, when a
 * partition of `outs` holds no file or several.
 */
export async function copyPartitioned(
  conn: DuckDBConnection,
  copy: string,
  params: Record<string, DuckDBValue>,
  dir: string,
  key: string,
  outs: Map<string, string>,
): Promise<void> {
  const threads = Number((await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0]);
  await conn.run('SET threads = 1');
  try {
    await conn.run(copy, { ...params, dir });
  } finally {
    await conn.run(`SET threads = ${threads}`);
  }
  for (const [value, out] of outs) {
    const part = path.join(dir, `${key}=${value}`);
    const files = fs.existsSync(part) ? fs.readdirSync(part) : [];
    if (files.length !== 1) throw new Error(`the partitioned write to ${dir} left ${files.length} files for ${key}=${value}, where one was expected`);
    fs.renameSync(path.join(part, files[0]), out);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
