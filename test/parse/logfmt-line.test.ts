import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { parseLogfmtLine } from '../../src/parse/formats/logfmt.js';
import { LogfmtLineScanner, SLOW } from '../../src/parse/logfmt-line.js';
import type { RowWriter } from '../../src/parse/row-writer.js';
import { utcZone } from '../../src/parse/timestamp.js';
import { tmpDir } from '../helpers.js';

const REFERENCE_MICROS = Date.parse('2026-11-25T12:00:00Z') * 1000;
const CTX = { zone: utcZone, referenceMicros: REFERENCE_MICROS };

/** A RowWriter stand-in that keeps the fields of the one record a parser writes. */
function record(parse: (out: RowWriter) => string | null) {
  const fields: Array<string | number | null> = [];
  let us: number | undefined;
  const writer = {
    beginRecord: (t: number) => void (us = t),
    bytes: (buf: Buffer, s: number, e: number) => void fields.push(s === e ? null : buf.toString('utf8', s, e)),
    text: (v: string) => void fields.push(v === '' ? null : v),
    ascii: (v: string) => void fields.push(v === '' ? null : v),
    int: (v: number) => void fields.push(v),
    empty: () => void fields.push(null),
  };
  const reason = parse(writer as unknown as RowWriter);
  return reason === null ? { reason, us, fields } : { reason };
}

const general = (line: Buffer) => record((out) => parseLogfmtLine(line, 0, line.length, out, CTX));
const fast = (scanner: LogfmtLineScanner, line: Buffer) => record((out) => scanner.parse(line, 0, line.length, out));

/** Same record; attrs compared as JSON values (the scanner writes them from the bytes, the general path by JSON.stringify). */
function expectSame(line: Buffer, got: ReturnType<typeof fast>, want: ReturnType<typeof general>): void {
  const where = line.toString('utf8');
  expect(got.reason, where).toBe(want.reason);
  if (want.reason !== null) return;
  expect(got.us, where).toBe(want.us);
  expect(got.fields!.slice(0, 6), where).toEqual(want.fields!.slice(0, 6));
  const attrs = (f: Array<string | number | null>) => (f[6] === null ? null : JSON.parse(String(f[6])));
  expect(attrs(got.fields!), where).toEqual(attrs(want.fields!));
  expect(got.fields!.length, where).toBe(7);
}

const TRICKY = [
  'time=2026-11-25T10:00:00Z level=error msg="upstream timed out" service=api host=web-1 duration=1.2s status=504',
  'ts=1764064800 lvl=WARN message=m msg="wins over message" pid=12a flag count=007 ratio=0.25 big=123456789012345678 neg=-3 e=1e3 empty=',
  'time="2026-11-25 10:00:00,5" msg="with \\"quotes\\", a \\\\ backslash, \\n newline, \\u00e9 and \\/ slash" tags="a b"',
  'time=2026-11-25T10:00:00Z msg="caf\\u00e9" path=/x?q=1 user=ü 日本=語',
  'time=2026-11-25T10:00:00Z msg="ends with newline\\n"',
  'time= msg=empty',
  'time="" msg=empty-quoted',
  'msg=no-time level=info',
  'time=tomorrow msg=x',
  'level=info time',
  'time=2026-11-25T10:00:00Z __proto__=x 2=int-key',
  // Declined: the general path decides these.
  'time=2026-11-25T10:00:00Z msg="unknown \\x escape"',
  'time=2026-11-25T10:00:00Z msg="raw \t tab"',
  'time=2026-11-25T10:00:00Z a=1 a=2',
  'time=2026-11-25T10:00:00Z k\\ey=v',
  'time=2026-11-25T10:00:00Z v=a"b',
  'time=2026-11-25T10:00:00Z v=a\\b',
  'time=2026-11-25T10:00:00Z msg="unclosed',
  'time=2026-11-25T10:00:00Z msg="x"y',
  'flag time=2026-11-25T10:00:00Z',
  '"quoted key"=1',
  '=value',
  '   ',
].map((s) => Buffer.from(s));

describe('LogfmtLineScanner (the logfmt format read from bytes)', () => {
  it('writes the same records as the general path, or declines, on lines chosen to be hard', () => {
    const scanner = new LogfmtLineScanner(utcZone, REFERENCE_MICROS);
    const declined: string[] = [];
    for (const line of TRICKY) {
      const got = fast(scanner, line);
      if (got.reason === SLOW) declined.push(line.toString());
      else expectSame(line, got, general(line));
    }
    expect(declined).toEqual(TRICKY.slice(TRICKY.findIndex((l) => l.toString().includes('\\x escape'))).map(String));
  });

  it('takes every line of a generated log rewritten as logfmt itself, with the same records as the general path', async () => {
    const file = path.join(tmpDir(), 'gen.jsonl');
    await generateLogs({ lines: 20_000, format: 'json', out: file, seed: 11 });
    const scanner = new LogfmtLineScanner(utcZone, REFERENCE_MICROS);
    let lines = 0;
    for (const text of fs.readFileSync(file, 'utf8').split('\n')) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      // Strings quoted with JSON's escapes (as logfmt writers do), numbers bare, objects as quoted JSON text.
      const pairs = Object.entries(obj).map(([k, v]) => `${k === 'ts' ? 'time' : k}=${typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(typeof v === 'string' ? v : JSON.stringify(v))}`);
      const line = Buffer.from(pairs.join(' '));
      lines++;
      const got = fast(scanner, line);
      expect(got.reason, line.toString()).not.toBe(SLOW);
      expectSame(line, got, general(line));
    }
    expect(lines).toBeGreaterThan(19_000);
  });

  it('agrees with the general path on every line it takes, over 50,000 random one-byte edits', () => {
    const scanner = new LogfmtLineScanner(utcZone, REFERENCE_MICROS);
    const seeds = TRICKY.slice(0, 5);
    const alphabet = Buffer.from('= "\\\tu0aZ9-.:_\x01é/');
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    let taken = 0;
    for (let k = 0; k < 50_000; k++) {
      const base = seeds[next(seeds.length)];
      const at = next(base.length);
      const op = next(3);
      const byte = alphabet[next(alphabet.length)];
      const line =
        op === 0 ? Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]) : op === 1 ? Buffer.concat([base.subarray(0, at), Buffer.from([byte]), base.subarray(at)]) : Buffer.from(base).fill(byte, at, at + 1);
      const got = fast(scanner, line);
      if (got.reason === SLOW) continue;
      taken++;
      expectSame(line, got, general(line));
    }
    expect(taken).toBeGreaterThan(20_000);
  });
});
