import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { parseCount } from '../config.js';

/** The Redis URL of a cluster command: --redis, else $LOGSCOPE_REDIS (keeps a password out of the process list). */
export function resolveRedisUrl(flag: string | boolean | undefined, env = process.env): string | undefined {
  if (flag === undefined || flag === false) return undefined;
  const url = typeof flag === 'string' ? flag : env.LOGSCOPE_REDIS;
  if (url === undefined || url === '') throw new UsageError('--redis needs a URL (redis://[:PASSWORD@]HOST[:PORT]), or LOGSCOPE_REDIS set to one');
  return url;
}

/** `logscope worker` and `logscope cluster status`. */
export function registerCluster(program: Command): void {
  program
    .command('worker')
    .description('take chunk jobs of cluster ingests (ingest --redis) from Redis: parse them and write their Parquet files into the shared store; runs until stopped (SIGINT/SIGTERM: finishes its jobs first)')
    .option('--redis [url]', 'the Redis of the cluster, redis://[:PASSWORD@]HOST[:PORT][/DB] (default: env LOGSCOPE_REDIS)', true)
    .option('--concurrency <n>', 'chunk jobs at once, one parse thread each (env LOGSCOPE_WORKERS; default: one per core)')
    .option('--stall-timeout <seconds>', 'a job whose worker stops answering (killed, machine down) goes to another worker after this long (env LOGSCOPE_STALL_TIMEOUT; default 30)')
    .option('--max-stalls <n>', 'times a job may lose its worker before it fails and its ingest stops (default 2)')
    .option('-v, --verbose', 'print a line for each job taken and done')
    .action(async (flags: { redis?: string | boolean; concurrency?: string; stallTimeout?: string; maxStalls?: string; verbose?: boolean }) => {
      const { startClusterWorker, describeRedisUrl } = await import('../../cluster/index.js');
      const redisUrl = resolveRedisUrl(flags.redis) as string;
      const concurrency = flags.concurrency ?? process.env.LOGSCOPE_WORKERS;
      const stall = flags.stallTimeout ?? process.env.LOGSCOPE_STALL_TIMEOUT;
      const stallSeconds = stall !== undefined ? Number(stall) : undefined;
      if (stallSeconds !== undefined && !(stallSeconds > 0)) throw new UsageError(`--stall-timeout must be a positive number of seconds, got "${stall}"`);
      const worker = await startClusterWorker({
        redisUrl,
        concurrency: concurrency !== undefined ? parseCount(concurrency, '--concurrency') : undefined,
        stallTimeoutMs: stallSeconds !== undefined ? stallSeconds * 1000 : undefined,
        maxStalls: flags.maxStalls !== undefined ? parseCount(flags.maxStalls, '--max-stalls') : undefined,
        log: flags.verbose === true ? (line) => process.stderr.write(`logscope worker ${process.pid}: ${line}\n`) : undefined,
      });
      process.stderr.write(`logscope worker ${process.pid}: taking chunk jobs from ${describeRedisUrl(redisUrl)}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // Its jobs finish first; a second signal, or Redis gone for 30 s, ends it at once (its jobs go to other workers after the stall timeout).
      const force = () => process.exit(1);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      setTimeout(force, 30_000).unref();
      await worker.close();
    });

  const cluster = program.command('cluster').description('the machines of cluster ingests (ingest --redis, logscope worker)');
  cluster
    .command('status')
    .description('the workers (host, pid, jobs done, lines/s, last seen) and the queue depth')
    .option('--redis [url]', 'the Redis of the cluster (default: env LOGSCOPE_REDIS)', true)
    .option('--json', 'print as JSON')
    .action(async (flags: { redis?: string | boolean; json?: boolean }) => {
      const { readClusterStatus } = await import('../../cluster/index.js');
      const { formatClusterStatus } = await import('../cluster-status.js');
      const status = await readClusterStatus(resolveRedisUrl(flags.redis) as string);
      process.stdout.write(flags.json ? JSON.stringify(status, null, 2) + '\n' : formatClusterStatus(status));
    });
}
