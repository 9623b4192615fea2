import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { FormatSpec } from '../../src/parse/index.js';
import { parseLoghubTimestamp } from '../../src/parse/loghub-timestamps.js';
import { compileTemplate, mapHeaders, type TemplateOptions } from '../../src/parse/template.js';
import { utcZone } from '../../src/parse/timestamp.js';
import { parseText } from './parse-helper.js';

const HADOOP = String.raw`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`;
const BGL = '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>';
const LINUX = String.raw`<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>`;
const ZOOKEEPER = String.raw`<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>`;

/** The spec of the template format; options go through a cast until FormatOptions has `template`. */
function spec(options: TemplateOptions): FormatSpec {
  return { name: 'template', options: options as FormatSpec['options'] };
}

/** µs of a UTC wall-clock time, with a µs part. */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, micros = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;
}

const REF_2005_END = utc(2005, 12, 31);

describe('compileTemplate', () => {
  it('turns headers into named groups and runs of spaces into \\s+, anchored at both ends', () => {
    const { regex, headers } = compileTemplate(HADOOP);
    expect(headers).toEqual(['Date', 'Time', 'Level', 'Process', 'Component', 'Content']);
    expect(regex.source).toBe(String.raw`^(?<Date>.*?)\s+(?<Time>.*?)\s+(?<Level>.*?)\s+\[(?<Process>.*?)\]\s+(?<Component>.*?):\s+(?<Content>.*)$`);
    const m = regex.exec('2015-10-18 18:01:47,978 INFO  [main] org.apache.X: Kind: a: b');
    expect(m?.groups).toEqual({ Date: '2015-10-18', Time: '18:01:47,978', Level: 'INFO', Process: 'main', Component: 'org.apache.X', Content: 'Kind: a: b' });
  });

  it('keeps the regex fragments between headers, an optional group included', () => {
    const { regex } = compileTemplate(LINUX);
    expect(regex.exec('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass')?.groups).toMatchObject({ Component: 'sshd(pam_unix)', PID: '19939', Content: 'check pass' });
    expect(regex.exec('Jul 27 14:42:00 combo kernel: Linux agpgart')?.groups).toMatchObject({ Component: 'kernel', PID: undefined, Content: 'Linux agpgart' });
  });

  it('lets <Content> take the rest of the line when it is not the last header', () => {
    const { regex } = compileTemplate('<Time> <Content> \\[<Thread>\\]');
    expect(regex.exec('10:00 a [b] c [main]')?.groups).toEqual({ Time: '10:00', Content: 'a [b] c', Thread: 'main' });
  });

  it('reads < and > inside [...], lookbehinds, named groups and escapes as regex syntax', () => {
    const { regex, headers } = compileTemplate(String.raw`<Time> [<>]+(?<=\>) (?<arrow>\<-) <Content>`);
    expect(headers).toEqual(['Time', 'Content']);
    expect(regex.exec('10:00 <> <- hello')?.groups).toEqual({ Time: '10:00', arrow: '<-', Content: 'hello' });
  });

  it('rejects a template without headers, naming it', () => {
    expect(() => compileTemplate('just text')).toThrow(ConfigError);
    expect(() => compileTemplate('just text')).toThrow('template "just text": has no <Header>');
  });

  it('rejects an unclosed "<" and a stray ">", naming the column', () => {
    expect(() => compileTemplate('<Date <Time> <Content>')).toThrow(/template "<Date <Time> <Content>": the "<" at column 1 is never closed/);
    expect(() => compileTemplate('<Date> <Content')).toThrow(/the "<" at column 8 is never closed by ">" \(write \\< for a literal "<"\)/);
    expect(() => compileTemplate('<Date> -> <Content>')).toThrow(/the ">" at column 9 closes no "<"/);
  });

  it('rejects header names that are not identifiers, and a header used twice', () => {
    expect(() => compileTemplate('<Date> <Thread Id> <Content>')).toThrow(/header <Thread Id> at column 8: a header name is letters, digits and "_"/);
    expect(() => compileTemplate('<Date> <Date> <Content>')).toThrow(/header <Date> appears twice/);
  });

  it('rejects a template that is not a valid regular expression, with the engine\'s reason', () => {
    expect(() => compileTemplate('<Date> (<Content>')).toThrow(ConfigError);
    expect(() => compileTemplate('<Date> (<Content>')).toThrow(/template "<Date> \(<Content>" is not a valid regular expression: .*Unterminated group/);
    expect(() => compileTemplate('<Date> [<Content>')).toThrow(/a "\[" is never closed/);
  });
});

describe('mapHeaders', () => {
  it('maps Date+Time to ts, Level, Component to service, and Hadoop\'s thread <Process> aside', () => {
    expect(mapHeaders(compileTemplate(HADOOP))).toEqual({ time: ['Date', 'Time'], timeGiven: false, host: undefined, service: 'Component', pid: undefined, process: 'Process', level: 'Level', message: 'Content', attrs: [] });
  });

  it('maps Node to host and sends the other BGL headers to attrs', () => {
    expect(mapHeaders(compileTemplate(BGL))).toMatchObject({ time: ['Timestamp', 'Date', 'Time'], host: 'Node', service: 'Component', level: 'Level', message: 'Content', attrs: ['Label', 'NodeRepeat', 'Type'] });
    expect(mapHeaders(compileTemplate(ZOOKEEPER))).toMatchObject({ host: 'Node', service: 'Component', attrs: ['Id'] });
  });

  it('compares header names without case and takes Pid/PID as pid', () => {
    expect(mapHeaders(compileTemplate(LINUX))).toMatchObject({ time: ['Month', 'Date', 'Time'], pid: 'PID', service: 'Component' });
  });

  it('rejects a template without a time header unless timeHeaders names them', () => {
    const compiled = compileTemplate('<When> <Content>');
    expect(() => mapHeaders(compiled)).toThrow(/template "<When> <Content>" has no time header: name one <Date>, <Time>/);
    expect(mapHeaders(compiled, ['When']).time).toEqual(['When']);
    expect(() => mapHeaders(compiled, ['Then'])).toThrow(/timeHeaders names <Then>, not in the template; its headers are <When> <Content>/);
  });
});

describe('Loghub timestamp layouts', () => {
  const read = (text: string, ref = REF_2005_END) => parseLoghubTimestamp(text, utcZone, ref);

  it('reads HDFS yyMMdd HHmmss', () => {
    expect(read('081109 203615')).toBe(utc(2008, 11, 9, 20, 36, 15));
  });

  it('reads the BGL Time column to the microsecond', () => {
    expect(read('2005-06-03-15.42.50.675872')).toBe(utc(2005, 6, 3, 15, 42, 50, 675872));
  });

  it('reads Spark yy/MM/dd HH:mm:ss', () => {
    expect(read('17/06/09 20:10:40')).toBe(utc(2017, 6, 9, 20, 10, 40));
  });

  it('reads Hadoop and Zookeeper yyyy-MM-dd HH:mm:ss,SSS', () => {
    expect(read('2015-10-18 18:01:47,978')).toBe(utc(2015, 10, 18, 18, 1, 47, 978000));
  });

  it('reads the Apache error-log stamp with weekday and year', () => {
    expect(read('Sun Dec 04 04:47:44 2005')).toBe(utc(2005, 12, 4, 4, 47, 44));
  });

  it('reads epoch seconds (BGL Timestamp)', () => {
    expect(read('1117838570')).toBe(utc(2005, 6, 3, 22, 42, 50));
  });

  it('gives a year-less stamp the reference year, or the year before when it would be in the future', () => {
    expect(read('Jun 14 15:16:01', utc(2005, 12, 31))).toBe(utc(2005, 6, 14, 15, 16, 1));
    expect(read('Jun 9 15:16:01', utc(2005, 12, 31))).toBe(utc(2005, 6, 9, 15, 16, 1));
    expect(read('Dec 10 06:55:46', utc(2016, 1, 3))).toBe(utc(2015, 12, 10, 6, 55, 46));
    expect(read('Jun 14 15:16:01', utc(2005, 6, 14))).toBe(utc(2005, 6, 14, 15, 16, 1));
  });

  it('resolves zone-less stamps in the given zone, and keeps epoch numbers absolute', () => {
    const pdt = (wall: number) => wall + 7 * 3_600_000_000;
    expect(parseLoghubTimestamp('2005-06-03-15.42.50.675872', pdt, REF_2005_END)).toBe(utc(2005, 6, 3, 22, 42, 50, 675872));
    expect(parseLoghubTimestamp('081109 203615', pdt, REF_2005_END)).toBe(utc(2008, 11, 10, 3, 36, 15));
    expect(parseLoghubTimestamp('1117838570', pdt, REF_2005_END)).toBe(utc(2005, 6, 3, 22, 42, 50));
  });

  it('maps two-digit years 69-99 to 19yy and 00-68 to 20yy', () => {
    expect(read('690101 000000')).toBe(utc(1969, 1, 1));
    expect(read('68/12/31 23:59:59')).toBe(utc(2068, 12, 31, 23, 59, 59));
  });

  it('rejects out-of-range fields and unknown shapes', () => {
    for (const text of ['2005-02-30-10.00.00', '17/13/09 20:10:40', '081109 253615', 'Foo 14 15:16:01', 'Jun 32 15:16:01', '12345', '']) {
      expect(read(text), text).toBeNaN();
    }
  });
});

describe('template format', () => {
  it('fills the record from a Hadoop line, keeping the thread in attrs', async () => {
    const line = '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster';
    const { records } = await parseText(line + '\n', spec({ template: HADOOP }));
    expect(records[0]).toMatchObject({ us: String(utc(2015, 10, 18, 18, 1, 47, 978000)), host: null, service: 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster', pid: null, level: 'INFO', level_raw: 'INFO', message: 'Created MRAppMaster' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ Process: 'main' });
  });

  it('takes the BGL time from its full <Time> column and keeps the other time headers in attrs', async () => {
    const line = '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected';
    const { records } = await parseText(line + '\n', spec({ template: BGL }));
    expect(records[0]).toMatchObject({ us: String(utc(2005, 6, 3, 15, 42, 50, 675872)), host: 'R02-M1-N0-C:J12-U11', service: 'KERNEL', level: 'INFO', message: 'instruction cache parity error corrected' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ Label: '-', NodeRepeat: 'R02-M1-N0-C:J12-U11', Type: 'RAS', Timestamp: '1117838570', Date: '2005.06.03' });
  });

  it('takes the time from the headers named in timeHeaders', async () => {
    const line = '- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO x';
    const { records } = await parseText(line + '\n', spec({ template: BGL, timeHeaders: ['Timestamp'] }));
    expect(records[0].us).toBe(String(utc(2005, 6, 3, 22, 42, 50)));
    expect(JSON.parse(records[0].attrs as string)).toMatchObject({ Time: '2005-06-03-15.42.50.675872', Date: '2005.06.03' });
  });

  it('joins Month, Date and Time of a year-less Linux line, and trims the line as logparser does', async () => {
    const text = 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; rhost=218.188.2.4 \nJul 27 14:42:00 combo kernel: Linux agpgart\n';
    const { records } = await parseText(text, spec({ template: LINUX }), { referenceMicros: REF_2005_END });
    expect(records[0]).toMatchObject({ us: String(utc(2005, 6, 14, 15, 16, 1)), service: 'sshd(pam_unix)', pid: '19939', level: null, level_raw: 'combo', message: 'authentication failure; rhost=218.188.2.4', attrs: null });
    expect(records[1]).toMatchObject({ us: String(utc(2005, 7, 27, 14, 42, 0)), service: 'kernel', pid: null, message: 'Linux agpgart' });
  });

  it('makes a numeric <Process> the pid when there is no pid header, else the service', async () => {
    const t = '<Date> <Time> <Process>: <Content>';
    const { records } = await parseText('2015-10-18 18:01:47 4242: a\n2015-10-18 18:01:48 cron: b\n', spec({ template: t }));
    expect(records.map((r) => [r.pid, r.service, r.attrs])).toEqual([['4242', null, null], [null, 'cron', null]]);
  });

  it('keeps a non-numeric pid in attrs under its header name', async () => {
    const { records } = await parseText('081109 203615 main INFO dfs.X: hi\n', spec({ template: '<Date> <Time> <Pid> <Level> <Component>: <Content>' }));
    expect(records[0]).toMatchObject({ pid: null, service: 'dfs.X', message: 'hi' });
    expect(JSON.parse(records[0].attrs as string)).toEqual({ Pid: 'main' });
  });

  it('sends lines the template does not match, or whose time does not read, to unparsed with a reason', async () => {
    const text = '2015-10-18 18:01:47,978 INFO [main] a.B: ok\nnot a hadoop line\n2015-13-18 18:01:47,978 INFO [main] a.B: bad month\n';
    const { counts, unparsed } = await parseText(text, spec({ template: HADOOP }));
    expect(counts).toEqual({ lines: 3, parsed: 1, unparsed: 2, blank: 0, joined: 0 });
    expect(unparsed).toEqual([
      { line: 2, raw: 'not a hadoop line', reason: 'template did not match' },
      { line: 3, raw: '2015-13-18 18:01:47,978 INFO [main] a.B: bad month', reason: 'unreadable timestamp "2015-13-18 18:01:47,978"' },
    ]);
  });

  it('fails at creation without a template, or with a bad one, naming it', async () => {
    await expect(parseText('x', spec({}))).rejects.toThrow(/format "template" needs a template/);
    await expect(parseText('x', spec({ template: '<Date <Content>' }))).rejects.toThrow(ConfigError);
    await expect(parseText('x', spec({ template: '<Level> <Content>' }))).rejects.toThrow(/has no time header/);
  });
});
