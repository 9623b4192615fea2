import type { SmtpConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';
import { parseDurationSeconds } from '../query/index.js';
import type { Firing } from './firing.js';
import { createEmailSender } from './mail-delivery.js';
import { createMailer, resolveSmtpSettings, type Mailer } from './mailer.js';
import { domainOf } from './message-id.js';
import { Outbox, type DeliveryReport, type GroupSender } from './outbox.js';

/** Options of {@link openAlertDelivery}. */
export interface AlertDeliveryOptions {
  dataDir: string;
  /** The config's `smtp` (env overrides and the password are read here). Absent and no env: firings are stored, not sent. */
  smtp: SmtpConfig | undefined;
  /** The dashboard's public base URL for links in emails; default $LOGSCOPE_PUBLIC_URL. */
  publicUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Injected clock (ms since the epoch) for the outbox's cool-downs and back-off. */
  clock?: () => number;
  /** Told of every send attempt (sent, or failed with the next try), e.g. to log it. */
  onReport?: (report: DeliveryReport) => void;
  /** Stops sending between two emails (SIGTERM: the email being sent is finished first). */
  signal?: AbortSignal;
  /** Replace the SMTP mailer (tests). */
  mailer?: Mailer;
}

/**
 * The outbox and mailer behind the rules: `enqueue` stores a rule's firings (durably, each
 * key once, with the rule's cool-down) and then sends what is due; `flush` sends what came
 * due since (retries after back-off, groups at the end of a cool-down). Shaped as the
 * scheduler's `AlertSink`.
 *
 * Without SMTP settings firings are still stored, and `enqueue`/`flush` then throw a
 * ConfigError saying how many wait and how to configure sending.
 */
export interface AlertDelivery {
  enqueue(rule: { name: string; cooldown?: string }, firings: readonly Firing[]): Promise<void>;
  flush(): Promise<void>;
  /** When the next stored email falls due (ms), null when none waits: the daemon's next wake-up. */
  nextDueAt(): Promise<number | null>;
  readonly outbox: Outbox;
}

/** Opens the data directory's outbox with the mailer from the config and environment. */
export async function openAlertDelivery(options: AlertDeliveryOptions): Promise<AlertDelivery> {
  const env = options.env ?? process.env;
  const settings = resolveSmtpSettings(options.smtp, env);
  const mailer = options.mailer ?? (settings === undefined ? undefined : createMailer(settings));
  const from = mailer?.from ?? settings?.from;
  const outbox = await Outbox.open(options.dataDir, {
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    // A claim outlives the longest a send can take (each SMTP step has the timeout), so no second sender takes a live one over.
    ...(settings !== undefined ? { retry: settings.retry, leaseMs: Math.max(10 * 60_000, 6 * settings.timeoutMs) } : {}),
    messageIdDomain: domainOf(from),
  });
  const publicUrl = options.publicUrl ?? (env.LOGSCOPE_PUBLIC_URL || undefined);
  const send: GroupSender | undefined = mailer === undefined ? undefined : createEmailSender(mailer, publicUrl !== undefined ? { publicUrl } : {});
  const flush = async () => {
    if (send === undefined) {
      const waiting = await outbox.nextDueAt();
      if (waiting === null) return;
      throw new ConfigError('alerts are stored in the outbox but not sent: no SMTP server is configured; set smtp.host and smtp.from in the config (or LOGSCOPE_SMTP_HOST and LOGSCOPE_SMTP_FROM)');
    }
    const reports = await outbox.deliverDue(send, options.signal !== undefined ? { signal: options.signal } : {});
    for (const r of reports) options.onReport?.(r);
  };
  return {
    outbox,
    async enqueue(rule, firings) {
      const seconds = rule.cooldown === undefined ? 0 : (parseDurationSeconds(rule.cooldown) ?? 0);
      await outbox.enqueue(firings.map((f) => (f.cooldownSeconds === undefined ? { ...f, cooldownSeconds: seconds } : f)));
      await flush();
    },
    flush,
    nextDueAt: () => outbox.nextDueAt(),
  };
}
