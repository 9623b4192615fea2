import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CLI, REPO } from '../helpers.js';
import { openStoreReader } from '../../src/store/index.js';

/** A `logscope watch` running in a child process, with what it printed so far. */
export interface WatcherProcess {
  child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** Resolves when stderr (or stdout) matches, rejects after `ms`. */
  waitForOutput(pattern: RegExp, ms?: number): Promise<void>;
  /** Sends the signal and resolves with the exit code (null and the signal when killed). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `logscope watch ARGS` (the built CLI); resolves once it says it is following its inputs. */
export async function startWatcher(args: string[], env: Record<string, string> = {}): Promise<WatcherProcess> {
  const base = { ...process.env };
  delete base.LOGSCOPE_CONFIG;
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString('utf8')));
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const proc: WatcherProcess = {
    child,
    stderr: () => err,
    stdout: () => out,
    async waitForOutput(pattern, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(err) && !pattern.test(out)) {
        if (child.exitCode !== null) throw new Error(`watcher exited (${child.exitCode}) before printing ${pattern}: ${err}`);
        if (Date.now() > deadline) throw new Error(`watcher did not print ${pattern} within ${ms} ms: ${err}`);
        await sleep(20);
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  await proc.waitForOutput(/following/);
  return proc;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What the store holds of the test lines (`seq=N` in the message): all rows, distinct sequence numbers, unparsed rows. */
export async function countStored(dataDir: string): Promise<{ rows: number; distinct: number; unparsed: number; maxSeq: number }> {
  if (!fs.existsSync(`${dataDir}/catalog.duckdb`)) return { rows: 0, distinct: 0, unparsed: 0, maxSeq: 0 };
  const reader = await openStoreReader(dataDir);
  try {
    const r = await reader.connection.runAndReadAll(
      `SELECT count(*), count(DISTINCT regexp_extract(message, 'seq=(\\d+)', 1)), coalesce(max(regexp_extract(message, 'seq=(\\d+)', 1)::BIGINT), 0), (SELECT count(*) FROM unparsed) FROM logs WHERE message LIKE '%seq=%'`,
    );
    const [rows, distinct, maxSeq, unparsed] = r.getRows()[0].map(Number);
    return { rows, distinct, unparsed, maxSeq };
  } finally {
    reader.close();
  }
}

/** The messages of the rows that hold a stack trace (`IllegalStateException`). */
export async function traceRows(dataDir: string): Promise<string[]> {
  const reader = await openStoreReader(dataDir);
  try {
    const r = await reader.connection.runAndReadAll(`SELECT message FROM logs WHERE message LIKE '%IllegalStateException%' OR message LIKE '%at com.example%' ORDER BY line`);
    return r.getRows().map((row) => String(row[0]));
  } finally {
    reader.close();
  }
}

/** The source names rows are stored under. */
export async function storedSources(dataDir: string): Promise<string[]> {
  const reader = await openStoreReader(dataDir);
  try {
    const r = await reader.connection.runAndReadAll('SELECT DISTINCT source FROM logs ORDER BY source');
    return r.getRows().map((row) => String(row[0]));
  } finally {
    reader.close();
  }
}

/** Polls the store until `done` holds of its counts; returns them (the last ones seen at the deadline). */
export async function waitForStored(dataDir: string, done: (c: Awaited<ReturnType<typeof countStored>>) => boolean, ms: number): Promise<Awaited<ReturnType<typeof countStored>>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const c = await countStored(dataDir);
    if (done(c) || Date.now() > deadline) return c;
    await sleep(100);
  }
}

/** A log line numbered `seq`, stamped now (or at `at`). */
export function line(seq: number, level = 'INFO', at = Date.now()): string {
  return `${new Date(at).toISOString()} ${level} app: request seq=${seq} done\n`;
}

/** Lines seq from..to-1, as one string. */
export function lines(from: number, to: number, level = 'INFO'): string {
  let s = '';
  for (let i = from; i < to; i++) s += line(i, level);
  return s;
}
