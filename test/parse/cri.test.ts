import { describe, expect, it } from 'vitest';
import { detectFormat, loadFormats, utcZone } from '../../src/parse/index.js';
import { PIECE_WINDOW_BYTES, readLinePiece } from '../../src/parse/multiline.js';
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

  it('reads a CRI line as a piece: stream as key, where the content starts, continued for P', () => {
    const read = (line: string) => {
      const piece = { key: 0, contentStart: 0, continued: false };
      return readLinePiece(Buffer.from(line), 0, Buffer.byteLength(line), piece) ? piece : null;
    };
    expect(read('2016-10-06T00:17:09.669794202Z stdout P hello wo')).toEqual({ key: 1, contentStart: 40, continued: true });
    expect(read('2016-10-06T00:17:09.669794202+01:00 stderr F rld')).toEqual({ key: 2, contentStart: 45, continued: false });
    expect(read('2026-11-25 10:00:00Z stdout P:x1:x2 tagged')).toEqual({ key: 1, contentStart: 36, continued: true });
    expect(read('2026-11-25T10:00:00Z stderr P')).toEqual({ key: 2, contentStart: 29, continued: true });
    for (const line of ['2026-11-25T10:00:00Z stdin P x', '2026-11-25T10:00:00Z stdout Px', '2026-11-25T10:00:00Z web-1 api[7]: stdout P x', 'Nov  5 03:04:05 h stdout P x', '2026-11-25T10:00:00Z  stdout P x']) {
      expect(read(line), line).toBeNull();
    }
  });

  it('joins a P line and the F line after it into one record: contents concatenated, first line\'s number and time, no partial flag', async () => {
    const text = [
      '2026-11-25T10:00:00.000000001Z stdout P {"msg":"a very long li',
      '2026-11-25T10:00:00.000000002Z stdout F ne split by the runtime"}',
      '2026-11-25T10:00:01.000000000Z stdout F next',
    ].join('\n');
    const { records, counts } = await parseText(text, cri);
    expect(counts).toEqual({ lines: 3, parsed: 3, unparsed: 0, blank: 0, joined: 1 });
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00Z'), message: '{"msg":"a very long line split by the runtime"}', rel_line: '1' });
    expect(attrsOf(records[0])).toEqual({ stream: 'stdout' });
    expect(records[1]).toMatchObject({ message: 'next', rel_line: '3' });
  });

  it('joins three P lines and their F with no separator, keeping spaces at the cuts, and takes the level from the joined line', async () => {
    const text = [
      '2026-11-25T10:00:00.100000000Z stderr P ERR',
      '2026-11-25T10:00:00.200000000Z stderr P OR disk ',
      '2026-11-25T10:00:00.300000000Z stderr P  full on /var',
      '2026-11-25T10:00:00.400000000Z stderr F /lib (99%)',
    ].join('\n');
    const { records, counts } = await parseText(text, cri);
    expect(counts).toEqual({ lines: 4, parsed: 4, unparsed: 0, blank: 0, joined: 3 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ us: us('2026-11-25T10:00:00.100Z'), level: 'ERROR', level_raw: 'ERROR', message: 'disk  full on /var/lib (99%)', rel_line: '1' });
    expect(attrsOf(records[0])).toEqual({ stream: 'stderr' });
  });

  it('joins the pieces of each stream when the other stream\'s lines come between them, keeping every line\'s content with its own stream', async () => {
    const text = [
      '2026-11-25T10:00:00.000000001Z stdout P out-1a ',
      '2026-11-25T10:00:00.000000002Z stderr F err-1',
      '2026-11-25T10:00:00.000000003Z stdout P out-1b ',
      '2026-11-25T10:00:00.000000004Z stderr P err-2a ',
      '2026-11-25T10:00:00.000000005Z stdout F out-1c',
      '2026-11-25T10:00:00.000000006Z stderr F err-2b',
      '2026-11-25T10:00:00.000000007Z stdout F out-2',
    ].join('\n');
    const { records, counts } = await parseText(text, cri);
    expect(counts).toEqual({ lines: 7, parsed: 7, unparsed: 0, blank: 0, joined: 3 });
    expect(records.map((r) => [r.rel_line, r.message, attrsOf(r)])).toEqual([
      ['1', 'out-1a out-1b out-1c', { stream: 'stdout' }],
      ['2', 'err-1', { stream: 'stderr' }],
      ['4', 'err-2a err-2b', { stream: 'stderr' }],
      ['7', 'out-2', { stream: 'stdout' }],
    ]);
    expect(records[2].us).toBe(String(Date.parse('2026-11-25T10:00:00Z') * 1000));
  });

  it('stores the P lines the file ends with as one record marked partial', async () => {
    const text = [
      '2026-11-25T10:00:00Z stdout F done',
      '2026-11-25T10:00:01Z stdout P cut off at the e',
      '2026-11-25T10:00:02Z stdout P nd of the fi',
    ].join('\n');
    const { records, counts } = await parseText(text + '\n', cri);
    expect(counts).toEqual({ lines: 3, parsed: 3, unparsed: 0, blank: 0, joined: 1 });
    expect(records.map((r) => r.message)).toEqual(['done', 'cut off at the end of the fi']);
    expect(records[1]).toMatchObject({ us: us('2026-11-25T10:00:01Z'), rel_line: '2' });
    expect(attrsOf(records[1])).toEqual({ stream: 'stdout', partial: true });
  });

  it('drops the CR of CRLF lines before joining their pieces', async () => {
    const text = '2026-11-25T10:00:00Z stdout P first half, \r\n2026-11-25T10:00:00Z stdout P:x1 \r\n2026-11-25T10:00:01Z stdout F second half\r\n';
    const { records, counts } = await parseText(text, cri);
    expect(counts).toEqual({ lines: 3, parsed: 3, unparsed: 0, blank: 0, joined: 2 });
    expect(records.map((r) => r.message)).toEqual(['first half, second half']);
    expect(attrsOf(records[0])).toEqual({ stream: 'stdout' });
  });

  it('leaves a P line unjoined, marked partial, when its next piece is PIECE_WINDOW_BYTES or more of other lines away', async () => {
    const other: string[] = [];
    for (let n = 0; n * 60 < PIECE_WINDOW_BYTES; n++) other.push(`2026-11-25T10:00:00Z stderr F ${'e'.repeat(29)} ${String(n).padStart(8, '0')}`);
    const text = ['2026-11-25T10:00:00Z stdout P abandoned ', ...other, '2026-11-25T10:00:01Z stdout F tail'].join('\n');
    const { records, counts } = await parseText(text, cri);
    expect(counts).toMatchObject({ lines: other.length + 2, parsed: other.length + 2, joined: 0 });
    expect(records[0].message).toBe('abandoned ');
    expect(attrsOf(records[0])).toEqual({ stream: 'stdout', partial: true });
    expect(records[records.length - 1]).toMatchObject({ message: 'tail', rel_line: String(other.length + 2) });
    expect(attrsOf(records[records.length - 1])).toEqual({ stream: 'stdout' });
  });

  it('keeps a P line with a bad timestamp unparsed, and joins nothing to it', async () => {
    const text = ['2026-13-25T10:00:00Z stdout P bad month ', '2026-11-25T10:00:01Z stdout F rest'].join('\n');
    const { records, unparsed, counts } = await parseText(text, cri);
    expect(counts).toEqual({ lines: 2, parsed: 1, unparsed: 1, blank: 0, joined: 0 });
    expect(unparsed.map((u) => u.line)).toEqual([1]);
    expect(records.map((r) => [r.rel_line, r.message])).toEqual([['2', 'rest']]);
  });

  it('joins pieces only for a format that declares them: syslog reads CRI-shaped lines one by one', async () => {
    const text = ['2026-11-25T10:00:00Z stdout P: first ', '2026-11-25T10:00:01Z stdout F: second'].join('\n');
    const { records, counts } = await parseText(text, { name: 'syslog', options: {} });
    expect(counts).toEqual({ lines: 2, parsed: 2, unparsed: 0, blank: 0, joined: 0 });
    expect(records).toHaveLength(2);
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
      // The generic fallback reads any line that starts with a timestamp; detection still picks cri (below).
      if (def.name === 'cri' || def.name === 'generic' || def.needsOptions === true) continue;
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
    expect(detection.scores.filter((s) => s.format !== 'cri' && s.format !== 'generic').every((s) => s.parsed === 0)).toBe(true);
  });
});
