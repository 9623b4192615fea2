/**
 * What a rule hands to the outbox when it fires: everything an email needs, decided at
 * evaluation time so that a retry days later sends the same message.
 *
 * Two parts meet here: rule evaluation and scheduling (src/alerts/rules*, schedule) produce
 * firings; the outbox and mailer (src/alerts/outbox*, mail*) store, group, send and retry them.
 */
export type AlertSeverity = 'info' | 'warning' | 'critical';

export const SEVERITY_ORDER: Readonly<Record<AlertSeverity, number>> = { info: 0, warning: 1, critical: 2 };

export type RuleKind = 'anomaly' | 'error_rate' | 'new_pattern' | 'sql' | 'digest';

/** One point of the series charted in the email: its bucket start and value. */
export interface FiringPoint {
  /** Bucket start, ISO 8601 UTC (`2026-12-03T10:05:00.000Z`). */
  t: string;
  value: number;
  /** The baseline the detector expected, where it has one. */
  expected?: number;
  /** True for the buckets the detector flagged. */
  flagged?: boolean;
}

/** One contributor to an anomaly: a service, host or template whose count changed. */
export interface FiringContributor {
  dimension: 'service' | 'host' | 'template' | string;
  value: string;
  observed: number;
  expected: number;
}

/** A section of a digest or the rows of an `sql` rule: a small table. */
export interface FiringTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface Firing {
  /** The rule's name as in the config. */
  rule: string;
  kind: RuleKind;
  severity: AlertSeverity;
  /**
   * De-duplication key: the same rule + series + event gives the same key, across restarts
   * (e.g. `errors-spike|service=api|2026-12-03T10:05:00.000Z`). The outbox sends a key once.
   */
  key: string;
  /** The series the firing is about (`service=api level=ERROR`), '' for a rule-wide one. */
  series: string;
  /** When the rule was evaluated, ISO UTC. */
  firedAt: string;
  /** The event's first and last flagged bucket (or the window evaluated), ISO UTC. */
  eventStart: string;
  eventEnd: string;
  observed?: number;
  expected?: number;
  z?: number;
  /** One line for the subject: `error rate 12.5% > 5% (service=api)`. */
  title: string;
  /** Plain-text sentences that explain the firing, in order. */
  details: string[];
  /** The series around the event, for the chart. */
  chart?: { bucketSeconds: number; label: string; points: FiringPoint[] };
  contributors?: FiringContributor[];
  tables?: FiringTable[];
  /** SQL that reproduces the numbers, runnable with `logscope sql`. */
  sql?: string;
  recipients: string[];
  /**
   * The rule's cool-down, seconds: after an email of this rule is sent, its further firings
   * wait and go out together in one email when the cool-down ends. 0 or absent: none.
   */
  cooldownSeconds?: number;
  /** Path and query of the dashboard page that shows it (`/anomalies?from=...`), joined to the configured public URL. */
  dashboardPath?: string;
}
