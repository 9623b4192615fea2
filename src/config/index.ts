import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { assertNoExponentialBacktracking, builtinFormatNames, compilePattern, compileTimeLayout, createZone, prepareTemplate } from '../parse/index.js';
import { ConfigSchema, type Config } from './schema.js';

export { ConfigSchema, SmtpConfigSchema, type Config, type IngestConfig, type MiningConfig, type MiningSettings, type SmtpConfig, type AlertRule, type AlertsConfig, type AnomalyRule, type DigestRule, type ErrorRateRule, type NewPatternRule, type SqlRule } from './schema.js';

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, where: string): string {
  let value: unknown = raw;
  const at = (k: PropertyKey) => (value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k] : undefined);
  const got = () => (value === undefined || (value !== null && typeof value === 'object') ? '' : ` (got ${JSON.stringify(value)})`);
  const [top, list, index, ...rest] = issue.path;
  if (top === 'alerts' && list === 'rules' && typeof index === 'number') {
    // A rule is named by its place and its name: `alerts.rules[2] "api-errors": schedule: ...`.
    for (const k of [top, list, index]) at(k);
    const name = value !== null && typeof value === 'object' ? (value as { name?: unknown }).name : undefined;
    for (const k of rest) at(k as PropertyKey);
    const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : rest.length > 0 ? rest.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`)).join('') : '(the rule)';
    const message =
      issue.code === 'unrecognized_keys' ? `not a key of ${issue.keys.length > 1 ? 'these' : 'this'} kind of rule (see the README's alerts section)`
      : issue.code === 'invalid_type' && value === undefined ? 'missing (required)'
      : issue.message;
    const shown = value !== undefined && message.includes(JSON.stringify(value)) ? '' : got();
    return `${where}: alerts.rules[${index}]${typeof name === 'string' ? ` ${JSON.stringify(name)}` : ''}: ${field}: ${message}${shown}`;
  }
  const keyPath = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  for (const k of issue.path) at(k as PropertyKey);
  return `${where}: ${keyPath}: ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Refuse patterns and masks that can backtrack exponentially (default true). The check can
   * take a second on an intricate pattern, so commands that never run them turn it off.
   */
  checkBacktracking?: boolean;
}

/**
 * Validates a raw config object and fills every default. Pure: no files, no env.
 * Custom format patterns are compiled here, so a bad one fails at load, naming the format;
 * so is one that can backtrack catastrophically, and a format named like a built-in one
 * without `"override": true`. Returns a frozen object; throws ConfigError naming the key,
 * the value and the problem.
 */
export function loadConfig(raw: unknown, where = 'config', options: LoadConfigOptions = {}): Readonly<Config> {
  if (raw === null) throw new ConfigError(`${where}: the config is null: write an object, e.g. {"data": "./logscope-data"}, or {} for the defaults`);
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, raw, where)).join('\n'));
  const config = parsed.data;
  try {
    createZone(config.ingest.timezone);
  } catch (err) {
    throw new ConfigError(`${where}: ingest.timezone: ${(err as Error).message}`, { cause: err });
  }
  const checkBacktracking = options.checkBacktracking ?? true;
  const builtins = builtinFormatNames();
  for (const [name, f] of Object.entries(config.formats)) {
    if (builtins.includes(name) && f.override !== true) {
      throw new ConfigError(`${where}: formats.${name}: "${name}" is the name of a built-in format: rename this one (e.g. "my-${name}"), or add "override": true to replace the built-in for this config`);
    }
    const checks: [string, () => unknown][] = [
      [f.template !== undefined ? 'template' : 'pattern', () => checkFormatRegex(f, checkBacktracking)],
      ['timezone', () => f.timezone !== undefined && createZone(f.timezone)],
      ['timestampFormat', () => f.timestampFormat !== undefined && compileTimeLayout(f.timestampFormat)],
    ];
    for (const [key, check] of checks) {
      try {
        check();
      } catch (err) {
        throw new ConfigError(`${where}: formats.${name}.${key}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  const masks: [string, string[] | undefined][] = [['mining.masks', config.mining.masks], ...Object.entries(config.mining.formats).map(([n, f]): [string, string[] | undefined] => [`mining.formats.${n}.masks`, f.masks])];
  for (const [key, list] of masks) {
    for (const [i, m] of (list ?? []).entries()) {
      let re: RegExp;
      try {
        re = new RegExp(m, 'g');
      } catch (err) {
        throw new ConfigError(`${where}: ${key}[${i}]: ${JSON.stringify(m)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
      }
      if (re.test('')) throw new ConfigError(`${where}: ${key}[${i}]: ${JSON.stringify(m)} matches the empty string; write one that matches at least one character`);
      try {
        if (checkBacktracking) assertNoExponentialBacktracking(m, 'g', `mask ${JSON.stringify(m)}`);
      } catch (err) {
        throw new ConfigError(`${where}: ${key}[${i}]: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  return Object.freeze(config);
}

/** Compiles a config format's pattern or template, and refuses one that can backtrack catastrophically. */
function checkFormatRegex(f: Config['formats'][string], checkBacktracking: boolean): void {
  if (f.template !== undefined) {
    const { compiled } = prepareTemplate(f);
    if (checkBacktracking) assertNoExponentialBacktracking(compiled.regex.source, compiled.regex.flags, `template ${JSON.stringify(f.template)}`);
    return;
  }
  const re = compilePattern(f.pattern, f.fields);
  if (checkBacktracking) assertNoExponentialBacktracking(re.source, re.flags, `pattern ${JSON.stringify(f.pattern)}`);
}

/** Reads and loads a JSON config file; a missing or malformed file is a ConfigError naming it. */
export function readConfigFile(file: string, options: LoadConfigOptions = {}): Readonly<Config> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return loadConfig(raw, file, options);
}
