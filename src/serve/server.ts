import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { UsageError } from '../errors.js';
import { createApp } from './app.js';
import { hostNeedsToken } from './auth.js';
import { createServeContext, type ServeContext } from './context.js';

/** What {@link startServer} needs. */
export interface ServerOptions {
  dataDir: string;
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any other address needs `token`. */
  host?: string;
  token?: string;
  now?: () => number;
  /** The Redis of a cluster: the Jobs page shows its workers and queue (`serve --redis`). */
  redisUrl?: string;
}

/** A running dashboard. */
export interface RunningServer {
  /** `http://127.0.0.1:7070/` */
  url: string;
  port: number;
  ctx: ServeContext;
  /** Stops accepting, ends open connections, closes the store readers. */
  close(): Promise<void>;
}

/**
 * Starts the dashboard over `dataDir`. Refuses (UsageError) to listen on anything but the
 * loopback interface without a token, and an empty token.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7070;
  if (options.token !== undefined && options.token.trim() === '') throw new UsageError('--token is empty: give a secret of at least 16 characters, or none to serve on 127.0.0.1 only');
  if (options.token !== undefined && options.token.length < 16) throw new UsageError('--token is too short: give a secret of at least 16 characters (e.g. openssl rand -hex 16)');
  if (hostNeedsToken(host) && options.token === undefined) {
    throw new UsageError(`--host ${host} would let other machines read the logs: give --token T (or set LOGSCOPE_TOKEN) and every request must present it, or serve on 127.0.0.1`);
  }
  const ctx = createServeContext({ dataDir: options.dataDir, token: options.token, now: options.now, redisUrl: options.redisUrl });
  // Open a reader now, not on the first page asked for (no store yet: the pages say so when asked).
  ctx.span().catch(() => undefined);
  const app = createApp(ctx);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new UsageError(`port ${port} on ${host} is already in use: pass another --port (0 picks a free one)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new UsageError(`cannot listen on --host ${host}: no such address on this machine`));
      else reject(err);
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${actual}/`,
    port: actual,
    ctx,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await ctx.close();
    },
  };
}

/**
 * Serves until SIGINT (Ctrl-C) or SIGTERM, then closes cleanly. Prints the URL on a line of
 * its own.
 */
export async function serveUntilStopped(options: ServerOptions, out: (line: string) => void = (l) => void process.stdout.write(`${l}\n`)): Promise<void> {
  const running = await startServer(options);
  out(`logscope dashboard over ${running.ctx.dataDir}${options.token !== undefined ? ' (token required)' : ''}; Ctrl-C stops it`);
  out(running.url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('\nlogscope serve: stopping\n');
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
