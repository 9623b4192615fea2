/**
 * Timestamp layouts of the logs in Loghub, read from strings (the values of a template's
 * time headers, joined by a space). Each returns µs since the epoch, UTC, or NaN:
 *
 * | layout | example | from |
 * |---|---|---|
 * | ISO 8601, `,` or `.` before the fraction | `2015-10-18 18:01:47,978` | Hadoop, Zookeeper |
 * | `yyyy-MM-dd-HH.mm.ss.ffffff` (and `yyyy/MM/dd HH:mm:ss`, `yyyy.MM.dd`, a date alone) | `2005-06-03-15.42.50.675872` | BGL `Time` |
 * | `yy/MM/dd HH:mm:ss` | `17/06/09 20:10:40` | Spark |
 * | `yyMMdd HHmmss` (and `yyyyMMdd HHmmss`) | `081109 203615` | HDFS |
 * | month name, day, time, optional weekday and year | `Jun 14 15:16:01`, `Sun Dec 04 04:47:44 2005` | Linux, OpenSSH, Apache |
 * | epoch seconds, ms, µs or ns (9 digits or more) | `1117838570` | BGL `Timestamp` |
 *
 * Stamps without a zone are wall-clock time in `zone`. A two-digit year is 19yy from 69
 * to 99 and 20yy below (the POSIX `%y` rule). A stamp without a year takes the year of
 * `referenceMicros`, or the year before when that would put it more than a day after the
 * reference — the rule of `parseRfc3164Bytes`.
 */

import { daysFromCivil, epochToMicros, inferYear, parseIsoString, type ZoneResolver } from './timestamp.js';

/** Reads one timestamp text: µs since the epoch, UTC, or NaN. */
export type TimestampReader = (text: string) => number;

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/** A layout: the µs of `text`, or NaN when the text is not in this layout. */
type Layout = (text: string, zone: ZoneResolver, referenceMicros: number) => number;

const NUMERIC_DATE = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?:[ T-](\d{1,2})[:.](\d{2})[:.](\d{2})(?:[.,](\d{1,9}))?)?$/;
const SHORT_YEAR_SLASHED = /^(\d{2})\/(\d{2})\/(\d{2})[ T-](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?$/;
const COMPACT = /^(\d{2}|\d{4})(\d{2})(\d{2})[ T_-](\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?$/;
const MONTH_NAME = new RegExp(
  '^(?:(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?),? +)?' +
    '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.? +' +
    '(\\d{1,2}),? +(?:(\\d{4}) +)?(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,9}))?(?: +(\\d{4}))?$',
  'i',
);
const EPOCH = /^\d{9,19}(?:\.\d{1,9})?$/;

const LAYOUTS: Layout[] = [
  // The shape is checked first: parseIsoString copies the text into a Buffer.
  (text, zone) => (text.length >= 19 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 ? parseIsoString(text, zone) : NaN),
  (text, zone) => {
    const m = NUMERIC_DATE.exec(text);
    if (m === null) return NaN;
    return wallClock(zone, Number(m[1]), Number(m[3]), Number(m[4]), num(m[5]), num(m[6]), num(m[7]), m[8]);
  },
  (text, zone) => {
    const m = SHORT_YEAR_SLASHED.exec(text);
    if (m === null) return NaN;
    return wallClock(zone, fullYear(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
  },
  (text, zone) => {
    const m = COMPACT.exec(text);
    if (m === null) return NaN;
    return wallClock(zone, fullYear(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
  },
  (text, zone, referenceMicros) => {
    const m = MONTH_NAME.exec(text);
    if (m === null) return NaN;
    const mo = MONTHS[m[1].slice(0, 3).toLowerCase()];
    const d = Number(m[2]);
    const yearText = m[3] ?? m[8];
    if (m[3] !== undefined && m[8] !== undefined) return NaN;
    const h = Number(m[4]);
    const mi = Number(m[5]);
    const s = Number(m[6]);
    if (yearText !== undefined) return wallClock(zone, Number(yearText), mo, d, h, mi, s, m[7]);
    return yearless(zone, referenceMicros, mo, d, h, mi, s, m[7]);
  },
  (text) => (EPOCH.test(text) ? epochToMicros(Number(text)) : NaN),
];

/**
 * A reader of the layouts above for one source. It tries first the layout that read the
 * previous stamp, since a file keeps to one.
 * @example createTimestampReader(utcZone, ref)('081109 203615') // 1226262975000000 (2008-11-09T20:36:15Z)
 */
export function createTimestampReader(zone: ZoneResolver, referenceMicros: number): TimestampReader {
  let last = 0;
  return (text) => {
    const first = LAYOUTS[last](text, zone, referenceMicros);
    if (!Number.isNaN(first)) return first;
    for (let k = 0; k < LAYOUTS.length; k++) {
      if (k === last) continue;
      const us = LAYOUTS[k](text, zone, referenceMicros);
      if (!Number.isNaN(us)) {
        last = k;
        return us;
      }
    }
    return NaN;
  };
}

/** One stamp in any of the layouts above: µs, or NaN. */
export function parseLoghubTimestamp(text: string, zone: ZoneResolver, referenceMicros: number): number {
  return createTimestampReader(zone, referenceMicros)(text);
}

function num(text: string | undefined): number {
  return text === undefined ? 0 : Number(text);
}

/** 69-99 → 1969-1999, 00-68 → 2000-2068 (POSIX strptime `%y`). */
function fullYear(text: string): number {
  if (text.length === 4) return Number(text);
  const yy = Number(text);
  return yy >= 69 ? 1900 + yy : 2000 + yy;
}

/** The fraction digits as µs (digits past the sixth are dropped). */
function fracMicros(digits: string | undefined): number {
  if (digits === undefined) return 0;
  return Number((digits + '00000').slice(0, 6));
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function validTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 60;
}

/** A zone-less wall-clock time resolved in `zone`; NaN when a field is out of range. */
function wallClock(zone: ZoneResolver, y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || !validTime(h, mi, s)) return NaN;
  return zone((daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) * 1_000_000 + fracMicros(frac));
}

/** A stamp without a year: the reference's year, or the one before (see the module comment). */
function yearless(zone: ZoneResolver, referenceMicros: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined): number {
  // Feb 29 is accepted whatever the year: the year is a guess, the day is what the line says.
  if (d < 1 || d > daysInMonth(2000, mo) || !validTime(h, mi, s)) return NaN;
  return inferYear(mo, d, (h * 3600 + mi * 60 + s) * 1_000_000 + fracMicros(frac), referenceMicros, zone);
}
