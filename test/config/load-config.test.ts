import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readConfigFile } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { builtinFormatNames, loadFormats } from '../../src/parse/index.js';
import { query, runCli, runCliHere, tmpDir } from '../helpers.js';

describe('a config file that holds null', () => {
  it('is a ConfigError naming the file, not the defaults', async () => {
    const dir = tmpDir();
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, 'null\n');
    expect(() => readConfigFile(cfg)).toThrow(ConfigError);
    expect(() => readConfigFile(cfg)).toThrow(`${cfg}: the config is null: write an object, e.g. {"data": "./logscope-data"}, or {} for the defaults`);
    const r = (await runCliHere(['formats', '--config', cfg]));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`logscope: ${cfg}: the config is null: write an object, e.g. {"data": "./logscope-data"}, or {} for the defaults\n`);
  });

  it('still lets a missing config mean the defaults', async () => {
    expect(loadConfig(undefined).ingest.format).toBe('auto');
  });
});

describe('config formats named like a built-in format', () => {
  it('knows the built-in names without importing the formats', async () => {
    expect(builtinFormatNames()).toEqual(['auto', ...(await loadFormats()).keys()]);
  });

  it('refuses a format named like a built-in, naming the key and the way out', async () => {
    for (const name of ['json', 'syslog', 'auto']) {
      expect(() => loadConfig({ formats: { [name]: { pattern: '(?<ts>\\S+) (?<message>.*)' } } }, 'c.json')).toThrow(
        `c.json: formats.${name}: "${name}" is the name of a built-in format: rename this one (e.g. "my-${name}"), or add "override": true to replace the built-in for this config`,
      );
    }
    expect(() => loadConfig({ formats: { 'json-app': { pattern: '(?<ts>\\S+) (?<message>.*)' } } })).not.toThrow();
  });

  it('takes "override": true as replacing the built-in for --input-format NAME', async () => {
    const dir = tmpDir();
    const data = path.join(dir, 'data');
    const cfg = path.join(dir, 'logscope.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ formats: { json: { pattern: String.raw`(?<ts>\S+) (?<level>\w+) (?<message>.*)`, override: true } } }));
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '2026-03-01T10:00:00Z WARN not json at all\n');
    const r = (await runCliHere(['ingest', file, '--data', data, '--config', cfg, '--input-format', 'json', '-q', '--no-mining']));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await query(data, 'SELECT format, level, message FROM logs')).toEqual([{ format: 'json', level: 'WARN', message: 'not json at all' }]);
    expect((await runCliHere(['formats', '--config', cfg])).stdout).toContain(`json       (config, replaces the built-in) regex (?<ts>\\S+) (?<level>\\w+) (?<message>.*)\n`);
  });

  it('refuses an "override" that is not a boolean, under the strict schema', async () => {
    expect(() => loadConfig({ formats: { json: { pattern: '(?<ts>\\S+)', override: 'yes' } } }, 'c.json')).toThrow(/^c\.json: formats\.json\.override: .*\(got "yes"\)/);
  });
});
