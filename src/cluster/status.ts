import { Queue } from 'bullmq';
import { connectRedis, describeRedisUrl as describe, QUEUE_NAME, WORKERS_KEY } from './redis.js';
import type { WorkerBeat } from './worker.js';

/** What `cluster status` and the dashboard's Jobs page show of a cluster. */
export interface ClusterStatus {
  /** The Redis URL with its password masked. */
  redis: string;
  /** Each worker's last heartbeat, its age, and whether it is so old that the worker is likely gone. */
  workers: Array<WorkerBeat & { ageMs: number; gone: boolean }>;
  queue: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  /** When this was read (ms since the epoch). */
  at: number;
}

/** Workers silent for longer than this are listed as gone (a worker beats every 2 s). */
export const WORKER_GONE_MS = 30_000;

/** Reads the workers' heartbeats and the queue's depth from Redis (waits while Redis is away, up to timeoutMs). */
export async function readClusterStatus(redisUrl: string, options: { now?: () => number; timeoutMs?: number } = {}): Promise<ClusterStatus> {
  const redis = connectRedis(redisUrl);
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', () => undefined);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = async () => {
      const beats = await redis.hgetall(WORKERS_KEY);
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
      return { beats, counts };
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis at ${describe(redisUrl)} within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const { beats, counts } = await Promise.race([read(), timeout]);
    const now = (options.now ?? Date.now)();
    const workers = Object.values(beats)
      .map((v) => JSON.parse(v) as WorkerBeat)
      .map((b) => ({ ...b, ageMs: now - b.lastSeen, gone: now - b.lastSeen > WORKER_GONE_MS }))
      .sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
    return {
      redis: describe(redisUrl),
      workers,
      queue: { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, completed: counts.completed ?? 0 },
      at: now,
    };
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
