import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Job, Queue } from 'bullmq';
import { InputError } from '../errors.js';
import type { ChunkResult, ChunkTask, WorkerActivity, WorkerPool } from '../ingest/index.js';
import { type ChunkJobData, type ChunkJobResult, CLUSTER_DIR, countFileLines, countLines, createJobKey, describeRange, jobDir } from './chunk-job.js';
import { connectRedis, QUEUE_NAME } from './redis.js';

/** Options of {@link createClusterPool}. */
export interface ClusterPoolOptions {
  redisUrl: string;
  /** The store (absolute path, shared with the workers). */
  dataDir: string;
  /** Jobs queued or running at once is twice this (default 64: 128 chunks in flight, enough to keep 128 worker threads busy). */
  window?: number;
  /** Tries of a job whose worker threw, before the run stops (default 3). */
  attempts?: number;
  /** How often the coordinator looks at its jobs (default 100 ms). */
  pollMs?: number;
  /** Told once per quiet spell when no job has finished for `quietMs` (default 30 s) while jobs wait: are workers running? */
  onQuiet?: (message: string) => void;
  quietMs?: number;
}

interface Pending {
  id: string;
  data: ChunkJobData;
  since: number;
  /** The chunk as the user knows it: a byte range of the file, or the size of a chunk of stdin or of a .gz. */
  where: string;
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
}

/**
 * The chunk runner of `ingest --redis`: in place of the local worker threads, each chunk task
 * becomes a BullMQ job keyed by its content (see createJobKey), taken by `logscope worker`s on
 * any machine. The ingest around it plans, orders and commits exactly as a local one.
 */
export async function createClusterPool(options: ClusterPoolOptions): Promise<WorkerPool> {
  const dataDir = path.resolve(options.dataDir);
  const redis = connectRedis(options.redisUrl);
  const queue = new Queue<ChunkJobData, ChunkJobResult>(QUEUE_NAME, { connection: redis });
  queue.on('error', () => undefined);
  const attempts = options.attempts ?? 3;
  const pending = new Map<string, Pending>();
  const taken: string[] = [];
  /** Per source name: the line number after the chunks planned so far. */
  const nextLine = new Map<string, number>();
  const fingerprints = new Map<string, string>();
  let closed = false;
  let lastDone = Date.now();
  let warned = false;

  const fingerprintOf = (file: string): string => {
    let fp = fingerprints.get(file);
    if (fp === undefined) {
      const fd = fs.openSync(file, 'r');
      try {
        const head = Buffer.alloc(1024);
        const n = fs.readSync(fd, head, 0, head.length, 0);
        fp = `${createHash('sha256').update(head.subarray(0, n)).digest('hex')}:${fs.fstatSync(fd).size}`;
      } finally {
        fs.closeSync(fd);
      }
      fingerprints.set(file, fp);
    }
    return fp;
  };

  /** Bytes carried with a task (stdin, .gz) are spooled into the store, where every worker reads them. */
  const spool = (task: ChunkTask): ChunkTask => {
    if (task.input.kind === 'file') return task;
    const data = task.input.data;
    const file = path.join(dataDir, CLUSTER_DIR, 'spool', `${createHash('sha256').update(data).digest('hex').slice(0, 32)}.bytes`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.tmp`, data);
      fs.renameSync(`${file}.tmp`, file);
    }
    return { ...task, input: { kind: 'file', path: file, start: 0, end: data.byteLength } };
  };

  const settle = async (p: Pending, job: Job<ChunkJobData, ChunkJobResult>, state: string): Promise<boolean> => {
    if (state === 'completed') {
      const r = job.returnvalue;
      if (r.parquet.some((f) => !fs.existsSync(f.path))) {
        // Its files went with an earlier run's commit or cleanup: parse it again.
        await job.remove();
        await enqueue(p.data);
        return false;
      }
      pending.delete(p.id);
      taken.push(p.id);
      lastDone = Date.now();
      warned = false;
      await job.remove().catch(() => undefined);
      p.resolve({ seq: p.data.task.seq, counts: r.counts, bytes: r.bytes, dayFiles: [], unparsedRows: r.unparsedRows, signatures: r.signatures, parquet: r.parquet });
      return true;
    }
    if (state === 'failed') {
      pending.delete(p.id);
      const task = p.data.task;
      const file = task.source ?? (task.input.kind === 'file' ? task.input.path : 'stdin');
      p.reject(
        new InputError(
          file,
          `the chunk of ${p.where} failed on the cluster's workers, its retries used up (${job.failedReason}); the run stopped: nothing of its batch was stored (run the ingest again once the cause is fixed; \`logscope cluster status\` shows the workers)`,
        ),
      );
      // Left in the queue no more: a re-run enqueues it afresh.
      await job.remove().catch(() => undefined);
      return true;
    }
    return false;
  };

  const enqueue = async (data: ChunkJobData) => {
    await queue.add('chunk', data, { jobId: data.key, attempts, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: false, removeOnFail: false });
  };

  /**
   * One round trip per round for every job in flight (`finishedOn` and `timestamp` of each job's
   * hash); only a job that finished, or is gone, is read in full.
   */
  const poll = async () => {
    while (!closed) {
      const round = [...pending.values()];
      try {
        const batch = redis.pipeline();
        for (const p of round) batch.hmget(queue.toKey(p.id), 'finishedOn', 'timestamp');
        const answers = (await batch.exec()) ?? [];
        for (const [i, p] of round.entries()) {
          if (closed) return;
          const [err, fields] = answers[i] ?? [null, null];
          const [finishedOn, timestamp] = (err === null ? fields : [null, 'unknown']) as [string | null, string | null];
          if (timestamp === null) {
            // Gone (removed by hand, or an old run's cleanup): queue it again.
            await enqueue(p.data);
            continue;
          }
          if (finishedOn === null) continue;
          const job = await Job.fromId<ChunkJobData, ChunkJobResult>(queue, p.id);
          if (job !== undefined) await settle(p, job, await job.getState());
        }
      } catch {
        // Redis away (restarting): the connection waits for it; try again next round.
        if (closed) return;
      }
      const quietMs = options.quietMs ?? 30_000;
      if (!warned && pending.size > 0 && Date.now() - lastDone > quietMs) {
        warned = true;
        options.onQuiet?.(`no chunk job has finished for ${Math.round(quietMs / 1000)} s (${pending.size} waiting): are workers running? Start them with \`logscope worker --redis URL\`; \`logscope cluster status --redis URL\` lists them`);
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
    }
  };

  const size = Math.max(1, options.window ?? 64);
  let polling: Promise<void> | undefined;

  return {
    size,
    async run(input: ChunkTask): Promise<ChunkResult> {
      const task = spool(input);
      if (task.input.kind !== 'file') throw new Error('unreachable: a spooled chunk is a file range');
      const source = task.source ?? task.input.path;
      const base = nextLine.get(source) ?? input.linesBefore ?? 0;
      const lines = input.input.kind === 'bytes' ? countLines(input.input.data) : countFileLines(task.input.path, task.input.start, task.input.end);
      nextLine.set(source, base + lines);
      const formatLabel = task.format.label ?? task.format.name;
      const partial = { task: { ...task, stagingDir: '' }, formatLabel, base, dataDir };
      const key = createJobKey(fingerprintOf(task.input.path), partial);
      const data: ChunkJobData = { ...partial, key, lines };
      const result = new Promise<ChunkResult>((resolve, reject) => pending.set(key, { id: key, data, since: Date.now(), where: describeRange(input), resolve, reject }));
      const old = await Job.fromId<ChunkJobData, ChunkJobResult>(queue, key);
      // A job of this key left by an earlier run: taken as it is when done, queued again when it failed.
      if (old !== undefined && (await old.getState()) === 'failed') await old.remove();
      if (old === undefined || !(await old.isCompleted())) await enqueue(data);
      polling ??= poll();
      return result;
    },
    activity(): WorkerActivity[] {
      return [...pending.values()].map((p, i) => {
        const input = p.data.task.input;
        const range = input.kind === 'file' ? { start: input.start, end: input.end, bytes: input.end - input.start } : { bytes: input.data.byteLength };
        return { worker: i, chunk: { source: p.data.task.source ?? 'stdin', ...range, since: p.since }, chunksDone: 0, linesDone: 0 };
      });
    },
    async close() {
      closed = true;
      await polling;
      // The jobs taken were committed or belong to a batch that failed: their files are not needed.
      for (const id of taken) fs.rmSync(jobDir(dataDir, id), { recursive: true, force: true });
      // Half-written directories of workers killed mid-job (`<key>.tmp-<host>-<pid>`), unless their job is still running.
      const dir = path.join(dataDir, CLUSTER_DIR);
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const key = /^(c[0-9a-f]{32})\.tmp-/.exec(name)?.[1];
        if (key !== undefined && !pending.has(key)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      }
      fs.rmSync(path.join(dataDir, CLUSTER_DIR, 'spool'), { recursive: true, force: true });
      await queue.close();
      redis.disconnect();
    },
  };
}
