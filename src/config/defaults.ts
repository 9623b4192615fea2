/**
 * Defaults a reading command needs without the schema (zod), which `schema.ts` uses too:
 * `logscope sql` with no config file starts without loading zod (issue 17: start-up).
 */

/** `data`: the data directory. */
export const DEFAULT_DATA_DIR = './logscope-data';
/** `ingest.timezone`: the zone of timestamps that carry none. */
export const DEFAULT_TIMEZONE = 'local';
