import { z } from 'zod';
import { AlertsConfigSchema } from './alerts.js';
import { DEFAULT_DATA_DIR, DEFAULT_TIMEZONE } from './defaults.js';

/** A user-declared format: a name for `--input-format`, and its pattern. */
export const FormatConfigSchema = z
  .object({
    /** A regular expression with named groups; see the `regex` format. */
    pattern: z.string().min(1).optional(),
    /** A Loghub-style template of <Header> fields; see the `template` format. */
    template: z.string().min(1).optional(),
    /** With `template`: the headers whose values make the timestamp. */
    timeHeaders: z.array(z.string().min(1)).min(1).optional(),
    /** A strftime-style layout of the timestamp group (`pattern`) or of the time headers' joined text (`template`). */
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
  .refine((f) => f.timestampFormat === undefined || f.pattern !== undefined || f.template !== undefined, { message: '"timestampFormat" goes with "pattern" or "template"', path: ['timestampFormat'] })
  .refine((f) => f.fields === undefined || f.pattern !== undefined, { message: '"fields" goes with "pattern" (a template names its columns by header)', path: ['fields'] });

/** The ingest stage. */
export const IngestConfigSchema = z
  .object({
    /** Format name: `auto` (detect per file), a built-in, or a key of `formats`. */
    format: z.string().min(1).default('auto'),
    /** Parse workers; default one per core. */
    workers: z.number().int().min(1).max(512).optional(),
    /** Zone of timestamps that carry none: local, UTC or an IANA name (checked by loadConfig). */
    timezone: z.string().min(1).default(DEFAULT_TIMEZONE),
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

/**
 * Alert delivery: the SMTP server that sends alert emails, and how a failed send is retried.
 * The password is never in the config: it comes from $LOGSCOPE_SMTP_PASSWORD only.
 */
export const SmtpConfigSchema = z
  .object({
    /** The SMTP server's host name. */
    host: z.string().min(1),
    /** Default by `security`: 465 for `tls`, 587 for `starttls`, 25 for `none`. */
    port: z.number().int().min(1).max(65535).optional(),
    /** `tls`: TLS from the first byte (port 465); `starttls`: plain, then STARTTLS, required; `none`: no TLS (a local relay). */
    security: z.enum(['tls', 'starttls', 'none']).default('starttls'),
    /** Accept a server certificate that does not verify (a self-signed internal relay). */
    allowSelfSigned: z.boolean().default(false),
    /** The login; the password is read from $LOGSCOPE_SMTP_PASSWORD. No user: no AUTH. */
    user: z.string().min(1).optional(),
    /** Refused: a password in a file ends up in backups and repositories. */
    password: z.never({ message: 'the SMTP password is read only from the environment variable LOGSCOPE_SMTP_PASSWORD; remove it from the config' }).optional(),
    /** The From address: `alerts@example.com` or `logscope <alerts@example.com>`. */
    from: z.string().min(3).regex(/@/, 'an email address, e.g. "logscope <alerts@example.com>"'),
    /** Seconds to wait for the connection, the greeting, and each reply. */
    timeoutSeconds: z.number().positive().max(3600).default(30),
    /** Back-off of failed sends: the first retry after `firstSeconds`, doubling up to `maxSeconds`. Retries never stop. */
    retry: z
      .object({ firstSeconds: z.number().positive().default(30), maxSeconds: z.number().positive().default(3600) })
      .strict()
      .refine((r) => r.maxSeconds >= r.firstSeconds, { message: 'maxSeconds must be at least firstSeconds', path: ['maxSeconds'] })
      .default({ firstSeconds: 30, maxSeconds: 3600 }),
  })
  .strict();

/** The whole config file. Every key has a CLI flag or env var too (see README). */
export const ConfigSchema = z
  .object({
    /** Data directory (Parquet + catalog.duckdb). */
    data: z.string().min(1).default(DEFAULT_DATA_DIR),
    ingest: IngestConfigSchema.default(IngestConfigSchema.parse({})),
    formats: z.record(z.string().regex(/^[A-Za-z][\w.-]*$/, 'a format name is letters, digits, "_", "-" or "."'), FormatConfigSchema).default({}),
    mining: MiningConfigSchema.default(MiningConfigSchema.parse({})),
    /** Alert rules (src/config/alerts.ts). */
    alerts: AlertsConfigSchema.default({ rules: [] }),
    /** Where alert emails go out; without it alerts are stored in the outbox and not sent. */
    smtp: SmtpConfigSchema.optional(),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type MiningConfig = z.infer<typeof MiningConfigSchema>;
export type MiningSettings = z.infer<typeof MiningSettingsSchema>;
export type { AlertRule, AlertsConfig, AnomalyRule, DigestRule, ErrorRateRule, NewPatternRule, SqlRule } from './alerts.js';
export type SmtpConfig = z.infer<typeof SmtpConfigSchema>;
