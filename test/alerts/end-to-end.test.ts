import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaemon, type Clock } from '../../src/alerts/index.js';
import { listHistory } from '../../src/alerts/history.js';
import { openAlertDelivery } from '../../src/alerts/outbox-delivery.js';
import { loadConfig } from '../../src/config/index.js';
import type { ErrorBurst } from '../../src/generate/index.js';
import { openStoreReader } from '../../src/store/index.js';
import { generatedStore, ruleOf, steadyStore, type GeneratedStore } from './fixture.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

const MINUTE = 60_000;
let burstStore: GeneratedStore;
let steady: Awaited<ReturnType<typeof steadyStore>>;
let smtp: TestSmtpServer;

beforeAll(async () => {
  burstStore = await generatedStore({ lines: 15_000, start: '2026-11-20T10:00:00Z', days: 0.25, seed: 3 });
  steady = await steadyStore({ start: '2026-11-20T10:00:00Z', minutes: 180 });
  smtp = await startSmtpServer();
}, 120_000);

afterAll(async () => {
  burstStore?.reader.close();
  steady?.reader.close();
  await smtp?.close();
});

/** A clock whose sleeps pass at once; it stops the daemon once its time reaches `stopAt`. */
function createRunClock(start: number, stopAt: number, controller: AbortController): Clock {
  let now = start;
  return {
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      now += ms;
      if (now >= stopAt) controller.abort();
      await Promise.resolve();
    },
  };
}

/** Runs the daemon with the real outbox and an SMTP server, on a clock from `from` to `to`. */
async function runWithMail(dataDir: string, rules: ReturnType<typeof ruleOf>[], from: number, to: number): Promise<void> {
  const controller = new AbortController();
  const clock = createRunClock(from, to, controller);
  const smtpConfig = loadConfig({ smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'logscope <alerts@example.com>', timeoutSeconds: 5 } }).smtp;
  const delivery = await openAlertDelivery({ dataDir, smtp: smtpConfig, clock: clock.now, env: {} });
  const errors: string[] = [];
  await runDaemon({ rules, sink: delivery, signal: controller.signal, clock, openStore: () => openStoreReader(dataDir), flushEveryMs: 5 * MINUTE, onError: (err) => errors.push((err as Error).message) });
  expect(errors).toEqual([]);
}

describe('rules, daemon, outbox and SMTP together', () => {
  it('send exactly one email for a burst injected into a generated log', async () => {
    const burst = burstStore.truth.anomalies.find((a): a is ErrorBurst => a.kind === 'error_burst') as ErrorBurst;
    smtp.received.length = 0;
    const rule = ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30, baseline: 'trailing', schedule: '*/5 * * * *', cooldown: '1h', recipients: ['oncall@example.com'] });
    await runWithMail(burstStore.dataDir, [rule], Date.parse(burst.start) - 10 * MINUTE, Date.parse(burst.end) + 15 * MINUTE);
    expect(smtp.received).toHaveLength(1);
    const { mail, envelopeTo } = smtp.received[0];
    expect(envelopeTo).toEqual(['oncall@example.com']);
    expect(mail.subject).toContain('spikes');
    expect(mail.subject).toContain(`service=${burst.service}`);
    expect(mail.text).toContain(`"service" = '${burst.service}'`);
    expect(mail.attachments.some((a) => a.contentType === 'image/png' && a.cid !== undefined)).toBe(true);
    const history = await listHistory(burstStore.dataDir, { rule: 'spikes' });
    expect(history.length).toBeGreaterThan(0);
    expect(history.every((h) => h.status === 'sent' && h.messageId === mail.messageId)).toBe(true);
  });

  it('send only the digest, saying all quiet, for a steady log', async () => {
    smtp.received.length = 0;
    const recipients = ['team@example.com'];
    const rules = [
      ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30, baseline: 'trailing', schedule: '*/5 * * * *', minSeverity: 'info', recipients }),
      ruleOf({ name: 'rate', kind: 'error_rate', above: 0.05, schedule: '*/5 * * * *', minSeverity: 'info', recipients }),
      ruleOf({ name: 'novel', kind: 'new_pattern', window: '30m', schedule: '*/15 * * * *', minSeverity: 'info', recipients }),
      ruleOf({ name: 'hourly', kind: 'digest', period: '1h', schedule: '0 * * * *', recipients }),
    ];
    await runWithMail(steady.dataDir, rules, Date.parse('2026-11-20T12:20:00Z'), Date.parse('2026-11-20T13:10:00Z'));
    expect(smtp.received).toHaveLength(1);
    const { mail } = smtp.received[0];
    expect(mail.subject).toContain('hourly');
    expect(mail.text).toContain('All quiet: no anomalies and no new log patterns from 2026-11-20 12:00 UTC to 2026-11-20 13:00 UTC.');
  });
});
