import fs from 'node:fs';
import path from 'node:path';
import { ALERTS_FILE } from '../store/index.js';
import type { DeliveryStatus } from './outbox.js';
import { withOutboxFile } from './outbox.js';

/** One firing and what became of its email: a row of the `alert_history` view. */
export interface AlertHistoryEntry {
  rule: string;
  /** ISO UTC. */
  firedAt: string;
  series: string;
  observed: number | null;
  expected: number | null;
  z: number | null;
  status: DeliveryStatus;
  attempts: number;
  messageId: string | null;
  sentAt: string | null;
  lastError: string | null;
  /** pending: when the cool-down ends; failed: the next try; sending: when the claim runs out. ISO UTC. */
  nextAttemptAt: string | null;
  severity: string;
  kind: string;
  title: string;
  eventStart: string;
  eventEnd: string;
  recipients: string;
  key: string;
  groupId: string;
}

/** Options of {@link listHistory}. */
export interface ListHistoryOptions {
  rule?: string;
  status?: DeliveryStatus | 'unsent';
  /** Firings since this time (ISO or ms since the epoch). */
  since?: string | number;
  /** Newest first; default 100. */
  limit?: number;
}

/**
 * What fired and what was sent, newest first, for `logscope alerts history` and the
 * dashboard's Jobs page. An outbox that was never written gives an empty list. Opens the
 * outbox read-only, for one short transaction.
 */
export async function listHistory(dataDir: string, options: ListHistoryOptions = {}): Promise<AlertHistoryEntry[]> {
  const file = path.join(path.resolve(dataDir), ALERTS_FILE);
  if (!fs.existsSync(file)) return [];
  const where: string[] = [];
  const values: Record<string, string | number> = {};
  if (options.rule !== undefined) {
    where.push('rule = $rule');
    values.rule = options.rule;
  }
  if (options.status === 'unsent') where.push(`status <> 'sent'`);
  else if (options.status !== undefined) {
    where.push('status = $status');
    values.status = options.status;
  }
  if (options.since !== undefined) {
    where.push('fired_at >= $since::TIMESTAMPTZ');
    values.since = typeof options.since === 'number' ? new Date(options.since).toISOString() : options.since;
  }
  values.limit = options.limit ?? 100;
  const sql = `SELECT rule, strftime(fired_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS fired_at, series, observed, expected, z, status, attempts, message_id,
      strftime(sent_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS sent_at, last_error, strftime(next_attempt_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS next_attempt_at,
      severity, kind, title, strftime(event_start, '%Y-%m-%dT%H:%M:%S.%gZ') AS event_start, strftime(event_end, '%Y-%m-%dT%H:%M:%S.%gZ') AS event_end,
      recipients, key, group_id
    FROM alert_history ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY alert_history.fired_at DESC, key LIMIT $limit::BIGINT`;
  return withOutboxFile(file, true, async (conn) => {
    const reader = await conn.runAndReadAll(sql, values);
    return (reader.getRowObjectsJson() as Record<string, unknown>[]).map((r) => ({
      rule: String(r.rule),
      firedAt: String(r.fired_at),
      series: String(r.series ?? ''),
      observed: numberOrNull(r.observed),
      expected: numberOrNull(r.expected),
      z: numberOrNull(r.z),
      status: String(r.status) as DeliveryStatus,
      attempts: Number(r.attempts),
      messageId: stringOrNull(r.message_id),
      sentAt: stringOrNull(r.sent_at),
      lastError: stringOrNull(r.last_error),
      nextAttemptAt: stringOrNull(r.next_attempt_at),
      severity: String(r.severity),
      kind: String(r.kind),
      title: String(r.title ?? ''),
      eventStart: String(r.event_start),
      eventEnd: String(r.event_end),
      recipients: String(r.recipients),
      key: String(r.key),
      groupId: String(r.group_id),
    }));
  });
}

function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function stringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
