import { afterEach, describe, expect, it } from 'vitest';
import { listHistory } from '../../src/alerts/history.js';
import { openAlertDelivery } from '../../src/alerts/outbox-delivery.js';
import type { DeliveryReport } from '../../src/alerts/outbox.js';
import { ConfigError } from '../../src/errors.js';
import { tmpDir } from '../helpers.js';
import { anomalyFiring } from './firings.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('openAlertDelivery (the rules\' sink)', () => {
  it('stores and sends a rule\'s firings, holds the next ones for the rule\'s cool-down, and sends them together on flush when it ends', async () => {
    const smtp = await startSmtpServer();
    servers.push(smtp);
    let now = Date.parse('2026-12-03T10:16:00.000Z');
    const reports: DeliveryReport[] = [];
    const delivery = await openAlertDelivery({
      dataDir: tmpDir(),
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', allowSelfSigned: false, from: 'logscope <alerts@example.com>', timeoutSeconds: 5, retry: { firstSeconds: 30, maxSeconds: 3600 } },
      publicUrl: 'https://logscope.example.com',
      env: {},
      clock: () => now,
      onReport: (r) => reports.push(r),
    });
    const rule = { name: 'api-errors', cooldown: '10m' };
    await delivery.enqueue(rule, [anomalyFiring()]);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].mail.messageId).toMatch(/@example\.com>$/);
    expect(smtp.received[0].mail.text).toContain('https://logscope.example.com/anomalies');

    now += 60_000;
    await delivery.enqueue(rule, [anomalyFiring({ key: 'k2', series: 'service=web' }), anomalyFiring({ key: 'k3', series: 'service=db' })]);
    expect(smtp.received).toHaveLength(1);
    expect(await delivery.nextDueAt()).toBe(now - 60_000 + 600_000);
    now += 540_000;
    await delivery.flush();
    expect(smtp.received).toHaveLength(2);
    expect(reports.map((r) => [r.status, r.firings])).toEqual([['sent', 1], ['sent', 2]]);
  });

  it('without an SMTP server configured, keeps the firings in the outbox and says so', async () => {
    const data = tmpDir();
    const delivery = await openAlertDelivery({ dataDir: data, smtp: undefined, env: {} });
    const sent = delivery.enqueue({ name: 'api-errors', cooldown: '15m' }, [anomalyFiring()]);
    await expect(sent).rejects.toThrow(ConfigError);
    await expect(sent).rejects.toThrow(/stored in the outbox but not sent: no SMTP server is configured/);
    expect((await listHistory(data)).map((h) => h.status)).toEqual(['pending']);
  });
});
