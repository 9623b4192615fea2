import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';
import { REPO } from './datasets.js';
import { openStoreReader } from '../src/store/index.js';

export { DATASETS, HAVE_DATASETS, REPO } from './datasets.js';
export const CLI = path.join(REPO, 'dist', 'src', 'cli', 'main.js');

/** Directories tmpDir made for the test file being run. */
const made: string[] = [];
// Registered while the test file imports this module: runs after the file's last test. (A
// process 'exit' handler alone is not enough: vitest ends its workers without one, and the
// memory test's 5 GB files piled up in /tmp run after run.)
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file's last test. */
export function tmpDir(prefix = 'logscope-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Runs the built CLI synchronously. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    input: options.input,
    encoding: 'utf8',
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    maxBuffer: 256 << 20,
  });
}

/** What a command line printed and how it ended, as spawnSync reports it. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command line in this process, through the same entry (`runProgram`) as the built
 * CLI: the same output and exit status without a Node and DuckDB start-up per call (≈ 0.5 s
 * of CPU each). `input` stands in for standard input (process.stdin is swapped for a stream of
 * it during the call). For what a process does as a whole — exiting on a signal or within a
 * deadline, leaving no handle open, reading a real pipe — use runCli.
 */
export async function runCliHere(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string | Buffer } = {}): Promise<CliRun> {
  const { runProgram } = await import('../src/cli/main.js');
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), done?: (e?: Error | null) => void) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = typeof encoding === 'function' ? encoding : done;
      if (callback !== undefined) queueMicrotask(() => callback(null));
      return true;
    }) as typeof process.stdout.write;
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const savedEnv = Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  const savedExit = process.exitCode;
  process.exitCode = undefined;
  Object.assign(process.env, options.env);
  process.chdir(options.cwd ?? REPO);
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (options.input !== undefined) {
    const input = Buffer.from(options.input);
    Object.defineProperty(process, 'stdin', { value: Readable.from(input.length === 0 ? [] : [input]), configurable: true, writable: true });
  }
  try {
    await runProgram([process.execPath, CLI, ...args]);
  } finally {
    if (options.input !== undefined && stdin !== undefined) Object.defineProperty(process, 'stdin', stdin);
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(savedCwd);
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = savedExit;
  return { status, stdout: out.join(''), stderr: err.join('') };
}

/** Runs the built CLI asynchronously (for stdin streams and kills). */
export function spawnCli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs SQL against a data directory through the read-only store reader; rows as JSON-able objects. */
export async function query(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await openStoreReader(dataDir);
  try {
    const r = await reader.connection.runAndReadAll(sql);
    return r.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    reader.close();
  }
}

/** Counts lines the way `wc -l` does, plus one for a final line without newline. */
export function countLines(file: string): number {
  const buf = fs.readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
  return n;
}

export { parseCsv } from '../bench/loghub-csv.js';
