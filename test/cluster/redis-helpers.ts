import type { ChildProcess } from 'node:child_process';
import { spawnCli } from '../helpers.js';

export { REDIS_PASSWORD, startRedis, type TestRedis } from '../../bench/redis-server.js';

/** A `logscope worker` process. */
export interface TestWorker {
  proc: ChildProcess;
  pid: number;
  stderr: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `logscope worker --redis url` with one job at a time and a short stall timeout. */
export function startWorker(url: string, env: Record<string, string> = {}, args: string[] = []): TestWorker {
  const proc = spawnCli(['worker', '--redis', url, '--concurrency', '1', '--stall-timeout', '1.5', ...args], env);
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, pid: proc.pid as number, stderr: () => err, exited };
}

/** Waits until check() is true, polling; fails with what after deadlineMs. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
