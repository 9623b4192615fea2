/**
 * The timestamp of Apache/nginx access logs (Common Log Format, `%t` / `$time_local`):
 * `10/Oct/2000:13:55:36 -0700`. Results are µs since the Unix epoch, UTC, or NaN.
 * Byte-level like `timestamp.ts`: it runs once per access-log line.
 */
import { daysFromCivil, readFraction, utcZone, type ParsedAt, type ZoneResolver } from './timestamp.js';

/** Three lowercased month letters packed in an integer → month 1-12. */
const MONTH_KEYS = new Map<number, number>();
['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].forEach((name, k) => {
  MONTH_KEYS.set((name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), k + 1);
});

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function num2(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  return x < 0 || x > 9 || y < 0 || y > 9 ? -1 : x * 10 + y;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * `dd/Mon/yyyy:HH:MM:SS[.ffffff] ±hhmm` at buf[start] (month in any case; the offset may
 * also be written `±hh:mm`). Without an offset the wall clock is resolved with `zone`.
 * Returns µs or NaN; sets `at.end` to the byte after the timestamp.
 *
 * @example parseClfBytes(Buffer.from('10/Oct/2000:13:55:36 -0700'), 0, 26, utcZone, at) // 971211336000000
 */
export function parseClfBytes(buf: Uint8Array, start: number, end: number, zone: ZoneResolver, at: ParsedAt): number {
  if (end - start < 20) return NaN;
  const b = buf;
  const s = start;
  if (b[s + 2] !== 47 || b[s + 6] !== 47 || b[s + 11] !== 58 || b[s + 14] !== 58 || b[s + 17] !== 58) return NaN;
  const mo = MONTH_KEYS.get(((b[s + 3] | 32) << 16) | ((b[s + 4] | 32) << 8) | (b[s + 5] | 32)) ?? 0;
  const d = num2(b, s);
  const y1 = num2(b, s + 7);
  const y2 = num2(b, s + 9);
  const h = num2(b, s + 12);
  const mi = num2(b, s + 15);
  const se = num2(b, s + 18);
  if (mo === 0 || y1 < 0 || y2 < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  const y = y1 * 100 + y2;
  if (d < 1 || d > DAYS_IN_MONTH[mo] || (mo === 2 && d === 29 && !isLeap(y))) return NaN;
  let i = s + 20;
  let frac = 0;
  if (i < end && b[i] === 46) {
    frac = readFraction(b, i + 1, end, at);
    if (Number.isNaN(frac)) return NaN;
    i = at.end;
  }
  const wall = (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1_000_000 + frac;
  if (i + 4 <= end && b[i] === 32 && (b[i + 1] === 43 || b[i + 1] === 45)) {
    const sign = b[i + 1] === 43 ? 1 : -1;
    const oh = num2(b, i + 2);
    let j = i + 4;
    if (j < end && b[j] === 58) j++;
    const om = j + 2 <= end ? num2(b, j) : -1;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    at.end = j + 2;
    return wall - sign * (oh * 3600 + om * 60) * 1_000_000;
  }
  at.end = i;
  return zone(wall);
}

/** The whole of `text` as a CLF timestamp (`10/Oct/2000:13:55:36 -0700`), µs or NaN. */
export function parseClfString(text: string, zone: ZoneResolver = utcZone): number {
  const buf = Buffer.from(text.trim(), 'latin1');
  const at: ParsedAt = { end: 0 };
  const us = parseClfBytes(buf, 0, buf.length, zone, at);
  return at.end === buf.length ? us : NaN;
}
