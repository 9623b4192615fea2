import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { spawnCli } from '../helpers.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A real redis-server of the test's own: a temporary directory, a free port, its append-only file on. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it as an operator would (SIGTERM: it writes its append-only file and exits). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
}

/** A password the test Redis requires: nothing logscope prints may contain it. */
export const REDIS_PASSWORD = 'not-to-be-printed-7f3a';

/** Starts redis-server in dir on a free port, with a password; resolves once it accepts connections. */
export async function startRedis(dir: string): Promise<TestRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'no', '--requirepass', REDIS_PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
    const p = proc;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${log}`)), 10_000);
      p.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      p.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${log}`));
      });
    });
  };
  const stop = async () => {
    const p = proc;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  await start();
  return { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:${port}`, port, stop, start };
}

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
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
