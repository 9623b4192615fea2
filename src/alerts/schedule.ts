import { Cron } from 'croner';
import type { AlertRule } from '../config/index.js';
import type { Firing } from './firing.js';

/**
 * The time as alerts see it. Everything that waits or reads the time takes one, so that tests
 * of schedules run in milliseconds with a clock that jumps.
 */
export interface Clock {
  /** ms since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};

/** A rule's cron schedule, read in the rule's zone (croner). */
export interface RuleSchedule {
  /** The first scheduled time strictly after `ms`, or null when there is none. */
  next(ms: number): number | null;
  /** The last scheduled time at or before `ms`, or null. */
  latest(ms: number): number | null;
  /** Every scheduled time in [from, to], ascending. */
  between(from: number, to: number): number[];
}

/** The schedule of a rule (its cron expression was checked when the config loaded). */
export function createRuleSchedule(rule: Pick<AlertRule, 'schedule' | 'timezone'>): RuleSchedule {
  const cron = new Cron(rule.schedule, { paused: true, timezone: rule.timezone });
  const next = (ms: number) => cron.nextRun(new Date(ms))?.getTime() ?? null;
  return {
    next,
    latest: (ms) => cron.previousRuns(1, new Date(ms + 1))[0]?.getTime() ?? null,
    between(from, to) {
      const times: number[] = [];
      for (let t = next(from - 1); t !== null && t <= to; t = next(t)) times.push(t);
      return times;
    },
  };
}

/**
 * Where firings go: the outbox, which stores them before any send is tried, de-duplicates by
 * key, groups by the rule's cool-down and sends. `enqueue` resolves when the firings are stored
 * and the sends it started have finished (or failed and wait for a retry).
 */
export interface AlertSink {
  enqueue(rule: AlertRule, firings: readonly Firing[]): Promise<void>;
  /** Sends what has come due without a new firing: retries after back-off, groups at the end of a cool-down. */
  flush?(): Promise<void>;
}
