import { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';

/** The BullMQ queue of chunk jobs. One queue serves every store: a job names its data directory. */
export const QUEUE_NAME = 'logscope-ingest';
/** The Redis hash of worker heartbeats (field: `host:pid`, value: JSON of WorkerBeat). */
export const WORKERS_KEY = 'logscope:cluster:workers';

/**
 * A Redis URL as it may be printed: its password replaced by `***`.
 * @example describeRedisUrl('redis://:s3cret@db:6379/0') // 'redis://:***@db:6379/0'
 */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an unreadable Redis URL)';
  }
}

/** Checks a --redis value: redis:// or rediss:// with a host. A ConfigError (password masked) otherwise. */
export function assertRedisUrl(url: string): string {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (u === undefined || !/^rediss?:$/.test(u.protocol) || u.hostname === '') {
    throw new ConfigError(`--redis ${describeRedisUrl(url)}: not a Redis URL; write redis://[:PASSWORD@]HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379`);
  }
  return url;
}

/**
 * A connection for BullMQ: commands wait (never fail) while Redis is away, and it reconnects
 * for as long as it takes — a Redis restarted mid-run is waited for, not an error.
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(assertRedisUrl(url), {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  // Reconnection is automatic; an 'error' event without a listener would end the process.
  redis.on('error', () => undefined);
  return redis;
}
