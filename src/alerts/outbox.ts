import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { StoreError } from '../errors.js';
import { ALERTS_FILE, inFileTransaction, inspectDataDir, writeMarker } from '../store/index.js';
import type { Firing } from './firing.js';
import { messageIdFor } from './message-id.js';

/** Where a group of firings stands: waiting (first send or cool-down), being sent, last send failed (retried at `next_attempt_at`), sent. */
export type DeliveryStatus = 'pending' | 'sending' | 'failed' | 'sent';

/** Options of {@link Outbox.open}. */
export interface OutboxOptions {
  /** Milliseconds since the epoch; injected by tests. Default `Date.now`. */
  clock?: () => number;
  /** Back-off of failed sends: first retry after `firstSeconds`, doubling to at most `maxSeconds`. */
  retry?: { firstSeconds: number; maxSeconds: number };
  /**
   * How long a send may be in progress before another process takes it over (its sender is
   * presumed dead). A claim by a process of this host that no longer runs is taken at once.
   */
  leaseMs?: number;
  /** The right side of Message-IDs (`<...@domain>`): the From address's domain. */
  messageIdDomain?: string;
}

/** A group of firings of one rule, claimed for sending: one email. */
export interface ClaimedGroup {
  groupId: string;
  rule: string;
  recipients: string[];
  /** Stable for the group, derived from its firing keys: a resend carries the same one. */
  messageId: string;
  /** 1 for the first try. */
  attempt: number;
  firings: Firing[];
}

/** Sends one group's email; throws when it was not accepted. May return a note kept in history (e.g. recipients the server refused). */
export type GroupSender = (group: ClaimedGroup) => Promise<string | void>;

/** What {@link Outbox.enqueue} did with each firing key. */
export interface EnqueueResult {
  queued: string[];
  /** Keys stored before (or twice in the call): not stored or sent again. */
  duplicates: string[];
}

/** One send attempt made by {@link Outbox.deliverDue}. */
export interface DeliveryReport {
  groupId: string;
  rule: string;
  messageId: string;
  recipients: string[];
  firings: number;
  attempt: number;
  status: 'sent' | 'failed';
  error?: string;
  /** When a failed send is tried again, ISO UTC. */
  nextAttemptAt?: string;
}

const DDL = [
  `CREATE TABLE IF NOT EXISTS firings (key VARCHAR PRIMARY KEY, group_id VARCHAR NOT NULL, rule VARCHAR NOT NULL, kind VARCHAR, severity VARCHAR,
     series VARCHAR, fired_at TIMESTAMPTZ, event_start TIMESTAMPTZ, event_end TIMESTAMPTZ, observed DOUBLE, expected DOUBLE, z DOUBLE,
     title VARCHAR, firing VARCHAR NOT NULL, enqueued_at TIMESTAMPTZ NOT NULL)`,
  // One row per email: the firings of a rule grouped until it is first tried, then frozen.
  `CREATE TABLE IF NOT EXISTS groups (group_id VARCHAR NOT NULL, seq BIGINT NOT NULL, rule VARCHAR NOT NULL, recipients VARCHAR NOT NULL,
     cooldown_seconds DOUBLE NOT NULL, created_at TIMESTAMPTZ NOT NULL, status VARCHAR NOT NULL, frozen BOOLEAN NOT NULL, attempts INTEGER NOT NULL,
     last_attempt_at TIMESTAMPTZ, next_attempt_at TIMESTAMPTZ, last_error VARCHAR, message_id VARCHAR, sent_at TIMESTAMPTZ,
     claimed_by VARCHAR, claim_until TIMESTAMPTZ)`,
  `CREATE TABLE IF NOT EXISTS rule_sends (rule VARCHAR NOT NULL, last_sent_at TIMESTAMPTZ NOT NULL)`,
  `CREATE OR REPLACE VIEW alert_history AS
     SELECT f.rule, f.fired_at, f.series, f.observed, f.expected, f.z, g.status, g.attempts, g.message_id, g.sent_at, g.last_error,
       (CASE g.status WHEN 'failed' THEN g.next_attempt_at WHEN 'sending' THEN g.claim_until
          WHEN 'pending' THEN greatest(g.created_at, coalesce(s.last_sent_at + to_milliseconds(CAST(g.cooldown_seconds * 1000 AS BIGINT)), g.created_at)) END) AS next_attempt_at,
       f.severity, f.kind, f.title, f.event_start, f.event_end, array_to_string(from_json(g.recipients, '["VARCHAR"]'), ', ') AS recipients, f.key, f.group_id
     FROM firings AS f JOIN groups AS g USING (group_id) LEFT JOIN rule_sends AS s ON s.rule = g.rule`,
];

/** Claims of sends in progress in this process: a claim of this pid not listed here is left over from an earlier Outbox and dead. */
const liveClaims = new Set<string>();

/** Operations on one outbox file run one at a time in a process (two DuckDB instances of one file in one process would not exclude each other). */
const queues = new Map<string, Promise<unknown>>();

/**
 * The alerts' outbox: firings are stored (committed) before any send is tried, each key once,
 * grouped per rule by cool-down, and sent, retried with back-off, until the server accepts
 * them. Lives in `<data>/alerts.duckdb`, opened only for each short transaction and never
 * under the store's writer lock, so alerts do not wait on an ingest, `logscope sql` can read
 * its history between transactions, and several processes (a daemon, `alerts run`) share it.
 *
 * @example
 * const outbox = await Outbox.open(dataDir);
 * await outbox.enqueue(firings);                          // durable from here on
 * await outbox.deliverDue(createEmailSender(mailer, {})); // sends what is due, once
 */
export class Outbox {
  readonly file: string;
  private readonly clock: () => number;
  private readonly retry: { firstSeconds: number; maxSeconds: number };
  private readonly leaseMs: number;
  private readonly domain: string;

  private constructor(file: string, options: OutboxOptions) {
    this.file = file;
    this.clock = options.clock ?? Date.now;
    this.retry = options.retry ?? { firstSeconds: 30, maxSeconds: 3600 };
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.domain = options.messageIdDomain ?? 'logscope.invalid';
  }

  /** Opens (creating if needed) the outbox of a data directory. A directory of someone else's files is refused. */
  static async open(dataDir: string, options: OutboxOptions = {}): Promise<Outbox> {
    const dir = path.resolve(dataDir);
    const kind = inspectDataDir(dir);
    if (kind === 'foreign') throw new StoreError(`${dir} is not a logscope data directory (it holds files logscope did not write); pass the directory that "logscope ingest --data" wrote`);
    if (kind === 'missing' || kind === 'empty') {
      fs.mkdirSync(dir, { recursive: true });
      writeMarker(dir);
    }
    const outbox = new Outbox(path.join(dir, ALERTS_FILE), options);
    await outbox.transaction(async (conn) => {
      for (const statement of DDL) await conn.run(statement);
    });
    return outbox;
  }

  /**
   * Stores firings, durably, before anything is sent. A key stored before (by any process,
   * in any earlier run) is a duplicate and ignored. Each firing joins the rule's open group
   * (one not tried yet: e.g. waiting out the cool-down) or starts a new one.
   */
  async enqueue(firings: readonly Firing[]): Promise<EnqueueResult> {
    for (const f of firings) {
      if (f.key === '' || f.rule === '') throw new Error(`a firing needs a key and a rule (got key ${JSON.stringify(f.key)}, rule ${JSON.stringify(f.rule)})`);
      if (f.recipients.length === 0) throw new Error(`firing ${f.key} of rule ${f.rule} has no recipients`);
    }
    const ordered = [...firings].sort((a, b) => a.firedAt.localeCompare(b.firedAt) || a.key.localeCompare(b.key));
    const now = iso(this.clock());
    return this.transaction(async (conn) => {
      const result: EnqueueResult = { queued: [], duplicates: [] };
      const seen = new Set<string>();
      for (const f of ordered) {
        const stored = await rows(conn, 'SELECT 1 FROM firings WHERE key = $key', { key: f.key });
        if (stored.length > 0 || seen.has(f.key)) {
          result.duplicates.push(f.key);
          continue;
        }
        seen.add(f.key);
        const open = await rows(conn, 'SELECT group_id, recipients FROM groups WHERE rule = $rule AND NOT frozen ORDER BY seq DESC LIMIT 1', { rule: f.rule });
        let groupId: string;
        if (open.length === 0) {
          groupId = randomUUID();
          await conn.run(
            `INSERT INTO groups (group_id, seq, rule, recipients, cooldown_seconds, created_at, status, frozen, attempts)
             SELECT $id, coalesce(max(seq), 0) + 1, $rule, $recipients, $cooldown, $now::TIMESTAMPTZ, 'pending', false, 0 FROM groups`,
            { id: groupId, rule: f.rule, recipients: JSON.stringify(uniqueSorted(f.recipients)), cooldown: Math.max(0, f.cooldownSeconds ?? 0), now },
          );
        } else {
          groupId = String(open[0].group_id);
          const merged = uniqueSorted([...(JSON.parse(String(open[0].recipients)) as string[]), ...f.recipients]);
          await conn.run('UPDATE groups SET recipients = $recipients WHERE group_id = $id', { recipients: JSON.stringify(merged), id: groupId });
        }
        await conn.run(
          `INSERT INTO firings VALUES ($key, $group, $rule, $kind, $severity, $series, $fired::TIMESTAMPTZ, $start::TIMESTAMPTZ, $end::TIMESTAMPTZ,
             $observed::DOUBLE, $expected::DOUBLE, $z::DOUBLE, $title, $firing, $now::TIMESTAMPTZ)`,
          {
            key: f.key, group: groupId, rule: f.rule, kind: f.kind, severity: f.severity, series: f.series, fired: f.firedAt, start: f.eventStart, end: f.eventEnd,
            observed: f.observed ?? null, expected: f.expected ?? null, z: f.z ?? null, title: f.title, firing: JSON.stringify(f), now,
          },
        );
        result.queued.push(f.key);
      }
      return result;
    });
  }

  /**
   * Sends every group that is due, one at a time, through `send`: a new group (unless its
   * rule is in cool-down), a failed one whose back-off has passed, one left `sending` by a
   * process that died. Each is claimed (committed) before `send` runs and marked sent or
   * failed after, so a crash in between sends it again after the restart with the same
   * Message-ID. Per rule, groups go out in order, one at a time. Stops early, between sends,
   * when `signal` aborts.
   */
  async deliverDue(send: GroupSender, options: { signal?: AbortSignal } = {}): Promise<DeliveryReport[]> {
    const reports: DeliveryReport[] = [];
    while (options.signal?.aborted !== true) {
      const claim = await this.claimNext();
      if (claim === undefined) break;
      const { group, token } = claim;
      liveClaims.add(token);
      let report: DeliveryReport;
      try {
        let note: string | void = undefined;
        let failure: unknown;
        try {
          note = await send(group);
        } catch (err) {
          failure = err;
        }
        report = await this.finish(group, token, failure, note);
      } finally {
        liveClaims.delete(token);
      }
      reports.push(report);
    }
    return reports;
  }

  /** When the next group falls due (ms since the epoch; maybe already past), or null when nothing waits. For a scheduler's sleep. */
  async nextDueAt(): Promise<number | null> {
    return this.transaction(async (conn) => {
      const due = (await this.candidates(conn, this.clock())).map((c) => c.dueAt);
      return due.length === 0 ? null : Math.min(...due);
    });
  }

  /** Groups not sent yet, the first per rule, with when each falls due. */
  private async candidates(conn: DuckDBConnection, now: number): Promise<{ groupId: string; dueAt: number }[]> {
    const list = await rows(
      conn,
      `SELECT g.group_id, g.rule, g.status, epoch_ms(g.next_attempt_at) AS next_ms, epoch_ms(g.claim_until) AS claim_ms, g.claimed_by,
         epoch_ms(s.last_sent_at) AS last_sent_ms, g.cooldown_seconds
       FROM groups AS g LEFT JOIN rule_sends AS s ON s.rule = g.rule
       WHERE g.status <> 'sent'
       QUALIFY row_number() OVER (PARTITION BY g.rule ORDER BY g.seq) = 1`,
    );
    return list.map((g) => {
      let dueAt: number;
      if (g.status === 'failed') dueAt = Number(g.next_ms);
      else if (g.status === 'sending') dueAt = claimantGone(String(g.claimed_by)) ? now : Number(g.claim_ms);
      else dueAt = g.last_sent_ms === null ? 0 : Number(g.last_sent_ms) + Number(g.cooldown_seconds) * 1000;
      return { groupId: String(g.group_id), dueAt };
    });
  }

  /** Claims the first due group, committing the claim before anything is sent. */
  private async claimNext(): Promise<{ group: ClaimedGroup; token: string } | undefined> {
    const now = this.clock();
    return this.transaction(async (conn) => {
      const due = (await this.candidates(conn, now)).filter((c) => c.dueAt <= now);
      if (due.length === 0) return undefined;
      due.sort((a, b) => a.dueAt - b.dueAt);
      const groupId = due[0].groupId;
      const [g] = await rows(conn, 'SELECT rule, recipients, attempts, message_id FROM groups WHERE group_id = $id', { id: groupId });
      const stored = await rows(conn, 'SELECT key, firing FROM firings WHERE group_id = $id ORDER BY fired_at, key', { id: groupId });
      const firings = stored.map((r) => JSON.parse(String(r.firing)) as Firing);
      const messageId = g.message_id === null ? messageIdFor(firings.map((f) => f.key), this.domain) : String(g.message_id);
      const token = `${os.hostname()}:${process.pid}:${randomUUID()}`;
      const attempt = Number(g.attempts) + 1;
      await conn.run(
        `UPDATE groups SET status = 'sending', frozen = true, attempts = $attempt, message_id = $mid, claimed_by = $token,
           claim_until = $until::TIMESTAMPTZ, last_attempt_at = $now::TIMESTAMPTZ WHERE group_id = $id`,
        { attempt, mid: messageId, token, until: iso(now + this.leaseMs), now: iso(now), id: groupId },
      );
      const group: ClaimedGroup = { groupId, rule: String(g.rule), recipients: JSON.parse(String(g.recipients)) as string[], messageId, attempt, firings };
      return { group, token };
    });
  }

  /** Records a send's outcome: sent (and the rule's cool-down starts), or failed with the next try after back-off. */
  private async finish(group: ClaimedGroup, token: string, failure: unknown, note: string | void): Promise<DeliveryReport> {
    const now = this.clock();
    const base = { groupId: group.groupId, rule: group.rule, messageId: group.messageId, recipients: group.recipients, firings: group.firings.length, attempt: group.attempt };
    return this.transaction(async (conn) => {
      if (failure === undefined) {
        // Marked sent even if another process took the claim over meanwhile: it was sent. An
        // earlier try's error stays, to tell why the email was late.
        await conn.run(
          `UPDATE groups SET status = 'sent', sent_at = $now::TIMESTAMPTZ, last_error = coalesce($note, last_error), claimed_by = NULL, claim_until = NULL, next_attempt_at = NULL WHERE group_id = $id`,
          { now: iso(now), note: typeof note === 'string' && note !== '' ? note : null, id: group.groupId },
        );
        await conn.run('DELETE FROM rule_sends WHERE rule = $rule', { rule: group.rule });
        await conn.run('INSERT INTO rule_sends VALUES ($rule, $now::TIMESTAMPTZ)', { rule: group.rule, now: iso(now) });
        return { ...base, status: 'sent' as const };
      }
      const error = failure instanceof Error ? failure.message : String(failure);
      const next = now + this.backoffMs(group.attempt);
      // A claim taken over by another process (ours outlived its lease) is theirs to record.
      await conn.run(
        `UPDATE groups SET status = 'failed', last_error = $error, next_attempt_at = $next::TIMESTAMPTZ, claimed_by = NULL, claim_until = NULL
         WHERE group_id = $id AND claimed_by = $token`,
        { error, next: iso(next), id: group.groupId, token },
      );
      return { ...base, status: 'failed' as const, error, nextAttemptAt: iso(next) };
    });
  }

  /** The delay before try `attempt + 1`: firstSeconds, doubling, capped at maxSeconds. */
  backoffMs(attempt: number): number {
    const seconds = Math.min(this.retry.maxSeconds, this.retry.firstSeconds * 2 ** Math.max(0, attempt - 1));
    return Math.round(seconds * 1000);
  }

  private transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return withOutboxFile(this.file, false, fn);
  }
}

/**
 * Runs fn in one transaction on the outbox file, opened for just that long (retrying while
 * another process holds it), and closes it. Read-only opens let several readers share it.
 */
export async function withOutboxFile<T>(file: string, readOnly: boolean, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(() => inFileTransaction(file, readOnly ? { access_mode: 'READ_ONLY', threads: '1' } : { threads: '1' }, fn));
  queues.set(file, run.catch(() => undefined));
  return run;
}

/** True when a claim was made by a process of this host that is gone (or by an earlier Outbox of this process). */
function claimantGone(claimedBy: string): boolean {
  const [host, pidText] = claimedBy.split(':');
  if (host !== os.hostname()) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return !liveClaims.has(claimedBy);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function rows(conn: DuckDBConnection, sql: string, values?: Record<string, string | number | boolean | null>): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, values as never);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

function uniqueSorted(list: readonly string[]): string[] {
  return [...new Set(list.map((r) => r.trim()).filter((r) => r !== ''))].sort();
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
