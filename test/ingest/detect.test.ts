import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { detectFormat, utcZone } from '../../src/parse/index.js';
import { readHead } from '../../src/ingest/source-chunks.js';
import { DATASETS, HAVE_DATASETS, HAVE_REALLOGS, REALLOGS, REPO } from '../datasets.js';
import { query, runCliHere, tmpDir } from '../helpers.js';

const ctx = { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 25) * 1000 };
const syslogLines = Array.from({ length: 50 }, (_, i) => `2026-11-25T10:00:${String(i).padStart(2, '0')}Z web-1 api[7]: INFO request ${i}`).join('\n');
const jsonLines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ ts: `2026-11-25T10:00:${String(i).padStart(2, '0')}Z`, level: 'warn', msg: `m${i}` })).join('\n');

describe('format detection', () => {
  it('picks the format that parses the most sampled lines, and reports every score', async () => {
    const s = await detectFormat(Buffer.from(syslogLines + '\nnot a log line\n'), ctx);
    expect(s.format).toBe('syslog');
    expect(s.sampled).toBe(51);
    expect(s.rate).toBeCloseTo(50 / 51, 6);
    expect(s.scores.map((x) => x.format)).toContain('json');
    expect((await detectFormat(Buffer.from(jsonLines), ctx)).format).toBe('json');
  });

  it('never guesses formats that need a user pattern', async () => {
    const s = await detectFormat(Buffer.from(syslogLines), ctx);
    expect(s.scores.map((x) => x.format)).not.toContain('regex');
  });

  it('chooses per file on ingest (the default), stores the chosen format and prints it with its match rate', async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'app.log'), syslogLines + '\n');
    fs.writeFileSync(path.join(dir, 'logs', 'api.log'), jsonLines + '\n');
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', path.join(dir, 'logs'), '--data', data]));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/api\.log\s+json \(auto 100%\)\s+50\s+50/);
    expect(r.stdout).toMatch(/app\.log\s+syslog \(auto 100%\)\s+50\s+50/);
    const q = (await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT format, count(*) AS n FROM logs GROUP BY ALL ORDER BY format']));
    expect(q.stdout).toBe('format,n\njson,50\nsyslog,50\n');
  });

  it('still ingests a file no format matches: its lines go to unparsed, and the hint says no format matched', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'odd.log');
    fs.writeFileSync(file, 'alpha beta\ngamma delta\n' + syslogLines.split('\n').slice(0, 1).join('\n') + '\n');
    const data = path.join(dir, 'data');
    const s = await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} } });
    expect(s.sources[0]).toMatchObject({ format: 'syslog', lines: 3, parsed: 1, unparsed: 2 });
    expect(s.sources[0].detection?.matched).toBe(false);
    expect(s.sources[0].hint).toMatch(/^no format matched \(the best, syslog, parsed 33\.3% of 3 sampled lines\);.*logscope coverage/);
    expect((await query(data, 'SELECT count(*)::INT AS n FROM unparsed'))[0].n).toBe(2);
  });

  it('keeps the format a file was first read with when it grows', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, jsonLines + '\n');
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} } });
    fs.appendFileSync(file, 'garbage that is not JSON\n');
    const again = await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} } });
    expect(again.sources[0]).toMatchObject({ status: 'resumed', format: 'json', unparsed: 1 });
  });

  it('detects the format of stdin from its first chunk', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', '-', '--data', data, '--json'], { input: jsonLines + '\n' }));
    expect(JSON.parse(r.stdout).sources[0]).toMatchObject({ source: 'stdin', format: 'json', parsed: 50 });
  });

  it('logscope detect prints the choice and the runners-up without ingesting', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.log'), syslogLines + '\n');
    const r = (await runCliHere(['detect', path.join(dir, 'a.log')]));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/a\.log: syslog \(50 of 50 sampled lines, 100%\); others: .*json 0%/);
    const j = (await runCliHere(['detect', path.join(dir, 'a.log'), '--json']));
    expect(JSON.parse(j.stdout)[0]).toMatchObject({ format: 'syslog', rate: 1, sampled: 50 });
  });

  it('reads a file no built-in format matches with the template built from its lines\' shape, says which, and keeps it when the file grows', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'odd.log');
    const line = (i: number) => `node${i % 4} batch 2026-11-25 10:00:${String(i).padStart(2, '0')},500 ${i % 3 ? 'INFO' : 'ERROR'} step ${i}`;
    fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => line(i)).join('\n') + '\n');
    const template = `--template '<Field1> <Field2> <Date> <Time> <Level> <Content>'`;
    const r = await runCliHere(['detect', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`odd.log: template (100% of the sample): no built-in format matched (none parsed any of 20 sampled lines); read with a template built from the sampled lines' shape: ${template} (timestamps like 2026-11-25 10:00:00,123; it reads 100% of the sample)`);
    const data = path.join(dir, 'data');
    const i = await runCliHere(['ingest', file, '--data', data]);
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/odd\.log\s+template \(auto 100%\)\s+20\s+20\s+0/);
    expect(i.stdout).toContain(`hint: ${file}: no built-in format matched (none parsed any of 20 sampled lines); read with a template built from the sampled lines' shape: ${template}`);
    const rows = await query(data, "SELECT line::INT AS line, level, message FROM logs WHERE line IN (1, 2) ORDER BY line");
    expect(rows).toEqual([
      { line: 1, level: 'ERROR', message: 'step 0' },
      { line: 2, level: 'INFO', message: 'step 1' },
    ]);
    // Grown by lines no built-in format reads either: read with the same template, not detected again.
    fs.appendFileSync(file, [line(20), 'a line of another shape'].join('\n') + '\n');
    const again = await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} } });
    expect(again.sources[0]).toMatchObject({ status: 'resumed', format: 'template', parsed: 1, unparsed: 1 });
    // The template is the file's, as a --template given would be: the same one given agrees with it.
    const pinned = await runCliHere(['ingest', file, '--data', data, '--template', '<Field1> <Field2> <Date> <Time> <Level> <Content>', '--json']);
    expect(JSON.parse(pinned.stdout).sources[0]).toMatchObject({ status: 'unchanged' });
  });

  it('says "no format matched" when neither a built-in format nor the template of the lines\' shape reads most of the sample, with that --template to paste', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'odd.log');
    // Half the lines hold no time at all: the template reads 50%, under the 80% it needs.
    fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => (i % 2 ? `continued text ${i}` : `node${i % 4} batch 2026-11-25 10:00:${String(i).padStart(2, '0')},500 INFO step ${i}`)).join('\n') + '\n');
    const r = await runCliHere(['detect', file]);
    expect(r.stdout).toContain('odd.log: no format matched (none parsed any of 20 sampled lines)');
    expect(r.stdout).toContain(`--template '<Field1> <Field2> <Date> <Time> <Level> <Content>'  (built from the sampled lines' shape, timestamps like 2026-11-25 10:00:00,123; it reads 50% of the sample)`);
    const i = await runCliHere(['ingest', file, '--data', path.join(dir, 'data')]);
    expect(i.stdout).toMatch(/odd\.log\s+generic \(no format matched, 0%\)/);
    expect(i.stdout).toMatch(/hint: .*odd\.log: no format matched .*--template '<Field1> <Field2> <Date> <Time> <Level> <Content>'.*logscope coverage/);
  });
});

/** Every file under dir (the format fixtures, the real-log dev files, the Loghub samples). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name !== 'README.md').map((e) => path.join(e.parentPath, e.name));
}

describe('format detection, stopping early', () => {
  const corpora = [path.join(REPO, 'test', 'fixtures', 'formats'), ...(HAVE_REALLOGS ? [REALLOGS] : []), ...(HAVE_DATASETS ? [DATASETS] : [])];

  it(`chooses the format, options and rate that trying every format chooses, on every file of ${corpora.length} corpora, and tries fewer formats on some`, async () => {
    const files = corpora.flatMap(filesUnder).filter((f) => !f.endsWith('.gz') && !f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(30);
    let stoppedEarly = 0;
    for (const file of files) {
      const sample = await readHead(file, undefined);
      const fileCtx = { zone: utcZone, referenceMicros: Math.round(fs.statSync(file).mtimeMs * 1000) };
      const every = await detectFormat(sample, fileCtx, undefined, true);
      const early = await detectFormat(sample, fileCtx);
      expect({ file, format: early.format, options: early.options, rate: early.rate, matched: early.matched }).toEqual({ file, format: every.format, options: every.options, rate: every.rate, matched: every.matched });
      expect(early.scores[0]).toEqual(every.scores[0]);
      if (early.scores.length < every.scores.length) stoppedEarly++;
    }
    expect(stoppedEarly).toBeGreaterThan(files.length / 4);
  });
});
