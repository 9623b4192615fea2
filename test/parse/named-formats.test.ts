import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createParser, detectFormat, loadFormats, RowWriter, utcZone } from '../../src/parse/index.js';
import { REPO } from '../datasets.js';
import { parseText } from './parse-helper.js';

/** The named formats of issue 12 whose examples live in test/fixtures/formats/<name>/. */
const NAMED = ['log4j', 'tomcat', 'jvm-gc', 'klog', 'nginx-error', 'hclog', 'zap', 'ruby', 'gunicorn', 'django', 'uwsgi', 'laravel', 'postgres', 'mysql', 'mysql-slow', 'redis'];
const FIXTURES = path.join(REPO, 'test/fixtures/formats');
/** Year-less formats (klog, Redis 2) read their year from this time, as from a file's. */
const ctx = { zone: utcZone, referenceMicros: Date.UTC(2026, 11, 1) * 1000 };

interface Expected {
  format: string;
  records: { line: number; ts: string; level: string | null; message: string; service?: string; host?: string; pid?: number }[];
}

function casesOf(name: string): { log: string; expect: Expected }[] {
  const dir = path.join(FIXTURES, name);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => ({ log: path.join(dir, f), expect: JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.log$/, '.expect.json')), 'utf8')) as Expected }));
}

describe.each(NAMED)('%s examples', (name) => {
  const cases = casesOf(name);

  it('has at least one case of 20 lines or more, each listing 3 to 5 records', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(fs.readFileSync(c.log, 'utf8').split('\n').filter((l) => l !== '').length).toBeGreaterThanOrEqual(20);
      expect(c.expect.format).toBe(name);
      expect(c.expect.records.length).toBeGreaterThanOrEqual(3);
      expect(c.expect.records.length).toBeLessThanOrEqual(5);
    }
  });

  it.each(cases.map((c) => ({ file: path.basename(c.log), c })))('auto-detection picks it for $file, which parses 99% or more with the listed records', async ({ c }) => {
    const text = fs.readFileSync(c.log, 'utf8');
    const detection = await detectFormat(Buffer.from(text), ctx);
    expect(detection.format).toBe(name);
    const { records, counts } = await parseText(text, { name, options: {} }, ctx);
    expect(counts.parsed / (counts.lines - counts.blank)).toBeGreaterThanOrEqual(0.99);
    for (const want of c.expect.records) {
      const got = records.find((r) => Number(r.rel_line) === want.line);
      expect(got, `a record at line ${want.line}`).toBeDefined();
      const actual: Record<string, unknown> = { line: want.line, ts: new Date(Number(got?.us) / 1000).toISOString(), level: got?.level ?? null, message: got?.message };
      if ('service' in want) actual.service = got?.service;
      if ('host' in want) actual.host = got?.host;
      if ('pid' in want) actual.pid = got?.pid === null || got?.pid === undefined ? null : Number(got.pid);
      // Millisecond ISO strings: a µs fraction in the fixture is checked to the ms here.
      expect(actual).toEqual({ ...want, ts: new Date(want.ts).toISOString() });
    }
  });
});

describe('the other built-in formats', () => {
  /** Formats whose example line is no record on its own, with the reason. */
  const ALONE_NO_RECORD: Record<string, string> = {
    setupapi: "a section's header line: the section's time is on the section-start line after it",
    w3c: 'a data line: its columns are named by the #Fields: header before it',
    zeek: 'a data line: its columns are named by the #fields header before it',
  };

  it("still win auto-detection on their own example lines", async () => {
    const formats = await loadFormats();
    for (const def of formats.values()) {
      if (def.needsOptions === true || NAMED.includes(def.name)) continue;
      const sample = Buffer.from(`${def.example}\n`.repeat(5));
      const detection = await detectFormat(sample, ctx);
      if (ALONE_NO_RECORD[def.name] !== undefined) {
        // Alone its example is no record: no format reads it, and detection falls back to generic.
        expect(detection.scores.find((x) => x.format === def.name)?.parsed, def.name).toBe(0);
        expect(detection.format, def.name).toBe('generic');
        continue;
      }
      // journald's lines are syslog's (README: auto-detection labels them syslog).
      expect([def.name, def.name === 'journald' ? 'syslog' : def.name]).toContain(detection.format);
    }
  });

  it('none of the named formats reads another built-in format\'s example line', async () => {
    const formats = await loadFormats();
    const taken: string[] = [];
    for (const name of NAMED) {
      const parser = await createParser({ name, options: {} }, ctx);
      for (const def of formats.values()) {
        if (def.name === name || def.needsOptions === true) continue;
        const buf = Buffer.from(def.example);
        const out = new RowWriter(1024);
        if (parser.parseLine(buf, 0, buf.length, out) === null) taken.push(`${name} reads ${def.name}'s example`);
        out.release();
      }
    }
    expect(taken).toEqual([]);
  });
});

describe('multi-line records of the named formats', () => {
  it('joins a MySQL slow-log entry into one record: the statement as message, the headers in attrs', async () => {
    const text = [
      '# Time: 2026-11-25T10:00:00.123456Z',
      '# User@Host: app[app] @ web-1 [10.0.0.5]  Id:    42',
      '# Query_time: 2.000219  Lock_time: 0.000101 Rows_sent: 1  Rows_examined: 120000',
      'use shop;',
      'SET timestamp=1795600800;',
      'SELECT id',
      'FROM orders WHERE note LIKE \'%x%\';',
      '# User@Host: app[app] @ web-1 [10.0.0.5]  Id:    43',
      '# Query_time: 1.5  Lock_time: 0.0 Rows_sent: 0  Rows_examined: 10',
      'SET timestamp=1795600801;',
      'DELETE FROM carts WHERE age > 30;',
    ].join('\n');
    const { records, counts } = await parseText(text, { name: 'mysql-slow', options: {} }, ctx);
    expect(counts).toMatchObject({ parsed: 11, unparsed: 0 });
    expect(records.map((r) => [r.rel_line, r.message])).toEqual([
      ['1', "SELECT id\nFROM orders WHERE note LIKE '%x%';"],
      ['8', 'DELETE FROM carts WHERE age > 30;'],
    ]);
    expect(JSON.parse(records[0].attrs as string)).toEqual({ user: 'app', host: 'web-1', ip: '10.0.0.5', id: 42, query_time: 2.000219, lock_time: 0.000101, rows_sent: 1, rows_examined: 120000, db: 'shop', timestamp: 1795600800 });
    expect(records[1].us).toBe(String(1795600801 * 1e6));
  });

  it('joins PostgreSQL DETAIL and STATEMENT lines to the message before them, without their prefixes', async () => {
    const text = [
      '2026-11-25 10:00:00.123 UTC [1234] app@shop ERROR:  duplicate key value violates unique constraint "orders_pkey"',
      '2026-11-25 10:00:00.123 UTC [1234] app@shop DETAIL:  Key (id)=(7) already exists.',
      '2026-11-25 10:00:00.123 UTC [1234] app@shop STATEMENT:  INSERT INTO orders (id)',
      '\tVALUES (7);',
      '2026-11-25 10:00:01.000 EST [99] LOG:  checkpoint starting: time',
    ].join('\n');
    const { records } = await parseText(text, { name: 'postgres', options: {} }, ctx);
    expect(records.map((r) => [r.rel_line, r.level, r.pid, r.message])).toEqual([
      ['1', 'ERROR', '1234', 'duplicate key value violates unique constraint "orders_pkey"\nDETAIL:  Key (id)=(7) already exists.\nSTATEMENT:  INSERT INTO orders (id)\n\tVALUES (7);'],
      ['5', 'INFO', '99', 'checkpoint starting: time'],
    ]);
    expect(JSON.parse(records[0].attrs as string)).toEqual({ user: 'app', db: 'shop' });
    expect(records[1].us).toBe(String(Date.UTC(2026, 10, 25, 15, 0, 1) * 1000));
  });
});


describe('fields the named formats infer', () => {
  it('dates a klog line of December in a file written in January in the year before', async () => {
    const january = { zone: utcZone, referenceMicros: Date.UTC(2027, 0, 2) * 1000 };
    const { records } = await parseText('I1231 23:59:59.500000    7 main.go:10] bye\nI0101 00:00:01.000000    7 main.go:11] hello\n', { name: 'klog', options: {} }, january);
    expect(records.map((r) => new Date(Number(r.us) / 1000).toISOString())).toEqual(['2026-12-31T23:59:59.500Z', '2027-01-01T00:00:01.000Z']);
  });

  it('reads the year glog 0.6+ writes after the level letter', async () => {
    const { records } = await parseText('W20251231 23:59:59.500000  7 server.cc:10] disk almost full\n', { name: 'klog', options: {} }, ctx);
    expect(records[0]).toMatchObject({ us: String(Date.UTC(2025, 11, 31, 23, 59, 59, 500) * 1000), level: 'WARN', service: 'server.cc', pid: '7', message: 'disk almost full' });
  });

  it('dates a GC line with only the uptime from the file time plus the uptime, and says so in attrs', async () => {
    const { records } = await parseText('[1.500s][info][gc] Using G1\n', { name: 'jvm-gc', options: {} }, ctx);
    expect(records[0]).toMatchObject({ us: String(ctx.referenceMicros + 1_500_000), service: 'gc', level: 'INFO', message: 'Using G1' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ uptime_s: 1.5, time_from: 'uptime' });
  });

  it('reads a tomcat SimpleFormatter record from its two lines: the level and message from the second', async () => {
    const { records, counts } = await parseText('Nov 25, 2026 1:05:44 PM org.apache.catalina.core.StandardWrapperValve invoke\nSEVERE: Servlet.service() threw exception\n', { name: 'tomcat', options: {} }, ctx);
    expect(counts).toMatchObject({ parsed: 2, joined: 1 });
    expect(records[0]).toMatchObject({ us: String(Date.UTC(2026, 10, 25, 13, 5, 44) * 1000), level: 'ERROR', level_raw: 'SEVERE', message: 'Servlet.service() threw exception', service: 'org.apache.catalina.core.StandardWrapperValve' });
  });

  it('leaves Flask lines to python and hclog lines to hclog, not syslog', async () => {
    const flask = Buffer.from('[2026-11-25 10:00:01,500] ERROR in app: Exception on /login [POST]\n'.repeat(5));
    expect((await detectFormat(flask, ctx)).format).toBe('python');
    const hc = Buffer.from('2026-11-25T10:00:00.123Z [INFO]  agent: Synced node info\n'.repeat(5));
    expect((await detectFormat(hc, ctx)).format).toBe('hclog');
  });

  it('splits an nginx error line into message and the client, server and request attrs', async () => {
    const line = '2026/11/25 10:04:40 [error] 30#31: *21 connect() failed (111: Connection refused) while connecting to upstream, client: 198.51.100.23, server: api.example.com, request: "POST /v1/orders HTTP/1.1", upstream: "http://127.0.0.1:8080/v1/orders", host: "api.example.com"';
    const { records } = await parseText(line, { name: 'nginx-error', options: {} }, ctx);
    expect(records[0]).toMatchObject({ pid: '30', level: 'ERROR', message: 'connect() failed (111: Connection refused) while connecting to upstream' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ tid: 31, connection: 21, client: '198.51.100.23', server: 'api.example.com', request: 'POST /v1/orders HTTP/1.1', upstream: 'http://127.0.0.1:8080/v1/orders', host: 'api.example.com' });
  });
});

describe('detection rates', () => {
  it('counts the lines that continue a record as parsed, as ingest does', async () => {
    const sample = Buffer.from(
      [
        '[2026-11-25 10:00:05,871] ERROR Error for partition orders-3 (kafka.server.ReplicaFetcherThread)',
        'org.apache.kafka.common.errors.NotLeaderOrFollowerException: not the leader',
        '\tat kafka.server.ReplicaFetcherThread.processPartitionData(ReplicaFetcherThread.scala:120)',
        '[2026-11-25 10:00:06,000] INFO done (kafka.server.KafkaServer)',
      ].join('\n'),
    );
    const detection = await detectFormat(sample, ctx);
    expect(detection).toMatchObject({ format: 'log4j', rate: 1 });
  });
});
