import { describe, expect, it } from 'vitest';
import { detectFormat, loadFormats, utcZone } from '../../src/parse/index.js';
import { parseText, us } from './parse-helper.js';

const cri = { name: 'cri', options: {} };

function attrsOf(r: Record<string, string | null>): Record<string, unknown> {
  return JSON.parse(r.attrs as string) as Record<string, unknown>;
}

describe('cri format', () => {
  it('parses a full stdout line: nanoseconds kept to the µs, content as message, stream in attrs', async () => {
    const { records, counts } = await parseText('2016-10-06T00:17:09.669794202Z stdout F hello world\n', cri);
    expect(counts).toEqual({ lines: 1, parsed: 1, unparsed: 0, blank: 0, joined: 0 });
    expect(records[0]).toMatchObject({
      us: String(Date.parse('2016-10-06T00:17:09.669Z') * 1000 + 794),
      host: null,
      service: null,
      pid: null,
      level: null,
      level_raw: null,
      message: 'hello world',
      rel_line: '1',
    });
    expect(attrsOf(records[0])).toEqual({ stream: 'stdout' });
  });

  it('takes a level word leading the content as the level, and applies a numeric offset', async () => {
    const text = [
      '2026-11-25T10:00:00.123456789+02:00 stderr F ERROR failed to connect to db-01:5432',
      '2026-11-25T10:00:01.000000000Z stdout F [warn] cache nearly full',
      '2026-11-25T10:00:02Z stderr F Errors were found in 3 files',
    ].join('\n');
    const { records } = await parseText(text, cri);
    expect(records[0]).toMatchObject({ us: String(Date.parse('2026-11-25T08:00:00.123Z') * 1000 + 456), level: 'ERROR', level_raw: 'ERROR', message: 'failed to connect to db-01:5432' });
    expect(attrsOf(records[0])).toEqual({ stream: 'stderr' });
    expect(records[1]).toMatchObject({ level: 'WARN', level_raw: 'warn', message: 'cache nearly full' });
    // stderr alone does not make an error
    expect(records[2]).toMatchObject({ us: us('2026-11-25T10:00:02Z'), level: null, message: 'Errors were found in 3 files' });
  });

  it('stores partial (P) lines as records of their own, marked partial, without joining them', async () => {
    const text = [
      '2026-11-25T10:00:00.000000001Z stdout P {"msg":"a very long li',
      '2026-11-25T10:00:00.000000002Z stdout P ne split by the runt',
      '2026-11-25T10:00:00.000000003Z stdout F ime"}',
    ].join('\n');
    const { records, counts } = await parseText(text, cri);
    expect(counts).toMatchObject({ lines: 3, parsed: 3, joined: 0 });
    expect(records.map((r) => r.message)).toEqual(['{"msg":"a very long li', 'ne split by the runt', 'ime"}']);
    expect(records.map(attrsOf)).toEqual([{ stream: 'stdout', partial: true }, { stream: 'stdout', partial: true }, { stream: 'stdout' }]);
  });

  it('keeps the content\'s own spaces, takes an empty content and extra tags', async () => {
    const text = ['2026-11-25T10:00:00Z stdout F    indented', '2026-11-25T10:00:01Z stdout F ', '2026-11-25T10:00:02Z stdout F', '2026-11-25T10:00:03Z stderr P:x1 piece'].join('\n');
    const { records, unparsed } = await parseText(text, cri);
    expect(unparsed).toEqual([]);
    expect(records.map((r) => r.message)).toEqual(['   indented', null, null, 'piece']);
    expect(attrsOf(records[3])).toEqual({ stream: 'stderr', partial: true });
  });

  it('sends lines that are not CRI to unparsed with a reason', async () => {
    const text = [
      '2026-11-25T10:00:00Z stdout F ok',
      '2026-11-25T10:00:00Z stdin F no such stream',
      '2026-11-25T10:00:00Z stdout X bad tag',
      '2026-11-25T10:00:00Z stdout Full tag too long',
      '2026-11-25T10:00:00Z  stdout F two spaces',
      '2026-11-2 stdout F broken time',
      'stdout F no time',
      '    at com.example.App.main(App.java:10)',
    ].join('\n');
    const { counts, unparsed } = await parseText(text, cri);
    expect(counts).toMatchObject({ lines: 8, parsed: 1, unparsed: 7 });
    expect(unparsed.map((u) => u.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (const u of unparsed) expect(u.reason.length).toBeGreaterThan(3);
  });

  it('rejects the example line of every other format', async () => {
    const formats = await loadFormats();
    const others = [...formats.values()].filter((f) => f.name !== 'cri' && f.example !== '');
    expect(others.length).toBeGreaterThanOrEqual(5);
    const { counts, unparsed } = await parseText(others.map((f) => f.example).join('\n'), cri);
    expect(counts.parsed).toBe(0);
    expect(unparsed).toHaveLength(others.length);
  });

  it('is not parsed by any other format, and auto-detection picks it for a CRI file', async () => {
    const formats = await loadFormats();
    const example = formats.get('cri')!.example;
    for (const def of formats.values()) {
      if (def.name === 'cri' || def.needsOptions === true) continue;
      const { counts } = await parseText(example, { name: def.name, options: {} });
      expect({ format: def.name, parsed: counts.parsed }).toEqual({ format: def.name, parsed: 0 });
    }
    const sample = [
      '2026-11-25T10:00:00.100000000Z stdout F GET /healthz 200',
      '2026-11-25T10:00:00.200000000Z stderr F WARN slow query took 1200ms',
      '2026-11-25T10:00:00.300000000Z stdout P {"level":"info","msg":"part',
      '2026-11-25T10:00:00.400000000Z stdout F ial"}',
      '2026-11-25T10:00:01.000000000Z stderr F panic: runtime error: invalid memory address',
    ].join('\n');
    const detection = await detectFormat(Buffer.from(sample), { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 25) * 1000 });
    expect(detection.format).toBe('cri');
    expect(detection.rate).toBe(1);
    expect(detection.scores.filter((s) => s.format !== 'cri').every((s) => s.parsed === 0)).toBe(true);
  });
});
