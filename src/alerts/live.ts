import type { AlertRule } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { openStoreReader } from '../store/index.js';
import { durationMs } from './evaluate-common.js';
import { evaluateRules, type RuleEvaluation } from './evaluate.js';
import type { AlertDelivery } from './outbox-delivery.js';

const DAY_MS = 86_400_000;

/**
 * How far back a rule reads at most, so that a live evaluation opens only the files that can
 * matter: an error-rate rule follows an episode back a day at most, an anomaly rule a day plus
 * its baseline (a seasonal one compares with the same time on earlier days: a week). An `sql`
 * rule may read anything: no limit.
 */
export function ruleHorizonMs(rule: AlertRule): number {
  switch (rule.kind) {
    case 'error_rate':
      return DAY_MS + 2 * durationMs(rule.window);
    case 'anomaly':
      return 8 * DAY_MS + durationMs(rule.lookback) + (rule.window + 40) * durationMs(rule.bucket);
    case 'new_pattern':
      return DAY_MS + durationMs(rule.window);
    case 'sql':
    case 'digest':
      return Infinity;
  }
}

/** The rules a watcher runs after each batch: enabled ones; digests keep their schedule. */
export function liveRules(rules: readonly AlertRule[]): AlertRule[] {
  return rules.filter((r) => r.enabled && r.kind !== 'digest');
}

/** Options of {@link createLiveAlerts}. */
export interface LiveAlertsOptions {
  dataDir: string;
  rules: readonly AlertRule[];
  /** The outbox and mailer (see openAlertDelivery): de-duplication by key, cool-down, retries. */
  delivery: AlertDelivery;
  now?: () => number;
  /** Told of each rule evaluated. */
  onEvaluation?: (evaluation: RuleEvaluation) => void;
  /** Told of a failure to store or send (no SMTP configured, server down): the watcher goes on. */
  onError?: (err: unknown) => void;
}

/** Alert rules run as data arrives: {@link LiveAlerts.afterBatch} after each committed batch. */
export interface LiveAlerts {
  /**
   * Evaluates the rules now over the recent files only and hands their firings to the outbox,
   * which sends each firing's key once (the next batch's evaluation of the same episode has the
   * same key) and keeps each rule's cool-down. Batches committed while an evaluation runs are
   * evaluated together by one more run after it: the watcher never waits for the rules, and
   * evaluations do not pile up. Resolves when the evaluation is started or queued.
   */
  afterBatch(): void;
  /** Sends what fell due since (retries after a failed send, groups at the end of a cool-down), at most once a minute. */
  flushDue(): Promise<void>;
  /** Resolves when no evaluation runs or waits (before the watcher stops). */
  idle(): Promise<void>;
}

const FLUSH_EVERY_MS = 60_000;

export function createLiveAlerts(options: LiveAlertsOptions): LiveAlerts {
  const now = options.now ?? (() => Date.now());
  const rules = liveRules(options.rules);
  const horizon = Math.max(0, ...rules.map(ruleHorizonMs));
  let lastFlush = now();
  let running: Promise<void> | undefined;
  let again = false;
  const report = (err: unknown) => {
    if (options.onError === undefined) throw err;
    options.onError(err);
  };
  const evaluate = async () => {
    const at = now();
    const reader = await openStoreReader(options.dataDir, Number.isFinite(horizon) ? { since: at - horizon } : {});
    let evaluations: RuleEvaluation[];
    try {
      evaluations = await evaluateRules(reader.connection, rules, at, reader.span !== null ? { dataEnd: reader.span.max } : {});
    } finally {
      reader.close();
    }
    for (const e of evaluations) {
      options.onEvaluation?.(e);
      if (e.firings.length === 0) continue;
      try {
        await options.delivery.enqueue(e.rule, e.firings);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        report(err);
      }
    }
    lastFlush = now();
  };
  const loop = async () => {
    try {
      do {
        again = false;
        try {
          await evaluate();
        } catch (err) {
          report(err);
        }
      } while (again);
    } finally {
      running = undefined;
    }
  };
  return {
    afterBatch() {
      if (rules.length === 0) return;
      if (running !== undefined) {
        again = true;
        return;
      }
      running = loop();
    },
    async flushDue() {
      if (running !== undefined || now() - lastFlush < FLUSH_EVERY_MS) return;
      lastFlush = now();
      try {
        await options.delivery.flush();
      } catch (err) {
        report(err);
      }
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
