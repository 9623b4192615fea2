import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { parseCount, resolveConfig, resolveDataDir } from '../config.js';
import { resolveRedisUrl } from './cluster.js';

interface ServeFlags {
  data?: string;
  config?: string;
  port: string;
  host: string;
  token?: string;
  redis?: string | boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('the dashboard: overview, anomalies, logs, patterns, SQL and jobs in a browser, with a JSON API')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--port <port>', 'TCP port (0: any free port)', '7070')
    .option('--host <address>', 'address to listen on; anything but 127.0.0.1/::1/localhost needs --token', '127.0.0.1')
    .option('--token <secret>', 'require this secret on every request (Authorization: Bearer, or the login form); env LOGSCOPE_TOKEN')
    .option('--redis [url]', "show a cluster's workers and queue on the Jobs page (default: env LOGSCOPE_REDIS)")
    .action(async (flags: ServeFlags) => {
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      await (await import('../../serve/index.js')).serveUntilStopped({
        dataDir: resolveDataDir(flags.data, config),
        port: parsePort(flags.port),
        host: flags.host,
        token: flags.token ?? (process.env.LOGSCOPE_TOKEN || undefined),
        redisUrl: resolveRedisUrl(flags.redis),
      });
    });
}

/** A TCP port: 0 to 65535. */
export function parsePort(text: string): number {
  if (text.trim() === '0') return 0;
  const port = parseCount(text, '--port');
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got "${text}"`);
  return port;
}
