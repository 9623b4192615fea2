import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, runCliHere, spawnCli, tmpDir } from '../helpers.js';

/** Syslog-like lines numbered from..to, with a day per file so that sources share Parquet files or not. */
function lines(from: number, to: number, tag: string, day = 25): string {
  let s = '';
  for (let i = from; i <= to; i++) s += `${new Date(Date.UTC(2026, 10, day, 10) + i * 1000).toISOString()} web-1 app[7]: INFO ${tag} request ${i}\n`;
  return s;
}

/** A pattern that matches none of those lines: everything goes to "unparsed". */
const WRONG = ['--pattern', '^(?<ts>\\S+) ERROR (?<message>.*)$'];

/** What is stored of one source: rows, unparsed rows, their formats, (source, line) uniqueness, and its manifest entries. */
async function storedOf(data: string, source: string) {
  const [r] = await query(
    data,
    `SELECT (SELECT count(*)::INT FROM logs WHERE source = '${source}') AS rows,
            (SELECT count(*)::INT FROM unparsed WHERE source = '${source}') AS unparsed,
            (SELECT coalesce(string_agg(DISTINCT format, ','), '') FROM (SELECT format FROM logs WHERE source = '${source}' UNION ALL SELECT format FROM unparsed WHERE source = '${source}')) AS formats,
            (SELECT count(DISTINCT line)::INT FROM (SELECT line FROM logs WHERE source = '${source}' UNION ALL SELECT line FROM unparsed WHERE source = '${source}')) AS distinct_lines,
            (SELECT coalesce(max(line), 0)::INT FROM (SELECT line FROM logs WHERE source = '${source}' UNION ALL SELECT line FROM unparsed WHERE source = '${source}')) AS max_line,
            (SELECT count(*)::INT FROM sources WHERE path = '${source}') AS entries`,
  );
  return r;
}

/** Every stored row of a source, in one string: to tell "untouched" from "rewritten differently". */
async function rowsOf(data: string, source: string): Promise<string> {
  const [r] = await query(
    data,
    `SELECT (SELECT coalesce(string_agg(line || ':' || message || ':' || format, '|' ORDER BY line), '') FROM logs WHERE source = '${source}')
         || '#' || (SELECT coalesce(string_agg(line || ':' || raw, '|' ORDER BY line), '') FROM unparsed WHERE source = '${source}') AS all_rows`,
  );
  return String(r.all_rows);
}

function setup() {
  const dir = tmpDir();
  const a = path.join(dir, 'a.log');
  const b = path.join(dir, 'b.log');
  fs.writeFileSync(a, lines(1, 300, 'a'));
  fs.writeFileSync(b, lines(1, 200, 'b'));
  return { dir, a, b, data: path.join(dir, 'data') };
}

describe('ingest --reingest', () => {
  it('replaces the rows of a file ingested with a wrong --pattern, and leaves the other sources as they were', async () => {
    const { a, b, data } = setup();
    expect((await runCliHere(['ingest', a, b, '--data', data, '--quiet', ...WRONG])).status).toBe(0);
    expect(await storedOf(data, a)).toEqual({ rows: 0, unparsed: 300, formats: 'regex', distinct_lines: 300, max_line: 300, entries: 1 });
    const bBefore = await rowsOf(data, b);

    const run = (await runCliHere(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog', '--reingest']));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/reingested: replaces the 300 lines stored before/);
    expect(await storedOf(data, a)).toEqual({ rows: 300, unparsed: 0, formats: 'syslog', distinct_lines: 300, max_line: 300, entries: 1 });
    const [entry] = await query(data, `SELECT format, lines::INT AS lines, parsed::INT AS parsed, unparsed::INT AS unparsed FROM sources WHERE path = '${a}'`);
    expect(entry).toEqual({ format: 'syslog', lines: 300, parsed: 300, unparsed: 0 });
    expect(await rowsOf(data, b)).toBe(bBefore);

    // Read again without --reingest: nothing new to add.
    const again = (await runCliHere(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog']));
    expect(again.stdout).toMatch(/unchanged \(already ingested up to line 300\)/);
    expect(await storedOf(data, a)).toMatchObject({ rows: 300, unparsed: 0 });
  });

  it('killed with -9 before its commit leaves every old row visible, and run again replaces them', async () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.log');
    fs.writeFileSync(a, lines(1, 30_000, 'a'));
    const data = path.join(dir, 'data');
    expect((await runCliHere(['ingest', a, '--data', data, '--quiet', ...WRONG])).status).toBe(0);
    const old = { rows: 0, unparsed: 30_000, formats: 'regex', distinct_lines: 30_000, max_line: 30_000, entries: 1 };
    const args = ['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog', '--reingest', '--workers', '1', '--chunk-size', '64K'];

    const child = spawnCli(args);
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const staging = path.join(data, '.staging');
    const deadline = Date.now() + 60_000;
    // Killed once several chunks are parsed and staged: the batch is not committed yet.
    while (Date.now() < deadline && child.exitCode === null) {
      const staged = fs.existsSync(staging) ? fs.readdirSync(staging, { recursive: true }).filter((f) => /^c\d+-.*\.parquet$/.test(path.basename(String(f)))).length : 0;
      if (staged >= 4) {
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await exited).toBe('SIGKILL');
    expect(await storedOf(data, a)).toEqual(old);

    expect((await runCliHere(args)).status).toBe(0);
    expect(await storedOf(data, a)).toEqual({ rows: 30_000, unparsed: 0, formats: 'syslog', distinct_lines: 30_000, max_line: 30_000, entries: 1 });
  });

  it('lets readers see the old rows or the new ones, never a mix or nothing', async () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.log');
    fs.writeFileSync(a, lines(1, 30_000, 'a'));
    const data = path.join(dir, 'data');
    expect((await runCliHere(['ingest', a, '--data', data, '--quiet', ...WRONG])).status).toBe(0);
    const child = spawnCli(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog', '--reingest', '--workers', '1', '--chunk-size', '64K']);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const seen = new Set<string>();
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      const s = await storedOf(data, a);
      seen.add(`${s.rows}/${s.unparsed}/${s.formats}`);
    }
    expect(await exited).toBe(0);
    seen.add(JSON.stringify(await storedOf(data, a)) === JSON.stringify({ rows: 30_000, unparsed: 0, formats: 'syslog', distinct_lines: 30_000, max_line: 30_000, entries: 1 }) ? '30000/0/syslog' : 'wrong end');
    expect([...seen].every((x) => x === '0/30000/regex' || x === '30000/0/syslog')).toBe(true);
    expect(seen.has('30000/0/syslog')).toBe(true);
  });
});

describe('a format other than the stored one, without --reingest', () => {
  it('skips the file with a warning naming the stored format, the given one and the command that replaces its rows', async () => {
    const { a, data } = setup();
    expect((await runCliHere(['ingest', a, '--data', data, '--quiet', ...WRONG])).status).toBe(0);
    const old = await rowsOf(data, a);

    const other = (await runCliHere(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog']));
    expect(other.status).toBe(0);
    expect(other.stdout).toMatch(/a\.log +regex +0 +0 +0 +0 +skipped: stored with another format \(see warning\)$/m);
    expect(other.stdout).toContain(
      `warning: ${a}: its 300 lines were stored as read with --pattern '^(?<ts>\\S+) ERROR (?<message>.*)$', not --input-format syslog as given now: skipped, nothing stored; to replace them: logscope ingest ${a} --input-format syslog --reingest\n`,
    );

    // Another --pattern is another format too.
    const pattern = (await runCliHere(['ingest', a, '--data', data, '--quiet', '--pattern', '^(?<ts>\\S+) (?<message>.*)$']));
    expect(pattern.stdout).toContain(`not --pattern '^(?<ts>\\S+) (?<message>.*)$' as given now: skipped, nothing stored; to replace them: logscope ingest ${a} --pattern '^(?<ts>\\S+) (?<message>.*)$' --reingest`);

    // --format auto (the default) keeps the stored format: nothing to warn about.
    const auto = (await runCliHere(['ingest', a, '--data', data, '--quiet']));
    expect(auto.stdout).toMatch(/unchanged \(already ingested up to line 300\)/);
    expect(auto.stdout).not.toContain('warning');
    expect(await rowsOf(data, a)).toBe(old);
  });
});

describe('a grown file ingested again without a format', () => {
  it('reads its new lines with the --pattern or --template its first lines were stored with', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const pattern = String.raw`^(?<ts>\S+) (?<host>\S+) app\[7\]: INFO (?<message>.*)$`;
    const template = '<Date> <Host> <Tag> <Level> <Content>';
    for (const [name, flag, given] of [['p.log', '--pattern', pattern], ['t.log', '--template', template]] as const) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, lines(1, 50, name));
      expect((await runCliHere(['ingest', file, '--data', data, '--quiet', flag, given])).status).toBe(0);
      fs.appendFileSync(file, lines(51, 80, name));
      const grown = await runCliHere(['ingest', file, '--data', data]);
      expect(grown.status, grown.stderr).toBe(0);
      expect(grown.stdout).toMatch(new RegExp(`${name} +(regex|template) +30 +30 +0 +0 +resumed at line 51`));
      expect(await storedOf(data, file)).toMatchObject({ rows: 80, unparsed: 0, distinct_lines: 80, max_line: 80 });
    }
  });
});

describe('standard input ingested again', () => {
  it('is stored again with a warning naming the earlier ingest, the new line numbers and how to keep one copy; forget stdin removes it all', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const input = lines(1, 100, 's');
    const first = await runCliHere(['ingest', '-', '--data', data, '--quiet', '--input-format', 'syslog'], { input });
    expect(first.status).toBe(0);
    expect(first.stdout).not.toContain('warning');
    // Another input that differs in its first KiB is no repeat.
    expect((await runCliHere(['ingest', '-', '--data', data, '--quiet', '--input-format', 'syslog'], { input: lines(1, 100, 'other') })).stdout).not.toContain('warning');

    const again = await runCliHere(['ingest', '-', '--data', data, '--quiet', '--input-format', 'syslog'], { input });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^warning: stdin: the same input \\(same first 1024 bytes\\) was ingested before, at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(100 lines, stored as lines 1-100\\); it is stored again, as lines 201-300: to keep one copy, "logscope forget stdin --data ${data}" removes every line read from stdin, then ingest it once$`,
        'm',
      ),
    );
    expect(await storedOf(data, 'stdin')).toMatchObject({ rows: 300, distinct_lines: 300, max_line: 300 });

    const forget = (await runCliHere(['forget', 'stdin', '--data', data]));
    expect(forget.stdout).toContain('forgot stdin: 300 rows, 0 unparsed rows, 0 manifest entries');
    const fresh = await runCliHere(['ingest', '-', '--data', data, '--quiet', '--input-format', 'syslog'], { input });
    expect(fresh.stdout).not.toContain('warning');
    expect(await storedOf(data, 'stdin')).toMatchObject({ rows: 100, distinct_lines: 100, max_line: 100 });
  });
});

describe('standard input with --reingest', () => {
  it('replaces every line read from stdin before, numbered from 1 again, with no repeat warning', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const input = lines(1, 100, 's');
    expect((await runCliHere(['ingest', '-', '--data', data, '--quiet', ...WRONG], { input })).status).toBe(0);
    const run = await runCliHere(['ingest', '-', '--data', data, '--quiet', '--input-format', 'syslog', '--reingest'], { input });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^stdin +syslog +100 +100 +0 +0 +reingested: replaces the 100 lines stored before$/m);
    expect(run.stdout).not.toContain('warning');
    expect(await storedOf(data, 'stdin')).toEqual({ rows: 100, unparsed: 0, formats: 'syslog', distinct_lines: 100, max_line: 100, entries: 0 });
  });
});

describe('logscope forget', () => {
  it("removes a source's rows, unparsed rows and manifest entry, leaves the other sources, and the file can be ingested afresh", async () => {
    const { dir, a, b, data } = setup();
    fs.appendFileSync(a, 'not a log line\n');
    expect((await runCliHere(['ingest', a, b, '--data', data, '--quiet', '--input-format', 'syslog'])).status).toBe(0);
    expect(await storedOf(data, a)).toMatchObject({ rows: 300, unparsed: 1, entries: 1 });
    const bBefore = await rowsOf(data, b);

    // Named as given on the command line: relative to the working directory.
    const run = (await runCliHere(['forget', 'a.log', '--data', data], { cwd: dir }));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`forgot ${a}: 300 rows, 1 unparsed rows, 1 manifest entry`);
    expect(await storedOf(data, a)).toEqual({ rows: 0, unparsed: 0, formats: '', distinct_lines: 0, max_line: 0, entries: 0 });
    expect(await rowsOf(data, b)).toBe(bBefore);

    const again = (await runCliHere(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog']));
    expect(again.stdout).toMatch(/a\.log +syslog +301 +300 +1 +0 +ingested$/m);
    expect(await storedOf(data, a)).toEqual({ rows: 300, unparsed: 1, formats: 'syslog', distinct_lines: 301, max_line: 301, entries: 1 });
  });

  it('refuses a name with nothing stored under it, in one line, and removes nothing', async () => {
    const { a, b, data } = setup();
    expect((await runCliHere(['ingest', a, '--data', data, '--quiet', '--input-format', 'syslog'])).status).toBe(0);
    const run = (await runCliHere(['forget', a, b, '--data', data]));
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`logscope: nothing is stored under ${b} in ${data}; the stored names are listed by: logscope sql "SELECT DISTINCT source FROM logs" --data ${data}\n`);
    expect(await storedOf(data, a)).toMatchObject({ rows: 300, entries: 1 });
  });

  it('a file replaced by a rewrite and left behind (a kill between commit and delete) is removed by the next writer', async () => {
    const { a, b, data } = setup();
    fs.writeFileSync(b, lines(1, 200, 'b', 25)); // the same day as a: one Parquet file holds both
    expect((await runCliHere(['ingest', a, b, '--data', data, '--quiet', '--input-format', 'syslog'])).status).toBe(0);
    const dayDir = path.join(data, 'logs', 'dt=2026-11-25');
    const [before] = fs.readdirSync(dayDir);
    const kept = path.join(path.dirname(data), 'kept.parquet');
    fs.copyFileSync(path.join(dayDir, before), kept);
    expect((await runCliHere(['forget', a, '--data', data])).status).toBe(0);
    // As if the forget had been killed after its commit, before it deleted the replaced file.
    fs.copyFileSync(kept, path.join(dayDir, before));
    expect(fs.readdirSync(dayDir)).toHaveLength(2);
    expect((await runCliHere(['forget', b, '--data', data])).status).toBe(0);
    expect(fs.existsSync(path.join(dayDir, before))).toBe(false);
  });
});
