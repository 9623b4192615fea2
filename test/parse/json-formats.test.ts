import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { JsonRecordSplitter, looksLikeJsonDocument } from '../../src/ingest/json-document.js';
import { readHead } from '../../src/ingest/source-chunks.js';
import { sourceChunks } from '../../src/ingest/source-chunks.js';
import type { SourceRef } from '../../src/ingest/sources.js';
import { levelFromNumber } from '../../src/parse/fields.js';
import { detectFormat, utcZone } from '../../src/parse/index.js';
import { HAVE_REALLOGS, REALLOGS } from '../datasets.js';
import { query, REPO, runCliHere, tmpDir } from '../helpers.js';
import { spawnSync } from 'node:child_process';
import { parseText, us } from './parse-helper.js';

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'formats', 'json');

interface Expected {
  format: string;
  records: Array<{ line: number; ts: string; level: string | null; message: string | null; service?: string; host?: string }>;
}

/** The no-time case's records carry the file's modification time: its copy is given this one. */
const NO_TIME_MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * Reads a file as ingest does: detection on its head, then its chunks (a JSON document's as the
 * JSON lines of its records), parsed with the detected format.
 */
async function readAsIngest(file: string) {
  const st = fs.statSync(file);
  const referenceMicros = Math.round(st.mtimeMs * 1000);
  const detection = await detectFormat(await readHead(file, undefined), { zone: utcZone, referenceMicros });
  const ref: SourceRef = { kind: 'file', path: file, size: st.size, mtimeMs: st.mtimeMs, compressed: false, fileId: '' };
  let text = '';
  for await (const chunk of sourceChunks(ref, 0, { chunkBytes: 1 << 20, jsonDocuments: detection.format === 'json' })) {
    const input = chunk.input;
    text += input.kind === 'bytes' ? Buffer.from(input.data).toString('utf8') : fs.readFileSync(file).subarray(input.start, input.end).toString('utf8');
  }
  const parsed = await parseText(text, { name: detection.format, options: {} }, { zone: utcZone, referenceMicros });
  return { detection, ...parsed };
}

const CASES = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)).sort();

describe('JSON fixture cases (zap, logrus, pino, bunyan, OpenTelemetry, Serilog CLEF, ECS, CloudTrail, docker compose, no time)', () => {
  it('has the ten cases and the format corpus\'s own (lines), each with at least 20 lines and 3 to 5 expected records', () => {
    expect(CASES).toEqual(['bunyan', 'cloudtrail', 'docker-compose', 'ecs', 'lines', 'logrus', 'no-time', 'opentelemetry', 'pino', 'serilog-clef', 'zap']);
    for (const c of CASES) {
      expect(fs.readFileSync(path.join(FIXTURES, `${c}.log`), 'utf8').split('\n').length - 1, c).toBeGreaterThanOrEqual(20);
      const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${c}.expect.json`), 'utf8')) as Expected;
      expect(want.records.length, c).toBeGreaterThanOrEqual(3);
      expect(want.records.length, c).toBeLessThanOrEqual(5);
    }
  });

  it.each(CASES)('%s: detected as json, every record parsed, the expected records at their lines', async (name) => {
    let file = path.join(FIXTURES, `${name}.log`);
    if (name === 'no-time') {
      file = path.join(tmpDir(), 'no-time.log');
      fs.copyFileSync(path.join(FIXTURES, 'no-time.log'), file);
      fs.utimesSync(file, NO_TIME_MTIME, NO_TIME_MTIME);
    }
    const want = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.expect.json`), 'utf8')) as Expected;
    const { detection, records, counts, unparsed } = await readAsIngest(file);
    expect(detection.format).toBe(want.format);
    expect(unparsed).toEqual([]);
    expect(counts.parsed / (counts.lines - counts.blank)).toBeGreaterThanOrEqual(0.99);
    for (const r of want.records) {
      const got = records.find((x) => Number(x.rel_line) === r.line);
      expect(got, `${name} line ${r.line}`).toBeDefined();
      expect(got?.us, `${name} line ${r.line} ts`).toBe(us(r.ts));
      expect(got?.level, `${name} line ${r.line} level`).toBe(r.level);
      expect(got?.message, `${name} line ${r.line} message`).toBe(r.message);
      if (r.service !== undefined) expect(got?.service, `${name} line ${r.line} service`).toBe(r.service);
      if (r.host !== undefined) expect(got?.host, `${name} line ${r.line} host`).toBe(r.host);
    }
    if (name === 'no-time') for (const r of records) expect(JSON.parse(r.attrs as string)).toMatchObject({ time_from: 'file_mtime' });
    if (name === 'cloudtrail') expect(records.length).toBe(5);
  });
});

describe('json fields', () => {
  it('reads numeric levels by the convention of their key: OpenTelemetry severityNumber, bunyan/pino, Monolog, syslog', () => {
    expect([1, 4, 5, 9, 12, 13, 17, 21, 24, 25].map((n) => levelFromNumber(n, 'severityNumber'))).toEqual(['TRACE', 'TRACE', 'DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR', 'FATAL', 'FATAL', undefined]);
    expect([10, 20, 30, 40, 50, 60, 35].map((n) => levelFromNumber(n, 'level'))).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', undefined]);
    expect([100, 200, 250, 300, 400, 500, 600].map((n) => levelFromNumber(n, 'level'))).toEqual(['DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL', 'FATAL']);
    expect([0, 3, 4, 6, 7].map((n) => levelFromNumber(n, 'PRIORITY'))).toEqual(['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG']);
  });

  it('keeps the level number as written in level_raw, and a nested object the record does not take in attrs', async () => {
    const { records } = await parseText('{"level":50,"time":1795600800000,"msg":"x","log":{"level":"warn","origin":{"file":"a.js"}}}\n', { name: 'json', options: {} });
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00Z'), level: 'ERROR', level_raw: '50', message: 'x' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ log: { level: 'warn', origin: { file: 'a.js' } } });
  });

  it('takes the time from MongoDB extended JSON and the level and service from ECS objects', async () => {
    const { records } = await parseText('{"t":{"$date":"2021-02-23T16:41:59.330+05:30"},"s":"I","msg":"m","log":{"level":"WARN","logger":"net"}}\n', { name: 'json', options: {} });
    expect(records[0]).toMatchObject({ us: us('2021-02-23T11:11:59.330Z'), level: 'WARN', service: 'net', message: 'm' });
  });

  it('prefers a docker compose name only when the object names no service, and refuses text after the prefix', async () => {
    const text = 'web-1   | {"time":"2026-11-25T10:00:00Z","msg":"a"}\napi_1 | {"time":"2026-11-25T10:00:00Z","service":"own","msg":"b"}\nweb-1   | plain text\n';
    const { records, unparsed } = await parseText(text, { name: 'json', options: {} });
    expect(records.map((r) => [r.service, r.message])).toEqual([
      ['web-1', 'a'],
      ['own', 'b'],
    ]);
    expect(unparsed.map((u) => [u.line, u.reason])).toEqual([[3, 'not a JSON object']]);
  });

  it('still sends an unreadable time to unparsed: only a missing time takes the file time', async () => {
    const { unparsed, records } = await parseText('{"time":"yesterday","msg":"a"}\n{"time":null,"msg":"b"}\n', { name: 'json', options: {} }, { referenceMicros: Date.UTC(2026, 0, 1) * 1000 });
    expect(unparsed.map((u) => u.reason)).toEqual(['unreadable timestamp "yesterday"']);
    expect(records).toMatchObject([{ us: us('2026-01-01T00:00:00Z'), message: 'b' }]);
  });
});

describe('JSON documents (JsonRecordSplitter)', () => {
  const pretty = '[\n  {\n    "time": "2026-11-25T10:00:00Z",\n    "msg": "one"\n  },\n  {"time": "2026-11-25T10:00:01Z", "msg": "two"}, {"time": "2026-11-25T10:00:02Z", "msg": "three"}\n]\n';

  it('writes each record as one line at the line where it starts, the next free line when a line holds several', () => {
    const s = new JsonRecordSplitter();
    const out = Buffer.concat([s.push(Buffer.from(pretty)), s.end()]).toString('utf8').split('\n');
    expect(out[1]).toBe('{     "time": "2026-11-25T10:00:00Z",     "msg": "one"   }');
    expect(out[5]).toBe('{"time": "2026-11-25T10:00:01Z", "msg": "two"}');
    expect(out[6]).toBe('{"time": "2026-11-25T10:00:02Z", "msg": "three"}');
    expect(out.filter((l) => l !== '').length).toBe(3);
  });

  it('gives the same lines fed one byte at a time as all at once (records, strings with brackets and escaped quotes across pieces)', () => {
    const doc = '{"Records":[{"eventTime":"2026-11-25T10:00:00Z","eventName":"a \\" ]} [{","x":[1,{"y":"}"}]},\n{"eventTime":"2026-11-25T10:00:01Z","eventName":"b"}],"other":1}\n';
    const whole = new JsonRecordSplitter();
    const a = Buffer.concat([whole.push(Buffer.from(doc)), whole.end()]).toString('utf8');
    const bytes = new JsonRecordSplitter();
    const parts: Buffer[] = [];
    for (const b of Buffer.from(doc)) parts.push(bytes.push(Buffer.from([b])));
    parts.push(bytes.end());
    expect(Buffer.concat(parts).toString('utf8')).toBe(a);
    expect(a.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { eventName: string }).eventName)).toEqual(['a " ]} [{', 'b']);
  });

  it('tells documents from JSON lines by their head', () => {
    expect(looksLikeJsonDocument(Buffer.from(pretty))).toBe(true);
    expect(looksLikeJsonDocument(Buffer.from('{"Records":[{"eventTime":"2026-11-25T10:00:00Z"}]}\n'))).toBe(true);
    expect(looksLikeJsonDocument(Buffer.from('{"a":1,\n"b":2}\n'))).toBe(true);
    expect(looksLikeJsonDocument(Buffer.from('{"time":"2026-11-25T10:00:00Z","msg":"a","tags":[{"k":1}]}\n{"time":"2026-11-25T10:00:01Z","msg":"b"}\n'))).toBe(false);
    expect(looksLikeJsonDocument(Buffer.from('{"tags":[{"k":1}],"time":"2026-11-25T10:00:00Z","msg":"a"}\n{"tags":[{"k":2}],"time":"2026-11-25T10:00:01Z","msg":"b"}\n'))).toBe(false);
    expect(looksLikeJsonDocument(Buffer.from('2026-11-25 plain text\n'))).toBe(false);
  });

  it('takes a JSON-lines file with lines cut short (truncated writes) for JSON lines, not a document', async () => {
    const file = path.join(tmpDir(), 'gen.jsonl');
    await generateLogs({ lines: 5_000, format: 'json', out: file, seed: 7 });
    const head = fs.readFileSync(file).subarray(0, 256 * 1024);
    expect(head.toString('utf8').split('\n').some((l) => l.startsWith('{') && !l.endsWith('}'))).toBe(true);
    expect(looksLikeJsonDocument(head)).toBe(false);
    const cut = '{"time":"2026-11-25T10:00:00Z","msg":"a"}\n{"time":"2026-11-\n{"time":"2026-11-25T10:00:01Z","msg":"b",\n{"time":"2026-11-25T10:00:02Z","msg":"c"}\n';
    expect(looksLikeJsonDocument(Buffer.from(cut))).toBe(false);
    // Fed to the splitter all the same, the cut lines stay lines of their own.
    const s = new JsonRecordSplitter();
    const lines = Buffer.concat([s.push(Buffer.from(cut)), s.end()]).toString('utf8').split('\n');
    expect(lines.slice(0, 4)).toEqual(['{"time":"2026-11-25T10:00:00Z","msg":"a"}', '{"time":"2026-11-', '{"time":"2026-11-25T10:00:01Z","msg":"b",', '{"time":"2026-11-25T10:00:02Z","msg":"c"}']);
  });

  it('keeps text outside the records as lines of their own, which stay unparsed', async () => {
    const s = new JsonRecordSplitter();
    const lines = Buffer.concat([s.push(Buffer.from('[{"time":"2026-11-25T10:00:00Z","msg":"a"}]\nuser@host:~$ \n')), s.end()]).toString('utf8');
    const { records, unparsed } = await parseText(lines, { name: 'json', options: {} });
    expect(records.map((r) => [r.rel_line, r.message])).toEqual([['1', 'a']]);
    expect(unparsed.map((u) => [u.line, u.raw])).toEqual([[2, 'user@host:~$ ']]);
  });
});

describe.skipIf(!HAVE_REALLOGS)('real JSON logs (reallogs-dev json/)', () => {
  it('parses at least 95% of the non-blank lines of each file but the truncated CloudTrail copy', async () => {
    const dir = path.join(REALLOGS, 'json');
    const shares: Record<string, number> = {};
    for (const f of fs.readdirSync(dir).sort()) {
      const { detection, counts } = await readAsIngest(path.join(dir, f));
      expect(detection.format, f).toBe('json');
      shares[f] = counts.parsed / (counts.lines - counts.blank);
    }
    for (const [f, share] of Object.entries(shares)) expect(share, f).toBeGreaterThanOrEqual(0.95);
  });
});

describe('ingesting a JSON document', () => {
  it('stores the records of a zstd-compressed CloudTrail document at their lines, and adds nothing when read again', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'trail.json.zst');
    const r0 = spawnSync('zstd', ['-q', '-o', file, path.join(FIXTURES, 'cloudtrail.log')]);
    if (r0.status !== 0) throw new Error(`zstd failed: ${r0.stderr}`);
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--data', data, '--json']));
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { sources: Array<{ format: string; parsed: number; unparsed: number }> }).sources[0]).toMatchObject({ format: 'json', parsed: 5, unparsed: 0 });
    expect(await query(data, 'SELECT line::INT AS line, message FROM logs ORDER BY line')).toEqual([
      { line: 3, message: 'ConsoleLogin' },
      { line: 15, message: 'ListBuckets' },
      { line: 27, message: 'GetObject' },
      { line: 39, message: 'PutObject' },
      { line: 51, message: 'DeleteBucket' },
    ]);
    const again = (await runCliHere(['ingest', file, '--data', data, '--json']));
    expect(again.status, again.stderr).toBe(0);
    expect(await query(data, 'SELECT count(*)::INT AS n FROM logs')).toEqual([{ n: 5 }]);
  });
});
