import { describe, expect, it } from 'vitest';
import { parseText, us } from './parse-helper.js';

const syslog = { name: 'syslog', options: {} };

describe('syslog format', () => {
  it('parses the ISO form and takes a leading level word as the level', async () => {
    const { records, counts } = await parseText('2026-11-25T10:00:00.123Z web-03 nginx[1234]: ERROR upstream timed out\n', syslog);
    expect(counts).toEqual({ lines: 1, parsed: 1, unparsed: 0, blank: 0, joined: 0 });
    expect(records[0]).toMatchObject({
      us: us('2026-11-25T10:00:00.123Z'),
      host: 'web-03',
      service: 'nginx',
      pid: '1234',
      level: 'ERROR',
      level_raw: 'ERROR',
      message: 'upstream timed out',
      rel_line: '1',
    });
  });

  it('keeps microseconds and applies a numeric offset', async () => {
    const { records } = await parseText('2026-11-25T10:00:00.123456+02:00 db-1 postgres[7]: [warn] slow query\n', syslog);
    expect(records[0].us).toBe(String(Date.parse('2026-11-25T08:00:00.123Z') * 1000 + 456));
    expect(records[0].level).toBe('WARN');
    expect(records[0].level_raw).toBe('warn');
    expect(records[0].message).toBe('slow query');
  });

  it('normalises level aliases (err, Warning, crit) and leaves plain messages without a level', async () => {
    const text = [
      '2026-11-25T10:00:00Z h app: err disk full',
      '2026-11-25T10:00:01Z h app: Warning: low memory',
      '2026-11-25T10:00:02Z h app: CRIT kernel panic',
      '2026-11-25T10:00:03Z h app: Errors were found in 3 files',
    ].join('\n');
    const { records } = await parseText(text, syslog);
    expect(records.map((r) => r.level)).toEqual(['ERROR', 'WARN', 'FATAL', null]);
    expect(records[3].message).toBe('Errors were found in 3 files');
  });

  it('parses RFC 3164 and infers the year from the file time', async () => {
    const ref = Date.UTC(2026, 10, 25, 12) * 1000; // file written 2026-11-25
    const { records } = await parseText('Nov  5 03:04:05 combo sshd(pam_unix)[19939]: authentication failure; user=root\n', syslog, { referenceMicros: ref });
    expect(records[0]).toMatchObject({ us: us('2026-11-05T03:04:05Z'), host: 'combo', service: 'sshd(pam_unix)', pid: '19939', message: 'authentication failure; user=root' });
  });

  it('rolls RFC 3164 lines back a year across New Year', async () => {
    const ref = Date.UTC(2027, 0, 2, 12) * 1000; // file last written 2027-01-02
    const { records } = await parseText('Dec 31 23:59:59 h cron[1]: a\nJan  1 00:00:01 h cron[1]: b\n', syslog, { referenceMicros: ref });
    expect(records.map((r) => r.us)).toEqual([us('2026-12-31T23:59:59Z'), us('2027-01-01T00:00:01Z')]);
  });

  it('parses RFC 5424 with PRI severity, nil fields and structured data', async () => {
    const line = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event log entry';
    const { records } = await parseText(line + '\n', syslog);
    expect(records[0]).toMatchObject({
      us: us('2003-10-11T22:14:15.003Z'),
      host: 'mymachine.example.com',
      service: 'evntslog',
      pid: null,
      level: 'NOTICE',
      level_raw: '5',
      message: 'An application event log entry',
    });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ msgid: 'ID47', sd: '[exampleSDID@32473 iut="3" eventSource="Application"]' });
  });

  it('takes the level from the PRI of an RFC 3164 line', async () => {
    const { records } = await parseText('<11>Nov 24 10:00:00 h su[1]: FAILED su for root\n', syslog);
    expect(records[0].level).toBe('ERROR'); // severity 3
  });

  it('sends lines that are not syslog to unparsed with a reason and their line number', async () => {
    const text = '2026-11-25T10:00:00Z h app[1]: ok\nSegmentation fault (core dumped)\n\n2026-11-2 broken\nNov 99 10:00:00 h x: y\n';
    const { counts, unparsed } = await parseText(text, syslog);
    expect(counts).toEqual({ lines: 5, parsed: 1, unparsed: 3, blank: 1, joined: 0 });
    expect(unparsed.map((u) => u.line)).toEqual([2, 4, 5]);
    expect(unparsed[0].raw).toBe('Segmentation fault (core dumped)');
    for (const u of unparsed) expect(u.reason.length).toBeGreaterThan(3);
  });

  it('drops the CR of CRLF lines and counts a final line without newline', async () => {
    const { records, counts } = await parseText('2026-11-25T10:00:00Z h app: one\r\n2026-11-25T10:00:01Z h app: two', syslog);
    expect(counts.lines).toBe(2);
    expect(records.map((r) => r.message)).toEqual(['one', 'two']);
  });
});

describe('timestamps', () => {
  it('rejects a timestamp with a non-digit anywhere in it', async () => {
    const text = ['202?-11-18T06:14:44.558Z h a: x', '2026-1#-18T06:14:44Z h a: x', '2026-11-18T06:1x:44Z h a: x', '2026-11-18T06:14:44.Z h a: x', 'Nov  x 03:04:05 h a: x'].join('\n');
    const { counts } = await parseText(text, { name: 'syslog', options: {} });
    expect(counts).toMatchObject({ parsed: 0, unparsed: 5 });
  });
});
