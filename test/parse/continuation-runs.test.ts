import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/generate/rng.js';
import { readHead } from '../../src/ingest/source-chunks.js';
import { createParser, detectFormat, loadFormats, parseLines, RowWriter, utcZone } from '../../src/parse/index.js';
import { DATASETS, HAVE_DATASETS, HAVE_REALLOGS, REALLOGS, REPO } from '../datasets.js';

/**
 * parseLines remembers the run of continuation lines it found after a line that did not parse,
 * and gives each of the run's lines the rest of it instead of looking through it again (a long
 * run was quadratic: 350 µs a line on a real log); a format's `refuses` turns a line away before
 * its run is looked through. With these shortcuts and without, every count and every byte
 * written must be the same.
 */

const ctx = { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 25) * 1000 };

/**
 * Counts and every output byte of parsing buf with the format, with the shortcuts or without:
 * runs not remembered, the format's `continuesByLine` and `refuses` taken away.
 */
async function parsed(buf: Buffer, format: string, options: Record<string, unknown>, shortcuts: boolean): Promise<{ counts: unknown; days: string[]; unparsed: string }> {
  const parser = await createParser({ name: format, options }, ctx);
  if (!shortcuts) {
    parser.continuesByLine = undefined;
    parser.refuses = undefined;
  }
  const out = new RowWriter(1 << 16);
  const counts = parseLines(buf, 0, buf.length, parser, out, shortcuts);
  const done = out.finish();
  const result = { counts, days: done.days.map((d) => `${d.day} ${d.rows} ${Buffer.concat(d.data).toString('base64')}`), unparsed: done.unparsed.toString('base64') };
  out.release();
  return result;
}

/** Lines of every kind a run is made of: records, lines that do not parse, stack frames, tracebacks, blank lines, untimed text. */
function mixedLog(seed: number, lines: number): Buffer {
  const rng = new Rng(seed);
  const rnd = (): number => rng.next();
  const kinds = [
    (i: number) => `2026-11-25 10:${String(i % 60).padStart(2, '0')}:00,123 ERROR [main] com.example.App - failed ${i}`,
    (i: number) => `2026-11-25T10:00:${String(i % 60).padStart(2, '0')}Z host app[1]: INFO ok ${i}`,
    () => 'java.lang.IllegalStateException: boom',
    (i: number) => `\tat com.example.App.run(App.java:${i})`,
    () => '    ... 12 more',
    () => 'Traceback (most recent call last):',
    (i: number) => `  File "app.py", line ${i}, in main`,
    () => '',
    () => '   ',
    (i: number) => `plain untimed text ${i} with no time`,
    () => '# a comment line',
    () => 'Caused by: java.io.IOException: closed\r',
    // Entries of formats whose records continue over lines of their own: a MySQL slow log, klog, PostgreSQL.
    (i: number) => `# Time: 2026-11-25T10:00:${String(i % 60).padStart(2, '0')}.123456Z`,
    () => '# User@Host: app[app] @ web-1 [10.0.0.5]  Id:    42',
    () => '# Query_time: 2.000219  Lock_time: 0.000101 Rows_sent: 1  Rows_examined: 120000',
    (i: number) => `SELECT * FROM orders WHERE id = ${i};`,
    (i: number) => `E1125 10:00:00.123456    1234 main.go:${i}] failed`,
    () => '[+]ping ok',
    (i: number) => `2026-11-25 10:00:00.123 UTC [${i}] LOG:  statement: SELECT 1`,
    () => '\tFROM orders',
    // uWSGI's startup report continues a `*** Starting uWSGI` line only: after one that does not parse, each line's run is its own.
    () => '*** Starting uWSGI 2.0.21 (64bit) on [Wed Nov 25 10:00:00 2026] ***',
    () => '*** Starting uWSGI 2.0.21 (64bit) on [sometime] ***',
    () => 'compiled with version: 12.2.0 on 01 January 2026 10:00:00',
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    // Long stretches of one kind make long runs.
    const k = Math.floor(rnd() * kinds.length);
    const repeat = rnd() < 0.2 ? 1 + Math.floor(rnd() * 40) : 1;
    for (let r = 0; r < repeat && out.length < lines; r++) out.push(kinds[k](out.length));
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name !== 'README.md' && !e.name.endsWith('.gz')).map((e) => path.join(e.parentPath, e.name));
}

describe('remembered continuation runs', () => {
  it('write the same rows, unparsed lines and counts as looking through every run again, on random mixes of records, runs and blank lines, with every format', async () => {
    const formats = [...(await loadFormats()).values()].filter((def) => def.needsOptions !== true).map((def) => def.name);
    expect(formats).toEqual(expect.arrayContaining(['generic', 'klog', 'mysql-slow', 'postgres', 'syslog', 'uwsgi']));
    const recordsOf = new Map<string, number>();
    for (let seed = 1; seed <= 4; seed++) {
      const buf = mixedLog(seed, 1500);
      for (const format of formats) {
        const fast = await parsed(buf, format, {}, true);
        expect(fast, `${format} seed ${seed}`).toEqual(await parsed(buf, format, {}, false));
        recordsOf.set(format, (recordsOf.get(format) ?? 0) + (fast.counts as { parsed: number }).parsed);
      }
    }
    // The mixes hold records of the formats with record-long runs: the comparison is not between two empty results.
    for (const format of ['generic', 'klog', 'mysql-slow', 'postgres', 'syslog', 'uwsgi']) expect(recordsOf.get(format), format).toBeGreaterThan(100);
  });

  const corpora = [path.join(REPO, 'test', 'fixtures', 'formats'), ...(HAVE_REALLOGS ? [REALLOGS] : []), ...(HAVE_DATASETS ? [DATASETS] : [])];
  it(`write the same on every file of ${corpora.length} corpora, with the format detected for it`, async () => {
    const files = corpora.flatMap(filesUnder).filter((f) => !f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const buf = fs.readFileSync(file).subarray(0, 128 << 10);
      const detected = await detectFormat(await readHead(file, undefined), ctx);
      expect(await parsed(buf, detected.format, detected.options, true), `${file} as ${detected.format}`).toEqual(await parsed(buf, detected.format, detected.options, false));
    }
  });
});
