import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseText, us } from './parse-helper.js';

describe('json format', () => {
  it('maps common key names and keeps every other field, nested ones too, in attrs', async () => {
    const line = JSON.stringify({ '@timestamp': '2026-11-25T10:00:00.5Z', severity: 'Error', message: 'boom', hostname: 'api-1', app: 'billing', pid: 42, status: 500, req: { path: '/x' } });
    const { records } = await parseText(line + '\n', { name: 'json', options: {} });
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00.5Z'), host: 'api-1', service: 'billing', pid: '42', level: 'ERROR', level_raw: 'Error', message: 'boom' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ status: 500, req: { path: '/x' } });
  });

  it('reads epoch seconds and milliseconds', async () => {
    const text = '{"ts":1764064800,"msg":"s"}\n{"time":1764064800123,"msg":"ms"}\n';
    const { records } = await parseText(text, { name: 'json', options: {} });
    expect(records.map((r) => r.us)).toEqual([String(1764064800 * 1e6), String(1764064800123 * 1e3)]);
  });

  it('sends invalid JSON and non-objects to unparsed, with reasons; an object without a time is a record', async () => {
    const text = '{"ts":"2026-11-25T10:00:00Z","msg":"ok"}\n{"ts":"2026-11-\nnot json\n{"msg":"no time"}\n[1,2]\n';
    const { counts, unparsed } = await parseText(text, { name: 'json', options: {} });
    expect(counts).toEqual({ lines: 5, parsed: 2, unparsed: 3, blank: 0, joined: 0 });
    expect(unparsed.map((u) => u.reason)).toEqual(['invalid JSON', 'not a JSON object', 'not a JSON object']);
  });
});

describe('regex format', () => {
  const pattern = String.raw`^(?<ts>\S+) \[(?<level>\w+)\] (?<service>[\w.]+): (?<message>.*?)(?: user=(?<user>\w+))?$`;

  it('fills fields from named groups and puts other groups in attrs', async () => {
    const { records } = await parseText('2026-11-25T10:00:00Z [WARN] auth.login: bad password user=bob\n', { name: 'regex', options: { pattern } });
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00Z'), level: 'WARN', service: 'auth.login', message: 'bad password' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ user: 'bob' });
  });

  it('keeps lines the pattern does not match as unparsed', async () => {
    const { unparsed } = await parseText('garbage\n', { name: 'regex', options: { pattern } });
    expect(unparsed).toEqual([{ line: 1, raw: 'garbage', reason: 'pattern did not match' }]);
  });

  it('rejects a pattern that does not compile, or has no timestamp group, with a clear error', async () => {
    await expect(parseText('x', { name: 'regex', options: { pattern: '(?<ts>[' } })).rejects.toThrow(/invalid --pattern.*\(\?<ts>\[/);
    await expect(parseText('x', { name: 'regex', options: { pattern: '(?<message>.*)' } })).rejects.toThrow(ConfigError);
    await expect(parseText('x', { name: 'regex', options: { pattern: '(?<message>.*)' } })).rejects.toThrow(/no timestamp group/);
  });

  it('rejects an unknown format name, listing the known ones', async () => {
    await expect(parseText('x', { name: 'nope', options: {} })).rejects.toThrow(/unknown format "nope".*syslog/);
  });
});

describe('docker json-file lines', () => {
  it('take the message from log without its trailing newline, and keep stream in attrs', async () => {
    const line = '{"log":"GET /healthz 200\\n","stream":"stdout","time":"2026-11-25T10:00:00.123456789Z"}';
    const { records } = await parseText(line + '\n', { name: 'json', options: {} });
    expect(records[0]).toMatchObject({ us: String(Date.parse('2026-11-25T10:00:00.123Z') * 1000 + 456), message: 'GET /healthz 200' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ stream: 'stdout' });
  });
});
