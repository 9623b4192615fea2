import type { Rng } from './rng.js';

/** The level words a syslog line can carry, in order of severity. */
export const LEVELS = ['DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;

/** Index into {@link LEVELS}. */
export type LevelIndex = 0 | 1 | 2 | 3 | 4 | 5;

export const DEBUG: LevelIndex = 0;
export const INFO: LevelIndex = 1;
export const NOTICE: LevelIndex = 2;
export const WARN: LevelIndex = 3;
export const ERROR: LevelIndex = 4;
export const FATAL: LevelIndex = 5;

/** Baseline rolls at or above this are ERROR or FATAL. */
const ERROR_ROLL = 0.98;

/** Share of baseline lines at ERROR or FATAL. */
export const BASELINE_ERROR_SHARE = 1 - ERROR_ROLL;

/**
 * Maps a uniform roll in [0, 1) to a baseline level: 4% DEBUG, 83% INFO,
 * 2% NOTICE, 9% WARN, 1.9% ERROR, 0.1% FATAL.
 */
export function pickBaselineLevel(roll: number): LevelIndex {
  if (roll < 0.87) return roll < 0.04 ? DEBUG : INFO;
  if (roll < ERROR_ROLL) return roll < 0.89 ? NOTICE : WARN;
  return roll < 0.999 ? ERROR : FATAL;
}

/** The services running in the synthetic fleet. */
export type ServiceName =
  | 'nginx'
  | 'api'
  | 'auth'
  | 'billing'
  | 'postgres'
  | 'redis'
  | 'worker'
  | 'cron';

/** One process writing logs: a service on a host, with a pid that never changes. */
export interface LogStream {
  readonly host: string;
  readonly service: ServiceName;
  readonly pid: number;
  /** Share of baseline traffic, relative to the other streams. */
  readonly weight: number;
}

const STREAM_SPECS: ReadonlyArray<readonly [host: string, service: ServiceName, weight: number]> = [
  ['web-01', 'nginx', 10],
  ['web-02', 'nginx', 10],
  ['web-03', 'nginx', 10],
  ['web-04', 'nginx', 10],
  ['web-01', 'api', 6],
  ['web-02', 'api', 6],
  ['web-03', 'api', 6],
  ['web-04', 'api', 6],
  ['web-01', 'auth', 2.5],
  ['web-02', 'auth', 2.5],
  ['web-03', 'billing', 1.5],
  ['web-04', 'billing', 1.5],
  ['db-01', 'postgres', 4],
  ['db-02', 'postgres', 2],
  ['cache-01', 'redis', 1.5],
  ['worker-01', 'worker', 3],
  ['worker-02', 'worker', 3],
  ['web-01', 'cron', 0.2],
  ['db-01', 'cron', 0.2],
  ['worker-01', 'cron', 0.2],
];

/** The fleet's streams and a fast weighted pick among them. */
export interface Fleet {
  readonly streams: readonly LogStream[];
  /** Picks a stream in proportion to its weight. */
  pickStream(rng: Rng): LogStream;
}

const PICK_TABLE_SIZE = 4096;

/** Creates the fleet, drawing one pid per stream from `rng`. */
export function createFleet(rng: Rng): Fleet {
  const usedPids = new Set<number>();
  const streams = STREAM_SPECS.map(([host, service, weight]): LogStream => {
    let pid = rng.int(300, 32_000);
    while (usedPids.has(pid)) pid = rng.int(300, 32_000);
    usedPids.add(pid);
    return { host, service, pid, weight };
  });

  // A lookup table quantised to 1/4096 turns the weighted pick into one index.
  const total = streams.reduce((sum, s) => sum + s.weight, 0);
  const table: LogStream[] = [];
  let cumulative = 0;
  for (const stream of streams) {
    cumulative += stream.weight;
    const until = Math.round((cumulative / total) * PICK_TABLE_SIZE);
    while (table.length < until) table.push(stream);
  }
  return {
    streams,
    pickStream: (r) => table[Math.floor(r.next() * PICK_TABLE_SIZE)],
  };
}
