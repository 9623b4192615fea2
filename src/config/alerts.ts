import { Cron } from 'croner';
import { z } from 'zod';
import { parseDurationSeconds } from '../query/params.js';

/**
 * The `alerts` key of the config file: the alert rules (issue 14). Each rule names a kind, a
 * cron schedule, recipients, a severity floor and a cool-down, plus the options of its kind.
 * Errors name the rule: `config: alerts.rules[2] "api-errors": schedule: not a cron expression ...`
 * (see `describeIssue` in `./index.ts`).
 */

/** A duration such as `30s`, `15m`, `1h`, `1d`, kept as written (read with parseDurationSeconds). */
const duration = (what: string) =>
  z.string().refine((text) => parseDurationSeconds(text) !== undefined && Number.isInteger(parseDurationSeconds(text)), {
    message: `${what} must be a duration such as 30s, 15m, 1h or 1d`,
  });

/** A cron expression (5 fields, 6 with seconds, or @hourly/@daily/...), checked by croner. */
const cronSchedule = z.string().superRefine((text, ctx) => {
  try {
    new Cron(text, { paused: true, timezone: 'UTC' });
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern: /, '');
    ctx.addIssue({ code: 'custom', message: `not a cron expression ${JSON.stringify(text)} (${why}); e.g. "*/5 * * * *" for every 5 minutes, "0 8 * * *" for 08:00 daily` });
  }
});

const timezone = z
  .string()
  .min(1)
  .refine(
    (name) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: name });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a time zone: use UTC or an IANA name such as Europe/Paris' },
  );

const LEVEL_NAMES = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;
const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** What every rule has. */
const ruleBase = {
  /** Unique; letters, digits, `_`, `-`, `.`. Names the rule in keys, subjects and `--rule`. */
  name: z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'a rule name is 1-64 letters, digits, "_", "-" or "." starting with a letter or digit'),
  /** When the rule is evaluated: a cron expression, e.g. `0 8 * * *` (08:00 daily). */
  schedule: cronSchedule,
  /** The zone the schedule is read in (`0 8 * * *` = 08:00 there). */
  timezone: timezone.default('UTC'),
  /** Who gets the email. */
  recipients: z.array(z.email('not an email address')).min(1, 'at least one recipient'),
  /** After an email, further firings of the rule wait this long and go out grouped in the next one. */
  cooldown: duration('cooldown').default('15m'),
  /** false: the rule is kept but never evaluated. */
  enabled: z.boolean().default(true),
};
/** Firings below this severity are not sent. */
const minSeverity = z.enum(SEVERITIES).default('warning');

const bucket = duration('bucket');
const by = z.string().regex(/^[A-Za-z_][\w.-]{0,127}$|^$/, 'by must be service, host, level, an attrs key (letters, digits, _ . -) or empty');

/** `anomaly`: the detector of `logscope anomalies`, one firing per anomaly event. */
const AnomalyRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('anomaly'),
    minSeverity,
    bucket: bucket.default('1m'),
    by: by.default(''),
    baseline: z.enum(['auto', 'trailing', 'seasonal']).default('auto'),
    threshold: z.number().positive().default(3),
    window: z.number().int().min(2).max(100_000).default(60),
    metric: z.string().min(1).optional(),
    direction: z.enum(['up', 'down', 'both']).default('both'),
    minCount: z.number().nonnegative().default(5),
    /** Value metrics: changes smaller than this share of the expected value are not flagged (0 = any). */
    minChange: z.number().nonnegative().default(0.1),
    /** Events still flagged within this much time before the evaluation fire. */
    lookback: duration('lookback').default('15m'),
    /** Contributors per dimension in the explanation. */
    top: z.number().int().min(1).max(100).default(5),
  })
  .strict();

/** `error_rate`: errors / lines over the last `window`, above `above`, optionally per service or host. */
const ErrorRateRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('error_rate'),
    minSeverity,
    window: duration('window').default('15m'),
    /** The share of ERROR/FATAL lines (0-1) over which the rule fires: 0.05 = 5%. */
    above: z.number().gt(0).max(1),
    by: z.enum(['', 'service', 'host']).default(''),
    /** Windows with fewer lines than this are not judged (2 errors in 3 lines is no outage). */
    minCount: z.number().int().min(1).default(20),
  })
  .strict();

/** `new_pattern`: log templates first seen in the last `window`. */
const NewPatternRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('new_pattern'),
    minSeverity: z.enum(SEVERITIES).default('info'),
    window: duration('window').default('1h'),
    /** Only templates with lines at this level or above (e.g. `WARN`). */
    minLevel: z.enum(LEVEL_NAMES).optional(),
  })
  .strict();

/** `sql`: a read-only query; fires when it returns rows. */
const SqlRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('sql'),
    minSeverity,
    /** The SQL text; `$since`, `$until` (the window) and `$now` may be used, bound as TIMESTAMPs. */
    query: z.string().min(1).optional(),
    /** A .sql file (path, or the name of a query of logscope's `sql/` folder) instead of `query`. */
    file: z.string().min(1).optional(),
    /** Parameters of a named query of `sql/`. */
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    window: duration('window').default('15m'),
    /** The severity of a firing, unless the rows have a `severity` column. */
    severity: z.enum(SEVERITIES).default('warning'),
  })
  .strict()
  .refine((r) => (r.query === undefined) !== (r.file === undefined), { message: 'an sql rule has either "query" or "file" (one of them)', path: ['query'] });

/** `digest`: a scheduled report of the period; always sent ("all quiet" when nothing happened). */
const DigestRuleSchema = z
  .object({
    ...ruleBase,
    kind: z.literal('digest'),
    /** The period reported, ending at the scheduled time. */
    period: duration('period').default('1d'),
    /** Series of the anomalies and trends. */
    by: by.default('service'),
    /** Rows per table. */
    top: z.number().int().min(1).max(100).default(10),
    bucket: bucket.default('5m'),
  })
  .strict();

export const AlertRuleSchema = z.discriminatedUnion('kind', [AnomalyRuleSchema, ErrorRateRuleSchema, NewPatternRuleSchema, SqlRuleSchema, DigestRuleSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'kind must be anomaly, error_rate, new_pattern, sql or digest' : undefined),
});

/** The `alerts` key. */
export const AlertsConfigSchema = z
  .object({
    rules: z.array(AlertRuleSchema).default([]).superRefine((rules, ctx) => {
      const seen = new Map<string, number>();
      rules.forEach((rule, i) => {
        const first = seen.get(rule.name);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `the name is taken by alerts.rules[${first}]; rule names are unique` });
        else seen.set(rule.name, i);
      });
    }),
  })
  .strict();

export type AlertRule = z.infer<typeof AlertRuleSchema>;
export type AnomalyRule = z.infer<typeof AnomalyRuleSchema>;
export type ErrorRateRule = z.infer<typeof ErrorRateRuleSchema>;
export type NewPatternRule = z.infer<typeof NewPatternRuleSchema>;
export type SqlRule = z.infer<typeof SqlRuleSchema>;
export type DigestRule = z.infer<typeof DigestRuleSchema>;
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
