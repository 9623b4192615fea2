import { z } from 'zod';
import { parseIsoString, utcZone, type ZoneResolver } from '../parse/index.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const UNIT_WORDS: Record<string, string> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', wk: 'w', week: 'week', weeks: 'w',
};
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i;

/**
 * Seconds in a duration such as `5m`, `1h`, `30d`, `90 seconds`, `2 weeks`; undefined when
 * `text` is not one.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const unit = UNIT_WORDS[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const seconds = Number(m[1]) * UNIT_SECONDS[unit === 'week' ? 'w' : unit];
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** A bucket width (`1m`, `5m`, `1h`, `1d`, `30 seconds`) as a DuckDB interval literal: `'300 seconds'`. */
export const bucketParam = z.string().transform((text, ctx) => {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined || !Number.isInteger(seconds)) {
    ctx.addIssue({ code: 'custom', message: `bucket must be a width such as 1m, 5m, 1h or 1d, got "${text}"` });
    return z.NEVER;
  }
  return `${seconds} seconds`;
});

/** A season for seasonal baselines: `1d` (time of day) or `7d`/`1w` (hour of the week), any whole number of seconds. */
export const seasonParam = bucketParam;

/** What a time given by a person is read against. */
export interface TimeContext {
  /** The instant (ms) that `now` means and times ago count back from: the clock, or the newest record (`--from-last`). */
  now: () => number;
  /** The zone of zone-less times: the ingest zone on the command line, UTC in the library. */
  zone: ZoneResolver;
}

/** The library's reading: times ago count back from the clock, zone-less times are UTC. */
export const UTC_TIMES: TimeContext = { now: () => Date.now(), zone: utcZone };

const ZONELESS_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$/;

/**
 * A time as ms since the epoch: ISO 8601 (`2026-11-25T10:00:00Z`, `2026-11-25`; zone-less in
 * `context.zone`), `now`, or a time ago (`-2h`, `2h`, `30d`, counted back from `context.now()`).
 * Undefined when `text` is none of these.
 */
export function readTime(text: string, context: TimeContext = UTC_TIMES): number | undefined {
  const t = text.trim();
  if (t === 'now') return context.now();
  const seconds = parseDurationSeconds(t.startsWith('-') ? t.slice(1) : t);
  if (seconds !== undefined) return context.now() - seconds * 1000;
  const zoneless = ZONELESS_TIME.exec(t);
  if (zoneless !== null) {
    const us = parseIsoString(`${zoneless[1]}T${zoneless[2] ?? '00:00'}${zoneless[3] ?? ':00'}`, context.zone);
    return Number.isNaN(us) ? undefined : Math.floor(us / 1000);
  }
  const ms = /^\d{4}-\d{2}-\d{2}[T ]/.test(t) ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * A point in time (see readTime), normalised to an ISO string in UTC. `context` defaults to
 * UTC_TIMES; the CLI reads times with its own (the ingest zone, maybe `--from-last`) first.
 */
export function timeParam(context: TimeContext = UTC_TIMES) {
  const schema = z.union([z.string(), z.date()]).transform((value, ctx) => {
    if (value instanceof Date) return value.toISOString();
    const ms = readTime(value, context);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected an ISO time (2026-11-25T10:00:00Z), "now", or a time ago such as -2h or 30d; got "${value.trim()}"` });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });
  TIME_SCHEMAS.add(schema);
  return schema;
}

const TIME_SCHEMAS = new WeakSet<z.ZodType>();

/** Whether a parameter schema (maybe nullable, with a default) takes a time: see timeParam. */
export function isTimeParam(schema: z.ZodType): boolean {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodNullable || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return TIME_SCHEMAS.has(inner);
}

/** What a series is split by: nothing (one series), a record column, or an attrs key. */
export const byParam = z
  .string()
  .regex(/^[A-Za-z_][\w.-]{0,127}$|^$/, 'by must be service, host, level, an attrs key (letters, digits, _ . -) or empty')
  .default('');

/** Accepts `true/false/1/0/yes/no` from the command line as well as booleans. */
export const booleanParam = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);

/** A whole number within bounds, from a number or its text. */
export function integerParam(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** A finite number, from a number or its text. */
export const numberParam = z.coerce.number().refine(Number.isFinite, 'must be a finite number');
