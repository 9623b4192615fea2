import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { version as duckdbVersion } from '../../src/duckdb.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/main.js';
import { REPO, runCliHere, tmpDir } from '../helpers.js';

const LINES = 20;

/** A small syslog file: every line parses as syslog, none as json. */
function writeSyslog(dir: string): string {
  const file = path.join(dir, 'app.log');
  let s = '';
  for (let i = 0; i < LINES; i++) s += `2026-11-25T10:00:${String(i).padStart(2, '0')}Z h app[1]: INFO request ${i} served\n`;
  fs.writeFileSync(file, s);
  return file;
}

let dir: string;
let file: string;
let data: string;

beforeAll(async () => {
  dir = tmpDir();
  file = writeSyslog(dir);
  data = path.join(dir, 'data');
  const r = await runCliHere(['ingest', file, '--data', data, '--input-format', 'syslog', '--quiet']);
  expect(r.status, r.stderr).toBe(0);
});

describe('one output vocabulary', () => {
  it('takes --json and --format json in every command that prints results, and prints the same', async () => {
    const commands: string[][] = [
      ['sql', '--data', data, 'SELECT count(*) AS n FROM logs'],
      ['trends', '--data', data, '--bucket', '1m'],
      ['patterns', '--data', data],
      ['anomalies', '--data', data],
      ['coverage', '--data', data],
      ['detect', file],
      ['formats'],
    ];
    for (const args of commands) {
      const json = await runCliHere([...args, '--json']);
      expect(json.status, `${args[0]} --json: ${json.stderr}`).toBe(0);
      const format = await runCliHere([...args, '--format', 'json']);
      expect(format.status, `${args[0]} --format json: ${format.stderr}`).toBe(0);
      expect(JSON.parse(json.stdout), args[0]).toEqual(JSON.parse(format.stdout));
    }
    expect(JSON.parse((await runCliHere(['sql', '--data', data, '--json', 'SELECT count(*) AS n FROM logs'])).stdout)).toEqual([{ n: LINES }]);
    expect(JSON.parse((await runCliHere(['detect', file, '--json'])).stdout)[0]).toMatchObject({ file, format: 'syslog' });
    expect(JSON.parse((await runCliHere(['coverage', '--data', data, '--json'])).stdout)[0]).toMatchObject({ format: 'syslog', lines: LINES, parsed: LINES });
  });

  it('prints coverage, detect and formats as ndjson and csv too', async () => {
    const ndjson = (await runCliHere(['formats', '--format', 'ndjson'])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string });
    expect(ndjson.map((f) => f.name)).toContain('syslog');
    expect((await runCliHere(['detect', file, '--format', 'csv'])).stdout).toMatch(/^file,format,matched,rate,sampled,scores,template\n.*app\.log,syslog,true,1,20,/);
    expect((await runCliHere(['coverage', '--data', data, '--format', 'csv'])).stdout).toMatch(/^source,format,lines,parsed,unparsed,blank,joined,parsedShare\n.*app\.log,syslog,20,20,0,0,0,1\n$/);
  });

  it('refuses an unknown --format, suggesting the nearest', async () => {
    const r = await runCliHere(['trends', '--data', data, '--format', 'jsno']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('logscope: --format must be one of table, csv, json, ndjson, got "jsno" (did you mean json?)\n');
  });

  it('refuses --json with another --format, naming both', async () => {
    const r = await runCliHere(['sql', '--data', data, '--json', '--format', 'csv', 'SELECT 1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('logscope: --json and --format csv disagree: give one of them\n');
  });

  it('prints the ingest and generate summaries as JSON with --json', async () => {
    const ingest = await runCliHere(['ingest', file, '--data', path.join(dir, 'again'), '--json']);
    expect(JSON.parse(ingest.stdout).totals).toMatchObject({ lines: LINES, parsed: LINES });
    const out = path.join(dir, 'gen.log');
    const generate = await runCliHere(['generate', '-n', '500', '-o', out, '--json']);
    expect(generate.status, generate.stderr).toBe(0);
    expect(JSON.parse(generate.stdout)).toMatchObject({ out, format: 'syslog', lines: 500, truth: `${out}.truth.json` });
  });
});

describe('one input vocabulary', () => {
  it('reads the input format from --input-format in ingest and anomalies', async () => {
    const asJson = await runCliHere(['ingest', file, '--data', path.join(dir, 'as-json'), '--input-format', 'json', '--json']);
    expect(JSON.parse(asJson.stdout).totals).toMatchObject({ lines: LINES, parsed: 0, unparsed: LINES });
    const scan = await runCliHere(['anomalies', file, '--input-format', 'json', '--format', 'csv']);
    expect(scan.stderr).toMatch(/read 20 lines \(0 parsed, 20 unparsed, 0 blank\) from 1 source .*\(json\); nothing stored/);
  });

  it('refuses an unknown --input-format before reading, suggesting the nearest format', async () => {
    const r = await runCliHere(['ingest', file, '--data', path.join(dir, 'typo'), '--input-format', 'syslg']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: --input-format "syslg" is not a known format \(did you mean syslog\?\); known: auto, .*json.* \(logscope formats lists them\)\n$/);
    expect(fs.existsSync(path.join(dir, 'typo'))).toBe(false);
  });

  it('still reads ingest --format NAME as the input format, warning once that it is deprecated', async () => {
    const r = await runCliHere(['ingest', file, '--data', path.join(dir, 'old-flag'), '--format', 'json', '--json']);
    expect(JSON.parse(r.stdout).totals).toMatchObject({ parsed: 0, unparsed: LINES });
    expect(r.stderr).toBe('logscope: warning: ingest --format is deprecated; use --input-format json for the format of the logs (and --json for the summary)\n');
    const both = await runCliHere(['ingest', file, '--data', path.join(dir, 'old-flag'), '--format', 'json', '--input-format', 'syslog']);
    expect(both.status).toBe(1);
    expect(both.stderr).toBe('logscope: --input-format syslog and ingest --format json disagree: give --input-format only\n');
  });

  it('writes the log format of generate --log-format, and of the deprecated generate --format with a warning', async () => {
    const out = path.join(dir, 'gen.json.log');
    const r = await runCliHere(['generate', '-n', '50', '-o', out, '--log-format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8').split('\n')[0])).toBeTypeOf('object');
    const old = await runCliHere(['generate', '-n', '50', '-o', path.join(dir, 'gen.apache.log'), '--format', 'apache']);
    expect(old.stdout).toMatch(/^wrote 50 apache lines/);
    expect(old.stderr).toBe('logscope: warning: generate --format is deprecated; use --log-format apache\n');
  });
});

describe('the option table', () => {
  it('gives no short flag two meanings across commands', async () => {
    const meanings = new Map<string, Set<string>>();
    for (const command of (await createProgram()).commands) {
      // Hidden options are the deprecated and retired spellings, which only warn or refuse.
      for (const option of command.options.filter((o) => !o.hidden)) {
        if (option.short === undefined) continue;
        meanings.set(option.short, (meanings.get(option.short) ?? new Set()).add(option.long ?? ''));
      }
    }
    expect(meanings.size).toBeGreaterThan(5);
    const ambiguous = [...meanings].filter(([, longs]) => longs.size > 1).map(([short, longs]) => `${short}: ${[...longs].join(', ')}`);
    expect(ambiguous).toEqual([]);
  });

  it('names the long option to use for a short flag retired because it meant two things', async () => {
    const window = await runCliHere(['anomalies', '--data', data, '-w', '24']);
    expect(window.status).toBe(1);
    expect(window.stderr).toBe('logscope: anomalies -w no longer means --window (-w is --workers in ingest): use --window 24\n');
    const limit = await runCliHere(['patterns', '--data', data, '-n', '5']);
    expect(limit.status).toBe(1);
    expect(limit.stderr).toBe('logscope: patterns -n no longer means --limit (-n is --lines in generate and demo): use --limit 5\n');
  });

  it('suggests the nearest option for an unknown one, on a logscope: line, exit 1', async () => {
    const r = await runCliHere(['ingest', file, '--worker', '2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: unknown option '--worker'\n\(Did you mean --workers\?\)\n/);
  });

  it('starts every error with logscope:', async () => {
    const cases: string[][] = [
      ['ingets'],
      ['ingest'],
      ['ingest', file, '--worker', '2'],
      ['completion', 'fish'],
      ['anomalies', '-w', '24', '--data', data],
      ['sql', '--data', data, '--format', 'xml', 'SELECT 1'],
      ['sql', '--data', data, 'SELECT * FORM logs'],
      ['ingest', file, '--data', path.join(dir, 'zone'), '--timezone', 'Mars/Olympus'],
      ['ingest', file, path.join(dir, 'missing.log'), '--data', path.join(dir, 'partial')],
    ];
    for (const args of cases) {
      const r = await runCliHere(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/^logscope: \S/);
    }
  });

  it('shows a DuckDB error of sql with its position in the query and no stack', async () => {
    const r = await runCliHere(['sql', '--data', data, 'SELECT nosuch FROM logs']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: Binder Error: Referenced column "nosuch" not found/);
    expect(r.stderr).toContain('LINE 1: SELECT nosuch FROM logs\n               ^');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints logscope's version and DuckDB's with --version", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await runCliHere(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`logscope ${pkg.version} (DuckDB ${duckdbVersion()})\n`);
  });
});

describe('shell completion', () => {
  /** What bash completes for the words typed so far (the last one being completed). */
  let script: string;
  beforeAll(async () => {
    script = (await runCliHere(['completion', 'bash'])).stdout;
  });
  function completeInBash(words: string[]): string[] {
    const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _logscope; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((w) => w !== '');
  }

  it('completes commands, and the options of the command typed, in bash', async () => {
    expect(completeInBash(['logscope', 'ing'])).toEqual(['ingest']);
    expect(completeInBash(['logscope', 'ingest', 'a.log', '--wor'])).toEqual(['--workers']);
    expect(completeInBash(['logscope', 'anomalies', '--wi'])).toEqual(['--window']);
    expect(completeInBash(['logscope', 'sql', '--f']).sort()).toEqual(['--file', '--format', '--from-last']);
  });

  it('lists every command and visible option of the table in both scripts', async () => {
    const bash = script;
    const zsh = (await runCliHere(['completion', 'zsh'])).stdout;
    for (const command of (await createProgram()).commands) {
      expect(completeInBash(['logscope', command.name()])).toContain(command.name());
      for (const option of command.options.filter((o) => !o.hidden)) {
        expect(bash, `${command.name()} ${option.long}`).toMatch(new RegExp(`\\n +${command.name()}\\) words="[^"]*${option.long}[ "]`));
        expect(zsh, `${command.name()} ${option.long}`).toContain(option.long);
      }
    }
    expect(bash).not.toMatch(/ingest\) words="[^"]*--format/);
  });

  it.skipIf(spawnSync('zsh', ['--version']).error !== undefined)('writes a zsh script that zsh parses and that registers _logscope for logscope', async () => {
    const file = path.join(tmpDir(), '_logscope');
    fs.writeFileSync(file, (await runCliHere(['completion', 'zsh'])).stdout);
    const parsed = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
    const loaded = spawnSync('zsh', ['-fc', `autoload -U compinit && compinit -u -D && source '${file}' && print -r -- "$_comps[logscope]" && whence -w _logscope`], { encoding: 'utf8' });
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toBe('_logscope\n_logscope: function\n');
  });
});

