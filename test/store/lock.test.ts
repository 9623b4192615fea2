import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { acquireWriterLock } from '../../src/store/lock.js';
import { query, REPO, spawnCli, tmpDir } from '../helpers.js';

const HOLDER = path.join(REPO, 'test', 'store', 'lock-holder.mjs');

/** How a trial leaves the lock before the racers start. */
type Stale = 'killed-holder' | 'dead-pid' | 'live-other-pid';
const STALE: Stale[] = ['killed-holder', 'dead-pid', 'live-other-pid'];

/** A lock-holder.mjs process: takes locks on request. */
interface Contender {
  child: ChildProcess;
  /** Takes dataDir's lock, holds it holdMs (< 0: until killed); resolves to acquired, refused, overlap or error. */
  take(dataDir: string, holdMs: number): Promise<string>;
}

/** Starts lock-holder.mjs; resolves once it has loaded. */
async function startContender(): Promise<Contender> {
  const child = spawn(process.execPath, [HOLDER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<string, (answer: string) => void>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`lock-holder.mjs exited (${code}) before it was ready`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return resolve();
      const [id, ...answer] = line.split(' ');
      waiting.get(id)?.(answer.join(' '));
      waiting.delete(id);
    });
  });
  return {
    child,
    take(dataDir, holdMs) {
      const id = String(next++);
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.stdin!.write(`take ${id} ${dataDir} ${holdMs}\n`);
      });
    },
  };
}

/** A pid that no process has now: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

/**
 * Leaves each directory's lock stale: held by a process killed with -9 while holding it, or a
 * lock file as an earlier logscope wrote it (.ingest.lock, a pid) naming a dead pid or a live
 * process that is not a logscope ingest (its pid was reused). Returns what stops the live one.
 */
async function leaveStaleLocks(dirs: Array<{ dataDir: string; stale: Stale }>): Promise<() => void> {
  for (const { dataDir } of dirs) fs.mkdirSync(dataDir, { recursive: true });
  const killed = dirs.filter((d) => d.stale === 'killed-holder').map((d) => d.dataDir);
  if (killed.length > 0) {
    const holder = await startContender();
    expect(await Promise.all(killed.map((dataDir) => holder.take(dataDir, -1)))).toEqual(killed.map(() => 'acquired'));
    const exited = new Promise((r) => holder.child.on('exit', r));
    holder.child.kill('SIGKILL');
    await exited;
    for (const dataDir of killed) fs.rmSync(path.join(dataDir, 'holder')); // its tenure ended with it
  }
  const dead = await deadPid();
  const sleeper = spawn('sleep', ['120']);
  for (const { dataDir, stale } of dirs) {
    if (stale !== 'killed-holder') fs.writeFileSync(path.join(dataDir, '.ingest.lock'), String(stale === 'dead-pid' ? dead : sleeper.pid));
  }
  return () => sleeper.kill();
}

async function waitFor(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('writer lock', () => {
  it('50 pairs of processes racing over a stale lock never hold it together, and one of each pair takes it', async () => {
    const root = tmpDir();
    const trials = Array.from({ length: 50 }, (_, i) => ({ dataDir: path.join(root, `t${i}`), stale: STALE[i % STALE.length] }));
    const stopSleeper = await leaveStaleLocks(trials);
    const pair = [await startContender(), await startContender()];
    const outcomes: string[] = [];
    try {
      // Ten directories at a time; in each, both contenders ask for the lock at the same moment.
      for (let i = 0; i < trials.length; i += 10) {
        const round = trials.slice(i, i + 10).map(async ({ dataDir, stale }) => {
          const answers = await Promise.all(pair.map((c) => c.take(dataDir, 500)));
          return `${stale}: ${answers.sort().join('+')}`;
        });
        outcomes.push(...(await Promise.all(round)));
      }
    } finally {
      for (const c of pair) c.child.kill();
      stopSleeper();
    }
    // Never both at once ("overlap"), never neither: one holds, the other is refused while it holds.
    expect(outcomes).toEqual(trials.map((t) => `${t.stale}: acquired+refused`));
  });

  it('a lock left by an earlier logscope naming a live process that is not an ingest (pid reused) is taken over', async () => {
    const dataDir = path.join(tmpDir(), 'data');
    const stopSleeper = await leaveStaleLocks([{ dataDir, stale: 'live-other-pid' }]);
    try {
      const release = await acquireWriterLock(dataDir);
      release();
    } finally {
      stopSleeper();
    }
  });

  it('a second writer in the same process is refused while the first holds the lock', async () => {
    const dataDir = tmpDir();
    const release = await acquireWriterLock(dataDir);
    try {
      await expect(acquireWriterLock(dataDir)).rejects.toThrow(`another logscope ingest (pid ${process.pid}) is writing to ${dataDir}; wait for it or stop it`);
    } finally {
      release();
    }
    // The same directory through a symlink is the same lock.
    const link = path.join(tmpDir(), 'link');
    fs.symlinkSync(dataDir, link);
    const viaLink = await acquireWriterLock(link);
    try {
      await expect(acquireWriterLock(dataDir)).rejects.toThrow(/^another logscope ingest/);
    } finally {
      viaLink();
    }
    // Two takes started together in one process: one is refused.
    const both = await Promise.allSettled([acquireWriterLock(dataDir), acquireWriterLock(dataDir)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    for (const r of both) if (r.status === 'fulfilled') r.value();
    const again = await acquireWriterLock(dataDir);
    again();
  });

  it("refuses an ingest while a live ingest holds the lock, naming the holder's pid", async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'b.log');
    fs.writeFileSync(file, '2026-11-20T00:00:01Z web-1 app[1]: INFO from the file\n');
    // An ingest from stdin holds the lock until its input ends.
    const first = spawnCli(['ingest', '-', '--data', data, '--input-format', 'syslog', '--workers', '1', '--no-mining', '--quiet']);
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', resolve));
    await waitFor(() => fs.existsSync(path.join(data, '.staging')) && fs.readdirSync(path.join(data, '.staging')).some((e) => e.startsWith('run-')));
    const second = spawnCli(['ingest', file, '--data', data, '--workers', '1', '--no-mining', '--quiet']);
    let stderr = '';
    second.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const secondExit = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect({ code: secondExit, stderr }).toEqual({ code: 1, stderr: `logscope: another logscope ingest (pid ${first.pid}) is writing to ${data}; wait for it or stop it\n` });
    first.stdin.end('2026-11-20T00:00:02Z web-1 app[1]: INFO from stdin\n');
    expect(await firstExit).toBe(0);
    expect(await query(data, 'SELECT message FROM logs')).toEqual([{ message: 'from stdin' }]);
  });
});

describe('ingest pairs racing over a stale lock', () => {
  it('store every line exactly once (a pair of real ingests per kind of stale lock)', async () => {
    const root = tmpDir();
    const file = path.join(root, 'app.log');
    const LINES = 500;
    fs.writeFileSync(file, Array.from({ length: LINES }, (_, i) => `2026-11-20T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z web-1 app[7]: INFO request ${i + 1}\n`).join(''));
    const trials = Array.from({ length: STALE.length }, (_, i) => ({ dataDir: path.join(root, `d${i}`), stale: STALE[i % STALE.length] }));
    const stopSleeper = await leaveStaleLocks(trials);
    const results: string[] = [];
    try {
      for (const { dataDir, stale } of trials) {
        const pair = [0, 1].map(() => spawnCli(['ingest', file, '--data', dataDir, '--input-format', 'syslog', '--workers', '1', '--no-mining', '--quiet']));
        const exits = await Promise.all(pair.map((child) => exitOf(child)));
        // The loser is refused (exit 1) or, had it come after the winner, finds nothing new (exit 0).
        const outcome = exits.map((e) => (e.code === 0 ? 'ok' : /^logscope: another logscope ingest \(pid \d+\) is writing to /.test(e.stderr) ? 'refused' : `failed ${e.code}: ${e.stderr}`));
        const [{ n, lines }] = await query(dataDir, 'SELECT count(*)::INT AS n, count(DISTINCT line)::INT AS lines FROM logs');
        results.push(`${stale}: ${n} rows, ${lines} lines, ${outcome.includes('ok') && outcome.every((o) => o === 'ok' || o === 'refused') ? 'ok' : outcome.join('+')}`);
      }
    } finally {
      stopSleeper();
    }
    expect(results).toEqual(trials.map((t) => `${t.stale}: ${LINES} rows, ${LINES} lines, ok`));
  });
});

/** The exit code and stderr of a child process. */
function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}
