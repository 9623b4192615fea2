import { DuckDBInstance } from '../../src/duckdb.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { parseClfString } from '../../src/parse/clf-timestamp.js';
import { createParser, loadFormats, parseLines, RowWriter, utcZone } from '../../src/parse/index.js';
import { query, tmpDir } from '../helpers.js';
import { parseText, us } from './parse-helper.js';

const apache = { name: 'apache', options: {} };
const logfmt = { name: 'logfmt', options: {} };

function attrsOf(r: Record<string, string | null>): Record<string, unknown> {
  return JSON.parse(r.attrs as string) as Record<string, unknown>;
}

describe('apache format', () => {
  it('parses a Common Log Format line: request as message, client and user in attrs, host empty', async () => {
    const { records, counts } = await parseText('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326\n', apache);
    expect(counts).toEqual({ lines: 1, parsed: 1, unparsed: 0, blank: 0, joined: 0 });
    expect(records[0]).toMatchObject({
      us: us('2000-10-10T20:55:36Z'),
      host: null,
      service: null,
      pid: null,
      level: 'INFO',
      level_raw: '200',
      message: 'GET /apache_pb.gif HTTP/1.0',
      rel_line: '1',
    });
    expect(attrsOf(records[0])).toEqual({ client: '127.0.0.1', user: 'frank', method: 'GET', path: '/apache_pb.gif', protocol: 'HTTP/1.0', status: 200, bytes: 2326 });
  });

  it('parses a Combined Log Format line with referer and user agent', async () => {
    const line = '203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] "POST /api/v1/login HTTP/1.1" 503 512 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"';
    const { records } = await parseText(line + '\n', apache);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00Z'), level: 'ERROR', level_raw: '503', message: 'POST /api/v1/login HTTP/1.1' });
    expect(attrsOf(records[0])).toEqual({
      client: '203.0.113.9',
      method: 'POST',
      path: '/api/v1/login',
      protocol: 'HTTP/1.1',
      status: 503,
      bytes: 512,
      referer: 'https://example.com/',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    });
  });

  it('takes an nginx response time written bare, as rt= or as request_time=', async () => {
    const base = '10.0.0.1 - - [25/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8.0"';
    const { records } = await parseText([`${base} 0.123`, `${base} rt=1.5`, `${base} request_time=0.004`, '10.0.0.1 - - [25/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 0.250'].join('\n'), apache);
    expect(records.map((r) => attrsOf(r).response_time_s)).toEqual([0.123, 1.5, 0.004, 0.25]);
    expect(attrsOf(records[0])).not.toHaveProperty('referer');
  });

  it('keeps nginx\'s forwarded-for field, other key=value pairs and unknown trailers in attrs', async () => {
    const line = '10.0.0.1 - - [25/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 10 "-" "curl/8.0" "198.51.100.7, 10.0.0.2" rt=0.120 uct="0.000" urt="0.118, 0.002" 4711';
    const { records } = await parseText(line + '\n', apache);
    expect(attrsOf(records[0])).toMatchObject({ forwarded_for: '198.51.100.7, 10.0.0.2', response_time_s: 0.12, uct: '0.000', urt: '0.118, 0.002', extra: '4711' });
  });

  it('omits bytes, ident, user, referer and user agent written as - (or as an empty quoted field)', async () => {
    const { records } = await parseText('192.0.2.4 - - [25/Nov/2026:10:00:00 +0000] "HEAD / HTTP/1.1" 304 - "-" "-"\n192.0.2.4 - - [25/Nov/2026:10:00:00 +0000] "HEAD / HTTP/1.1" 304 - "" "-"\n', apache);
    for (const r of records) expect(attrsOf(r)).toEqual({ client: '192.0.2.4', method: 'HEAD', path: '/', protocol: 'HTTP/1.1', status: 304 });
    expect(records).toHaveLength(2);
  });

  it('unescapes \\" and \\xhh inside quoted fields and keeps the request as written in the message', async () => {
    const line = String.raw`192.0.2.4 - - [25/Nov/2026:10:00:00 +0000] "GET /q?s=\"x\" HTTP/1.1" 200 5 "-" "Mozilla/5.0 \"quoted\" \xD0\x9F back\\slash"`;
    const { records } = await parseText(line + '\n', apache);
    expect(records[0].message).toBe(String.raw`GET /q?s=\"x\" HTTP/1.1`);
    expect(attrsOf(records[0])).toMatchObject({ path: '/q?s="x"', user_agent: 'Mozilla/5.0 "quoted" П back\\slash' });
  });

  it('writes valid JSON attrs when an escape decodes to invalid UTF-8 or a control byte', async () => {
    const line = String.raw`192.0.2.4 - - [25/Nov/2026:10:00:00 +0000] "\x16\x03\x01\x00" 400 0 "-" "a\xFFb\x01c\\"`;
    const { records } = await parseText(line + '\n', apache);
    expect(records[0].message).toBe(String.raw`\x16\x03\x01\x00`);
    expect(attrsOf(records[0])).toEqual({ client: '192.0.2.4', status: 400, bytes: 0, user_agent: 'a\ufffdb\u0001c\\' });
  });

  it('writes attrs that are valid JSON whatever bytes the quoted fields hold', async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const lines: Buffer[] = [];
    for (let n = 0; n < 500; n++) {
      const ua: number[] = [];
      for (let k = 0; k < 40; k++) {
        const c = rnd();
        // A bare quote would end the field and a newline the line: both go in escaped.
        if (c !== 0x22 && c !== 0x0a && c !== 0x0d) ua.push(c);
        else ua.push(0x5c, 0x22);
      }
      lines.push(Buffer.concat([Buffer.from('1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "'), Buffer.from(ua), Buffer.from(' "\n')]));
    }
    // Raw bytes (invalid UTF-8 included), so not through parseText, which takes a string.
    const input = Buffer.concat(lines);
    const parser = await createParser(apache, { zone: utcZone, referenceMicros: 0 });
    const out = new RowWriter(1024);
    const counts = parseLines(input, 0, input.length, parser, out);
    expect(counts.parsed).toBeGreaterThan(450);
    const file = path.join(tmpDir(), 'staged.parquet');
    fs.writeFileSync(file, Buffer.concat(out.finish().days[0].data));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll('SELECT attrs FROM read_parquet($f)', { f: file })).getRows().map((r) => String(r[0]));
    conn.closeSync();
    db.closeSync();
    expect(rows).toHaveLength(counts.parsed);
    for (const attrs of rows) {
      expect(attrs).not.toMatch(/[\x00-\x1f\x1e]/);
      expect(typeof (JSON.parse(attrs) as Record<string, unknown>).user_agent).toBe('string');
    }
  });

  it('accepts an IPv6 client and the vhost_combined prefix', async () => {
    const text = [
      '2001:db8::1 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/2.0" 200 1',
      'www.example.com:443 ::1 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
    ].join('\n');
    const { records } = await parseText(text, apache);
    expect(attrsOf(records[0]).client).toBe('2001:db8::1');
    expect(attrsOf(records[1])).toMatchObject({ vhost: 'www.example.com:443', client: '::1' });
  });

  it('maps the status to the level: 5xx ERROR, 4xx WARN, anything else INFO', async () => {
    const statuses = [101, 200, 302, 404, 499, 500, 504];
    const text = statuses.map((s) => `1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" ${s} 0`).join('\n');
    const { records } = await parseText(text, apache);
    expect(records.map((r) => [r.level_raw, r.level])).toEqual([
      ['101', 'INFO'],
      ['200', 'INFO'],
      ['302', 'INFO'],
      ['404', 'WARN'],
      ['499', 'WARN'],
      ['500', 'ERROR'],
      ['504', 'ERROR'],
    ]);
  });

  it('keeps a request that is not METHOD path PROTOCOL as the message, without method or path', async () => {
    const { records } = await parseText('1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "-" 400 0\n1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET /old" 200 0\n', apache);
    expect(records[0].message).toBeNull();
    expect(attrsOf(records[0])).not.toHaveProperty('method');
    expect(attrsOf(records[1])).toMatchObject({ method: 'GET', path: '/old' });
    expect(attrsOf(records[1])).not.toHaveProperty('protocol');
  });

  it('sends lines of other formats to unparsed with a reason', async () => {
    const text = [
      '2026-11-25T10:00:00Z web-1 nginx[1]: ERROR upstream timed out',
      '{"ts":"2026-11-25T10:00:00Z","msg":"x"}',
      'time=2026-11-25T10:00:00Z level=info msg=ok',
      '1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200',
      '1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1 200 5',
      '1.2.3.4 - - [31/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5',
      '1.2.3.4 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 2000 5',
    ].join('\n');
    const { counts, unparsed } = await parseText(text, apache);
    expect(counts).toMatchObject({ parsed: 0, unparsed: 7 });
    expect(unparsed.map((u) => u.reason)).toEqual([
      'not an access log line',
      'not an access log line',
      'not an access log line',
      'no byte count after status',
      'unclosed quote in request',
      'bad [time]',
      'no status after request',
    ]);
  });
});

describe('CLF timestamps', () => {
  it('applies a negative and a positive offset', () => {
    expect(parseClfString('10/Oct/2000:13:55:36 -0700')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36) * 1000);
    expect(parseClfString('25/Nov/2026:10:00:00 +0530')).toBe(Date.UTC(2026, 10, 25, 4, 30, 0) * 1000);
    expect(parseClfString('25/nov/2026:10:00:00 +05:30')).toBe(Date.UTC(2026, 10, 25, 4, 30, 0) * 1000);
  });

  it('keeps fractional seconds and resolves a missing offset with the zone', () => {
    expect(parseClfString('01/Jan/2026:00:00:00.25 +0000')).toBe(Date.UTC(2026, 0, 1) * 1000 + 250_000);
    expect(parseClfString('01/Jan/2026:00:00:00', (wall) => wall - 3_600_000_000)).toBe((Date.UTC(2026, 0, 1) - 3_600_000) * 1000);
    expect(parseClfString('01/Jan/2026:00:00:00', utcZone)).toBe(Date.UTC(2026, 0, 1) * 1000);
  });

  it('rejects impossible dates and malformed text', () => {
    for (const t of ['29/Feb/2026:00:00:00 +0000', '32/Jan/2026:00:00:00 +0000', '10/Foo/2000:13:55:36 -0700', '10/Oct/2000:24:00:00 -0700', '10/Oct/2000 13:55:36 -0700', '10/Oct/2000:13:55:36 -07', '1/Oct/2000:13:55:36 -0700']) {
      expect(parseClfString(t), t).toBeNaN();
    }
    expect(parseClfString('29/Feb/2024:00:00:00 +0000')).toBe(Date.UTC(2024, 1, 29) * 1000);
  });
});

describe('logfmt format', () => {
  it('parses quoted values with escapes and maps the record fields by their aliases', async () => {
    const line = 'time=2026-11-25T10:00:00Z level=error msg="upstream \\"api\\" timed out" service=api host=web-1 pid=42 duration=1.2s status=504';
    const { records, counts } = await parseText(line + '\n', logfmt);
    expect(counts).toMatchObject({ parsed: 1, unparsed: 0 });
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00Z'), host: 'web-1', service: 'api', pid: '42', level: 'ERROR', level_raw: 'error', message: 'upstream "api" timed out' });
    expect(attrsOf(records[0])).toEqual({ duration: '1.2s', status: 504 });
  });

  it('decodes the escapes of a quoted value into the message', async () => {
    const { records, unparsed } = await parseText('ts=2026-11-25T10:00:00Z msg="say \\"hi\\" \\\\ tab\\there \\u00e9 \\q"\n', logfmt);
    expect(unparsed).toEqual([]);
    expect(records[0].message).toBe('say "hi" \\ tab\there é \\q');
  });

  it('finds fields under other aliases: ts, lvl, message, app, hostname', async () => {
    const { records } = await parseText('ts=1764064800 lvl=warn message="disk low" app=billing hostname=db-2\n', logfmt);
    expect(records[0]).toMatchObject({ us: us('2025-11-25T10:00:00Z'), level: 'WARN', message: 'disk low', service: 'billing', host: 'db-2', attrs: null });
  });

  it('keeps a less preferred alias in attrs when a preferred one is present', async () => {
    const { records } = await parseText('time=2026-11-25T10:00:00Z msg=short message=long\n', logfmt);
    expect(records[0].message).toBe('short');
    expect(attrsOf(records[0])).toEqual({ message: 'long' });
  });

  it('stores bare keys as true, exact numbers as numbers and everything else as strings', async () => {
    const line = 'time=2026-11-25T10:00:00Z cached retries=3 ratio=0.25 neg=-7 version=1.10 zip=007 big=12345678901234567890 empty= path="/a b" quoted="42" dash=-';
    const { records } = await parseText(line + '\n', logfmt);
    expect(attrsOf(records[0])).toEqual({
      cached: true,
      retries: 3,
      ratio: 0.25,
      neg: -7,
      version: '1.10',
      zip: '007',
      big: '12345678901234567890',
      empty: '',
      path: '/a b',
      quoted: '42',
      dash: '-',
    });
  });

  it('skips a docker compose prefix, whose name is the service only when the pairs name none', async () => {
    const text = [
      'grafana  | logger=settings t=2026-11-25T10:00:00.123456789Z level=info msg="Starting Grafana" version=11.5.2',
      'grafana  | t=2026-11-25T10:00:01Z level=warn msg="disk low"',
      // A backslash in a bare value: the general path, with the same fallback.
      'api-1 | t=2026-11-25T10:00:02Z level=error msg=x path=C:\\tmp',
      'grafana  | ',
      'grafana  | Please restart Grafana after installing plugins.',
    ].join('\n');
    const { records, unparsed } = await parseText(text + '\n', logfmt);
    // 2026-11-25T10:00:00.123456Z, in µs.
    expect(records.map((r) => [r.us, r.service, r.level, r.message])).toEqual([
      ['1795600800123456', 'settings', 'INFO', 'Starting Grafana'],
      [us('2026-11-25T10:00:01Z'), 'grafana', 'WARN', 'disk low'],
      [us('2026-11-25T10:00:02Z'), 'api-1', 'ERROR', 'x'],
    ]);
    expect(attrsOf(records[0])).toEqual({ version: '11.5.2' });
    expect(attrsOf(records[2])).toEqual({ path: 'C:\\tmp' });
    expect(unparsed.map((u) => [u.line, u.reason])).toEqual([
      [4, 'not logfmt'],
      [5, 'not logfmt'],
    ]);
  });

  it('rejects lines that are not logfmt or have no time field, with a reason', async () => {
    const text = [
      '2026-11-25T10:00:00Z web-1 app[1]: INFO request done time=2026-11-25T10:00:00Z',
      '{"time":"2026-11-25T10:00:00Z","msg":"x"}',
      '127.0.0.1 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5',
      'level=info msg="no time here"',
      'time=2026-11-25T10:00:00Z msg="unclosed',
      'time=yesterday msg=x',
      'time=2026-11-25T10:00:00Z msg="a"b',
    ].join('\n');
    const { counts, unparsed } = await parseText(text, logfmt);
    expect(counts).toMatchObject({ parsed: 0, unparsed: 7 });
    expect(unparsed.map((u) => u.reason)).toEqual(['not logfmt', 'not logfmt', 'not logfmt', 'no time= field', 'unclosed quote', 'unreadable timestamp "yesterday"', 'not logfmt']);
  });
});

describe('format examples', () => {
  it('parses the example line each of the two formats shows in `logscope formats`', async () => {
    const formats = await loadFormats();
    for (const name of ['apache', 'logfmt']) {
      const def = formats.get(name);
      expect(def, name).toBeDefined();
      const { counts } = await parseText(`${def?.example}\n`, { name, options: {} });
      expect(counts, name).toMatchObject({ parsed: 1, unparsed: 0 });
    }
  });
});

describe('end to end', () => {
  it('ingests an access log and answers SQL on status, level and attrs', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'access.log');
    fs.writeFileSync(
      file,
      [
        '203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] "POST /api/v1/login HTTP/1.1" 503 512 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)" 0.123',
        '203.0.113.9 - - [25/Nov/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 - "-" "Mozilla/5.0 \\"quoted\\""',
        'garbage line',
      ].join('\n') + '\n',
    );
    const data = path.join(dir, 'data');
    const summary = await ingest({ inputs: [file], dataDir: data, format: apache, workers: 1 });
    expect(summary.errors).toEqual([]);
    expect(summary.totals).toMatchObject({ lines: 3, parsed: 2, unparsed: 1 });
    const rows = await query(
      data,
      `SELECT line::INT AS line, format, level, message, attrs->>'status' AS status, (attrs->>'response_time_s')::DOUBLE AS rt, attrs->>'user_agent' AS ua, attrs->>'bytes' AS bytes FROM logs ORDER BY line`,
    );
    expect(rows).toEqual([
      { line: 1, format: 'apache', level: 'ERROR', message: 'POST /api/v1/login HTTP/1.1', status: '503', rt: 0.123, ua: 'Mozilla/5.0 (X11; Linux x86_64)', bytes: '512' },
      { line: 2, format: 'apache', level: 'INFO', message: 'GET /index.html HTTP/1.1', status: '200', rt: null, ua: 'Mozilla/5.0 "quoted"', bytes: null },
    ]);
  });

  it('ingests a logfmt file and answers SQL on the record fields and attrs', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(
      file,
      [
        'time=2026-11-25T10:00:00Z level=error msg="upstream timed out" service=api host=web-1 duration=1.2s status=504',
        'time=2026-11-25T10:00:01Z level=info msg=ok service=api host=web-1 status=200 cached',
      ].join('\n') + '\n',
    );
    const data = path.join(dir, 'data');
    const summary = await ingest({ inputs: [file], dataDir: data, format: logfmt, workers: 1 });
    expect(summary.errors).toEqual([]);
    const rows = await query(data, `SELECT level, host, service, message, (attrs->>'status')::INT AS status, attrs->>'duration' AS duration, (attrs->>'cached')::BOOLEAN AS cached FROM logs ORDER BY ts`);
    expect(rows).toEqual([
      { level: 'ERROR', host: 'web-1', service: 'api', message: 'upstream timed out', status: 504, duration: '1.2s', cached: null },
      { level: 'INFO', host: 'web-1', service: 'api', message: 'ok', status: 200, duration: null, cached: true },
    ]);
  });
});
