import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listHistory } from '../../src/alerts/history.js';
import { createEmailSender } from '../../src/alerts/mail-delivery.js';
import { createMailer, resolveSmtpSettings, type SmtpSettings } from '../../src/alerts/mailer.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { REPO, tmpDir } from '../helpers.js';
import { anomalyFiring } from './firings.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

// The child imports the outbox from dist/: build first (npm test does; by hand: npx tsc -p tsconfig.json).
const CHILD = path.join(REPO, 'test', 'alerts', 'outbox-child.mjs');

const servers: TestSmtpServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers.splice(0)) await s.close();
});

function settings(port: number): SmtpSettings {
  return resolveSmtpSettings({ host: '127.0.0.1', port, security: 'none', from: 'alerts@example.com', timeoutSeconds: 5 } as never, {}) as SmtpSettings;
}

/** Starts the child and resolves when it printed `enqueued` (the firing is committed). */
function startChild(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not enqueue in 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('enqueued')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before enqueueing; stderr: ${stderr}`)));
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('a sender killed with -9', () => {
  it('between storing a firing and sending it: the restarted outbox delivers it, once', async () => {
    const smtp = await startSmtpServer();
    servers.push(smtp);
    const data = tmpDir();
    const firing = anomalyFiring();
    await kill9(await startChild(['enqueue', data, JSON.stringify(firing)]));
    expect(smtp.received).toHaveLength(0);

    const outbox = await Outbox.open(data);
    const send = createEmailSender(createMailer(settings(smtp.port)));
    expect((await outbox.deliverDue(send)).map((r) => [r.status, r.attempt])).toEqual([['sent', 1]]);
    expect(await outbox.deliverDue(send)).toEqual([]);
    expect(await (await Outbox.open(data)).enqueue([firing])).toEqual({ queued: [], duplicates: [firing.key] });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].mail.subject).toContain('api-errors');
  });

  it('while the server had not received the message: resent once after restart, with the same Message-ID as the first try', async () => {
    let sawFirstTry: () => void = () => undefined;
    const firstTry = new Promise<void>((r) => (sawFirstTry = r));
    // The first connection is held before the greeting: the child has claimed the group, nothing was delivered.
    let holdFirst = true;
    const smtp = await startSmtpServer({ onConnect: () => {
      if (!holdFirst) return true;
      holdFirst = false;
      sawFirstTry();
      return false;
    } });
    servers.push(smtp);
    const data = tmpDir();
    const child = await startChild(['send', data, JSON.stringify(anomalyFiring()), JSON.stringify(settings(smtp.port))]);
    await firstTry;
    const [during] = await listHistory(data);
    expect(during).toMatchObject({ status: 'sending', attempts: 1 });
    await kill9(child);

    const outbox = await Outbox.open(data);
    const reports = await outbox.deliverDue(createEmailSender(createMailer(settings(smtp.port))));
    expect(reports.map((r) => [r.status, r.attempt, r.messageId])).toEqual([['sent', 2, during.messageId]]);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].mail.messageId).toBe(during.messageId);
  });

  it('after the server took the message but before the sender recorded it: the resend carries the same Message-ID, so it is recognisable', async () => {
    let child: ChildProcess | undefined;
    let killed: Promise<void> | undefined;
    const smtp = await startSmtpServer({
      beforeReply: async () => {
        if (killed === undefined && child !== undefined) {
          killed = kill9(child); // the data is in, the answer never reaches the sender
          await killed;
        }
      },
    });
    servers.push(smtp);
    const data = tmpDir();
    child = await startChild(['send', data, JSON.stringify(anomalyFiring()), JSON.stringify(settings(smtp.port))]);
    await new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    expect(smtp.received).toHaveLength(1);
    expect((await listHistory(data))[0].status).toBe('sending');

    const outbox = await Outbox.open(data);
    const reports = await outbox.deliverDue(createEmailSender(createMailer(settings(smtp.port))));
    expect(reports.map((r) => [r.status, r.attempt])).toEqual([['sent', 2]]);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1].mail.messageId).toBe(smtp.received[0].mail.messageId);
    expect(smtp.received[1].mail.subject).toBe(smtp.received[0].mail.subject);
  });

  it('two sender processes storing and sending the same firing at once send one email', async () => {
    const smtp = await startSmtpServer({ beforeReply: () => new Promise((r) => setTimeout(r, 300)) });
    servers.push(smtp);
    const data = tmpDir();
    const args = ['send', data, JSON.stringify(anomalyFiring()), JSON.stringify(settings(smtp.port))];
    const outputs = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
            children.push(child);
            let out = '';
            let err = '';
            child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
            child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
            child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
          }),
      ),
    );
    const reports = outputs.flatMap((o) => JSON.parse(o.split('\n')[1]) as { status: string }[]);
    expect(reports.map((r) => r.status)).toEqual(['sent']);
    expect(smtp.received).toHaveLength(1);
    expect((await listHistory(data)).map((h) => [h.status, h.attempts])).toEqual([['sent', 1]]);
  });
});
