import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { parseLogfmtLine } from '../../src/parse/formats/logfmt.js';
import { LogfmtLineScanner, SLOW } from '../../src/parse/logfmt-line.js';
import { utcZone } from '../../src/parse/timestamp.js';
import { tmpDir } from '../helpers.js';
import { expectSameRecord, oneByteEdits, recordOf } from './scanner-helper.js';

const REFERENCE_MICROS = Date.parse('2026-11-25T12:00:00Z') * 1000;
const CTX = { zone: utcZone, referenceMicros: REFERENCE_MICROS };

const general = (line: Buffer) => recordOf((out) => parseLogfmtLine(line, 0, line.length, out, CTX));
const fast = (scanner: LogfmtLineScanner, line: Buffer) => recordOf((out) => scanner.parse(line, 0, line.length, out));

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
      else expectSameRecord(line, got, general(line));
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
      expectSameRecord(line, got, general(line));
    }
    expect(lines).toBeGreaterThan(19_000);
  });

  it('agrees with the general path on every line it takes, over 50,000 random one-byte edits', () => {
    const scanner = new LogfmtLineScanner(utcZone, REFERENCE_MICROS);
    let taken = 0;
    for (const line of oneByteEdits(TRICKY.slice(0, 5), Buffer.from('= "\\\tu0aZ9-.:_\x01é/'), 50_000, 7)) {
      const got = fast(scanner, line);
      if (got.reason === SLOW) continue;
      taken++;
      expectSameRecord(line, got, general(line));
    }
    expect(taken).toBeGreaterThan(20_000);
  });
});
