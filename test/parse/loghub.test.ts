import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import type { FormatSpec } from '../../src/parse/index.js';
import { DATASETS, HAVE_DATASETS, parseCsv, query, REPO, tmpDir } from '../helpers.js';

/** RFC 4180 CSV: fields quoted with `"` when they hold a comma, quote or newline; `""` is a quote. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** µs since the epoch of a UTC wall clock. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, micros = 0): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + micros;
}

function hms(time: string): [number, number, number] {
  const [h, mi, s] = time.split(':').map(Number);
  return [h, mi, s];
}

/**
 * The year-less datasets get a file modification time (the pipeline's reference for the
 * year) in the year their lines were written, after the last line: the year is then that one.
 */
const REFERENCE: Record<string, Date> = { Linux: new Date('2005-12-31T00:00:00Z'), OpenSSH: new Date('2015-12-31T00:00:00Z') };

/**
 * The expected `ts` (µs, UTC; the ingest runs with timezone UTC) of one CSV row, from the
 * dataset's own date/time columns: written out per dataset, independently of the parser.
 */
const EXPECTED_TS: Record<string, (r: Record<string, string>) => number> = {
  // `Sun Dec 04 04:47:44 2005`
  Apache: (r) => {
    const [, mon, d, time, y] = r.Time.split(' ');
    return utc(Number(y), MONTHS.indexOf(mon) + 1, Number(d), ...hms(time));
  },
  // Time `2005-06-03-15.42.50.675872` (wall clock, the most precise column)
  BGL: (r) => {
    const [y, mo, d, h, mi, s, frac] = r.Time.split(/[-.]/).map(Number);
    return utc(y, mo, d, h, mi, s, frac);
  },
  // Date `81109` (the CSV lost the leading zero of 081109: yyMMdd), Time `203615` (HHmmss)
  HDFS: (r) => {
    const date = r.Date.padStart(6, '0');
    const time = r.Time.padStart(6, '0');
    return utc(2000 + Number(date.slice(0, 2)), Number(date.slice(2, 4)), Number(date.slice(4, 6)), Number(time.slice(0, 2)), Number(time.slice(2, 4)), Number(time.slice(4, 6)));
  },
  // Date `2015-10-18`, Time `18:01:47,978`
  Hadoop: (r) => isoDateTime(r.Date, r.Time),
  Zookeeper: (r) => isoDateTime(r.Date, r.Time),
  // Month `Jun`, Date `14` (day of month), Time `15:16:01`; year from REFERENCE
  Linux: (r) => utc(2005, MONTHS.indexOf(r.Month) + 1, Number(r.Date), ...hms(r.Time)),
  // Date `Dec` (the month), Day `10`, Time `06:55:46`; year from REFERENCE
  OpenSSH: (r) => utc(2015, MONTHS.indexOf(r.Date) + 1, Number(r.Day), ...hms(r.Time)),
  // Date `17/06/09` (yy/MM/dd), Time `20:10:40`
  Spark: (r) => {
    const [yy, mo, d] = r.Date.split('/').map(Number);
    return utc(2000 + yy, mo, d, ...hms(r.Time));
  },
};

function isoDateTime(date: string, time: string): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [clock, ms] = time.split(',');
  return utc(y, mo, d, ...hms(clock), Number(ms) * 1000);
}

const formats = HAVE_DATASETS ? (JSON.parse(fs.readFileSync(path.join(DATASETS, 'formats.json'), 'utf8')) as Record<string, { log_format: string }>) : {};

describe.skipIf(!HAVE_DATASETS)('the template format on the Loghub samples', () => {
  beforeAll(() => {
    const built = path.join(REPO, 'dist', 'src', 'parse', 'formats', 'template.js');
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: the parse workers run dist/, build it with npx tsc -p tsconfig.json`);
  });

  it('has a log_format for each of the eight datasets', () => {
    expect(Object.keys(formats).sort()).toEqual(Object.keys(EXPECTED_TS).sort());
  });

  for (const ds of Object.keys(EXPECTED_TS)) {
    it(`${ds}: parses every line, with the Content column as message and the time of the date/time columns`, async () => {
      const dir = tmpDir();
      const log = path.join(dir, `${ds}_2k.log`);
      fs.copyFileSync(path.join(DATASETS, ds, `${ds}_2k.log`), log);
      if (REFERENCE[ds] !== undefined) fs.utimesSync(log, REFERENCE[ds], REFERENCE[ds]);
      const format: FormatSpec = { name: 'template', options: { template: formats[ds].log_format } as FormatSpec['options'] };
      const data = path.join(dir, 'data');
      const summary = await ingest({ inputs: [log], dataDir: data, format, timezone: 'UTC', workers: 2, chunkBytes: 64 * 1024 });
      const [source] = summary.sources;
      console.log(`${ds}: ${source.parsed}/${source.lines} lines parsed (${((100 * source.parsed) / source.lines).toFixed(1)}%)`);
      expect(summary.errors).toEqual([]);
      expect(source).toMatchObject({ lines: 2000, parsed: 2000, unparsed: 0, blank: 0 });
      expect(await query(data, 'SELECT line, reason, raw FROM unparsed')).toEqual([]);

      const [header, ...rows] = parseCsv(fs.readFileSync(path.join(DATASETS, ds, `${ds}_2k.log_structured_corrected.csv`), 'utf8'));
      const truth = rows.map((cells) => Object.fromEntries(header.map((h, k) => [h, cells[k]])));
      expect(truth).toHaveLength(2000);
      const stored = await query(data, 'SELECT line::INT AS line, epoch_us(ts)::VARCHAR AS us, message FROM logs ORDER BY line');
      expect(stored).toHaveLength(2000);
      const mismatches: string[] = [];
      stored.forEach((got, k) => {
        const want = truth[k];
        const ts = String(EXPECTED_TS[ds](want));
        if (got.line !== Number(want.LineId) || (got.message ?? '') !== want.Content || got.us !== ts) {
          mismatches.push(`line ${want.LineId}: got ${JSON.stringify(got)}, want us ${ts} message ${JSON.stringify(want.Content)}`);
        }
      });
      expect(mismatches.slice(0, 5)).toEqual([]);
    });
  }
});
