import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { assertNoExponentialBacktracking, compileTemplate, loadFormats, mayBacktrackExponentially } from '../../src/parse/index.js';
import { CLI, REPO, runCli, tmpDir } from '../helpers.js';

/** Loghub's `log_format` of the eight datasets (formats.json of loghub-2k), and their Drain masks. */
const LOGHUB_TEMPLATES = [
  String.raw`\[<Time>\] \[<Level>\] <Content>`,
  '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
  String.raw`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`,
  '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  String.raw`<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>`,
  String.raw`<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>`,
  '<Date> <Time> <Level> <Component>: <Content>',
  String.raw`<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>`,
];
const LOGHUB_MASKS = [String.raw`(\d+\.){3}\d+`, String.raw`core\.\d+`, String.raw`blk_-?\d+`, String.raw`(\d+\.){3}\d+(:\d+)?`, String.raw`\d{2}:\d{2}:\d{2}`, String.raw`([\w-]+\.){2,}[\w-]+`, String.raw`\b[KGTM]?B\b`, String.raw`(/|)(\d+\.){3}\d+(:\d+)?`];

/** Patterns people write for their own logs: named groups, polynomial at worst. */
const ORDINARY_PATTERNS = [
  String.raw`^(?<ts>\S+) (?<level>\w+) (?<message>.*)$`,
  String.raw`(?<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ (?<level>[A-Z]+) (?<service>[\w.$]+): (?<message>.*)`,
  String.raw`(?<ts>.*) (?<message>.*)$`,
  String.raw`^(?<ts>\S+ \S+) \[(?<thread>[^\]]+)\] (?<level>\w+)\s+(?<service>[\w.]+) - (?<message>.*)$`,
  String.raw`^(?<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?<host>[\w.-]+) (?<service>[\w-]+)(?:\[(?<pid>\d+)\])?: (?<message>.*)$`,
  String.raw`(?<ts>[^ ]+) (?<kv>(\w+=\S+ ?)+)`,
];

/** Patterns a backtracking engine needs exponential time for, on a line of a few dozen characters. */
const HOSTILE_PATTERNS = ['(a+)+$', String.raw`(\w+\s?)*$`, '^(a|a)*$', '(a|aa)+$', String.raw`^(\d+)*$`, String.raw`(?<ts>\S+) (?<message>(\w+\s*)+)$`, String.raw`([a-z]+\.?)+@`, '((ab)*)+c'];

/** Runs the CLI, killed after `ms`: a hang fails the test instead of blocking it (spawnSync stops the clock). */
function runCliWithin(ms: number, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO, timeout: ms, killSignal: 'SIGKILL' });
}

/** A line of 40 a's and a b: `(a+)+$` backtracks 2^40 ways on it. */
function writeHostileLog(dir: string): string {
  const file = path.join(dir, 'hostile.log');
  fs.writeFileSync(file, `${'a'.repeat(40)}b\n`);
  return file;
}

describe('patterns that backtrack catastrophically are refused before any line is read', () => {
  it('refuses --pattern (a+)+$ within seconds, naming the pattern, and creates no store', () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const started = Date.now();
    const r = runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--data', data, '--pattern', '(?<ts>x)?(a+)+$', '--timezone', 'UTC']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: --pattern "\(\?<ts>x\)\?\(a\+\)\+\$" can backtrack catastrophically: a line such as .* takes exponential time; rewrite it/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.existsSync(data)).toBe(false);
  });

  it('refuses a --template whose own regex text backtracks catastrophically', () => {
    const dir = tmpDir();
    const r = runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--data', path.join(dir, 'data'), '--template', '<Date> (a+)+$ <Content>']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: --template "<Date> \(a\+\)\+\$ <Content>" can backtrack catastrophically/);
  });

  it('refuses --pattern in anomalies over files too', () => {
    const dir = tmpDir();
    const r = runCliWithin(30_000, ['anomalies', writeHostileLog(dir), '--pattern', String.raw`(?<ts>\S+) (?<message>(\w+\s*)+)$`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: --pattern .* can backtrack catastrophically/);
  });

  it('refuses a config format whose pattern backtracks catastrophically, naming the file and key', () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ formats: { web: { pattern: '(?<ts>x)?(a+)+$' } } }));
    const r = runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--data', path.join(dir, 'data'), '--config', cfg, '--input-format', 'web']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`logscope: ${cfg}: formats.web.pattern: pattern "(?<ts>x)?(a+)+$" can backtrack catastrophically`);
  });

  it('refuses mining masks that backtrack catastrophically, naming the key and index', () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ mining: { masks: ['blk_-?\\d+', '(\\w+\\s?)+$'] } }));
    const r = runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--data', path.join(dir, 'data'), '--config', cfg, '--input-format', 'syslog']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`logscope: ${cfg}: mining.masks[1]: mask "(\\\\w+\\\\s?)+$" can backtrack catastrophically`);
    expect(() => loadConfig({ mining: { formats: { syslog: { masks: ['(a|aa)+$'] } } } }, 'c.json')).toThrow(/^c\.json: mining\.formats\.syslog\.masks\[0\]: mask "\(a\|aa\)\+\$" can backtrack catastrophically/);
  });

  it('refuses each of a batch of exponential patterns, as a pattern and as a mask', () => {
    for (const p of HOSTILE_PATTERNS) {
      expect(() => assertNoExponentialBacktracking(p, '', `pattern ${JSON.stringify(p)}`), p).toThrow(ConfigError);
      // A mask that matches the empty string is refused before the check, for that.
      if (new RegExp(p).test('')) continue;
      expect(() => loadConfig({ mining: { masks: [p] } }), p).toThrow(/mining\.masks\[0\]: mask .* can backtrack catastrophically/);
    }
  });

  it('checks only for commands that parse: loadConfig can skip it, and sql does', () => {
    const raw = { mining: { masks: ['(a+)+$'] } };
    expect(() => loadConfig(raw)).toThrow(/mining\.masks\[0\]: mask "\(a\+\)\+\$" can backtrack catastrophically/);
    expect(loadConfig(raw, 'config', { checkBacktracking: false }).mining.masks).toEqual(['(a+)+$']);
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ ...raw, data: path.join(dir, 'data') }));
    expect(runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--config', cfg, '--input-format', 'syslog']).stderr).toMatch(/can backtrack catastrophically/);
    const r = runCli(['sql', '--config', cfg, 'SELECT 1 AS one']);
    expect(r.stderr).not.toMatch(/backtrack/);
  });
});

describe('ordinary patterns pass the check', () => {
  it('accepts the built-in formats\' examples, the Loghub templates and masks, and usual named-group patterns', async () => {
    const formats = await loadFormats();
    const regex = formats.get('regex')?.example as string;
    const template = formats.get('template')?.example as string;
    expect(() => assertNoExponentialBacktracking(regex, '', 'the regex example')).not.toThrow();
    for (const t of [template, ...LOGHUB_TEMPLATES]) {
      const re = compileTemplate(t).regex;
      expect(() => assertNoExponentialBacktracking(re.source, re.flags, t), t).not.toThrow();
    }
    for (const p of ORDINARY_PATTERNS) expect(() => assertNoExponentialBacktracking(p, '', p), p).not.toThrow();
    expect(() => loadConfig({ mining: { masks: LOGHUB_MASKS }, formats: { app: { pattern: ORDINARY_PATTERNS[0] }, hdfs: { template: LOGHUB_TEMPLATES[3] } } })).not.toThrow();
  });

  it('proves without the checker that patterns with no repeated ambiguous group are safe', () => {
    for (const t of LOGHUB_TEMPLATES) expect(mayBacktrackExponentially(compileTemplate(t).regex.source), t).toBe(false);
    for (const p of [ORDINARY_PATTERNS[0], ORDINARY_PATTERNS[2], ORDINARY_PATTERNS[3], String.raw`\p{L}{2,}(x)`, '[(]+(a)', String.raw`(\[(?<pid>\d+)\])?`]) expect(mayBacktrackExponentially(p), p).toBe(false);
    for (const p of HOSTILE_PATTERNS) expect(mayBacktrackExponentially(p), p).toBe(true);
    // A group repeated a few times only multiplies the work by a constant; many times, it is sent.
    expect(LOGHUB_MASKS.filter(mayBacktrackExponentially)).toEqual([String.raw`([\w-]+\.){2,}[\w-]+`]);
    expect(mayBacktrackExponentially('^(a|a){1,40}$')).toBe(true);
    expect(mayBacktrackExponentially('^(a|a){1,10}$')).toBe(false);
  });

  it('reports a --pattern that does not compile as such, and scans unfinished syntax without hanging', () => {
    for (const p of ['(?<ts', '(?<ts>(a+)+', '[a-', '\\', '(a+){2,', '\\k<x']) expect(typeof mayBacktrackExponentially(p)).toBe('boolean');
    const dir = tmpDir();
    const r = runCliWithin(30_000, ['ingest', writeHostileLog(dir), '--data', path.join(dir, 'data'), '--pattern', '(?<ts>(a+)+']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^logscope: invalid --pattern "\(\?<ts>\(a\+\)\+": .*Unterminated group\n$/);
  });
});
