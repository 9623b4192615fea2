import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, InputError } from '../errors.js';
import type { ChunkResult, ChunkTask } from './task.js';

/** A fixed pool of parse workers. */
export interface WorkerPool {
  readonly size: number;
  run(task: ChunkTask): Promise<ChunkResult>;
  /** What each worker is doing now and has done so far, one entry per worker slot. */
  activity(): WorkerActivity[];
  close(): Promise<void>;
}

/** One worker's activity: the chunk it is parsing (null when idle) and the lines of the chunks it finished. */
export interface WorkerActivity {
  /** The worker's slot, 0-based; a worker replaced after a chunk timeout keeps its slot. */
  worker: number;
  /** The chunk being parsed: its source, its byte range in a file (undefined for bytes carried with the task), its size, since when (ms since the epoch). */
  chunk: { source: string; start?: number; end?: number; bytes: number; since: number } | null;
  chunksDone: number;
  linesDone: number;
}

/**
 * The compiled worker script. Under the test runner this module is TypeScript in
 * `src/`; workers need JavaScript, so they run the build in `dist/src/`.
 */
function workerScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace('/src/ingest/pool.ts', '/dist/src/ingest/worker.js'));
  return new URL('./worker.js', here);
}

interface Job {
  task: ChunkTask;
  resolve: (r: ChunkResult) => void;
  reject: (e: Error) => void;
  /** The chunk timeout, armed when the task is handed to a worker. */
  timer?: NodeJS.Timeout;
}

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * The longest one worker may spend on a chunk of up to 8 MiB (a larger chunk gets as much
   * more as it is larger): past it the worker is stopped (a regex stuck backtracking cannot be
   * interrupted any other way), its task fails with a ConfigError naming the chunk's file and
   * patterns, and a fresh worker takes its place.
   * Default: $LOGSCOPE_CHUNK_TIMEOUT seconds, else {@link DEFAULT_CHUNK_TIMEOUT_S}.
   */
  chunkTimeoutMs?: number;
}

/** Seconds a worker may spend on an 8 MiB chunk by default: it takes well under 2 s. */
export const DEFAULT_CHUNK_TIMEOUT_S = 60;
const TIMEOUT_CHUNK_BYTES = 8 << 20;

/** The chunk timeout from $LOGSCOPE_CHUNK_TIMEOUT (seconds, decimals allowed), or the default. */
export function resolveChunkTimeoutMs(env = process.env): number {
  const v = env.LOGSCOPE_CHUNK_TIMEOUT;
  if (v === undefined || v === '') return DEFAULT_CHUNK_TIMEOUT_S * 1000;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new ConfigError(`LOGSCOPE_CHUNK_TIMEOUT must be a positive number of seconds, got "${v}"`);
  return s * 1000;
}

/** A worker's answer to a task: its result, or what its error was. */
interface WorkerAnswer {
  ok: boolean;
  result?: ChunkResult;
  error?: string;
  code?: string;
  path?: string;
}

/**
 * The error a worker reported, rebuilt as what was thrown (errors lose their class crossing
 * threads): a ConfigError, an InputError naming its file, or an Error keeping the errno code
 * and path of a failed file operation (ENOSPC, ENOENT), which the ingest turns into its message.
 */
function reviveError(msg: WorkerAnswer): Error {
  const message = msg.error ?? 'worker failed';
  if (msg.code === 'E_CONFIG') return new ConfigError(message);
  if (msg.code === 'E_INPUT' && msg.path !== undefined) {
    // The message already starts with the path, which InputError adds again.
    const prefix = `${msg.path}: `;
    return new InputError(msg.path, message.startsWith(prefix) ? message.slice(prefix.length) : message);
  }
  return Object.assign(new Error(message), { code: msg.code, path: msg.path });
}

/** A pool of up to `size` worker threads, each started when a task first finds no idle one. */
export function createWorkerPool(size: number, options: WorkerPoolOptions = {}): WorkerPool {
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const slots = new Map<Worker, WorkerActivity>();
  const activity: WorkerActivity[] = [];
  let closed = false;
  const script = workerScript();
  let failure: Error | undefined;
  let timeoutMs = 0;
  try {
    timeoutMs = options.chunkTimeoutMs ?? resolveChunkTimeoutMs();
  } catch (err) {
    // Reported by run(), so that the caller's cleanup (close the store) runs as for any failure.
    failure = err as Error;
  }

  // Every worker the pool may start has its slot from the start (an idle one before it starts).
  for (let i = 0; i < size; i++) activity.push({ worker: i, chunk: null, chunksDone: 0, linesDone: 0 });
  let started = 0;
  const spawn = (slot: WorkerActivity = activity[started++]) => {
    const w = new Worker(fileURLToPath(script));
    slot.chunk = null;
    slots.set(w, slot);
    w.on('message', (msg: WorkerAnswer) => {
      const job = busy.get(w);
      if (job === undefined) return;
      clearTimeout(job.timer);
      busy.delete(w);
      slot.chunk = null;
      if (msg.ok && msg.result) {
        slot.chunksDone++;
        slot.linesDone += msg.result.counts.lines;
      }
      idle.push(w);
      if (msg.ok && msg.result) job.resolve(msg.result);
      else job.reject(reviveError(msg));
      pump();
    });
    w.on('error', (err) => {
      failure = err;
      const job = busy.get(w);
      busy.delete(w);
      if (job !== undefined) clearTimeout(job.timer);
      job?.reject(err);
      for (const j of queue.splice(0)) j.reject(err);
    });
    idle.push(w);
  };

  const expire = (w: Worker, job: Job, message: string) => {
    if (busy.get(w) !== job) return;
    busy.delete(w);
    void w.terminate();
    job.reject(new ConfigError(message));
    const slot = slots.get(w);
    slots.delete(w);
    if (!closed) {
      spawn(slot);
      pump();
    }
  };

  const pump = () => {
    // Workers start as work arrives: a small input that makes one chunk starts one thread.
    while (idle.length < queue.length && started < size) spawn();
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop() as Worker;
      const job = queue.shift() as Job;
      busy.set(w, job);
      const input = job.task.input;
      const bytes = input.kind === 'file' ? input.end - input.start : input.data.byteLength;
      const ms = timeoutMs * Math.max(1, bytes / TIMEOUT_CHUNK_BYTES);
      job.timer = setTimeout(() => expire(w, job, describeTimeout(job.task, ms, bytes)), ms);
      const slot = slots.get(w);
      if (slot !== undefined) {
        slot.chunk = input.kind === 'file' ? { source: input.path, start: input.start, end: input.end, bytes, since: Date.now() } : { source: job.task.source ?? 'stdin', bytes, since: Date.now() };
      }
      const transfer = job.task.input.kind === 'bytes' ? [job.task.input.data.buffer as ArrayBuffer] : [];
      w.postMessage(job.task, transfer);
    }
  };

  return {
    size,
    run(task) {
      if (closed) return Promise.reject(new Error('worker pool is closed'));
      if (failure) return Promise.reject(failure);
      return new Promise<ChunkResult>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    activity() {
      return activity.map((a) => ({ ...a, chunk: a.chunk === null ? null : { ...a.chunk } }));
    },
    async close() {
      closed = true;
      for (const job of busy.values()) clearTimeout(job.timer);
      const all = [...idle, ...busy.keys()];
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

/** Why a chunk timed out, naming its source and the user regexes it ran. */
function describeTimeout(task: ChunkTask, timeoutMs: number, bytes: number): string {
  const seconds = `${Math.round(timeoutMs) / 1000} s`;
  const input = task.input;
  const where = input.kind === 'file' ? `${input.path} (the chunk of bytes ${input.start}-${input.end})` : `${task.source ?? 'stdin or a .gz file'} (a chunk of ${bytes} bytes)`;
  const options = task.format.options;
  const format = task.format.label ?? task.format.name;
  const regexes = [
    ...(options.pattern !== undefined ? [`pattern ${JSON.stringify(options.pattern)} (format ${format})`] : []),
    ...(options.template !== undefined ? [`template ${JSON.stringify(options.template)} (format ${format})`] : []),
    ...(task.mining?.masks ?? []).map((m) => `mining mask ${JSON.stringify(m)}`),
  ];
  if (regexes.length === 0) return `parsing ${where} as ${format} took over ${seconds}; if the machine is that busy, set LOGSCOPE_CHUNK_TIMEOUT to more seconds`;
  return `${regexes.join(' or ')} took over ${seconds} on ${where}: it backtracks catastrophically on these lines; simplify it (or set LOGSCOPE_CHUNK_TIMEOUT to more seconds)`;
}

/** Chunk tasks in flight on a pool, their results taken in the order the tasks were given. */
export interface OrderedRunner<C> {
  /** Starts a task; waits while `depth` tasks are in flight, taking the oldest result first. */
  submit(task: ChunkTask, context: C): Promise<void>;
  /** Takes every result still in flight. */
  drain(): Promise<void>;
}

/**
 * Keeps a pool busy without letting results pile up: at most `depth` tasks in flight (two per
 * worker keeps each one fed), each result handed to `take` with the context it was submitted
 * with, in submission order, so a source's chunks are accounted in file order.
 */
export function createOrderedRunner<C>(pool: WorkerPool, take: (result: ChunkResult, context: C) => Promise<void> | void, depth = pool.size * 2): OrderedRunner<C> {
  const pending: Array<{ context: C; promise: Promise<ChunkResult> }> = [];
  const takeOldest = async () => {
    const { context, promise } = pending.shift() as (typeof pending)[number];
    await take(await promise, context);
  };
  return {
    async submit(task, context) {
      const promise = pool.run(task);
      // Rejections are taken in order by takeOldest; until then they must not count as unhandled.
      promise.catch(() => undefined);
      pending.push({ context, promise });
      while (pending.length >= depth) await takeOldest();
    },
    async drain() {
      while (pending.length > 0) await takeOldest();
    },
  };
}
