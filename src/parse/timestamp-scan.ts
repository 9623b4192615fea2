import type { ParseContext } from './format.js';
import { readMonthName, two } from './line-scan.js';
import { createZone, daysFromCivil, readFraction, type ParsedAt, type ZoneResolver } from './timestamp.js';
import { zoneOffsetMinutes } from './zone-abbrev.js';

/**
 * A timestamp in any of the common layouts at a given byte, read without making strings:
 * what the generic format (and the template hint of detection) uses. Each layout has an id;
 * TIME_LAYOUTS describes them.
 */

/** The layouts scanTimestamp reads, by id: an example and the Loghub headers that hold it. */
export const TIME_LAYOUTS = [
  { example: '2026-11-25T10:00:00.123Z', headers: '<Timestamp>' },
  { example: '2026-11-25 10:00:00,123', headers: '<Date> <Time>' },
  { example: '2026/11/25 10:00:00', headers: '<Date> <Time>' },
  { example: '25-Nov-2026 10:00:00.123', headers: '<Date> <Time>' },
  { example: '25/Nov/2026:10:00:00 +0000', headers: '<Timestamp>' },
  { example: '25 Nov 2026 10:00:00.123', headers: '<Day> <Month> <Year> <Time>' },
  { example: 'Nov 25 10:00:00', headers: '<Month> <Day> <Time>' },
  { example: 'Nov 25 2026 10:00:00', headers: '<Month> <Day> <Year> <Time>' },
  { example: 'Wed Nov 25 10:00:00 2026', headers: '<Weekday> <Month> <Day> <Time> <Year>' },
  { example: 'I1125 10:00:00.123456', headers: '<Date> <Time>' },
  { example: '1764064800.123', headers: '<Timestamp>' },
  { example: '1764064800123', headers: '<Timestamp>' },
  { example: '10:00:00.123', headers: '<Time>' },
  { example: '261125 10:00:00', headers: '<Date> <Time>' },
  { example: '25.11.2026 10:00:00', headers: '<Date> <Time>' },
] as const;

export const LAYOUT_ISO_T = 0;
export const LAYOUT_ISO_SPACE = 1;
export const LAYOUT_KLOG = 9;
export const LAYOUT_TIME_ONLY = 12;

/**
 * Zone abbreviations the generic reader does not take from zone-abbrev.ts's table: CST is US
 * Central there (PostgreSQL's servers), but after a time in an unknown log it may as well be
 * China's, so it is read in the --timezone zone, as IST and the others not in that table are.
 */
const AMBIGUOUS_ZONES = new Set(['CST']);

/** Result slot of scanTimestamp; reused between calls. */
export interface ScannedTime {
  us: number;
  /** Just past the timestamp (and its zone). */
  end: number;
  /** Index into TIME_LAYOUTS. */
  layout: number;
  /** klog only: the severity letter before the date (I, W, E, F). */
  klogLevel: number;
}

const DAY_US = 86_400_000_000;
/** Epoch seconds accepted: 2000-01-01 to 2100-01-01, so that a 10-digit id is not read as a time. */
const EPOCH_MIN_S = 946_684_800;
const EPOCH_MAX_S = 4_102_444_800;

function dig(b: number): number {
  const v = b - 48;
  return v >= 0 && v <= 9 ? v : -1;
}

function four(buf: Uint8Array, i: number): number {
  const a = two(buf, i);
  const b = two(buf, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

const WEEKDAY_KEYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)));

function key3(buf: Uint8Array, i: number): number {
  return ((buf[i] | 32) << 16) | ((buf[i + 1] | 32) << 8) | (buf[i + 2] | 32);
}

/** Month 1-12 of a three-letter English name at buf[i] (any case), or 0. */
function monthAt(buf: Uint8Array, i: number): number {
  return readMonthName(buf, i, buf.length);
}

function isLetter(b: number): boolean {
  const l = b | 32;
  return l >= 97 && l <= 122;
}

/**
 * Reads a timestamp at buf[start] in any layout of TIME_LAYOUTS into `out`; false when there
 * is none. The timestamp must end at a boundary (not inside a word or number). Zone-less times
 * are wall-clock times in ctx.zone; year-less ones take the year that puts them at most a day
 * after ctx.referenceMicros, as syslog does; time-only ones the latest day that puts them at
 * most an hour after it.
 */
export class TimestampScanner {
  private readonly at: ParsedAt = { end: 0 };
  private readonly zones = new Map<string, ZoneResolver | null>();
  private readonly refYear: number;

  constructor(private readonly ctx: ParseContext) {
    this.refYear = new Date(Math.floor(ctx.referenceMicros / 1000)).getUTCFullYear();
  }

  scan(buf: Buffer, start: number, end: number, out: ScannedTime): boolean {
    if (end - start < 8) return false;
    const c = buf[start];
    out.klogLevel = 0;
    if (c >= 48 && c <= 57) return this.scanDigitLed(buf, start, end, out);
    if (!isLetter(c)) return false;
    // klog: Lmmdd hh:mm:ss.uuuuuu
    if ((c === 73 || c === 87 || c === 69 || c === 70 || c === 68) && buf[start + 5] === 32 && buf[start + 8] === 58) {
      const mo = two(buf, start + 1);
      const d = two(buf, start + 3);
      if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && this.time(buf, start + 6, end)) {
        out.klogLevel = c;
        return this.finish(buf, this.yearless(mo, d, this.tod), LAYOUT_KLOG, end, out, true);
      }
      return false;
    }
    let i = start;
    let weekday = false;
    if (WEEKDAY_KEYS.has(key3(buf, i))) {
      // Wed Nov 25 10:00:00 2026, or Wed, 25 Nov 2026 10:00:00 +0000
      i += 3;
      if (buf[i] === 44) i++;
      if (buf[i] !== 32) return false;
      i++;
      weekday = true;
      if (buf[i] >= 48 && buf[i] <= 57) return this.scanDigitLed(buf, i, end, out);
    }
    const mo = monthAt(buf, i);
    if (mo === 0 || buf[i + 3] !== 32) return false;
    i += 4;
    if (buf[i] === 32) i++;
    const d1 = dig(buf[i]);
    if (d1 < 0) return false;
    let d = d1;
    i++;
    if (dig(buf[i]) >= 0) d = d * 10 + dig(buf[i++]);
    if (d < 1 || d > 31 || buf[i] !== 32) return false;
    i++;
    // Mon DD YYYY hh:mm:ss
    if (buf[i + 4] === 32 && buf[i + 7] === 58) {
      const y = four(buf, i);
      if (y < 1970 || !this.time(buf, i + 5, end)) return false;
      return this.finish(buf, this.wall(y, mo, d, this.tod), 7, end, out, false);
    }
    if (!this.time(buf, i, end)) return false;
    let j = this.at.end;
    if (weekday && buf[j] === 32 && four(buf, j + 1) >= 1970 && dig(buf[j + 5]) < 0) {
      const y = four(buf, j + 1);
      this.at.end = j + 5;
      return this.finish(buf, this.wall(y, mo, d, this.tod), 8, end, out, false);
    }
    if (weekday) return false;
    j = this.at.end;
    return this.finish(buf, this.yearless(mo, d, this.tod), 6, end, out, true);
  }

  /** µs into the day of the last `time` call. */
  private tod = 0;

  /** hh:mm:ss with an optional `.`/`,` fraction at buf[i]; sets this.tod and this.at.end. */
  private time(buf: Uint8Array, i: number, end: number): boolean {
    if (i + 8 > end || buf[i + 2] !== 58 || buf[i + 5] !== 58) return false;
    const h = two(buf, i);
    const mi = two(buf, i + 3);
    const se = two(buf, i + 6);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return false;
    let frac = 0;
    let e = i + 8;
    if (e + 1 < end && (buf[e] === 46 || buf[e] === 44) && dig(buf[e + 1]) >= 0) {
      frac = readFraction(buf, e + 1, end, this.at);
      e = this.at.end;
    }
    if (e < end && dig(buf[e]) >= 0) return false;
    this.tod = (h * 3600 + mi * 60 + se) * 1_000_000 + frac;
    this.at.end = e;
    return true;
  }

  private wall(y: number, mo: number, d: number, tod: number): number {
    return daysFromCivil(y, mo, d) * DAY_US + tod;
  }

  /** Wall-clock µs of a date without a year: the reference's year, or the one before (syslog's rule). */
  private yearless(mo: number, d: number, tod: number): number {
    const w = this.wall(this.refYear, mo, d, tod);
    // Compared in wall time: the zone moves it by hours, the rule is about a day.
    return w > this.ctx.referenceMicros + 2 * DAY_US ? this.wall(this.refYear - 1, mo, d, tod) : w;
  }

  private scanDigitLed(buf: Buffer, s: number, end: number, out: ScannedTime): boolean {
    const b4 = buf[s + 4];
    const b2 = buf[s + 2];
    // 2026-11-25T10:00:00 / 2026-11-25 10:00:00 / 2026/11/25 10:00:00
    if ((b4 === 45 || b4 === 47) && buf[s + 7] === b4) {
      const y = four(buf, s);
      const mo = two(buf, s + 5);
      const d = two(buf, s + 8);
      const sep = buf[s + 10];
      if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || (sep !== 84 && sep !== 32) || !this.time(buf, s + 11, end)) return false;
      const layout = b4 === 47 ? 2 : sep === 84 ? LAYOUT_ISO_T : LAYOUT_ISO_SPACE;
      return this.finish(buf, this.wall(y, mo, d, this.tod), layout, end, out, false);
    }
    // 25-Nov-2026 10:00:00, 25/Nov/2026:10:00:00, 25 Nov 2026 10:00:00 (day of one or two digits)
    let i = s + 1;
    if (dig(buf[i]) >= 0) i++;
    const dsep = buf[i];
    if ((dsep === 45 || dsep === 47 || dsep === 32) && isLetter(buf[i + 1])) {
      const d = i - s === 1 ? dig(buf[s]) : two(buf, s);
      const mo = monthAt(buf, i + 1);
      if (mo === 0 || buf[i + 4] !== dsep || d < 1 || d > 31) return false;
      const y = four(buf, i + 5);
      const tsep = buf[i + 9];
      // Erlang's error_logger writes `1-Nov-2018::13:24:54`.
      const erlang = dsep === 45 && tsep === 58 && buf[i + 10] === 58;
      if (y < 1970 || (tsep !== 32 && tsep !== 58) || (!erlang && (dsep === 47) !== (tsep === 58)) || !this.time(buf, erlang ? i + 11 : i + 10, end)) return false;
      return this.finish(buf, this.wall(y, mo, d, this.tod), dsep === 45 ? 3 : dsep === 47 ? 4 : 5, end, out, false);
    }
    // 25.11.2026 10:00:00
    if (b2 === 46 && buf[s + 5] === 46 && buf[s + 10] === 32) {
      const d = two(buf, s);
      const mo = two(buf, s + 3);
      const y = four(buf, s + 6);
      if (d < 1 || d > 31 || mo < 1 || mo > 12 || y < 1970 || !this.time(buf, s + 11, end)) return false;
      return this.finish(buf, this.wall(y, mo, d, this.tod), 14, end, out, false);
    }
    // 10:00:00.123 (time only)
    if (b2 === 58) {
      if (!this.time(buf, s, end)) return false;
      return this.finish(buf, this.timeOnly(this.tod), LAYOUT_TIME_ONLY, end, out, false);
    }
    // 261125 10:00:00 (MySQL 5.x)
    if (buf[s + 6] === 32 && buf[s + 9] === 58 && dig(buf[s + 5]) >= 0) {
      const yy = two(buf, s);
      const mo = two(buf, s + 2);
      const d = two(buf, s + 4);
      if (yy < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || !this.time(buf, s + 7, end)) return false;
      return this.finish(buf, this.wall(yy < 69 ? 2000 + yy : 1900 + yy, mo, d, this.tod), 13, end, out, false);
    }
    // Epoch seconds (10 digits, optional fraction) or milliseconds (13 digits).
    let e = s;
    let v = 0;
    while (e < end && e - s < 14 && dig(buf[e]) >= 0) v = v * 10 + (buf[e++] - 48);
    const n = e - s;
    if (n === 10 && v >= EPOCH_MIN_S && v < EPOCH_MAX_S) {
      let frac = 0;
      if (buf[e] === 46 && dig(buf[e + 1]) >= 0) {
        frac = readFraction(buf, e + 1, end, this.at);
        e = this.at.end;
      }
      if (!this.boundary(buf, e, end) || buf[e] === 58) return false;
      out.us = v * 1_000_000 + frac;
      out.end = e;
      out.layout = 10;
      return true;
    }
    if (n === 13 && v >= EPOCH_MIN_S * 1000 && v < EPOCH_MAX_S * 1000 && this.boundary(buf, e, end) && buf[e] !== 58) {
      out.us = v * 1000;
      out.end = e;
      out.layout = 11;
      return true;
    }
    return false;
  }

  /** The latest instant at this time of day that is at most an hour after the reference. */
  private timeOnly(tod: number): number {
    const ref = this.ctx.referenceMicros;
    let day = Math.floor(ref / DAY_US) + 1;
    let us = this.ctx.zone(day * DAY_US + tod);
    for (let k = 0; k < 3 && us > ref + DAY_US / 24; k++) us = this.ctx.zone(--day * DAY_US + tod);
    return us;
  }

  /** True when buf[i] cannot continue a timestamp: the end, a space, a bracket, punctuation. */
  private boundary(buf: Uint8Array, i: number, end: number): boolean {
    if (i >= end) return true;
    const b = buf[i];
    return !(dig(b) >= 0 || isLetter(b) || b === 46 || b === 47 || b === 45 || b === 43);
  }

  /**
   * Reads the zone after a time (Z, +01:00, +0100, +01, ` UTC`, ` GMT`, ` +0000`, ` Europe/Paris`),
   * resolves the wall time and fills `out`. A year after the time (`... 10:00:00 2026`) is the
   * caller's. `resolved` walls (year-less) are resolved the same way.
   */
  private finish(buf: Buffer, wall: number, layout: number, end: number, out: ScannedTime, _yearless: boolean): boolean {
    let i = this.at.end;
    let us = NaN;
    const b = buf[i];
    if (i < end && (b === 90 || b === 122) && (i + 1 >= end || !isLetter(buf[i + 1]))) {
      us = wall;
      i++;
    } else if (i < end && (b === 43 || b === 45)) {
      const off = this.offset(buf, i + 1, end);
      if (!Number.isNaN(off)) {
        us = b === 43 ? wall - off : wall + off;
        i = this.at.end;
      }
    } else if (i + 1 < end && b === 32) {
      const c = buf[i + 1];
      if ((c === 43 || c === 45) && dig(buf[i + 2]) >= 0) {
        const off = this.offset(buf, i + 2, end);
        if (!Number.isNaN(off) && this.at.end - i >= 6) {
          us = c === 43 ? wall - off : wall + off;
          i = this.at.end;
        }
      } else if (c >= 65 && c <= 90) {
        // A zone name: UTC, GMT, Z, or an IANA name (PHP writes `Europe/Berlin`).
        let j = i + 1;
        while (j < end && j - i < 40 && (isLetter(buf[j]) || buf[j] === 47 || buf[j] === 95)) j++;
        if (j - i > 1 && (j >= end || !(dig(buf[j]) >= 0 || buf[j] === 45 || buf[j] === 58))) {
          const zone = this.zoneNamed(buf.toString('latin1', i + 1, j));
          if (zone !== null) {
            us = zone(wall);
            i = j;
          }
        }
      }
    }
    if (Number.isNaN(us)) {
      if (!this.boundary(buf, i, end)) return false;
      us = layout === LAYOUT_TIME_ONLY ? wall : this.ctx.zone(wall);
    }
    out.us = us;
    out.end = i;
    out.layout = layout;
    return true;
  }

  /** hh, hhmm or hh:mm at buf[i] as µs; sets this.at.end; NaN when not an offset. */
  private offset(buf: Uint8Array, i: number, end: number): number {
    const h = two(buf, i);
    if (h < 0 || h > 14) return NaN;
    let j = i + 2;
    let m = 0;
    if (buf[j] === 58 && two(buf, j + 1) >= 0) {
      m = two(buf, j + 1);
      j += 3;
    } else if (two(buf, j) >= 0) {
      m = two(buf, j);
      j += 2;
    }
    if (m > 59 || (j < end && dig(buf[j]) >= 0)) return NaN;
    this.at.end = j;
    return (h * 3600 + m * 60) * 1_000_000;
  }

  private zoneNamed(name: string): ZoneResolver | null {
    let z = this.zones.get(name);
    if (z !== undefined) return z;
    const minutes = AMBIGUOUS_ZONES.has(name) || !/^[A-Z]+$/.test(name) ? undefined : zoneOffsetMinutes(name);
    if (minutes !== undefined) {
      const off = minutes * 60_000_000;
      z = (w: number) => w - off;
    } else if (name.includes('/')) {
      try {
        z = createZone(name);
      } catch {
        z = null;
      }
    } else z = null; // CST, IST...: ambiguous abbreviations are read in ctx.zone
    if (this.zones.size < 64) this.zones.set(name, z);
    return z;
  }
}
