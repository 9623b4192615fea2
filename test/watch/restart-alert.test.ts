import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../alerts/smtp.js';
import { openStoreReader } from '../../src/store/index.js';
import { countStored, line, lines, sleep, startWatcher, waitForStored } from './watcher-process.js';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

describe('logscope watch: restarts and live alerts (a real watcher process)', () => {
  it('after kill -9 in the middle of a stream, a new watcher resumes where the last committed batch ended: every line once', async () => {
    const dir = tmpDir('logscope-watch-kill-');
    const data = path.join(dir, 'data');
    const app = path.join(dir, 'app.log');
    fs.writeFileSync(app, '');
    const args = [app, '--data', data, '--interval', '200ms', '--workers', '1', '--multiline-wait', '100ms'];
    const first = await startWatcher(args);
    let seq = 0;
    try {
      // Write until two batches are committed (it says so on stderr), then kill it while it reads on.
      for (let i = 0; i < 2000 && (first.stderr().match(/ batch /g) ?? []).length < 2; i++) {
        fs.appendFileSync(app, lines(seq, seq + 200));
        seq += 200;
        await sleep(20);
      }
      fs.appendFileSync(app, lines(seq, seq + 2000));
      seq += 2000;
      const killed = await first.stop('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
    } finally {
      await first.stop('SIGKILL');
    }
    const before = await countStored(data);
    expect(before.distinct).toBe(before.rows);
    expect(before.distinct).toBeGreaterThan(0);
    expect(before.distinct).toBeLessThan(seq);
    fs.appendFileSync(app, lines(seq, seq + 500));
    seq += 500;
    const second = await startWatcher(args);
    try {
      const after = await waitForStored(data, (c) => c.rows >= seq, 20_000);
      expect(after).toEqual({ rows: seq, distinct: seq, unparsed: 0, maxSeq: seq - 1 });
    } finally {
      expect((await second.stop('SIGTERM')).code).toBe(0);
    }
  }, 120_000);

  it('an error burst in a followed file fires its alert once, within the interval plus the bucket width', async () => {
    smtp.received.length = 0;
    const dir = tmpDir('logscope-watch-alert-');
    const data = path.join(dir, 'data');
    const app = path.join(dir, 'app.log');
    const config = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'logscope <alerts@example.com>', timeoutSeconds: 5 },
        alerts: { rules: [{ name: 'burst', kind: 'error_rate', window: '2s', above: 0.5, minCount: 5, schedule: '* * * * *', cooldown: '1h', recipients: ['oncall@example.com'] }] },
      }),
    );
    fs.writeFileSync(app, '');
    const w = await startWatcher([app, '--data', data, '--config', config, '--interval', '300ms', '--workers', '1', '--no-mining']);
    let seq = 0;
    const steady = async (ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end; ) {
        fs.appendFileSync(app, line(seq++));
        await sleep(100);
      }
    };
    try {
      await steady(600);
      expect(smtp.received).toHaveLength(0);
      const burstAt = Date.now();
      let burst = '';
      for (let i = 0; i < 60; i++) burst += line(seq++, 'ERROR');
      fs.appendFileSync(app, burst);
      // Steady lines go on: the bucket holding the newest line is still filling and not judged.
      for (const deadline = burstAt + 30_000; smtp.received.length === 0 && Date.now() < deadline; ) await steady(100);
      const firedAfter = Date.now() - burstAt;
      expect(smtp.received, w.stderr()).toHaveLength(1);
      // Interval + bucket width, plus parse, commit, evaluation and the send: generous, for a
      // shared machine under heavy load (an evaluation on a schedule, once a minute, would fail it).
      expect(firedAfter).toBeLessThan(300 + 2000 + 10_000);
      // Later batches (three or more) evaluate the same episode again: no second email.
      await steady(1000);
      expect(smtp.received).toHaveLength(1);
      const { mail, envelopeTo } = smtp.received[0];
      expect(envelopeTo).toEqual(['oncall@example.com']);
      expect(mail.subject).toMatch(/burst/);
      expect(mail.subject).toMatch(/error rate/);
    } finally {
      expect((await w.stop('SIGTERM')).code).toBe(0);
    }
  }, 120_000);
});

describe('logscope watch: a file no built-in format reads (a real watcher process)', () => {
  it('follows it with the template built from its lines\' shape, says so, and keeps that template after a restart', async () => {
    const dir = tmpDir('logscope-watch-template-');
    const data = path.join(dir, 'data');
    const app = path.join(dir, 'ras.log');
    // An alert tag, epoch seconds, two header fields, the level, then the text: no built-in format reads it.
    const ras = (seq: number) => `${seq % 5 ? '-' : 'KERNDTLB'} ${Math.floor(Date.now() / 1000)} RAS KERNEL ${seq % 5 ? 'INFO' : 'FATAL'} request seq=${seq} done\n`;
    fs.writeFileSync(app, Array.from({ length: 30 }, (_, i) => ras(i)).join(''));
    const args = [app, '--data', data, '--interval', '200ms', '--workers', '1', '--multiline-wait', '100ms'];
    const first = await startWatcher(args);
    try {
      expect(await waitForStored(data, (c) => c.rows >= 30, 20_000)).toMatchObject({ rows: 30, distinct: 30, unparsed: 0 });
      expect(first.stderr()).toContain(`${app}: no built-in format matched (none parsed any of 30 sampled lines); read with a template built from the sampled lines' shape: --template '<Field1> <Timestamp> <Field2> <Field3> <Level> <Content>'`);
    } finally {
      expect((await first.stop('SIGTERM')).code).toBe(0);
    }
    // Lines appended while it was down: read with the stored template, not detected again.
    fs.appendFileSync(app, Array.from({ length: 10 }, (_, i) => ras(30 + i)).join(''));
    const second = await startWatcher(args);
    try {
      expect(await waitForStored(data, (c) => c.rows >= 40, 20_000)).toMatchObject({ rows: 40, distinct: 40, unparsed: 0 });
      expect(second.stderr()).not.toContain('no built-in format matched');
    } finally {
      expect((await second.stop('SIGTERM')).code).toBe(0);
    }
    const reader = await openStoreReader(data);
    try {
      const levels = await reader.connection.runAndReadAll(`SELECT level, count(*)::INT FROM logs GROUP BY ALL ORDER BY 1`);
      expect(levels.getRows()).toEqual([['FATAL', 8], ['INFO', 32]]);
      const r = await reader.connection.runAndReadAll(`SELECT format, format_options FROM sources`);
      expect(r.getRows()).toEqual([['template', JSON.stringify({ template: '<Field1> <Timestamp> <Field2> <Field3> <Level> <Content>' })]]);
    } finally {
      reader.close();
    }
  }, 120_000);
});
