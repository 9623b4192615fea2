import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertRule } from '../config/index.js';
import { evaluateAnomalyRule } from './evaluate-anomaly.js';
import { iso, meetsFloor } from './evaluate-common.js';
import { evaluateDigestRule } from './evaluate-digest.js';
import { evaluateErrorRateRule } from './evaluate-error-rate.js';
import { evaluateNewPatternRule } from './evaluate-new-pattern.js';
import { evaluateSqlRule } from './evaluate-sql.js';
import type { Firing } from './firing.js';
import { createRuleSchedule } from './schedule.js';

/** Options of {@link evaluateRule}. */
export interface EvaluateOptions {
  /**
   * false: only what decides whether and when a rule fires (keys, severity, numbers), without the
   * explanation, chart and SQL an email shows; for a backtest. Default true.
   */
  details?: boolean;
  /**
   * The newest stored record's time (ms; `StoreReader.span.max`). Anomaly and error-rate rules
   * judge only the buckets before the one that holds it: an ingest that runs behind the clock
   * is not a drop to zero. A service that goes silent while others write is still seen.
   */
  dataEnd?: number;
}

/** What one evaluation of one rule gave. */
export interface RuleEvaluation {
  rule: AlertRule;
  /** The time evaluated, ISO: data up to it is read. A digest's is its latest scheduled time. */
  at: string;
  /** Firings at or above the rule's severity floor: what goes to the outbox. */
  firings: Firing[];
  /** Firings below the floor: not sent, shown by `alerts run` and `backtest`. */
  belowFloor: Firing[];
  /** Set when the rule could not be evaluated (a bad query, an unreadable file): the message. */
  error?: string;
}

/**
 * Evaluates one rule as of `at` (ms): only the data before `at` is read, and only as far back
 * as the rule's window and baseline need. A digest reports the period that ends at its latest
 * scheduled time at or before `at`, so running it twice in one period gives the same firing.
 * An error (a bad query, say) is caught and returned in `error`: one rule does not stop the others.
 *
 * @example
 * const { firings } = await evaluateRule(reader.connection, config.alerts.rules[0], Date.now());
 */
export async function evaluateRule(conn: DuckDBConnection, rule: AlertRule, at: number, options: EvaluateOptions = {}): Promise<RuleEvaluation> {
  let when = at;
  if (rule.kind === 'digest') when = createRuleSchedule(rule).latest(at) ?? at;
  try {
    const found = await evaluateKind(conn, rule, when, options.details ?? true, options.dataEnd);
    const floor = rule.kind === 'digest' ? 'info' : rule.minSeverity;
    return { rule, at: iso(when), firings: found.filter((f) => meetsFloor(f.severity, floor)), belowFloor: found.filter((f) => !meetsFloor(f.severity, floor)) };
  } catch (err) {
    return { rule, at: iso(when), firings: [], belowFloor: [], error: (err as Error).message };
  }
}

function evaluateKind(conn: DuckDBConnection, rule: AlertRule, at: number, details: boolean, dataEnd: number | undefined): Promise<Firing[]> {
  switch (rule.kind) {
    case 'anomaly':
      return evaluateAnomalyRule(conn, rule, at, details, dataEnd);
    case 'error_rate':
      return evaluateErrorRateRule(conn, rule, at, dataEnd);
    case 'new_pattern':
      return evaluateNewPatternRule(conn, rule, at);
    case 'sql':
      return evaluateSqlRule(conn, rule, at);
    case 'digest':
      return evaluateDigestRule(conn, rule, at);
  }
}

/** Evaluates each rule in turn (one DuckDB connection runs one query at a time). */
export async function evaluateRules(conn: DuckDBConnection, rules: readonly AlertRule[], at: number, options: EvaluateOptions = {}): Promise<RuleEvaluation[]> {
  const out: RuleEvaluation[] = [];
  for (const rule of rules) out.push(await evaluateRule(conn, rule, at, options));
  return out;
}
