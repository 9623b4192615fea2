import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { z } from 'zod';
import { QueryError, UsageError } from '../errors.js';
import { booleanParam, bucketParam, byParam, integerParam, isTimeParam, numberParam, readTime, seasonParam, timeParam, type TimeContext } from './params.js';
import { findSqlDir, QUERY_FILES, type QueryName } from './names.js';
import { prepareReadOnly } from './run.js';

const optionalTime = () => timeParam().nullable().default(null);

/**
 * The queries kept in `sql/`, each with the zod schema of its named parameters. Every
 * parameter reaches DuckDB bound, never spliced. A few queries also have slots: marked
 * regions (`/*name{*\/ … /*}name*\/`) that logscope's own code may replace with SQL it
 * generated and checked (see `detect/metric.ts`); user text never fills a slot unchecked.
 * The `source` slot names the relation read: `logs` as written, `log_records` (`RECORDS_SOURCE`)
 * where nothing needs `template_id`, which saves the view's join.
 */
/** The `source` slot of a query that needs no `template_id`: the view without the signatures join. */
export const RECORDS_SOURCE = { source: 'log_records' } as const;

export const QUERIES = {
  'top-errors': {
    params: z.object({ since: optionalTime(), until: optionalTime(), limit: integerParam(1, 10_000_000).default(20) }).strict(),
    slots: [],
  },
  'top-error-patterns': {
    params: z.object({ since: optionalTime(), until: optionalTime(), limit: integerParam(1, 10_000_000).default(20) }).strict(),
    slots: [],
  },
  trends: {
    params: z
      .object({
        bucket: bucketParam.default('1h'),
        since: optionalTime(),
        until: optionalTime(),
        by: byParam,
      })
      .strict(),
    slots: ['source', 'weight'],
  },
  zscore: {
    params: z
      .object({
        bucket: bucketParam.default('1m'),
        since: optionalTime(),
        until: optionalTime(),
        by: byParam,
        window: integerParam(2, 100_000).default(60),
        baseline: z.enum(['auto', 'trailing', 'seasonal']).default('auto'),
        season: seasonParam.default('1d'),
        seasons: integerParam(1, 1000).default(7),
        spread: integerParam(0, 1000).default(5),
        confirm: numberParam.pipe(z.number().nonnegative()).default(1),
        weekly: booleanParam.default(true),
        threshold: numberParam.pipe(z.number().positive()).default(3),
        min_count: numberParam.pipe(z.number().nonnegative()).default(5),
        min_change: numberParam.pipe(z.number().nonnegative()).default(0.1),
        robust: booleanParam.default(true),
        day_floor: booleanParam.default(true),
        day_max: booleanParam.default(true),
        flagged_only: booleanParam.default(false),
      })
      .strict(),
    slots: ['source', 'fields', 'measures', 'seasonal_windows', 'near_windows', 'trail_windows', 'residual_windows', 'step', 'tail_quantile', 'tail_today', 'spread_ahead', 'day_spread'],
  },
  patterns: {
    params: z
      .object({
        since: optionalTime(),
        new_since: optionalTime(),
        level: z.enum(['', 'TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL']).default(''),
        sort: z.enum(['count', 'first_seen', 'last_seen']).default('count'),
        limit: integerParam(1, 10_000_000).default(50),
      })
      .strict(),
    slots: [],
  },
  template_trends: {
    params: z
      .object({
        bucket: bucketParam.default('1h'),
        since: optionalTime(),
        until: optionalTime(),
        template: z.coerce.number().int().nonnegative().nullable().default(null),
        top: integerParam(1, 10_000).default(10),
      })
      .strict(),
    slots: [],
  },
  log_lines: {
    params: z
      .object({
        since: timeParam(),
        until: timeParam(),
        levels: z.string().regex(/^[A-Z,]*$/, 'comma-separated level names, e.g. ERROR,FATAL').default(''),
        service: z.string().default(''),
        host: z.string().default(''),
        template: z.coerce.number().int().nullable().default(null),
        contains: z.string().default(''),
        regex: z.string().default(''),
        attr_key: z.string().default(''),
        attr_value: z.string().default(''),
        after_us: z.coerce.number().int().nullable().default(null),
        after_source: z.string().default(''),
        after_line: z.coerce.number().int().default(0),
        limit: integerParam(1, 10_000).default(50),
      })
      .strict(),
    slots: [],
  },
  log_context: {
    params: z.object({ source: z.string().min(1), line: z.coerce.number().int().positive(), around: integerParam(0, 1000).default(10) }).strict(),
    slots: [],
  },
  ingest_sources: {
    params: z.object({}).strict(),
    slots: [],
  },
  ingest_batches: {
    params: z.object({ limit: integerParam(1, 10_000).default(20) }).strict(),
    slots: [],
  },
  top_series: {
    params: z
      .object({
        since: optionalTime(),
        until: optionalTime(),
        by: byParam,
        top: integerParam(1, 10_000).default(10),
      })
      .strict(),
    slots: ['source', 'weight'],
  },
  store_summary: {
    params: z.object({}).strict(),
    slots: [],
  },
  explain: {
    params: z
      .object({
        start: timeParam(),
        end: timeParam(),
        baseline_start: timeParam(),
        by: byParam,
        series: z.string().default('*'),
        top: integerParam(1, 1000).default(5),
      })
      .strict(),
    slots: ['fields', 'value', 'counted'],
  },
} as const;

// The same names as QUERY_FILES, both ways.
QUERIES satisfies Record<QueryName, unknown>;
QUERY_FILES satisfies Record<keyof typeof QUERIES, unknown>;
export type QueryParams<N extends QueryName> = z.input<(typeof QUERIES)[N]['params']>;

/** The text of a registered query, with its slots filled where `slots` gives them. */
export function querySql(name: QueryName, slots: Readonly<Record<string, string>> = {}): string {
  const def = QUERIES[name];
  const file = QUERY_FILES[name];
  let sql = fs.readFileSync(path.join(findSqlDir(), file), 'utf8');
  for (const [slot, text] of Object.entries(slots)) {
    if (!(def.slots as readonly string[]).includes(slot)) throw new Error(`query ${name} has no slot "${slot}"`);
    const open = `/*${slot}{*/`;
    const close = `/*}${slot}*/`;
    const from = sql.indexOf(open);
    const to = sql.indexOf(close);
    if (from < 0 || to < from) throw new Error(`sql/${file} lacks the markers of slot "${slot}"`);
    sql = sql.slice(0, from) + text + sql.slice(to + close.length);
  }
  return sql;
}

/**
 * Validates `params` against the query's schema (defaults filled, CLI text coerced), or
 * throws a UsageError naming each bad parameter.
 */
export function parseQueryParams<N extends QueryName>(name: N, params: unknown): z.output<(typeof QUERIES)[N]['params']> {
  const result = QUERIES[name].params.safeParse(params ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(parameters)';
      return issue.code === 'unrecognized_keys'
        ? `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: ${Object.keys(QUERIES[name].params.shape).join(', ') || 'none'})`
        : `${key}: ${issue.message}`;
    });
    throw new UsageError(`query ${name}: ${problems.join('; ')}`);
  }
  return result.data as z.output<(typeof QUERIES)[N]['params']>;
}

/**
 * The time parameters of `params` read with `context` (the zone of zone-less times, the instant
 * times ago count back from) and given as ISO UTC; other values, and text that is no time (the
 * schema then says what is wrong), unchanged.
 *
 * @example
 * readTimeParams('trends', { since: '2026-11-25T10:00' }, { now: Date.now, zone: createZone('Europe/Paris') })
 * // { since: '2026-11-25T09:00:00.000Z' }
 */
export function readTimeParams(name: QueryName, params: Readonly<Record<string, unknown>>, context: TimeContext): Record<string, unknown> {
  const shape = QUERIES[name].params.shape as Record<string, z.ZodType>;
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (typeof value !== 'string' || !Object.hasOwn(shape, key) || !isTimeParam(shape[key])) return [key, value];
      const ms = readTime(value, context);
      return [key, ms === undefined ? value : new Date(ms).toISOString()];
    }),
  );
}

/**
 * Prepares a registered query on a read-only connection and binds its parameters by name.
 * The caller runs it (`stream()` or `runAndReadAll()`).
 *
 * @example
 * const stmt = await prepareQuery(reader.connection, 'trends', { bucket: '5m', by: 'service' });
 * const rows = (await stmt.runAndReadAll()).getRowObjectsJson();
 */
export async function prepareQuery<N extends QueryName>(
  conn: DuckDBConnection,
  name: N,
  params: unknown,
  slots: Readonly<Record<string, string>> = {},
): Promise<DuckDBPreparedStatement> {
  const values = parseQueryParams(name, params) as Record<string, string | number | boolean | null>;
  const statements = await prepareReadOnly(conn, querySql(name, slots));
  if (statements.length !== 1) throw new QueryError(`sql/${QUERY_FILES[name]} must hold exactly one statement, has ${statements.length}`);
  const [prepared] = statements;
  const wanted = new Set<string>();
  for (let i = 1; i <= prepared.parameterCount; i++) wanted.add(prepared.parameterName(i));
  // Every parameter the statement names must be in the schema. The reverse may not hold when a
  // slot was filled: the replaced text may have used parameters the new text does not.
  const missing = [...wanted].filter((p) => !Object.hasOwn(values, p));
  if (missing.length > 0) throw new QueryError(`sql/${QUERY_FILES[name]} and its schema disagree: unbound ${missing.join(', ')}`);
  const bound = Object.fromEntries(Object.entries(values).filter(([k]) => wanted.has(k)));
  try {
    prepared.bind(bound);
  } catch (err) {
    throw new QueryError(`query ${name}: ${(err as Error).message}`, { cause: err });
  }
  return prepared;
}
