import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { compileTimeLayout, inferTemplateTimeFormat, inferTimeLayout, utcZone } from '../../src/parse/index.js';
import { runCliHere, query, tmpDir } from '../helpers.js';
import fs from 'node:fs';
import path from 'node:path';
import { parseText, us } from './parse-helper.js';

/** The reference time of year-less stamps: the file's modification time. */
const REF = Date.parse('2026-03-01T00:00:00Z') * 1000;

/** [sample values, the layout inferred, the first value's instant (UTC)]. */
const LAYOUTS: Array<[string[], string, string]> = [
  [['20171223-22:15:29:606', '20171223-22:15:30:001'], '%Y%m%d-%H:%M:%S:%f', '2017-12-23T22:15:29.606Z'],
  [['081109 203615', '081109 203807'], '%y%m%d %H%M%S', '2008-11-09T20:36:15Z'],
  [['2015-10-18 18:01:47,978'], '%Y-%m-%d %H:%M:%S,%f', '2015-10-18T18:01:47.978Z'],
  [['Jun 14 15:16:01', 'Jun  4 15:16:01'], '%b %d %H:%M:%S', '2025-06-14T15:16:01Z'],
  [['2005-06-03-15.42.50.675872'], '%Y-%m-%d-%H.%M.%S.%f', '2005-06-03T15:42:50.675872Z'],
  [['1117838570'], '%s', '2005-06-03T22:42:50Z'],
  [['[Sun Dec 04 04:47:44 2005]'], '[%a %b %d %H:%M:%S %Y]', '2005-12-04T04:47:44Z'],
  [['14.06.2023 15:16:01', '03.07.2023 15:16:01'], '%d.%m.%Y %H:%M:%S', '2023-06-14T15:16:01Z'],
  [['06/14/2023 03:16:01.123'], '%m/%d/%Y %H:%M:%S.%f', '2023-06-14T03:16:01.123Z'],
  [['14-Jun-2023 15:16:01.123'], '%d-%b-%Y %H:%M:%S.%f', '2023-06-14T15:16:01.123Z'],
  [['20230614T151601Z'], '%Y%m%dT%H%M%S%z', '2023-06-14T15:16:01Z'],
  [['2023-06-14T15:16:01.123+0200'], '%Y-%m-%dT%H:%M:%S.%f%z', '2023-06-14T13:16:01.123Z'],
  [['14/Jun/2023:15:16:01 +0000'], '%d/%b/%Y:%H:%M:%S %z', '2023-06-14T15:16:01Z'],
  [['2023.06.14 15:16'], '%Y.%m.%d %H:%M', '2023-06-14T15:16:00Z'],
  [['230614 15:16:01'], '%y%m%d %H:%M:%S', '2023-06-14T15:16:01Z'],
  [['2023/06/14 15:16:01.123456789'], '%Y/%m/%d %H:%M:%S.%f', '2023-06-14T15:16:01.123456Z'],
  [['Wednesday, June 14 2023 15:16:01'], '%A, %B %d %Y %H:%M:%S', '2023-06-14T15:16:01Z'],
  [['14 Jun 2023 15:16:01.123'], '%d %b %Y %H:%M:%S.%f', '2023-06-14T15:16:01.123Z'],
  [['23/06/14 15:16:01', '23/06/13 15:16:01', '23/07/02 15:16:01'], '%y/%m/%d %H:%M:%S', '2023-06-14T15:16:01Z'],
  [['Dec 31 23:59:59.999'], '%b %d %H:%M:%S.%f', '2025-12-31T23:59:59.999Z'],
];

describe('inferTimeLayout', () => {
  it.each(LAYOUTS)('infers %j as %s, which reads it as %s', (values, layout, instant) => {
    expect(inferTimeLayout(values)).toBe(layout);
    const read = compileTimeLayout(layout);
    expect(read(values[0], utcZone, REF)).toBe(Date.parse(instant) * 1000 + (instant.includes('.675872') ? 872 : instant.includes('.123456Z') ? 456 : 0));
    for (const v of values) expect(Number.isNaN(read(v, utcZone, REF)), v).toBe(false);
  });

  it('decides day and month order by a value over 12, whichever line has it', () => {
    expect(inferTimeLayout(['05/06/2023 10:00:00', '05/07/2023 10:00:00', '25/07/2023 10:00:00'])).toBe('%d/%m/%Y %H:%M:%S');
    expect(inferTimeLayout(['05/06/2023 10:00:00', '05/25/2023 10:00:00'])).toBe('%m/%d/%Y %H:%M:%S');
    expect(inferTimeLayout(['05.06.2023 10:00:00', '05.25.2023 10:00:00'])).toBe('%m.%d.%Y %H:%M:%S');
  });

  it('when no value settles it: month first for a/b/yyyy, day first for a.b.yyyy and a-b-yyyy, year/month/day when the year leads', () => {
    expect(inferTimeLayout(['05/06/2023 10:00:00'])).toBe('%m/%d/%Y %H:%M:%S');
    expect(inferTimeLayout(['05.06.2023 10:00:00'])).toBe('%d.%m.%Y %H:%M:%S');
    expect(inferTimeLayout(['05-06-2023 10:00:00'])).toBe('%d-%m-%Y %H:%M:%S');
    expect(inferTimeLayout(['2023/05/06 10:00:00'])).toBe('%Y/%m/%d %H:%M:%S');
  });

  it('follows the commonest shape when a few values differ', () => {
    expect(inferTimeLayout(['14.06.2023 15:16:01', '15.06.2023 15:16:01', 'garbage'])).toBe('%d.%m.%Y %H:%M:%S');
  });

  it('refuses what makes no date and time, showing the value and asking for --time-format', () => {
    for (const bad of [['3:16:01 PM'], ['13/13/13 15:16:10'], ['garbage'], ['15:16:01']]) {
      expect(() => inferTimeLayout(bad)).toThrow(ConfigError);
      expect(() => inferTimeLayout(bad)).toThrow(new RegExp(`${JSON.stringify(bad[0]).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*--time-format`));
    }
  });
});

describe('template formats with a time layout outside the built-in list', () => {
  const template = String.raw`<Date> <Time> \[<Level>\] <Component>: <Content>`;
  const lines = Array.from({ length: 24 }, (_, i) => `${String(1 + (i % 28)).padStart(2, '0')}.06.2023 15:16:${String(i).padStart(2, '0')} [${i % 3 === 0 ? 'ERROR' : 'INFO'}] disk: usage ${i}%`).join('\n') + '\n';

  it('infers the layout from the sampled lines, and the template then reads every line', async () => {
    const layout = inferTemplateTimeFormat(Buffer.from(lines), { template }, { zone: utcZone, referenceMicros: REF });
    expect(layout).toBe('%d.%m.%Y %H:%M:%S');
    const { records, counts } = await parseText(lines, { name: 'template', options: { template, timestampFormat: layout } }, { referenceMicros: REF });
    expect(counts.parsed).toBe(24);
    expect(records[0]).toMatchObject({ us: us('2023-06-01T15:16:00Z'), level: 'ERROR', service: 'disk', message: 'usage 0%' });
  });

  it('leaves the built-in layouts alone when they read the lines', () => {
    const hadoop = '2015-10-18 18:01:47,978 [INFO] app: started\n';
    expect(inferTemplateTimeFormat(Buffer.from(hadoop), { template }, { zone: utcZone, referenceMicros: REF })).toBeUndefined();
  });

  it('ingest infers it per file and says so; --time-format sets it; an impossible one is an error naming the file and a sample', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, lines);
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--template', template, '--data', data, '--timezone', 'UTC', '--json']));
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { sources: Array<{ parsed: number; timeFormat?: string }> };
    expect(summary.sources[0]).toMatchObject({ parsed: 24, timeFormat: '%d.%m.%Y %H:%M:%S' });
    expect(await query(data, "SELECT strftime(min(ts) AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS first FROM logs")).toEqual([{ first: '2023-06-01 15:16:00' }]);

    // Month first, as given: the days over 12 no longer fit.
    const given = (await runCliHere(['ingest', file, '--template', template, '--time-format', '%m.%d.%Y %H:%M:%S', '--data', path.join(dir, 'd2'), '--timezone', 'UTC', '--json']));
    expect(given.status, given.stderr).toBe(0);
    expect((JSON.parse(given.stdout) as { sources: Array<{ parsed: number }> }).sources[0].parsed).toBe(12);

    const bad = path.join(dir, 'bad.log');
    fs.writeFileSync(bad, '13/13/13 15:16:10 [WARN] x: y\n13/13/13 15:16:11 [WARN] x: y\n');
    const refused = (await runCliHere(['ingest', bad, '--template', template, '--data', path.join(dir, 'd3')]));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${bad}: cannot infer the timestamp layout of "13/13/13 15:16:10": pass --time-format`);

    const alone = (await runCliHere(['ingest', file, '--time-format', '%d.%m.%Y', '--data', path.join(dir, 'd4')]));
    expect(alone.status).toBe(1);
    expect(alone.stderr).toContain('--time-format goes with --pattern or --template');
  });

  it('--time-format gives a --pattern its layout', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'p.log');
    fs.writeFileSync(file, '14.06.2023-15:16:01 boot ok\n');
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', file, '--pattern', String.raw`^(?<ts>\S+) (?<message>.*)$`, '--time-format', '%d.%m.%Y-%H:%M:%S', '--data', data, '--timezone', 'UTC']));
    expect(r.status, r.stderr).toBe(0);
    expect(await query(data, "SELECT strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS t, message FROM logs")).toEqual([{ t: '2023-06-14 15:16:01', message: 'boot ok' }]);
  });
});
