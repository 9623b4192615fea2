import fs from 'node:fs';
import { DEFAULT_DATA_DIR, DEFAULT_TIMEZONE } from '../config/defaults.js';

/** The config file used when neither --config nor LOGSCOPE_CONFIG names one. */
export const DEFAULT_CONFIG_FILE = 'logscope.config.json';

/** The config file to read: --config, else $LOGSCOPE_CONFIG, else ./logscope.config.json if present; undefined: the defaults. */
export function findConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? env.LOGSCOPE_CONFIG ?? (fs.existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
}

/** The data directory: --data, else $LOGSCOPE_DATA, else the config's `data`. */
export function resolveDataDir(flag: string | undefined, config: { data: string }, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.LOGSCOPE_DATA ?? config.data;
}

/** What a command that only reads the store needs of the config. */
export interface ReaderSettings {
  /** The config's `data`. */
  data: string;
  /** The config's `ingest.timezone`. */
  timezone: string;
}

/**
 * The config's `data` and `ingest.timezone`, as `resolveConfig` would give them: from the config
 * file when there is one (checked whole, as every command does), else the defaults without
 * loading the config schema and zod (issue 17: `logscope sql` start-up).
 */
export async function resolveReaderSettings(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<ReaderSettings> {
  const file = findConfigFile(flag, env);
  if (file === undefined) return { data: DEFAULT_DATA_DIR, timezone: DEFAULT_TIMEZONE };
  const { readConfigFile } = await import('../config/index.js');
  const config = readConfigFile(file, { checkBacktracking: false });
  return { data: config.data, timezone: config.ingest.timezone };
}
