import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailSender } from '../../src/alerts/mail-delivery.js';
import { createMailer, resolveSmtpSettings, type SmtpSettings } from '../../src/alerts/mailer.js';
import { listHistory } from '../../src/alerts/history.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { tmpDir } from '../helpers.js';
import { anomalyFiring, digestFiring } from './firings.js';
import { freePort, startSmtpServer, type TestSmtpServer } from './smtp.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const T0 = Date.parse('2026-12-03T10:16:00.000Z');

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const s = await startSmtpServer(options);
  servers.push(s);
  return s;
}

function settings(port: number, extra: Record<string, unknown> = {}, env: Record<string, string> = {}): SmtpSettings {
  const s = resolveSmtpSettings({ host: '127.0.0.1', port, security: 'none', from: 'logscope <alerts@example.com>', timeoutSeconds: 5, ...extra } as never, env);
  if (s === undefined) throw new Error('no settings');
  return s;
}

/** A clock the test moves by hand. */
function manualClock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('outbox delivery over a real SMTP server', () => {
  it('sends one email with subject, recipients, both parts, the inline PNG chart and the SQL', async () => {
    const smtp = await server();
    const data = tmpDir();
    const outbox = await Outbox.open(data, { messageIdDomain: 'example.com' });
    await outbox.enqueue([anomalyFiring()]);
    const reports = await outbox.deliverDue(createEmailSender(createMailer(settings(smtp.port)), { publicUrl: 'https://logscope.example.com/' }));

    expect(reports.map((r) => r.status)).toEqual(['sent']);
    expect(smtp.received).toHaveLength(1);
    const { mail, envelopeTo } = smtp.received[0];
    expect(mail.subject).toBe('[CRITICAL] api-errors: errors 193 vs 12 expected (z 14.2) for service=api, 2026-12-03 10:05 UTC');
    expect(envelopeTo.sort()).toEqual(['dev@example.com', 'oncall@example.com']);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    expect(to.flatMap((a) => a?.value.map((v) => v.address))).toEqual(expect.arrayContaining(['oncall@example.com', 'dev@example.com']));
    expect(mail.from?.value[0].address).toBe('alerts@example.com');
    expect(mail.messageId).toBe(reports[0].messageId);
    expect(mail.messageId).toMatch(/^<alert\.[0-9a-f]{32}@example\.com>$/);
    expect([mail.headers.get('x-logscope-rule'), mail.headers.get('x-logscope-severity'), mail.headers.get('auto-submitted')]).toEqual(['api-errors', 'critical', 'auto-generated']);

    // Plain text part: the numbers, the explanation, the SQL, the link.
    expect(mail.text).toContain('Observed   193');
    expect(mail.text).toContain('web-03');
    expect(mail.text).toContain("FROM logs WHERE service = 'api' AND ts >= '2026-12-03T09:00:00Z'");
    expect(mail.text).toContain('Open in the dashboard: https://logscope.example.com/anomalies?series=service%3Dapi&from=2026-12-03T09:00:00Z');

    // HTML part: escaped values, the SQL, the chart by Content-ID.
    const html = String(mail.html);
    expect(html).toContain('upstream timed out after &lt;*&gt; ms &lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('FROM logs WHERE service = &#39;api&#39;');
    expect(html).toContain('href="https://logscope.example.com/anomalies?series=service%3Dapi&amp;from=2026-12-03T09:00:00Z"');
    const charts = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(charts).toHaveLength(1);
    expect(charts[0].content.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(charts[0].content.length).toBeGreaterThan(2000);
    expect([charts[0].content.readUInt32BE(16), charts[0].content.readUInt32BE(20)]).toEqual([1200, 440]); // IHDR: 600 × 220 CSS px at 2x
    expect(charts[0].contentDisposition).toBe('inline');
    const cid = String(charts[0].cid);
    expect(cid.length).toBeGreaterThan(0);
    expect(html).toContain(`src="cid:${cid}"`);

    const history = await listHistory(data);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ rule: 'api-errors', status: 'sent', attempts: 1, messageId: mail.messageId, observed: 193, expected: 12, z: 14.2, series: 'service=api', lastError: null });
    expect(history[0].sentAt).not.toBeNull();
  });

  it('keeps the firing in the outbox while the server is down, retries with back-off, and delivers it once when the server is back', async () => {
    const port = await freePort(); // nothing listens: connection refused
    const data = tmpDir();
    const clock = manualClock();
    const outbox = await Outbox.open(data, { clock: clock.now, retry: { firstSeconds: 30, maxSeconds: 120 } });
    await outbox.enqueue([anomalyFiring()]);
    const send = createEmailSender(createMailer(settings(port)));

    const first = await outbox.deliverDue(send);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: 'failed', attempt: 1, nextAttemptAt: new Date(T0 + 30_000).toISOString() });
    expect(first[0].error).toMatch(/ECONNREFUSED|connect/i);
    let [h] = await listHistory(data);
    expect(h).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: new Date(T0 + 30_000).toISOString() });
    expect(h.lastError).toMatch(/ECONNREFUSED|connect/i);

    expect(await outbox.deliverDue(send)).toEqual([]); // not due before the back-off ends
    clock.advance(30_000);
    expect((await outbox.deliverDue(send)).map((r) => [r.status, r.attempt, r.nextAttemptAt])).toEqual([['failed', 2, new Date(T0 + 30_000 + 60_000).toISOString()]]);
    clock.advance(60_000);
    expect((await outbox.deliverDue(send)).map((r) => r.nextAttemptAt)).toEqual([new Date(T0 + 90_000 + 120_000).toISOString()]); // doubled, then capped at maxSeconds
    expect(await outbox.nextDueAt()).toBe(T0 + 90_000 + 120_000);

    const smtp = await server({ port });
    clock.advance(120_000);
    const last = await outbox.deliverDue(send);
    expect(last.map((r) => [r.status, r.attempt])).toEqual([['sent', 4]]);
    clock.advance(3_600_000);
    expect(await outbox.deliverDue(send)).toEqual([]);
    expect(smtp.received).toHaveLength(1);
    [h] = await listHistory(data);
    expect(h).toMatchObject({ status: 'sent', attempts: 4, messageId: last[0].messageId });
    expect(await outbox.nextDueAt()).toBeNull();
  });

  it('retries after the server rejects the login, and never writes the password to the outbox, the email, the history or the output', async () => {
    const password = 'pw-Hunter2-s3cret';
    let accept = false;
    const smtp = await server({ credentials: { user: 'alerts', pass: password }, acceptLogin: () => accept });
    const data = tmpDir();
    const clock = manualClock();
    const written: string[] = [];
    const original = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (written.push(String(chunk)), original.out(chunk as never, ...(rest as never[])))) as never;
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (written.push(String(chunk)), original.err(chunk as never, ...(rest as never[])))) as never;
    try {
      const outbox = await Outbox.open(data, { clock: clock.now, retry: { firstSeconds: 10, maxSeconds: 10 } });
      await outbox.enqueue([anomalyFiring()]);
      const send = createEmailSender(createMailer(settings(smtp.port, { user: 'alerts' }, { LOGSCOPE_SMTP_PASSWORD: password })));
      const failed = await outbox.deliverDue(send);
      expect(failed.map((r) => r.status)).toEqual(['failed']);
      expect(failed[0].error).toMatch(/535|Invalid username or password/);
      expect(smtp.received).toHaveLength(0);

      accept = true;
      clock.advance(10_000);
      expect((await outbox.deliverDue(send)).map((r) => r.status)).toEqual(['sent']);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0].user).toBe('alerts');
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    }
    const secretForms = [password, Buffer.from(password).toString('base64'), Buffer.from(`\u0000alerts\u0000${password}`).toString('base64')];
    const outboxBytes = fs.readdirSync(data).filter((f) => f.startsWith('alerts.duckdb')).map((f) => fs.readFileSync(path.join(data, f)).toString('latin1')).join('');
    expect(outboxBytes.length).toBeGreaterThan(0);
    const history = JSON.stringify(await listHistory(data));
    expect(history).toContain('Invalid username or password'); // the error of the first try is kept ...
    for (const secret of secretForms) {
      expect(outboxBytes).not.toContain(secret);
      expect(history).not.toContain(secret);
      expect(smtp.received[0].raw).not.toContain(secret);
      expect(written.join('')).not.toContain(secret);
    }
  });

  it('sends a firing key once: twice in one call, again later, and again after the outbox is reopened', async () => {
    const smtp = await server();
    const data = tmpDir();
    const send = createEmailSender(createMailer(settings(smtp.port)));
    const outbox = await Outbox.open(data);
    const firing = anomalyFiring();
    expect(await outbox.enqueue([firing, { ...firing }])).toEqual({ queued: [firing.key], duplicates: [firing.key] });
    await outbox.deliverDue(send);
    expect(await outbox.enqueue([firing])).toEqual({ queued: [], duplicates: [firing.key] });
    const reopened = await Outbox.open(data);
    expect(await reopened.enqueue([{ ...firing, firedAt: '2026-12-03T10:21:00.000Z' }])).toEqual({ queued: [], duplicates: [firing.key] });
    expect(await reopened.deliverDue(send)).toEqual([]);
    expect(smtp.received).toHaveLength(1);
    expect(await listHistory(data)).toHaveLength(1);
  });

  it('groups the firings of a rule during its cool-down into one email sent when the cool-down ends', async () => {
    const smtp = await server();
    const data = tmpDir();
    const clock = manualClock();
    const outbox = await Outbox.open(data, { clock: clock.now });
    const send = createEmailSender(createMailer(settings(smtp.port)));
    const at = (minutes: number, series: string) =>
      anomalyFiring({ key: `api-errors|${series}|${minutes}`, series, title: `errors rose for ${series}`, firedAt: new Date(T0 + minutes * 60_000).toISOString(), cooldownSeconds: 600 });

    await outbox.enqueue([at(0, 'service=api')]);
    expect((await outbox.deliverDue(send)).map((r) => r.status)).toEqual(['sent']);
    clock.advance(60_000);
    await outbox.enqueue([at(1, 'service=web')]);
    clock.advance(60_000);
    await outbox.enqueue([at(2, 'service=db')]);
    await outbox.enqueue([anomalyFiring({ rule: 'other-rule', key: 'other|1', cooldownSeconds: 600 })]); // another rule is not held back
    expect((await outbox.deliverDue(send)).map((r) => r.rule)).toEqual(['other-rule']);
    const waiting = (await listHistory(data, { rule: 'api-errors', status: 'pending' })).map((h) => [h.series, h.nextAttemptAt]);
    expect(waiting.sort()).toEqual([['service=db', new Date(T0 + 600_000).toISOString()], ['service=web', new Date(T0 + 600_000).toISOString()]]);

    clock.advance(600_000 - 120_000 - 1);
    expect(await outbox.deliverDue(send)).toEqual([]);
    clock.advance(1);
    const grouped = await outbox.deliverDue(send);
    expect(grouped.map((r) => [r.rule, r.firings])).toEqual([['api-errors', 2]]);
    expect(smtp.received.map((r) => r.mail.subject)).toEqual([
      '[CRITICAL] api-errors: errors rose for service=api, 2026-12-03 10:05 UTC',
      '[CRITICAL] other-rule: errors 193 vs 12 expected (z 14.2) for service=api, 2026-12-03 10:05 UTC',
      '[CRITICAL] api-errors: 2 firings (service=web; service=db), 2026-12-03 10:05–10:10 UTC',
    ]);
    const groupedMail = smtp.received[2].mail;
    expect(groupedMail.text).toContain('1. errors rose for service=web');
    expect(groupedMail.text).toContain('2. errors rose for service=db');
    expect(groupedMail.attachments.filter((a) => a.contentType === 'image/png')).toHaveLength(2);
    const sent = await listHistory(data, { rule: 'api-errors' });
    expect(new Set(sent.filter((h) => h.series !== 'service=api').map((h) => h.messageId)).size).toBe(1);
    expect(sent.every((h) => h.status === 'sent')).toBe(true);
  });

  it('sends once when two senders deliver from the same outbox at the same time', async () => {
    const smtp = await server({ beforeReply: () => new Promise((r) => setTimeout(r, 200)) });
    const data = tmpDir();
    const a = await Outbox.open(data);
    const b = await Outbox.open(data);
    await a.enqueue([anomalyFiring()]);
    const send = createEmailSender(createMailer(settings(smtp.port)));
    const [ra, rb] = await Promise.all([a.deliverDue(send), b.deliverDue(send)]);
    expect([...ra, ...rb].map((r) => r.status)).toEqual(['sent']);
    expect(smtp.received).toHaveLength(1);
  });

  it('sends a quiet digest as one "all quiet" email without a chart, its history row without numbers', async () => {
    const smtp = await server();
    const data = tmpDir();
    const outbox = await Outbox.open(data);
    await outbox.enqueue([digestFiring(true)]);
    expect((await outbox.deliverDue(createEmailSender(createMailer(settings(smtp.port))))).map((r) => r.status)).toEqual(['sent']);
    expect(smtp.received.map((r) => r.mail.subject)).toEqual(['[INFO] daily-report: all quiet, 2026-12-02 00:00 – 2026-12-03 00:00 UTC']);
    expect(smtp.received[0].mail.attachments).toEqual([]);
    expect(smtp.received[0].mail.text).toContain('All quiet: nothing fired between 2026-12-02 00:00 UTC and 2026-12-03 00:00 UTC.');
    expect(await listHistory(data)).toMatchObject([{ rule: 'daily-report', kind: 'digest', status: 'sent', observed: null, expected: null, z: null, series: '' }]);
  });

  it('counts a server that never answers as a failed try after the timeout, and delivers on the retry', async () => {
    let answer = false;
    const smtp = await server({ onConnect: () => answer });
    const data = tmpDir();
    const clock = manualClock();
    const outbox = await Outbox.open(data, { clock: clock.now, retry: { firstSeconds: 30, maxSeconds: 60 } });
    await outbox.enqueue([anomalyFiring()]);
    const send = createEmailSender(createMailer(settings(smtp.port, { timeoutSeconds: 1.5 })));
    const [failed] = await outbox.deliverDue(send);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/greeting|timeout/i);
    expect((await listHistory(data))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    answer = true;
    clock.advance(30_000);
    expect((await outbox.deliverDue(send)).map((r) => [r.status, r.error])).toEqual([['sent', undefined]]);
    expect(smtp.received).toHaveLength(1);
  });
});
