import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { loadConfig, readConfigFile, type Config, type LoadConfigOptions } from '../config/index.js';
import { findConfigFile } from './config-file.js';
import { findNearest } from './nearest.js';
import { assertNoExponentialBacktracking, builtinFormatNames, compilePattern, compileTemplate, compileTimeLayout, createZone, type FormatSpec } from '../parse/index.js';

/** The flags of the commands that read log files: where to store, the config, how to parse. */
export interface InputFlags {
  data?: string;
  config?: string;
  inputFormat?: string;
  pattern?: string;
  template?: string;
  timeFormat?: string;
  workers?: string;
  timezone?: string;
}

export { DEFAULT_CONFIG_FILE, resolveDataDir } from './config-file.js';
export { findNearest } from './nearest.js';

/**
 * Finds and loads the config: --config, else $LOGSCOPE_CONFIG, else ./logscope.config.json if
 * present, else defaults. Commands that never parse logs pass `{ checkBacktracking: false }`.
 */
export function resolveConfig(flag: string | undefined, env = process.env, options: LoadConfigOptions = {}): Readonly<Config> {
  const file = findConfigFile(flag, env);
  return file === undefined ? loadConfig({}, 'config', options) : readConfigFile(file, options);
}

/**
 * The format to parse with, from --input-format/--pattern/--template and the config's `formats`. A --pattern
 * or --template that can backtrack catastrophically is refused here (config formats were
 * checked when the config loaded).
 */
export function resolveFormat(name: string | undefined, pattern: string | undefined, config: Config, template?: string, timeFormat?: string): FormatSpec {
  if (pattern !== undefined && template !== undefined) throw new UsageError('give --pattern or --template, not both');
  if (timeFormat !== undefined) {
    if (pattern === undefined && template === undefined) throw new UsageError(`--time-format goes with --pattern or --template (a config format sets "timestampFormat"); got --time-format ${JSON.stringify(timeFormat)} alone`);
    try {
      compileTimeLayout(timeFormat);
    } catch (err) {
      throw new UsageError(`--time-format: ${(err as Error).message}`);
    }
  }
  const layoutOption = timeFormat !== undefined ? { timestampFormat: timeFormat } : {};
  const chosen = name ?? (pattern !== undefined ? 'regex' : template !== undefined ? 'template' : config.ingest.format);
  const custom = config.formats[chosen];
  if (custom !== undefined) {
    if (pattern !== undefined || template !== undefined) throw new UsageError(`--pattern/--template cannot be combined with the config format "${chosen}", which has its own`);
    const zone = custom.timezone !== undefined ? { timezone: custom.timezone } : {};
    if (custom.template !== undefined) {
      const layout = custom.timestampFormat !== undefined ? { timestampFormat: custom.timestampFormat } : {};
      return { name: 'template', options: { template: custom.template, ...(custom.timeHeaders !== undefined ? { timeHeaders: custom.timeHeaders } : {}), ...layout, ...zone }, label: chosen };
    }
    const layout = custom.timestampFormat !== undefined ? { timestampFormat: custom.timestampFormat } : {};
    return { name: 'regex', options: { pattern: custom.pattern, ...(custom.fields !== undefined ? { fields: custom.fields } : {}), ...layout, ...zone }, label: chosen };
  }
  if (name !== undefined) assertKnownFormat(name, config);
  if (pattern !== undefined && chosen !== 'regex') throw new UsageError(`--pattern needs --input-format regex (got --input-format ${chosen}); drop one of them`);
  if (template !== undefined && chosen !== 'template') throw new UsageError(`--template needs --input-format template (got --input-format ${chosen}); drop one of them`);
  if (pattern !== undefined) {
    compilePattern(pattern);
    assertNoExponentialBacktracking(pattern, '', `--pattern ${JSON.stringify(pattern)}`);
  }
  if (template !== undefined) {
    const { regex } = compileTemplate(template);
    assertNoExponentialBacktracking(regex.source, regex.flags, `--template ${JSON.stringify(template)}`);
  }
  return { name: chosen, options: pattern !== undefined ? { pattern, ...layoutOption } : template !== undefined ? { template, ...layoutOption } : {} };
}

/** Parses a positive integer option; `8M`, `64K`, `1G` accepted for sizes. */
export function parseCount(value: string, option: string, sizes = false): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (m === null || (!sizes && m[2] !== undefined)) throw new UsageError(`${option} must be a positive integer${sizes ? ' (K, M, G suffixes allowed)' : ''}, got "${value}"`);
  const unit = m[2] === undefined ? 1 : 1024 ** ('KMG'.indexOf(m[2][0].toUpperCase()) + 1);
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got "${value}"`);
  return n;
}

/** The workers count: --workers, else $LOGSCOPE_WORKERS, else the config. */
export function resolveWorkers(flag: string | undefined, config: Config, env = process.env): number | undefined {
  const v = flag ?? env.LOGSCOPE_WORKERS;
  if (v !== undefined) return parseCount(v, flag !== undefined ? '--workers' : 'LOGSCOPE_WORKERS');
  return config.ingest.workers;
}

/** The zone of zone-less timestamps: --timezone, else the config; checked here (a bad name is a ConfigError). */
export function assertTimezone(value: string | undefined, config: Config): string {
  const v = value ?? config.ingest.timezone;
  createZone(v);
  return v;
}

/** Deprecated spellings already warned about in this process: each warns once. */
const warned = new Set<string>();

/**
 * The value of an option that has a deprecated spelling: the new one, else the old one with a
 * warning on stderr (once). Both given and different is a usage error.
 *
 * @example resolveDeprecatedAlias('--input-format', flags.inputFormat, 'ingest --format', flags.format, 'use --input-format NAME')
 */
export function resolveDeprecatedAlias(name: string, value: string | undefined, oldName: string, oldValue: string | undefined, advice: string): string | undefined {
  if (oldValue === undefined) return value;
  if (value !== undefined && value !== oldValue) throw new UsageError(`${name} ${value} and ${oldName} ${oldValue} disagree: give ${name} only`);
  if (!warned.has(oldName)) {
    warned.add(oldName);
    process.stderr.write(`logscope: warning: ${oldName} is deprecated; ${advice}\n`);
  }
  return value ?? oldValue;
}

/**
 * A hidden option for a short flag that no longer exists here because it meant something else
 * in another command: used, it fails with one line that names the long option to use instead
 * (rather than commander's bare "unknown option").
 *
 * @example command.addOption(retireShortFlag('-w', '--window', 'anomalies', '-w is --workers in ingest'))
 */
export function retireShortFlag(short: string, long: string, command: string, why: string): Option {
  return new Option(`${short} <value>`)
    .hideHelp()
    .argParser((value: string) => {
      throw new UsageError(`${command} ${short} no longer means ${long} (${why}): use ${long} ${value}`);
    });
}

/** Refuses an --input-format that names no built-in or config format, suggesting the nearest name. */
function assertKnownFormat(name: string, config: Config): void {
  const known = [...builtinFormatNames(), ...Object.keys(config.formats)];
  if (known.includes(name)) return;
  const nearest = findNearest(name, known);
  throw new UsageError(`--input-format "${name}" is not a known format${nearest !== undefined ? ` (did you mean ${nearest}?)` : ''}; known: ${known.join(', ')} (logscope formats lists them)`);
}

