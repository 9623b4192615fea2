import fs from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../errors.js';

/** One input to read: a regular file (maybe gzip) or standard input. */
export type SourceRef =
  | { kind: 'file'; path: string; size: number; mtimeMs: number; compressed: boolean }
  | { kind: 'stdin' };

/** The inputs that resolved, and one error per input that did not. */
export interface ResolvedInputs {
  sources: SourceRef[];
  errors: InputError[];
}

function isGzip(file: string): boolean {
  if (file.endsWith('.gz')) return true;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

function fileRef(file: string): SourceRef {
  fs.accessSync(file, fs.constants.R_OK);
  const st = fs.statSync(file);
  return { kind: 'file', path: file, size: st.size, mtimeMs: st.mtimeMs, compressed: isGzip(file) };
}

function walk(dir: string, out: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

/**
 * Expands the command line's inputs: files, directories (recursively, hidden entries
 * skipped), glob patterns (quoted, so the shell left them alone) and `-` for stdin.
 * A path that is missing or unreadable becomes an error naming it; the others resolve.
 * The same file named twice is read once.
 */
export async function resolveInputs(inputs: string[]): Promise<ResolvedInputs> {
  const sources: SourceRef[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const abs = path.resolve(file);
    let real = abs;
    try {
      real = fs.realpathSync(abs);
    } catch {
      // reported below by fileRef
    }
    if (seen.has(real)) return;
    seen.add(real);
    try {
      sources.push(fileRef(abs));
    } catch (err) {
      errors.push(new InputError(file, describe(err), { cause: err }));
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
      const files: string[] = [];
      try {
        walk(input, files);
      } catch (err) {
        errors.push(new InputError(input, describe(err), { cause: err }));
        continue;
      }
      if (files.length === 0) errors.push(new InputError(input, 'directory holds no files'));
      for (const f of files) add(f);
    } else if (st.isFile()) {
      add(input);
    } else {
      errors.push(new InputError(input, 'not a regular file or directory'));
    }
  }
  return { sources, errors };
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (cannot read)';
  if (code === 'EISDIR') return 'is a directory';
  return (err as Error).message;
}
