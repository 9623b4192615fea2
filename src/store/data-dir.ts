import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';

/** The catalog file inside a data directory. */
export const CATALOG_FILE = 'catalog.duckdb';

/** The marker file that makes a directory a logscope data directory, written when logscope creates one. */
export const MARKER_FILE = '.logscope';

/** The data directory layout this logscope writes and reads; a marker with a higher one is refused. */
export const DATA_FORMAT = 1;

const MARKER_TEXT = `${JSON.stringify({ logscope: 'data directory', format: DATA_FORMAT })}\n`;

/** Entries a directory may hold and still count as empty: our lock files and our interrupted temporaries. */
const OWN_LEFTOVER = /^(\.writer\.lock|\.ingest\.lock|\.(writer\.lock|logscope)\..+\.tmp)$/;

/**
 * What a would-be data directory is: `missing` or `empty` (ours to create), `marked` (ours),
 * `unmarked-catalog` (a catalog.duckdb without the marker: a store of an earlier logscope, or
 * a stranger's database — the caller checks the catalog) or `foreign` (files we did not write).
 */
export type DataDirKind = 'missing' | 'empty' | 'marked' | 'unmarked-catalog' | 'foreign';

/** Tells what `dir` is (see `DataDirKind`); throws when its marker is of a newer format. */
export function inspectDataDir(dir: string): DataDirKind {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') throw new StoreError(`${dir} is not a directory; pass an empty or new directory to --data`);
    throw new StoreError(`cannot read data directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  if (entries.includes(MARKER_FILE)) return readMarkerFormat(dir) === undefined ? 'foreign' : 'marked';
  if (entries.includes(CATALOG_FILE)) return 'unmarked-catalog';
  return entries.every((e) => OWN_LEFTOVER.test(e)) ? 'empty' : 'foreign';
}

/** The format in dir's marker; undefined when the file is not a marker of ours. */
function readMarkerFormat(dir: string): number | undefined {
  const file = path.join(dir, MARKER_FILE);
  // A marker is one short line: read a bounded prefix, whatever a stranger's file of that name holds.
  const buf = Buffer.alloc(256);
  let n: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      n = fs.readSync(fd, buf, 0, buf.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  let marker: unknown;
  try {
    marker = JSON.parse(buf.subarray(0, n).toString('utf8'));
  } catch {
    return undefined;
  }
  const { logscope, format } = (marker ?? {}) as { logscope?: unknown; format?: unknown };
  if (logscope !== 'data directory' || !Number.isInteger(format)) return undefined;
  if ((format as number) > DATA_FORMAT) {
    throw new StoreError(`${dir} was written by a newer logscope (data format ${format}; this one reads format ${DATA_FORMAT}); upgrade logscope to use it`);
  }
  return format as number;
}

/** Writes dir's marker, atomically (racing writers write the same text). */
export function writeMarker(dir: string): void {
  const tmp = path.join(dir, `${MARKER_FILE}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`);
  try {
    fs.writeFileSync(tmp, MARKER_TEXT);
    fs.renameSync(tmp, path.join(dir, MARKER_FILE));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new StoreError(`cannot write the marker ${path.join(dir, MARKER_FILE)}: ${(err as Error).message}`, { cause: err });
  }
}

/** The error for a directory that holds files logscope did not write, as a place to ingest into. */
export function refuseForeignDir(dir: string): StoreError {
  return new StoreError(`${dir} is not a logscope data directory (it holds files logscope did not write); pass an empty or new directory to --data`);
}
