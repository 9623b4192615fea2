/**
 * The env var that kills this process with SIGKILL at a named step of a store rewrite
 * (compaction, prune, the sweep of retired files), for the crash tests: `LOGSCOPE_CRASH_AT=compact:moved`.
 */
export const CRASH_AT_ENV = 'LOGSCOPE_CRASH_AT';

/** Kills this process as `kill -9` would when LOGSCOPE_CRASH_AT names `step`. */
export function crashPoint(step: string): void {
  if (process.env[CRASH_AT_ENV] === step) process.kill(process.pid, 'SIGKILL');
}
