import { z } from 'zod';
import { AlertsConfigSchema } from './alerts.js';

/** A user-declared format: a name for `--input-format`, and its pattern. */
export const FormatConfigSchema = z
  .object({
    /** A regular expression with named groups; see the `regex` format. */
    pattern: z.string().min(1).optional(),
    /** A Loghub-style template of <Header> fields; see the `template` format. */
    template: z.string().min(1).optional(),
    /** With `template`: the headers whose values make the timestamp. */
    timeHeaders: z.array(z.string().min(1)).min(1).optional(),
    /** With `pattern`: a strftime-style layout of the timestamp group. */
    timestampFormat: z.string().min(1).optional(),
    /** Zone of this format's zone-less timestamps (overrides ingest.timezone). */
    timezone: z.string().min(1).optional(),
    /** With `pattern`: record column → named group, for groups named otherwise. */
    fields: z.partialRecord(z.enum(['ts', 'host', 'service', 'pid', 'level', 'message']), z.string().min(1)).optional(),
    /** Replace the built-in format of the same name (`json`, `syslog`, ...) for this config. */
    override: z.boolean().optional(),
  })
  .strict()
  .refine((f) => (f.pattern === undefined) !== (f.template === undefined), { message: 'a format has either "pattern" or "template" (not both)' })
  .refine((f) => f.timeHeaders === undefined || f.template !== undefined, { message: '"timeHeaders" goes with "template"', path: ['timeHeaders'] })
  .refine((f) => f.timestampFormat === undefined || f.pattern !== undefined, { message: '"timestampFormat" goes with "pattern"', path: ['timestampFormat'] })
  .refine((f) => f.fields === undefined || f.pattern !== undefined, { message: '"fields" goes with "pattern" (a template names its columns by header)', path: ['fields'] });

/** The ingest stage. */
export const IngestConfigSchema = z
  .object({
    /** Format name: `auto` (detect per file), a built-in, or a key of `formats`. */
    format: z.string().min(1).default('auto'),
    /** Parse workers; default one per core. */
    workers: z.number().int().min(1).max(512).optional(),
    /** Zone of timestamps that carry none: local, UTC or an IANA name (checked by loadConfig). */
    timezone: z.string().min(1).default('local'),
    /** Target bytes per parse chunk. */
    chunkBytes: z.number().int().min(1024).default(8 << 20),
    /** Input bytes per atomic batch. */
    batchBytes: z.number().int().min(1024).default(256 << 20),
  })
  .strict();

/** Template-mining settings for one format, or the defaults for all. */
export const MiningSettingsSchema = z
  .object({
    /** Extra regular expressions whose matches are variables (`<*>`), e.g. `blk_-?\\d+`. */
    masks: z.array(z.string().min(1)).optional(),
    /** Similarity threshold in (0, 1]: the share of tokens that must agree to join a template. */
    similarity: z.number().gt(0).max(1).optional(),
    /** Leading tokens that must be equal to compare two messages at all (Drain's depth). */
    depth: z.number().int().min(0).max(8).optional(),
  })
  .strict();

/** The template-mining stage: on by default, with per-format settings. */
export const MiningConfigSchema = MiningSettingsSchema.extend({
  /** Mine templates during ingest (default true). */
  enabled: z.boolean().default(true),
  /** Settings for one format (a built-in name or a key of `formats`), over the defaults above. */
  formats: z.record(z.string().min(1), MiningSettingsSchema).default({}),
}).strict();

/** The whole config file. Every key has a CLI flag or env var too (see README). */
export const ConfigSchema = z
  .object({
    /** Data directory (Parquet + catalog.duckdb). */
    data: z.string().min(1).default('./logscope-data'),
    ingest: IngestConfigSchema.default(IngestConfigSchema.parse({})),
    formats: z.record(z.string().regex(/^[A-Za-z][\w.-]*$/, 'a format name is letters, digits, "_", "-" or "."'), FormatConfigSchema).default({}),
    mining: MiningConfigSchema.default(MiningConfigSchema.parse({})),
    /** Alert rules (src/config/alerts.ts). */
    alerts: AlertsConfigSchema.default({ rules: [] }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type MiningConfig = z.infer<typeof MiningConfigSchema>;
export type MiningSettings = z.infer<typeof MiningSettingsSchema>;
export type { AlertRule, AlertsConfig, AnomalyRule, DigestRule, ErrorRateRule, NewPatternRule, SqlRule } from './alerts.js';
