import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { FieldCollector, writeFields } from '../../src/parse/fields.js';
import { JsonLineScanner, SLOW } from '../../src/parse/json-line.js';
import { utcZone } from '../../src/parse/timestamp.js';
import { tmpDir } from '../helpers.js';
import { expectSameRecord, oneByteEdits, recordOf, type WrittenRecord } from './scanner-helper.js';

const REFERENCE_MICROS = Date.parse('2026-11-25T12:00:00Z') * 1000;

/** What the json format did before the scanner, and still does for the lines the scanner declines. */
function reference(line: Buffer): WrittenRecord {
  let obj: unknown;
  try {
    obj = JSON.parse(line.toString('utf8'));
  } catch {
    return { reason: 'invalid JSON' };
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { reason: 'not a JSON object' };
  const collector = new FieldCollector();
  collector.addObject(obj as Record<string, unknown>);
  return recordOf((out) => writeFields(collector.finish(), out, utcZone, REFERENCE_MICROS, { noTimeFromMtime: true, levelKey: collector.levelKey }));
}

function fast(scanner: JsonLineScanner, line: Buffer): WrittenRecord {
  return recordOf((out) => scanner.parse(line, 0, line.length, out));
}

const TRICKY = [
  '{"ts":"2026-11-25T10:00:00.123Z","level":"error","service":"api","msg":"upstream timed out","status":504}',
  '{"time":"2026-11-25T10:00:00+01:00","message":"m","msg":"wins","host":{"name":"h1","ip":[10,0,0,1]},"pid":"12a"}',
  '{"@timestamp":1764064800.5,"severity":3,"log":"line\\n","stream":"stdout"}',
  '{"timestamp":"1764064800123","level":"Warning ","msg":"caf\\u00e9 \\"quoted\\" \\/ \\t tab","n":-0.0e+0,"big":12345678901234567890}',
  '{ "ts" : "2026-11-25 10:00:00,5" , "msg" : "spaces" , "nested" : { "a" : [ 1 , { "b" : null } , [ ] , { } ] } }  ',
  '{"ts":"Nov 25 10:00:00","msg":"rfc3164 time"}',
  '{"ts":"","msg":"empty time"}',
  '{"ts":null,"msg":"null time"}',
  '{"msg":"no time"}',
  '{"ts":true,"msg":"bool time"}',
  '{"ts":{"s":1},"msg":"object time"}',
  '{"ts":"not a time","msg":"x"}',
  '{"ts":"2026-11-25T10:00:00Z","process_id":"abc","level":null,"msg":123}',
  '{"ts":"2026-11-25T10:00:00Z","pid":4242,"level":"INFO","msg":"","2":"integer key","b":false}',
  '{"ts":"2026-11-25T10:00:00Z","msg":"dup","a":1,"a":2}',
  '{"ts":"2026-11-25T10:00:00Z","m\\u0073g":"escaped key"}',
  '{"ts":"2026-11-25T10:00:00Z","__proto__":{"x":1},"msg":"proto"}',
  '{"ts":"2026-11-25T10:00:00Z","msg":"naïve ☃ 日本","tags":["ü"]}',
  '{}',
  '{"ts":"2026-11-25T10:00:00Z",}',
  '{"ts":"2026-11-25T10:00:00Z","a":01}',
  '{"ts":"2026-11-25T10:00:00Z","a":1.}',
  '{"ts":"2026-11-25T10:00:00Z","a":[1,]}',
  '{"ts":"2026-11-25T10:00:00Z","a":"bad \\x escape"}',
  '{"ts":"2026-11-25T10:00:00Z","a":"raw \t tab"}',
  '{"ts":"2026-11-25T10:00:00Z","a":tru}',
  '{"ts":"2026-11-25T10:00:00Z","a":nulls}',
  '{"ts":"2026-11-25T10:00:00Z"} x',
  '{"ts":"2026-11-25T10:00:00Z","a":{"b":1}',
  `{"ts":"2026-11-25T10:00:00Z","deep":${'['.repeat(100)}${']'.repeat(100)}}`,
].map((s) => Buffer.from(s));

describe('JsonLineScanner (the json format read from bytes)', () => {
  it('writes the same records as JSON.parse and the field rules, or declines, on lines chosen to be hard', () => {
    const scanner = new JsonLineScanner(utcZone, REFERENCE_MICROS);
    // Valid JSON the scanner leaves to JSON.parse: a repeated key, an escaped key, nesting deeper than it follows,
    // an object under a key that may hold record fields (`host` of `host.name`, a time key's `{"$date": ...}`).
    const leftToJsonParse = [/"a":1,"a":2/, /m\\u0073g/, /\[{100}/, /"host":\{/, /"ts":\{/];
    for (const line of TRICKY) {
      const text = line.toString('utf8');
      const got = fast(scanner, line);
      const want = reference(line);
      const shouldDecline = want.reason === 'invalid JSON' || leftToJsonParse.some((re) => re.test(text));
      expect(got.reason === SLOW, text).toBe(shouldDecline);
      if (!shouldDecline) expectSameRecord(line, got, want);
    }
    expect(TRICKY.filter((l) => reference(l).reason === 'invalid JSON').length).toBe(10);
  });

  it('takes every line of a generated JSON-lines file itself, with the same records as JSON.parse', async () => {
    const file = path.join(tmpDir(), 'gen.jsonl');
    await generateLogs({ lines: 20_000, format: 'json', out: file, seed: 7 });
    const scanner = new JsonLineScanner(utcZone, REFERENCE_MICROS);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{'));
    let declined = 0;
    for (const text of lines) {
      const line = Buffer.from(text);
      const got = fast(scanner, line);
      const want = reference(line);
      if (got.reason === SLOW) {
        declined++;
        // Only what JSON.parse rejects may be declined here: the generator writes no repeated or escaped keys.
        expect(want.reason, text).toBe('invalid JSON');
        continue;
      }
      expectSameRecord(line, got, want);
    }
    expect(lines.length).toBeGreaterThan(19_000);
    expect(declined).toBeLessThan(lines.length * 0.02);
  });

  it('never accepts a line JSON.parse rejects, over 50,000 random one-byte edits of valid lines', () => {
    const scanner = new JsonLineScanner(utcZone, REFERENCE_MICROS);
    let accepted = 0;
    for (const line of oneByteEdits(TRICKY.slice(0, 6), Buffer.from('{}[]":,.-+eE0123456789 \t\\/tfnrlsau\x01\x7fé'), 50_000, 99)) {
      if (line.length === 0 || line[0] !== 0x7b) continue;
      const got = fast(scanner, line);
      const want = reference(line);
      if (got.reason === SLOW) continue;
      accepted++;
      expectSameRecord(line, got, want);
    }
    expect(accepted).toBeGreaterThan(10_000);
  });
});
