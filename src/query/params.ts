import { z } from 'zod';

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

/**
 * A point in time: ISO 8601 (`2026-11-25T10:00:00Z`, `2026-11-25`), `now`, or relative to
 * now: `-2h`, `2h` and `30d` all mean that long ago. Normalised to an ISO string in UTC.
 */
export function timeParam(now: () => number = Date.now) {
  return z.union([z.string(), z.date()]).transform((value, ctx) => {
    if (value instanceof Date) return value.toISOString();
    const text = value.trim();
    if (text === 'now') return new Date(now()).toISOString();
    const relative = text.startsWith('-') ? text.slice(1) : text;
    const seconds = parseDurationSeconds(relative);
    if (seconds !== undefined) return new Date(now() - seconds * 1000).toISOString();
    // A bare date or a zone-less time is UTC, as everything stored is.
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
    const ms = Date.parse(iso);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `expected an ISO time (2026-11-25T10:00:00Z), "now", or a time ago such as -2h or 30d; got "${text}"` });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });
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
