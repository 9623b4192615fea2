import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { isContinuation } from '../../src/parse/multiline.js';
import { query, tmpDir } from '../helpers.js';
import { parseText } from './parse-helper.js';

const cont = (line: string) => isContinuation(Buffer.from(line), 0, Buffer.byteLength(line));

const javaTrace = [
  '2026-11-25T10:00:00Z web-1 api[7]: ERROR request failed',
  'java.lang.IllegalStateException: Connection pool shut down',
  '\tat com.example.db.Pool.get(Pool.java:42)',
  '\tat com.example.api.Handler.handle(Handler.java:17)',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '\t... 12 more',
];
const pythonTrace = [
  '2026-11-25T10:00:01Z web-1 worker[8]: ERROR task crashed',
  'Traceback (most recent call last):',
  '  File "/srv/app/tasks.py", line 88, in run',
  '    result = compute(x)',
  'ValueError: invalid literal for int() with base 10: \'x\'',
];

describe('continuation lines', () => {
  it('recognises stack frames, tracebacks and exception lines, and not records or prose', () => {
    for (const l of [...javaTrace.slice(1), ...pythonTrace.slice(1), '    wrapped text', 'KeyError', 'UserWarning: deprecated']) expect(cont(l), l).toBe(true);
    for (const l of [javaTrace[0], 'Nov  5 03:04:05 h sshd[1]: x', '{"ts":1}', 'time=2026-11-25T10:00:00Z msg=x', 'Segmentation fault (core dumped)', 'Error connecting to db', '   ', '', 'Warning: low disk']) expect(cont(l), l).toBe(false);
  });

  it('joins a Java stack trace and a Python traceback to the record before them, keeping its line number', async () => {
    const text = [...javaTrace, '2026-11-25T10:00:00.5Z web-1 api[7]: INFO next', ...pythonTrace, ''].join('\n');
    const { records, counts, unparsed } = await parseText(text, { name: 'syslog', options: {} });
    expect(counts).toEqual({ lines: 12, parsed: 12, unparsed: 0, blank: 0, joined: 9 });
    expect(unparsed).toEqual([]);
    expect(records.map((r) => r.rel_line)).toEqual(['1', '7', '8']);
    expect(records.map((r) => r.level)).toEqual(['ERROR', 'INFO', 'ERROR']);
  });

  it('keeps continuation lines that follow an unparsed line as unparsed lines of their own', async () => {
    const text = ['garbage', '\tat x.Y.z(Y.java:1)', '2026-11-25T10:00:00Z h a[1]: INFO ok'].join('\n');
    const { counts, unparsed } = await parseText(text, { name: 'syslog', options: {} });
    expect(counts).toEqual({ lines: 3, parsed: 1, unparsed: 2, blank: 0, joined: 0 });
    expect(unparsed.map((u) => u.line)).toEqual([1, 2]);
  });

  it('stores the joined record with its lines separated by LF, and never splits it at a chunk boundary', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    let s = '';
    for (let i = 1; i <= 3000; i++) {
      s += `2026-11-25T10:00:00Z web-1 api[7]: ERROR failure ${i}\r\n`;
      for (let k = 0; k < 5; k++) s += `\tat com.example.C${k}.m(C${k}.java:${i})\r\n`;
    }
    fs.writeFileSync(file, s);
    const data = path.join(dir, 'data');
    // Tiny chunks: boundaries fall inside traces everywhere.
    const summary = await ingest({ inputs: [file], dataDir: data, format: { name: 'syslog', options: {} }, chunkBytes: 4096, workers: 2 });
    expect(summary.totals).toMatchObject({ lines: 18_000, parsed: 18_000, unparsed: 0 });
    const rows = await query(data, `SELECT count(*)::INT AS n, count(DISTINCT line)::INT AS d, min(len(string_split(message, chr(10))))::INT AS lo, max(len(string_split(message, chr(10))))::INT AS hi, bool_and(line % 6 = 1) AS first_lines, bool_and(NOT contains(message, chr(13))) AS no_cr FROM logs`);
    expect(rows[0]).toEqual({ n: 3000, d: 3000, lo: 6, hi: 6, first_lines: true, no_cr: true });
    const [one] = await query(data, `SELECT message FROM logs WHERE line = 7`);
    expect(one.message).toBe('failure 2\n\tat com.example.C0.m(C0.java:2)\n\tat com.example.C1.m(C1.java:2)\n\tat com.example.C2.m(C2.java:2)\n\tat com.example.C3.m(C3.java:2)\n\tat com.example.C4.m(C4.java:2)');
  });
});
