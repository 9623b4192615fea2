/**
 * A real redis-server for the cluster's tests and bench (`test/cluster`, `bench/cluster.ts`):
 * Debian's `redis-server` in a temporary directory, on a free port, its append-only file on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

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
  /** The server's pid (undefined while stopped). */
  pid(): number | undefined;
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
  return { url: `redis://:${REDIS_PASSWORD}@127.0.0.1:${port}`, port, pid: () => (proc?.exitCode === null ? proc.pid : undefined), stop, start };
}
