import fs from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../errors.js';
import { describeUnreadable, detectCompression, detectUnreadableCompression, type Compression } from './compression.js';
import { readRange } from './fingerprint.js';

/** One input to read: a regular file (maybe gzip) or standard input. */
export type SourceRef =
  | {
      kind: 'file';
      path: string;
      size: number;
      mtimeMs: number;
      /** Read through a decompressor: the file starts with gzip, zstd, bzip2 or xz magic bytes, whatever its name. */
      compressed: boolean;
      /** Which compression, when `compressed` (absent: gzip). */
      compression?: Compression;
      /** `dev:ino`: tells a file truncated in place from a new file under the same name. */
      fileId: string;
    }
  | { kind: 'stdin' };

/** The inputs that resolved, one error per input (or directory entry) that could not be read, and what was skipped on purpose. */
export interface ResolvedInputs {
  sources: SourceRef[];
  errors: InputError[];
  /** FIFOs, sockets and broken symlinks met in a directory, symlink loops, binary files, and `.gz` files read as text. */
  warnings: InputError[];
}

/** How many leading bytes decide whether a file is gzip, text or neither. */
const SNIFF_BYTES = 4096;

/** Whether bytes look like text: no NUL, and hardly any control characters but tab, newlines, form feed and escape. */
function looksLikeText(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 0x1b) control++;
  }
  return control <= head.length / 100;
}

/** Whether bytes are UTF-16 text: a byte order mark, or ASCII with a NUL beside every character. */
function looksLikeUtf16(head: Buffer): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  const pairs = Math.min(head.length >> 1, 256);
  if (pairs < 8) return false;
  let zeroHigh = 0;
  let zeroLow = 0;
  for (let i = 0; i < pairs; i++) {
    if (head[2 * i] === 0) zeroLow++;
    if (head[2 * i + 1] === 0) zeroHigh++;
  }
  return zeroHigh === pairs || zeroLow === pairs;
}

/** What a file name's extension says its compression is. */
const EXTENSIONS: ReadonlyArray<[ext: string, compression: Compression]> = [
  ['.gz', 'gzip'],
  ['.zst', 'zstd'],
  ['.bz2', 'bzip2'],
  ['.xz', 'xz'],
];

/**
 * A regular file as a source: compressed when it starts with the magic bytes of gzip, zstd,
 * bzip2 or xz (whatever its name). A file named so (`.gz`, `.zst`, `.bz2`, `.xz`) that is not is
 * read as text with a warning when its first bytes are text, else refused. lz4 and zip data
 * is refused by its magic bytes (never read as binary text). Other binary data (a NUL or many
 * control bytes in the first SNIFF_BYTES: `wtmp`, a journal file, a database) is skipped with a
 * warning, as a FIFO is (undefined): `logscope ingest /var/log` reads the logs beside them.
 */
function fileRef(file: string, st: fs.Stats, warnings: InputError[]): SourceRef | undefined {
  const head = readRange(file, 0, SNIFF_BYTES);
  const unreadable = detectUnreadableCompression(head);
  if (unreadable !== undefined) throw new InputError(file, describeUnreadable(unreadable, file));
  const compression = detectCompression(head);
  const extension = EXTENSIONS.find(([ext]) => file.endsWith(ext));
  if (compression === undefined && head.length > 0) {
    const text = looksLikeText(head);
    if (extension !== undefined) {
      if (!text) throw new InputError(file, `not ${extension[1]} data, and not text either: not read (is it a log file?)`);
      warnings.push(new InputError(file, `not ${extension[1]} data, read as text`));
    } else if (!text) {
      if (looksLikeUtf16(head)) warnings.push(new InputError(file, `skipped: UTF-16 text, which logscope cannot read yet; convert it first (iconv -f UTF-16 -t UTF-8 ${file} | logscope ingest -)`));
      // A text log with NUL bytes (written over after a crash) is read with them removed.
      else warnings.push(new InputError(file, `skipped: binary data (NUL or control bytes in its first ${SNIFF_BYTES} bytes), not a text log; a log with NUL bytes in it: tr -d '\\000' < FILE | logscope ingest -`));
      return undefined;
    }
  }
  const ref: SourceRef = { kind: 'file', path: file, size: st.size, mtimeMs: st.mtimeMs, compressed: compression !== undefined, fileId: `${st.dev}:${st.ino}` };
  if (compression !== undefined && compression !== 'gzip') ref.compression = compression;
  return ref;
}

/** What a non-regular, non-directory entry is, for the notice that skips it. */
function describeKind(st: fs.Stats | fs.Dirent): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The state of a directory walk: files found, what could not be read, what was skipped. */
interface Walk {
  files: string[];
  errors: InputError[];
  warnings: InputError[];
  /** `dev:ino` of every directory walked: each is walked once. */
  seen: Set<string>;
}

/**
 * Walks a directory (sorted, hidden entries skipped), following symlinks to files and to
 * directories. An entry that cannot be read is an error and the walk goes on; FIFOs,
 * sockets, broken symlinks and symlink loops are skipped with a warning.
 */
function walkDir(dir: string, walk: Walk, ancestors: Map<string, string>): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    walk.errors.push(new InputError(dir, `${describe(err)}; skipped, the other files are read`, { cause: err }));
    return;
  }
  const id = `${st.dev}:${st.ino}`;
  const loop = ancestors.get(id);
  if (loop !== undefined) {
    walk.warnings.push(new InputError(dir, `symlink loop (leads back to ${loop}): not followed`));
    return;
  }
  if (walk.seen.has(id)) return;
  walk.seen.add(id);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    walk.errors.push(new InputError(dir, `${describe(err)}; skipped, the other files are read`, { cause: err }));
    return;
  }
  const inside = new Map(ancestors).set(id, dir);
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walkDir(full, walk, inside);
    else if (entry.isFile()) walk.files.push(full);
    else if (entry.isSymbolicLink()) followLink(full, walk, inside);
    else walk.warnings.push(new InputError(full, `skipped: ${describeKind(entry)}, not a log file`));
  }
}

/** Follows a symlink met in a walk: to a file (read), a directory (walked), or nowhere (a warning). */
function followLink(link: string, walk: Walk, ancestors: Map<string, string>): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(link);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') walk.warnings.push(new InputError(link, `broken symlink (to ${readLink(link)}): skipped`));
    else if (code === 'ELOOP') walk.warnings.push(new InputError(link, 'symlink loop: not followed'));
    else walk.errors.push(new InputError(link, `${describe(err)}; skipped, the other files are read`, { cause: err }));
    return;
  }
  if (st.isDirectory()) walkDir(link, walk, ancestors);
  else if (st.isFile()) walk.files.push(link);
  else walk.warnings.push(new InputError(link, `skipped: links to ${describeKind(st)}, not a log file`));
}

function readLink(link: string): string {
  try {
    return fs.readlinkSync(link);
  } catch {
    return '?';
  }
}

/**
 * Expands the command line's inputs: files, directories (recursively, hidden entries
 * skipped, symlinks followed), glob patterns (quoted, so the shell left them alone) and `-`
 * for stdin. A path that is missing or unreadable becomes an error naming it, and so does an
 * unreadable entry of a directory; the others resolve. The same file named twice, or reached
 * through several symlinks, is read once.
 */
export async function resolveInputs(inputs: string[]): Promise<ResolvedInputs> {
  const sources: SourceRef[] = [];
  const errors: InputError[] = [];
  const warnings: InputError[] = [];
  const seen = new Set<string>();
  const walk: Walk = { files: [], errors, warnings, seen: new Set() };
  const add = (file: string) => {
    const abs = path.resolve(file);
    let real = abs;
    try {
      real = fs.realpathSync(abs);
    } catch {
      // reported below
    }
    if (seen.has(real)) return;
    seen.add(real);
    try {
      // Stat before opening: opening a FIFO that a glob matched would block.
      const st = fs.statSync(abs);
      if (!st.isFile()) warnings.push(new InputError(file, `skipped: ${describeKind(st)}, not a log file`));
      else {
        const ref = fileRef(abs, st, warnings);
        if (ref !== undefined) sources.push(ref);
      }
    } catch (err) {
      errors.push(err instanceof InputError ? err : new InputError(file, describe(err), { cause: err }));
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      if (!seen.has('-')) sources.push({ kind: 'stdin' });
      seen.add('-');
      continue;
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(input);
    } catch (err) {
      if (isDynamicPattern(input)) {
        const matches = (await glob(input, { absolute: true, onlyFiles: true, dot: false })).sort();
        if (matches.length === 0) errors.push(new InputError(input, 'no file matches this pattern'));
        for (const m of matches) add(m);
        continue;
      }
      errors.push(new InputError(input, describe(err), { cause: err }));
      continue;
    }
    if (st.isDirectory()) {
      const failed = errors.length;
      const walked = walk.seen.size;
      walk.files = [];
      walkDir(input, walk, new Map());
      if (walk.files.length === 0 && errors.length === failed && walk.seen.size > walked) errors.push(new InputError(input, 'directory holds no files'));
      for (const f of walk.files) add(f);
    } else if (st.isFile()) {
      add(input);
    } else {
      errors.push(new InputError(input, 'not a regular file or directory'));
    }
  }
  return { sources, errors, warnings };
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (cannot read)';
  if (code === 'EISDIR') return 'is a directory';
  return (err as Error).message;
}
