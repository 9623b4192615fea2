import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { compilePattern, compileTimeLayout, createZone, prepareTemplate } from '../parse/index.js';
import { ConfigSchema, type Config } from './schema.js';

export { ConfigSchema, type Config, type IngestConfig, type MiningConfig, type MiningSettings } from './schema.js';

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, where: string): string {
  const keyPath = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  let value: unknown = raw;
  for (const k of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined;
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `${where}: ${keyPath}: ${issue.message}${got}`;
}

/**
 * Validates a raw config object and fills every default. Pure: no files, no env.
 * Custom format patterns are compiled here, so a bad one fails at load, naming the format.
 * Returns a frozen object; throws ConfigError naming the key, the value and the problem.
 */
export function loadConfig(raw: unknown, where = 'config'): Readonly<Config> {
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, raw, where)).join('\n'));
  const config = parsed.data;
  try {
    createZone(config.ingest.timezone);
  } catch (err) {
    throw new ConfigError(`${where}: ingest.timezone: ${(err as Error).message}`, { cause: err });
  }
  for (const [name, f] of Object.entries(config.formats)) {
    const checks: [string, () => unknown][] = [
      [f.template !== undefined ? 'template' : 'pattern', () => (f.template !== undefined ? prepareTemplate(f) : compilePattern(f.pattern, f.fields))],
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
    }
  }
  return Object.freeze(config);
}

/** Reads and loads a JSON config file; a missing or malformed file is a ConfigError naming it. */
export function readConfigFile(file: string): Readonly<Config> {
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
  return loadConfig(raw, file);
}
