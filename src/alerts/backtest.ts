import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertRule } from '../config/index.js';
import { firingsPer1000, type FiringRate } from '../detect/index.js';
import { evaluateAnomalyRuleAtTimes } from './evaluate-anomaly.js';
import { durationMs, iso, meetsFloor } from './evaluate-common.js';
import { evaluateRule, type RuleEvaluation } from './evaluate.js';
import type { Firing } from './firing.js';
import { createRuleSchedule } from './schedule.js';

/** One firing a backtest found, the first time its key appeared. */
export interface BacktestFiring {
  /** The scheduled time that first saw it, ISO. */
  evaluatedAt: string;
  /** When its email would have gone out: at once, or at the end of the rule's cool-down, grouped with others. */
  emailAt: string;
  /** Whether it is below the rule's severity floor (found, but never sent). */
  belowFloor: boolean;
  firing: Firing;
}

/** What {@link backtestRule} found. */
export interface BacktestResult {
  rule: AlertRule;
  from: string;
  to: string;
  /** Scheduled times evaluated. */
  evaluations: number;
  /** Distinct firings (by key), in the order they first appeared. */
  firings: BacktestFiring[];
  /** Emails the outbox would have sent (firings above the floor, grouped by the cool-down). */
  emails: number;
  /** Evaluations that failed, with their message (a rule's query, say). */
  errors: Array<{ at: string; message: string }>;
  /**
   * Anomaly rules: the distinct firings per 1,000 buckets the detector judged over the range
   * (every series and measure) — the false-alarm rate the rule would have had, but for real incidents.
   */
  firingRate?: FiringRate;
}

/** Options of {@link backtestRule}. */
export interface BacktestOptions {
  /** The first and last instants (ms) of the range; the rule's scheduled times within it are evaluated. */
  from: number;
  to: number;
  /** The newest stored record's time (ms): see EvaluateOptions.dataEnd. */
  dataEnd?: number;
  /** Called after each evaluation (progress). */
  onEvaluation?: (done: number, total: number) => void;
}

/**
 * When a rule would have fired over history: the rule is evaluated at each of its scheduled
 * times in the range against the data before that time, as the daemon would have done, and
 * each firing is listed the first time its key appears (the outbox sends a key once). Emails are
 * counted as the cool-down would have grouped them.
 *
 * @example
 * const result = await backtestRule(reader.connection, rule, { from: Date.now() - 30 * 86_400_000, to: Date.now() });
 */
export async function backtestRule(conn: DuckDBConnection, rule: AlertRule, options: BacktestOptions): Promise<BacktestResult> {
  const times = createRuleSchedule(rule).between(options.from, options.to);
  const seen = new Set<string>();
  const firings: BacktestFiring[] = [];
  const errors: BacktestResult['errors'] = [];
  const cooldownMs = durationMs(rule.cooldown);
  let lastEmail = -Infinity;
  let emails = 0;
  // Anomaly rules: one detector run for all the times (see evaluateAnomalyRuleAtTimes); other
  // kinds are evaluated at each time.
  const batched = rule.kind === 'anomaly' ? await evaluateAnomalyRuleAtTimes(conn, rule, times, options.dataEnd) : undefined;
  for (const [i, at] of times.entries()) {
    const evaluation = batched !== undefined ? splitByFloor(rule, at, batched.firings[i]) : await evaluateRule(conn, rule, at, { details: false, ...(options.dataEnd !== undefined ? { dataEnd: options.dataEnd } : {}) });
    if (evaluation.error !== undefined) errors.push({ at: iso(at), message: evaluation.error });
    const fresh = [...evaluation.firings.map((f) => ({ f, below: false })), ...evaluation.belowFloor.map((f) => ({ f, below: true }))].filter(({ f }) => !seen.has(f.key));
    let emailAt: number | undefined;
    if (fresh.some(({ below }) => !below)) {
      // The first email goes at once; during a cool-down firings wait for its end and go together.
      emailAt = Math.max(at, lastEmail + cooldownMs);
      if (emailAt !== lastEmail) emails++;
      lastEmail = emailAt;
    }
    for (const { f, below } of fresh) {
      seen.add(f.key);
      firings.push({ evaluatedAt: iso(at), emailAt: below || emailAt === undefined ? '' : iso(emailAt), belowFloor: below, firing: f });
    }
    options.onEvaluation?.(i + 1, times.length);
  }
  const judged = batched?.firingRate?.judged;
  const firingRate = judged !== undefined ? { firings: firings.length, judged, days: batched?.firingRate?.days ?? 0, per1000: firingsPer1000(firings.length, judged) } : undefined;
  return { rule, from: iso(options.from), to: iso(options.to), evaluations: times.length, firings, emails, errors, ...(firingRate !== undefined ? { firingRate } : {}) };
}

function splitByFloor(rule: AlertRule, at: number, found: Firing[]): RuleEvaluation {
  const floor = rule.kind === 'digest' ? 'info' : rule.minSeverity;
  return { rule, at: iso(at), firings: found.filter((f) => meetsFloor(f.severity, floor)), belowFloor: found.filter((f) => !meetsFloor(f.severity, floor)) };
}
