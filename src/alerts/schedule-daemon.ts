import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertRule } from '../config/index.js';
import { evaluateRule, type RuleEvaluation } from './evaluate.js';
import { createRuleSchedule, systemClock, type AlertSink, type Clock } from './schedule.js';

/** Options of {@link runDaemon}. */
export interface DaemonOptions {
  /** The rules to run, enabled or not (the CLI passes the enabled ones, or those named with --rule). */
  rules: readonly AlertRule[];
  /**
   * Opens the store for one tick and gives its connection and a close function. A fresh reader
   * per tick sees what was ingested since the last one.
   */
  openStore: () => Promise<{ connection: DuckDBConnection; close(): void; span?: { max: number } | null }>;
  sink: AlertSink;
  /** Stops the daemon: a tick under way (evaluation and send) finishes first. */
  signal: AbortSignal;
  clock?: Clock;
  /** After each rule's evaluation at a tick (for logging). */
  onEvaluation?: (evaluation: RuleEvaluation) => void;
  /** When a tick fails as a whole (the store cannot be opened, the sink throws): logged, and the daemon goes on. */
  onError?: (err: unknown, at: number) => void;
  /** Between scheduled times, how often the sink's `flush` runs (retries, cool-downs ending). Default 30 s. */
  flushEveryMs?: number;
}

/** What the daemon did before it stopped. */
export interface DaemonSummary {
  ticks: number;
  evaluations: number;
  firings: number;
}

/**
 * Runs the rules' schedules until `signal` aborts: sleeps (on `clock`) until the next scheduled
 * time of any rule, evaluates the rules due then as of that time, and hands their firings to
 * the sink. An abort during a tick lets it finish, evaluation and send, then returns; an abort
 * while sleeping returns at once. A tick that overruns the next scheduled times skips them (the
 * next tick evaluates the recent window anyway), as Grafana's scheduler does.
 */
export async function runDaemon(options: DaemonOptions): Promise<DaemonSummary> {
  const clock = options.clock ?? systemClock;
  const schedules = options.rules.map((rule) => ({ rule, schedule: createRuleSchedule(rule) }));
  const summary: DaemonSummary = { ticks: 0, evaluations: 0, firings: 0 };
  const flushEveryMs = options.flushEveryMs ?? 30_000;
  let after = clock.now();
  while (!options.signal.aborted && schedules.length > 0) {
    const nexts = schedules.map((s) => ({ ...s, at: s.schedule.next(after) }));
    const at = Math.min(...nexts.map((n) => n.at ?? Infinity));
    if (!Number.isFinite(at)) break;
    // Sleep until the scheduled time, waking to flush the sink (retries, cool-downs) meanwhile.
    for (let wait = at - clock.now(); wait > 0 && !options.signal.aborted; wait = at - clock.now()) {
      await clock.sleep(options.sink.flush === undefined ? wait : Math.min(wait, flushEveryMs), options.signal);
      if (options.signal.aborted || options.sink.flush === undefined || clock.now() >= at) continue;
      try {
        await options.sink.flush();
      } catch (err) {
        options.onError?.(err, clock.now());
      }
    }
    if (options.signal.aborted) break;
    const due = nexts.filter((n) => n.at === at).map((n) => n.rule);
    summary.ticks++;
    try {
      const store = await options.openStore();
      try {
        for (const rule of due) {
          const evaluation = await evaluateRule(store.connection, rule, at, store.span != null ? { dataEnd: store.span.max } : {});
          summary.evaluations++;
          summary.firings += evaluation.firings.length;
          options.onEvaluation?.(evaluation);
          if (evaluation.firings.length > 0) await options.sink.enqueue(rule, evaluation.firings);
        }
      } finally {
        store.close();
      }
    } catch (err) {
      options.onError?.(err, at);
    }
    after = Math.max(at, clock.now());
  }
  return summary;
}

/**
 * Aborts `controller` on SIGTERM and SIGINT (the daemon then finishes its tick and returns);
 * gives back the function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  const handler = () => controller.abort();
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
