import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFileChunks } from '../../src/ingest/chunker.js';
import { createZone, detectFormat, GENERIC_FORMAT, noMatchAdvice, suggestTemplate, utcZone } from '../../src/parse/index.js';
import { TimestampScanner, type ScannedTime } from '../../src/parse/timestamp-scan.js';
import { REPO } from '../datasets.js';
import { parseText } from './parse-helper.js';

/** A file written 2026-11-25 12:00 UTC: what year-less and time-only stamps are read against. */
const REF = Date.UTC(2026, 10, 25, 12) * 1000;
const CTX = { zone: utcZone, referenceMicros: REF };
const GENERIC = { name: 'generic', options: {} };
const FIXTURES = path.join(REPO, 'test/fixtures/formats/generic');

function iso(us: string | null): string {
  return new Date(Number(us) / 1000).toISOString();
}

function scan(text: string, zone = utcZone): { iso: string; rest: string } | null {
  const scanner = new TimestampScanner({ zone, referenceMicros: REF });
  const out: ScannedTime = { us: 0, end: 0, layout: 0, klogLevel: 0 };
  const buf = Buffer.from(text, 'latin1');
  if (!scanner.scan(buf, 0, buf.length, out)) return null;
  const s = Math.floor(out.us / 1e6);
  return { iso: `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(out.us - s * 1e6).padStart(6, '0')}Z`, rest: text.slice(out.end) };
}

describe('timestamp scanner', () => {
  it('reads the common layouts, their fractions and zones, to UTC', () => {
    expect(scan('2026-11-25T10:00:00.123Z x')).toEqual({ iso: '2026-11-25T10:00:00.123000Z', rest: ' x' });
    expect(scan('2026-11-25 10:00:00,5 x')).toEqual({ iso: '2026-11-25T10:00:00.500000Z', rest: ' x' });
    expect(scan('2026-11-25T11:00:00+01:00 x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('2026-11-25T11:00:00+0100 x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('2026-11-25 05:00:00 -0500] x')).toEqual({ iso: '2026-11-25T10:00:00.000000Z', rest: '] x' });
    expect(scan('2026-11-25 10:00:00.123 UTC [42] LOG: x')).toEqual({ iso: '2026-11-25T10:00:00.123000Z', rest: ' [42] LOG: x' });
    expect(scan('2026-11-25 05:00:00.123 EST [42] LOG: x')).toEqual({ iso: '2026-11-25T10:00:00.123000Z', rest: ' [42] LOG: x' });
    // An ambiguous abbreviation (US or China) is not taken: the time is read in the given zone.
    expect(scan('2026-11-25 10:00:00 CST x')).toEqual({ iso: '2026-11-25T10:00:00.000000Z', rest: ' CST x' });
    expect(scan('2026/11/25 10:00:00 x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('25-Nov-2026 10:00:00.123 x')?.iso).toBe('2026-11-25T10:00:00.123000Z');
    expect(scan('25/Nov/2026:11:00:00 +0100] x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('25 Nov 2026 10:00:00.123 x')?.iso).toBe('2026-11-25T10:00:00.123000Z');
    expect(scan('Wed Nov 25 10:00:00.5 2026] x')).toEqual({ iso: '2026-11-25T10:00:00.500000Z', rest: '] x' });
    expect(scan('25.11.2026 10:00:00 x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('261125 10:00:00 x')?.iso).toBe('2026-11-25T10:00:00.000000Z');
    expect(scan('[25-Nov-2026 11:00:00 Europe/Berlin] x'.slice(1))).toEqual({ iso: '2026-11-25T10:00:00.000000Z', rest: '] x' });
  });

  it('reads zone-less times in the given zone', () => {
    expect(scan('2026-07-15 10:00:00 x', createZone('Europe/Paris'))?.iso).toBe('2026-07-15T08:00:00.000000Z');
  });

  it('infers the year of month-day stamps and klog stamps as syslog does, and the day of time-only stamps from the file time', () => {
    expect(scan('Nov 24 23:59:59 x')?.iso).toBe('2026-11-24T23:59:59.000000Z');
    // A December line in a file last written in late November is from the year before.
    expect(scan('Dec 31 23:59:59 x')?.iso).toBe('2025-12-31T23:59:59.000000Z');
    expect(scan('I1125 10:00:00.123456    42 main.go:12] x')?.iso).toBe('2026-11-25T10:00:00.123456Z');
    expect(scan('09:00:00.250 x')?.iso).toBe('2026-11-25T09:00:00.250000Z');
    // Later in the day than the file's time (plus an hour): the day before.
    expect(scan('18:00:00 x')?.iso).toBe('2026-11-24T18:00:00.000000Z');
  });

  it('reads epoch seconds and milliseconds only in a plausible range', () => {
    expect(scan('1795600800.5 x')?.iso).toBe('2026-11-25T10:00:00.500000Z');
    expect(scan('1795600800500 x')?.iso).toBe('2026-11-25T10:00:00.500000Z');
    expect(scan('0123456789 x')).toBeNull();
    expect(scan('9999999999 x')).toBeNull();
    expect(scan('17956008001 x')).toBeNull();
  });

  it('rejects a stamp that runs into a word or a number, and impossible dates', () => {
    expect(scan('2026-11-25 10:00:00abc')).toBeNull();
    expect(scan('2026-13-25 10:00:00 x')).toBeNull();
    expect(scan('2026-11-25 25:00:00 x')).toBeNull();
    expect(scan('Foo 25 10:00:00 x')).toBeNull();
    expect(scan('1.2.3 release notes')).toBeNull();
  });
});

describe('generic format', () => {
  it('reads a level in any common spelling and bracket style, leaving it out of the message when it comes first', async () => {
    const lines = [
      '2026-11-25 10:00:00 INFO started',
      '2026-11-25 10:00:01 [warn] disk low',
      '2026-11-25 10:00:02 <error> failed',
      '2026-11-25 10:00:03 Err: broken pipe',
      '2026-11-25 10:00:04 fatal - giving up',
      '2026-11-25 10:00:05 level=debug msg="x"',
      '2026-11-25 10:00:06 [main] [42] [ERROR] in bracket run',
      '2026-11-25 10:00:07 E something bad',
      '2026-11-25 10:00:08 notice: config reloaded',
      '2026-11-25 10:00:09 the error was retried',
      '2026-11-25 10:00:10 Alert raised for host a',
      '2026-11-25 10:00:11 0 [Note] InnoDB: ready',
      '2026-11-25 10:00:12, Error                 CSI    Failed to open file',
      '2026-11-25 10:00:13 | WARN | worker-3 | slow job',
      '2026-11-25 10:00:14.500|ERROR|main|job failed',
    ];
    const { records } = await parseText(lines.join('\n') + '\n', GENERIC, CTX);
    expect(records.map((r) => [r.level, r.level_raw, r.message])).toEqual([
      ['INFO', 'INFO', 'started'],
      ['WARN', 'warn', 'disk low'],
      ['ERROR', 'error', 'failed'],
      ['ERROR', 'Err', 'broken pipe'],
      ['FATAL', 'fatal', 'giving up'],
      ['DEBUG', 'debug', 'level=debug msg="x"'],
      ['ERROR', 'ERROR', '[main] [42] [ERROR] in bracket run'],
      ['ERROR', 'E', 'something bad'],
      ['NOTICE', 'notice', 'config reloaded'],
      // A lower-case level word after the first token is text, not a level.
      [null, null, 'the error was retried'],
      // Capitalised words that are level names only in some systems lead sentences too.
      [null, null, 'Alert raised for host a'],
      // In brackets any level name counts, whatever its case.
      ['NOTICE', 'Note', '0 [Note] InnoDB: ready'],
      // A comma or a bar after the time separates it from the level, as a dash or a colon does.
      ['ERROR', 'Error', 'CSI    Failed to open file'],
      ['WARN', 'WARN', 'worker-3 | slow job'],
      // Fields joined by bars without blanks, as certbot joins them by colons.
      ['ERROR', 'ERROR', 'main|job failed'],
    ]);
  });

  it('takes the time after a short prefix: compose name (as service), a level, a process tag, a bracket, a time= key, an Erlang report header', async () => {
    const text = [
      'web-1  | 2026-11-25T10:00:00Z INFO up',
      'WARNING 2026-11-25 10:00:01,000 cache cold',
      'E, [2026-11-25T10:00:02.000000 #4242] ERROR -- : boom',
      '12345:M 25 Nov 2026 10:00:03.000 * Ready to accept connections',
      'app[7]: 2026-11-25T10:00:04Z queued',
      '[2026-11-25 10:00:05,000] INFO bracketed',
      'prom-1  | time=2026-11-25T10:00:06.000Z level=WARN source=main.go:1 msg="slow"',
      '=WARNING REPORT==== 25-Nov-2026::10:00:07 ===',
      'closing AMQP connection',
    ].join('\n');
    const { records, counts } = await parseText(text + '\n', GENERIC, CTX);
    expect(counts.unparsed).toBe(0);
    expect(records.map((r) => [iso(r.us), r.service, r.pid, r.level, r.message])).toEqual([
      ['2026-11-25T10:00:00.000Z', 'web-1', null, 'INFO', 'up'],
      ['2026-11-25T10:00:01.000Z', null, null, 'WARN', 'cache cold'],
      ['2026-11-25T10:00:02.000Z', null, '4242', 'ERROR', 'boom'],
      ['2026-11-25T10:00:03.000Z', null, '12345', null, '* Ready to accept connections'],
      ['2026-11-25T10:00:04.000Z', 'app', '7', null, 'queued'],
      ['2026-11-25T10:00:05.000Z', null, null, 'INFO', 'bracketed'],
      ['2026-11-25T10:00:06.000Z', 'prom-1', null, 'WARN', 'level=WARN source=main.go:1 msg="slow"'],
      ['2026-11-25T10:00:07.000Z', null, null, 'WARN', 'closing AMQP connection'],
    ]);
  });

  it('joins the lines that start no record to the one before, across blank lines, and keeps leading ones unparsed', async () => {
    const text = ['header line without a time', '2026-11-25 10:00:00 ERROR request failed', 'Stack trace:', '#0 /app/x.php(3): f()', '', 'During handling, another error:', '#1 {main}', '', '2026-11-25 10:00:01 INFO next', '', ''].join('\n');
    const { records, unparsed, counts } = await parseText(text, GENERIC, CTX);
    expect(unparsed.map((u) => u.line)).toEqual([1]);
    expect(records.map((r) => [r.rel_line, r.message])).toEqual([
      ['2', 'request failed\nStack trace:\n#0 /app/x.php(3): f()\n\nDuring handling, another error:\n#1 {main}'],
      ['9', 'next'],
    ]);
    expect(counts).toMatchObject({ lines: 10, parsed: 7, unparsed: 1, blank: 2 });
  });

  it('does not take an HTTP header or a line with a time in its middle for a record', async () => {
    const { records, unparsed } = await parseText('Date: Wed, 25 Nov 2026 10:00:00 GMT\nuser bob logged in at 2026-11-25 10:00:00\n', GENERIC, CTX);
    expect(records).toEqual([]);
    expect(unparsed).toHaveLength(2);
  });
});

describe('detection with the generic format', () => {
  it('prefers a specific format that reads nearly as many lines, and the generic one when it reads clearly more', async () => {
    const python = Array.from({ length: 40 }, (_, i) => `2026-11-25 10:00:${String(i).padStart(2, '0')},000 - app.db - INFO - query ${i}`);
    expect((await detectFormat(Buffer.from(python.join('\n')), CTX)).format).toBe('python');
    // One line in 40 that python cannot read (2.5%): python still wins, its fields are worth it.
    const mixed = [...python.slice(0, 39), '2026-11-25 10:00:39,000 plain line'];
    expect((await detectFormat(Buffer.from(mixed.join('\n')), CTX)).format).toBe('python');
    // Half the lines in another shape: the generic format reads them all.
    const half = python.map((l, i) => (i % 2 === 0 ? l : `2026-11-25 10:00:${String(i).padStart(2, '0')},000 [worker] ready`));
    const d = await detectFormat(Buffer.from(half.join('\n')), CTX);
    expect(d.format).toBe(GENERIC_FORMAT);
    expect(d.matched).toBe(true);
  });

  it('counts continuation lines as parsed, as ingest does', async () => {
    const lines = ['2026-11-25 10:00:00,000 ERROR [main] com.example.App - failed', 'java.lang.IllegalStateException: x', '\tat com.example.App.main(App.java:1)', '\tat com.example.App.run(App.java:2)'];
    const d = await detectFormat(Buffer.from(lines.join('\n')), CTX);
    expect(d.format).toBe('java');
    expect(d.rate).toBe(1);
  });

  it('reads a sample no built-in format reads with a template built from the lines\' shape, and still advises it where it reads under 80%', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `host${i % 3} app 2026-11-25 10:00:${String(i).padStart(2, '0')},123 ${i % 2 ? 'WARN' : 'INFO'} event ${i}`);
    const sample = Buffer.from(lines.join('\n') + '\n');
    const d = await detectFormat(sample, CTX);
    expect(d).toMatchObject({ format: 'template', options: { template: '<Field1> <Field2> <Date> <Time> <Level> <Content>' }, rate: 1, matched: true });
    expect(d.scores[0].rate).toBe(0);
    expect(d.suggestion).toEqual(await suggestTemplate(sample, CTX));
    // Every other line without a time: the template reads 60%, too little to be chosen.
    const mixed = Buffer.from(lines.slice(0, 15).flatMap((l, i) => (i < 12 ? [l, 'no time here'] : [l])).join('\n') + '\n');
    const poor = await detectFormat(mixed, CTX);
    expect(poor).toMatchObject({ format: GENERIC_FORMAT, matched: false, rate: 0 });
    expect(poor.suggestion).toMatchObject({ template: '<Field1> <Field2> <Date> <Time> <Level> <Content>' });
    expect(poor.suggestion?.rate).toBeCloseTo(15 / 27, 6);
    const advice = noMatchAdvice('app.log', poor, poor.suggestion);
    expect(advice[0]).toBe('no format matched (none parsed any of 27 sampled lines)');
    expect(advice[1]).toContain(`logscope ingest 'app.log' --template '<Field1> <Field2> <Date> <Time> <Level> <Content>'`);
    expect(advice[2]).toContain('logscope coverage');
  });

  it('finds the level up to eight tokens after the timestamp when it is written in capitals there, not a word of the message', async () => {
    const ras = Array.from({ length: 20 }, (_, i) => `- ${1764064800 + i} 2026.11.25 R02-M1 RAS KERNEL ${i % 4 ? 'INFO' : 'FATAL'} cache parity error ${i}`);
    expect((await suggestTemplate(Buffer.from(ras.join('\n') + '\n'), CTX))?.template).toBe('<Field1> <Timestamp> <Field2> <Field3> <Field4> <Field5> <Level> <Content>');
    // In lower case past the first token, "error" is the message's word.
    const prose = Array.from({ length: 20 }, (_, i) => `job ${1764064800 + i} copy failed: error reading block ${i}`);
    expect((await suggestTemplate(Buffer.from(prose.join('\n') + '\n'), CTX))?.template).toBe('<Field1> <Timestamp> <Content>');
    // Nine tokens on: too far to be a header field.
    const far = Array.from({ length: 20 }, (_, i) => `- ${1764064800 + i} a b c d e f g h INFO x`);
    expect((await suggestTemplate(Buffer.from(far.join('\n') + '\n'), CTX))?.template).toBe('<Field1> <Timestamp> <Content>');
  });

  it('says when the sample holds no timestamp at all', async () => {
    const sample = Buffer.from('hello\nworld\n');
    expect(await suggestTemplate(sample, CTX)).toBeUndefined();
    expect(noMatchAdvice('x.log', { format: 'generic', rate: 0, sampled: 2 }, undefined)[1]).toMatch(/no sampled line holds a timestamp/);
  });
});

describe('syslog no longer reads other formats wrongly', () => {
  it('rejects an ISO line without T (dpkg), a level word where the host goes, an address where the tag goes (ELB)', async () => {
    const dpkg = await parseText('2026-01-01 10:00:00 upgrade pkg:amd64 1.0 1.1\n', { name: 'syslog', options: {} }, CTX);
    expect(dpkg.records).toEqual([]);
    const chromeos = await parseText('2026-05-21T20:38:35.409778Z INFO periodic_scheduler[2026]: cleanup_logs: job completed\n', { name: 'syslog', options: {} }, CTX);
    expect(chromeos.records).toEqual([]);
    const rsyslog = await parseText('2026-11-25T10:00:00.123Z web-03 nginx[1234]: ERROR upstream timed out\n', { name: 'syslog', options: {} }, CTX);
    expect(rsyslog.records.map((r) => [r.host, r.service, r.level])).toEqual([['web-03', 'nginx', 'ERROR']]);
    const elb = await parseText('2026-11-25T10:00:00.945958Z my-lb 192.0.2.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -\n', { name: 'syslog', options: {} }, CTX);
    expect(elb.records).toEqual([]);
    const python = await parseText('2026-05-21T20:38:35.409778Z INFO periodic_scheduler[2026]: cleanup\n', { name: 'python', options: {} }, CTX);
    expect(python.records).toEqual([]);
  });
});

/** The generic format's examples until the format corpus harness checks every format's. */
describe('generic fixtures', () => {
  const cases = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.log')).sort();
  it('has several cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });
  for (const c of cases) {
    const file = path.join(FIXTURES, c);
    const text = fs.readFileSync(file, 'utf8');
    const want = JSON.parse(fs.readFileSync(file.replace(/\.log$/, '.expect.json'), 'utf8')) as { format: string; records: Record<string, unknown>[] };
    it(`${c}: is detected as generic, parses 99% or more and gives the listed records`, async () => {
      expect(text.split('\n').filter((l) => l.trim() !== '').length).toBeGreaterThanOrEqual(20);
      const d = await detectFormat(Buffer.from(text), CTX);
      expect(d.format).toBe(want.format);
      const p = await parseText(text, GENERIC, CTX);
      expect(p.counts.parsed / (p.counts.lines - p.counts.blank)).toBeGreaterThanOrEqual(0.99);
      for (const w of want.records) {
        const got = p.records.find((r) => Number(r.rel_line) === w.line);
        expect(got, `record at line ${String(w.line)}`).toBeDefined();
        const actual: Record<string, unknown> = { line: w.line, ts: iso(got?.us ?? null), level: got?.level, message: got?.message };
        for (const k of ['service', 'host'] as const) if (k in w) actual[k] = got?.[k];
        expect(actual).toEqual({ ...w, ts: new Date(String(w.ts)).toISOString() });
      }
    });
    it(`${c}: gives the same records when cut into 256-byte chunks`, async () => {
      const whole = await parseText(text, GENERIC, CTX);
      const buf = Buffer.from(text);
      const got: string[] = [];
      let base = 0;
      for (const r of planFileChunks(file, 0, buf.length, 256)) {
        const p = await parseText(buf.toString('utf8', r.start, r.end), GENERIC, CTX);
        for (const rec of p.records) got.push(`${base + Number(rec.rel_line)} ${rec.us} ${rec.level} ${rec.message}`);
        base += p.counts.lines;
      }
      expect(got).toEqual(whole.records.map((rec) => `${rec.rel_line} ${rec.us} ${rec.level} ${rec.message}`));
    });
  }
});
