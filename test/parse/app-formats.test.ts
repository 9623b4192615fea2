import { describe, expect, it } from 'vitest';
import { createParser, detectFormat, loadFormats, parseLines, RowWriter, utcZone, type ZoneResolver } from '../../src/parse/index.js';
import { parseText, us } from './parse-helper.js';

const java = { name: 'java', options: {} };
const python = { name: 'python', options: {} };
const journald = { name: 'journald', options: {} };
const apacheError = { name: 'apache-error', options: {} };
const ctx = { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 25, 12) * 1000 };
const plusOne: ZoneResolver = (wall) => wall - 3_600_000_000;

function attrsOf(r: Record<string, string | null>): Record<string, unknown> | null {
  return r.attrs === null ? null : (JSON.parse(r.attrs) as Record<string, unknown>);
}

describe('java format', () => {
  it('parses a Spring Boot 3 line: logger as service, pid, app and padded thread in attrs', async () => {
    const line = '2026-11-25T10:00:00.123+01:00  INFO 12345 --- [myapp] [           main] c.e.demo.DemoApplication                 : Started DemoApplication in 1.2 seconds';
    const { records, counts } = await parseText(line + '\n', java);
    expect(counts.parsed).toBe(1);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T09:00:00.123Z'), host: null, service: 'c.e.demo.DemoApplication', pid: '12345', level: 'INFO', level_raw: 'INFO', message: 'Started DemoApplication in 1.2 seconds' });
    expect(attrsOf(records[0])).toEqual({ app: 'myapp', thread: 'main' });
  });

  it('parses the Spring Boot 2 shape without an app name, in the file zone', async () => {
    const line = '2026-11-25 10:00:00.123  WARN 12345 --- [nio-8080-exec-1] c.e.d.DemoApplication : Low disk space';
    const { records } = await parseText(line + '\n', java, { zone: plusOne });
    expect(records[0]).toMatchObject({ us: us('2026-11-25T09:00:00.123Z'), service: 'c.e.d.DemoApplication', pid: '12345', level: 'WARN', message: 'Low disk space' });
    expect(attrsOf(records[0])).toEqual({ thread: 'nio-8080-exec-1' });
  });

  it('reads the logback and log4j patterns, thread before or after the level', async () => {
    const lines = [
      '2026-11-25 10:00:00,123 [main] INFO  com.example.App - Application started',
      '2026-11-25 10:00:01,123 INFO  [main] com.example.App: Listening on 8080',
      '2026-11-25 10:00:02,123 ERROR [pool-1-thread-3] com.example.Service - failed: java.io.IOException: Broken pipe',
      '2026-11-25 10:00:03,456 [http-nio-8080-exec-2] DEBUG o.s.web.servlet.DispatcherServlet - GET "/health", parameters={}',
    ];
    const { records, counts } = await parseText(lines.join('\n'), java);
    expect(counts.parsed).toBe(4);
    expect(records.map((r) => [r.service, r.level, r.level_raw, r.message, attrsOf(r)?.thread])).toEqual([
      ['com.example.App', 'INFO', 'INFO', 'Application started', 'main'],
      ['com.example.App', 'INFO', 'INFO', 'Listening on 8080', 'main'],
      ['com.example.Service', 'ERROR', 'ERROR', 'failed: java.io.IOException: Broken pipe', 'pool-1-thread-3'],
      ['o.s.web.servlet.DispatcherServlet', 'DEBUG', 'DEBUG', 'GET "/health", parameters={}', 'http-nio-8080-exec-2'],
    ]);
    expect(records[2].us).toBe(us('2026-11-25T10:00:02.123Z'));
    expect(records[0].pid).toBeNull();
  });

  it('dates a time-only logback line on the reference time\'s UTC day', async () => {
    const { records } = await parseText('10:00:00.123 [main] INFO  com.example.App - message\n', java);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00.123Z'), service: 'com.example.App', message: 'message' });
  });

  it('writes valid JSON attrs for a thread name with quotes and backslashes', async () => {
    const { records } = await parseText('2026-11-25 10:00:00,123 [worker "a\\b"] INFO  com.example.App - x\n', java);
    expect(attrsOf(records[0])).toEqual({ thread: 'worker "a\\b"' });
  });

  it('rejects a stack-trace line and a line without thread or pid', async () => {
    const { unparsed } = await parseText('\tat com.example.App.main(App.java:10)\n2026-11-25 10:00:00,123 ERROR myapp: no thread\n', java);
    expect(unparsed).toHaveLength(2);
  });
});

describe('python format', () => {
  it('parses "asctime - name - levelname - message" with the logger as service', async () => {
    const { records } = await parseText('2026-11-25 10:00:00,123 - myapp.db - WARNING - slow query: SELECT 1 - took 2s\n', python);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00.123Z'), host: null, service: 'myapp.db', pid: null, level: 'WARN', level_raw: 'WARNING', message: 'slow query: SELECT 1 - took 2s', attrs: null });
  });

  it('parses "asctime levelname name: message" and Flask\'s "[asctime] LEVEL in module: message"', async () => {
    const { records } = await parseText('2026-11-25 10:00:00,123 CRITICAL myapp.worker: queue is gone\n[2026-11-25 10:00:01,500] ERROR in app: Exception on /login [POST]\n', python, { zone: plusOne });
    expect(records.map((r) => [r.us, r.service, r.level, r.level_raw, r.message])).toEqual([
      [us('2026-11-25T09:00:00.123Z'), 'myapp.worker', 'FATAL', 'CRITICAL', 'queue is gone'],
      [us('2026-11-25T09:00:01.500Z'), 'app', 'ERROR', 'ERROR', 'Exception on /login [POST]'],
    ]);
  });

  it('rejects the default "levelname:name:message", which has no time', async () => {
    const { unparsed } = await parseText('WARNING:root:slow query\n', python);
    expect(unparsed[0].reason).toBe('no timestamp');
  });
});

describe('journald format', () => {
  it('parses -o short-iso with an offset without colon, and -o short-iso-precise with one', async () => {
    const lines = ['2026-11-25T10:00:00+0100 web-1 sshd[1234]: Accepted publickey for deploy from 203.0.113.9 port 52144 ssh2', '2026-11-25T10:00:00.123456+01:00 web-1 systemd[1]: Started Session 7 of User deploy.'];
    const { records } = await parseText(lines.join('\n'), journald);
    expect(records.map((r) => [r.us, r.host, r.service, r.pid, r.message])).toEqual([
      [us('2026-11-25T09:00:00Z'), 'web-1', 'sshd', '1234', 'Accepted publickey for deploy from 203.0.113.9 port 52144 ssh2'],
      [String(Date.UTC(2026, 10, 25, 9) * 1000 + 123456), 'web-1', 'systemd', '1', 'Started Session 7 of User deploy.'],
    ]);
  });

  it('parses -o short and -o short-precise in the file zone, year inferred, with a leading level word', async () => {
    const lines = ['Nov 25 10:00:00 web-1 kernel: ERROR: disk full', 'Nov 05 10:00:00.000250 web-1 app[77]: retrying'];
    const { records } = await parseText(lines.join('\n'), journald, { zone: plusOne });
    expect(records.map((r) => [r.us, r.service, r.pid, r.level, r.level_raw, r.message])).toEqual([
      [us('2026-11-25T09:00:00Z'), 'kernel', null, 'ERROR', 'ERROR', 'disk full'],
      [String(Date.UTC(2026, 10, 5, 9) * 1000 + 250), 'app', '77', null, null, 'retrying'],
    ]);
  });

  it('skips marker lines with a reason', async () => {
    const text = '-- Logs begin at Mon 2026-11-23 08:00:00 CET, end at Wed 2026-11-25 10:00:00 CET. --\n-- Boot 1a2b3c4d5e6f --\n-- No entries --\nNov 25 10:00:00 web-1 sshd[1]: ok\n';
    const { unparsed, counts } = await parseText(text, journald);
    expect(counts.parsed).toBe(1);
    expect(unparsed.map((u) => u.reason)).toEqual(['journalctl marker line', 'journalctl marker line', 'journalctl marker line']);
  });

  it('rejects what journalctl never writes: Z times, <PRI>, space-padded days, three-digit fractions', async () => {
    const lines = ['2026-11-25T10:00:00Z web-1 app[1]: x', '<13>Nov 25 10:00:00 web-1 app[1]: x', 'Nov  5 10:00:00 web-1 app[1]: x', 'Nov 25 10:00:00.123 web-1 app[1]: x'];
    const { counts } = await parseText(lines.join('\n'), journald);
    expect(counts.parsed).toBe(0);
  });
});

describe('apache-error format', () => {
  it('parses a 2.2 line: level, client in attrs, no service or pid', async () => {
    const { records } = await parseText('[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico\n', apacheError, { zone: plusOne });
    expect(records[0]).toMatchObject({ us: us('2005-12-04T03:47:44Z'), host: null, service: null, pid: null, level: 'ERROR', level_raw: 'error', message: 'File does not exist: /var/www/favicon.ico' });
    expect(attrsOf(records[0])).toEqual({ client: '1.2.3.4' });
  });

  it('parses a 2.4 line: module as service, pid, tid and client in attrs, microseconds', async () => {
    const line = '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5432] AH00124: Request exceeded the limit';
    const { records } = await parseText(line + '\n', apacheError);
    expect(records[0]).toMatchObject({ us: String(Date.UTC(2000, 9, 11, 14, 32, 52) * 1000 + 123456), service: 'core', pid: '35708', level: 'ERROR', level_raw: 'error', message: 'AH00124: Request exceeded the limit' });
    expect(attrsOf(records[0])).toEqual({ tid: 4328636416, client: '72.15.99.187:5432' });
  });

  it('maps trace1-8, warn and notice, and keeps a line without pid or client', async () => {
    const lines = ['[Wed Nov 25 10:00:00.000001 2026] [ssl:trace3] [pid 9] x', '[Wed Nov 25 10:00:00 2026] [mpm_event:notice] [pid 1:tid 2] AH00489: resuming', '[Wed Nov 25 10:00:00 2026] [warn] mod_x: y'];
    const { records } = await parseText(lines.join('\n'), apacheError);
    expect(records.map((r) => [r.level, r.level_raw, r.service, r.message])).toEqual([
      ['TRACE', 'trace3', 'ssl', 'x'],
      ['NOTICE', 'notice', 'mpm_event', 'AH00489: resuming'],
      ['WARN', 'warn', null, 'mod_x: y'],
    ]);
  });
});

const NEW = ['java', 'python', 'journald', 'apache-error'];

/** 50 lines of a format, with the seconds counting up. */
function sampleOf(name: string): string {
  const t = (i: number) => String(i % 60).padStart(2, '0');
  const make: Record<string, (i: number) => string> = {
    java: (i) => `2026-11-25T10:00:${t(i)}.123+01:00  INFO 12345 --- [myapp] [           main] c.e.demo.DemoApplication                 : request ${i}`,
    python: (i) => (i % 2 === 0 ? `2026-11-25 10:00:${t(i)},123 - myapp.db - INFO - query ${i}` : `2026-11-25 10:00:${t(i)},123 ERROR myapp.db: query ${i}`),
    journald: (i) => (i === 0 ? '-- Logs begin at Mon 2026-11-23 08:00:00 CET. --' : `2026-11-25T10:00:${t(i)}+0100 web-1 sshd[${1000 + i}]: session ${i} opened`),
    'apache-error': (i) => `[Wed Nov 25 10:00:${t(i)}.123456 2026] [proxy:error] [pid 4:tid 5] [client 10.0.0.${i}:1234] AH00940: backend ${i} failed`,
    'journald-short': (i) => `Nov 25 10:00:${t(i)}.000${String(100 + i)} web-1 cron[${i + 1}]: job ${i}`,
  };
  return Array.from({ length: 50 }, (_, i) => make[name](i)).join('\n');
}

describe('auto-detection of the application formats', () => {
  // journalctl output reads the same as syslog, which detection prefers (see journald.ts).
  it.each([...NEW.map((n) => [n, n === 'journald' ? 'syslog' : n]), ['journald-short', 'syslog']])('picks for a 50-line %s sample: %s', async (sample, expected) => {
    const d = await detectFormat(Buffer.from(sampleOf(sample)), ctx);
    expect(d.format).toBe(expected);
  });

  it('still picks syslog for ISO lines with Z, RFC 3164 with space-padded days and <PRI>, and json for JSON', async () => {
    const iso = Array.from({ length: 50 }, (_, i) => `2026-11-25T10:00:${String(i).padStart(2, '0')}Z web-1 api[7]: INFO request ${i}`).join('\n');
    const bsd = Array.from({ length: 50 }, (_, i) => `Nov  5 10:00:${String(i).padStart(2, '0')} web-1 api[7]: request ${i}`).join('\n');
    const pri = Array.from({ length: 50 }, (_, i) => `<13>Nov 25 10:00:${String(i).padStart(2, '0')} web-1 api[7]: request ${i}`).join('\n');
    const json = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ts: `2026-11-25T10:00:${String(i).padStart(2, '0')}Z`, level: 'warn', msg: `m${i}` })).join('\n');
    expect((await detectFormat(Buffer.from(iso), ctx)).format).toBe('syslog');
    expect((await detectFormat(Buffer.from(bsd), ctx)).format).toBe('syslog');
    expect((await detectFormat(Buffer.from(pri), ctx)).format).toBe('syslog');
    expect((await detectFormat(Buffer.from(json), ctx)).format).toBe('json');
  });
});

describe('rejection of other formats', () => {
  it('each new format rejects the example of every other format', async () => {
    const formats = await loadFormats();
    const examples = [...formats.values()].filter((f) => f.needsOptions !== true);
    const extra = ['<13>1 2026-11-25T10:00:00.123Z web-1 api 77 ID47 - RFC 5424 line', 'Nov  5 03:04:05 web-1 sshd[1]: RFC 3164 line'];
    for (const name of NEW) {
      const parser = await createParser({ name, options: {} }, ctx);
      for (const other of examples) {
        if (other.name === name) continue;
        const buf = Buffer.from(other.example);
        const out = new RowWriter(1024);
        expect(parseLines(buf, 0, buf.length, parser, out).parsed, `${name} on ${other.name}`).toBe(0);
      }
      for (const line of extra) {
        const buf = Buffer.from(line);
        expect(parseLines(buf, 0, buf.length, parser, new RowWriter(1024)).parsed, `${name} on ${line}`).toBe(0);
      }
      const own = Buffer.from(formats.get(name)!.example);
      expect(parseLines(own, 0, own.length, parser, new RowWriter(1024)).parsed, `${name} on its own example`).toBe(1);
    }
  });
});
