import { ConfigError } from '../errors.js';

/**
 * Timestamp parsing on raw bytes and strings. Every result is microseconds
 * since the Unix epoch, UTC, or NaN when the text is not a timestamp.
 * Hand-written because this runs once per line on the hot path.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
function civilToDays(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The last date `daysFromCivil` converted: consecutive lines nearly always share their date. */
let lastYear = -1;
let lastMonth = -1;
let lastDay = -1;
let lastDays = 0;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12); remembers the last date asked for. */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (d !== lastDay || m !== lastMonth || y !== lastYear) {
    lastDays = civilToDays(y, m, d);
    lastYear = y;
    lastMonth = m;
    lastDay = d;
  }
  return lastDays;
}

/** The value of a digit byte, or -1. */
function digit(b: number): number {
  const v = b - 48;
  return v >= 0 && v <= 9 ? v : -1;
}

/** Two digits as a number, or -1 when either byte is not a digit. */
function num2(buf: Uint8Array, i: number): number {
  const a = digit(buf[i]);
  const b = digit(buf[i + 1]);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** Converts a wall-clock time in a zone to UTC microseconds. */
export type ZoneResolver = (wallMicros: number) => number;

/** UTC: wall clock is already UTC. */
export const utcZone: ZoneResolver = (wall) => wall;

/**
 * The machine's local zone (what `TZ` says), through the Date object.
 * The offset is cached per wall-clock hour since it only changes at DST edges.
 */
export function createLocalZone(): ZoneResolver {
  let cachedHour = NaN;
  let cachedOffset = 0;
  return (wall) => {
    const hour = Math.floor(wall / 3_600_000_000);
    if (hour !== cachedHour) {
      const ms = Math.floor(wall / 1000);
      const d = new Date(ms);
      // The same wall clock, read as local time.
      const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
      cachedOffset = (local.getTime() - Math.floor(ms / 1000) * 1000) * 1000;
      cachedHour = hour;
    }
    return wall + cachedOffset;
  };
}

/** Result slot for byte parsers: where the timestamp text ended. */
export interface ParsedAt {
  end: number;
}

/**
 * Fraction-of-second digits at buf[i] (just after the '.' or ','), as µs (digits past the
 * sixth dropped). Sets at.end after the digits; NaN when there is no digit.
 */
export function readFraction(b: Uint8Array, i: number, end: number, at: ParsedAt): number {
  const start = i;
  let frac = 0;
  let fd = 0;
  while (i < end && b[i] >= 48 && b[i] <= 57) {
    if (fd < 6) {
      frac = frac * 10 + (b[i] - 48);
      fd++;
    }
    i++;
  }
  if (i === start) return NaN;
  while (fd < 6) {
    frac *= 10;
    fd++;
  }
  at.end = i;
  return frac;
}

/**
 * ISO 8601 / RFC 3339 at buf[start]: `2026-11-25T10:00:00.123Z`, `2026-11-25 10:00:00,123+01:00`,
 * `2026-11-25T10:00:00` (zone-less: resolved with `zone`). Returns µs or NaN; sets at.end.
 */
export function parseIsoBytes(buf: Uint8Array, start: number, end: number, zone: ZoneResolver, at: ParsedAt): number {
  if (end - start < 19) return NaN;
  const b = buf;
  const s = start;
  if (b[s + 4] !== 45 || b[s + 7] !== 45 || (b[s + 10] !== 84 && b[s + 10] !== 32) || b[s + 13] !== 58 || b[s + 16] !== 58) return NaN;
  const y1 = num2(b, s);
  const y2 = num2(b, s + 2);
  const y = y1 < 0 || y2 < 0 ? -1 : y1 * 100 + y2;
  const mo = num2(b, s + 5);
  const d = num2(b, s + 8);
  const h = num2(b, s + 11);
  const mi = num2(b, s + 14);
  const se = num2(b, s + 17);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  let i = s + 19;
  let frac = 0;
  if (i < end && (b[i] === 46 || b[i] === 44)) {
    frac = readFraction(b, i + 1, end, at);
    if (Number.isNaN(frac)) return NaN;
    i = at.end;
  }
  const wall = ((daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1_000_000) + frac;
  if (i < end && (b[i] === 90 || b[i] === 122)) {
    at.end = i + 1;
    return wall;
  }
  if (i < end && (b[i] === 43 || b[i] === 45) && i + 3 <= end) {
    const sign = b[i] === 43 ? 1 : -1;
    const oh = num2(b, i + 1);
    let om = 0;
    let j = i + 3;
    if (j < end && b[j] === 58) j++;
    if (j + 2 <= end && digit(b[j]) >= 0 && digit(b[j + 1]) >= 0) {
      om = num2(b, j);
      j += 2;
    }
    if (oh < 0 || oh > 23) return NaN;
    at.end = j;
    return wall - sign * (oh * 3600 + om * 60) * 1_000_000;
  }
  at.end = i;
  return zone(wall);
}

/** ISO 8601 from a string (JSON values, regex groups). */
export function parseIsoString(text: string, zone: ZoneResolver): number {
  const buf = Buffer.from(text, 'latin1');
  const at = { end: 0 };
  const us = parseIsoBytes(buf, 0, buf.length, zone, at);
  return at.end === buf.length ? us : NaN;
}

/**
 * RFC 3164 `Nov  5 03:04:05` (no year). The year is inferred: the reference
 * time's year, or the year before when that would put the line more than a day
 * after the reference (a December line in a file last written in January).
 */
export function parseRfc3164Bytes(buf: Uint8Array, start: number, end: number, referenceMicros: number, zone: ZoneResolver, at: ParsedAt): number {
  if (end - start < 15) return NaN;
  const b = buf;
  const s = start;
  if (b[s + 3] !== 32 || b[s + 6] !== 32 || b[s + 9] !== 58 || b[s + 12] !== 58) return NaN;
  const m0 = (b[s] | 32);
  const m1 = (b[s + 1] | 32);
  const m2 = (b[s + 2] | 32);
  let mo = 0;
  for (let k = 0; k < 12; k++) {
    const name = MONTHS[k];
    if (name.charCodeAt(0) === m0 && name.charCodeAt(1) === m1 && name.charCodeAt(2) === m2) {
      mo = k + 1;
      break;
    }
  }
  if (mo === 0) return NaN;
  const d = b[s + 4] === 32 ? digit(b[s + 5]) : num2(b, s + 4);
  const h = num2(b, s + 7);
  const mi = num2(b, s + 10);
  const se = num2(b, s + 13);
  if (d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  let i = s + 15;
  let frac = 0;
  if (i < end && b[i] === 46) {
    // A '.' with no digit after it ends the timestamp there, as before.
    const f = readFraction(b, i + 1, end, at);
    if (!Number.isNaN(f)) {
      frac = f;
      i = at.end;
    } else {
      i++;
    }
  }
  at.end = i;
  return inferYear(mo, d, (h * 3600 + mi * 60 + se) * 1_000_000 + frac, referenceMicros, zone);
}

/**
 * The year for a date written without one (`Dec 19`, klog's `1219`), as syslog infers it:
 * the reference time's year, or the year before when that puts the date more than a day
 * after the reference. Returns µs since the epoch of the wall-clock time in `zone`.
 */
export function inferYear(month: number, day: number, tod: number, referenceMicros: number, zone: ZoneResolver): number {
  const refYear = new Date(Math.floor(referenceMicros / 1000)).getUTCFullYear();
  let us = zone(daysFromCivil(refYear, month, day) * 86_400_000_000 + tod);
  if (us > referenceMicros + 86_400_000_000) us = zone(daysFromCivil(refYear - 1, month, day) * 86_400_000_000 + tod);
  return us;
}

/**
 * Epoch numbers: seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude
 * (any of them lands between 1973 and 2286 only in its own unit).
 */
export function epochToMicros(value: number): number {
  if (!Number.isFinite(value)) return NaN;
  const abs = Math.abs(value);
  if (abs < 1e11) return Math.round(value * 1e6);
  if (abs < 1e14) return Math.round(value * 1e3);
  if (abs < 1e17) return Math.round(value);
  return Math.round(value / 1e3);
}

/** Any timestamp text we know in this issue: ISO 8601, epoch numbers, RFC 3164 (year inferred). */
export function parseTimestampString(text: string, zone: ZoneResolver, referenceMicros: number): number {
  const t = text.trim();
  if (t.length === 0) return NaN;
  if (/^-?\d+(\.\d+)?$/.test(t)) return epochToMicros(Number(t));
  const iso = parseIsoString(t, zone);
  if (!Number.isNaN(iso)) return iso;
  const buf = Buffer.from(t, 'latin1');
  const at = { end: 0 };
  const us = parseRfc3164Bytes(buf, 0, buf.length, referenceMicros, zone, at);
  return at.end === buf.length ? us : NaN;
}

/** `YYYY-MM-DD` (UTC) of a µs timestamp; the partition key. */
export function dayOf(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 10);
}

/**
 * A zone by name: `UTC`, `local` (the machine's, from `TZ`), or an IANA name such as
 * `Europe/Paris` or `America/Los_Angeles`. Throws ConfigError for an unknown name.
 * Offsets of IANA zones come from Intl and are cached per wall-clock hour.
 */
export function createZone(name: string): ZoneResolver {
  if (name.toUpperCase() === 'UTC') return utcZone;
  if (name === 'local') return createLocalZone();
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new ConfigError(`unknown time zone "${name}": use local, UTC or an IANA name such as Europe/Paris`);
  }
  /** Zone offset (µs, local minus UTC) at a UTC instant given in ms. */
  const offsetAt = (utcMs: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return (asUtc - Math.floor(utcMs / 1000) * 1000) * 1000;
  };
  const cache = new Map<number, number>();
  return (wall) => {
    const hour = Math.floor(wall / 3_600_000_000);
    let offset = cache.get(hour);
    if (offset === undefined) {
      // The offset at the wall time read as UTC, then again at the instant it gives
      // (the two differ only near a DST change).
      const first = offsetAt(wall / 1000);
      offset = offsetAt((wall - first) / 1000);
      if (cache.size > 10_000) cache.clear();
      cache.set(hour, offset);
    }
    return wall - offset;
  };
}

/** Whether a zone name is usable (see createZone). */
export function describeZone(name: string): string {
  if (name.toUpperCase() === 'UTC') return 'UTC';
  if (name === 'local') return `local (${Intl.DateTimeFormat().resolvedOptions().timeZone})`;
  return name;
}
