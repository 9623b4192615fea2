import { ConfigError } from '../errors.js';
import { daysFromCivil, epochToMicros, type ZoneResolver } from './timestamp.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** What each directive matches, and which part of the time it sets. */
const DIRECTIVES: Record<string, { re: string; part: string }> = {
  Y: { re: '(\\d{4})', part: 'year' },
  y: { re: '(\\d{2})', part: 'year2' },
  m: { re: '(\\d{1,2})', part: 'month' },
  b: { re: '([A-Za-z]{3})', part: 'monthName' },
  B: { re: '([A-Za-z]{3})[A-Za-z]*', part: 'monthName' },
  d: { re: '(\\d{1,2})', part: 'day' },
  e: { re: ' ?(\\d{1,2})', part: 'day' },
  H: { re: '(\\d{1,2})', part: 'hour' },
  M: { re: '(\\d{2})', part: 'minute' },
  S: { re: '(\\d{2})', part: 'second' },
  f: { re: '(\\d{1,9})', part: 'fraction' },
  z: { re: '(Z|[+-]\\d{2}:?\\d{2})', part: 'offset' },
  s: { re: '(\\d+(?:\\.\\d+)?)', part: 'epoch' },
  a: { re: '[A-Za-z]{3}', part: '' },
  A: { re: '[A-Za-z]+', part: '' },
};
const SHORTHANDS: Record<string, string> = { T: '%H:%M:%S', F: '%Y-%m-%d', D: '%m/%d/%y' };

/** Reads one timestamp text: µs since the epoch, UTC, or NaN when it does not fit the layout. */
export type TimeLayoutReader = (text: string, zone: ZoneResolver, referenceMicros: number) => number;

/**
 * Compiles a strftime-style layout — `%d/%b/%Y:%H:%M:%S %z`, `%Y%m%d %H%M%S.%f`, `%s` — into a
 * reader. Directives: %Y %y %m %b %B %d %e %H %M %S %f (fraction, up to 9 digits) %z (Z,
 * ±hh:mm, ±hhmm) %s (epoch seconds) %a %A (weekday, ignored) %T %F %D %%; any other text is
 * literal (a space matches a run of spaces). Without %z the zone decides; without a year, the reference time's year (rolled
 * back a year when the result would be in the future, as for syslog).
 */
export function compileTimeLayout(layout: string): TimeLayoutReader {
  const parts: string[] = [];
  let source = '';
  const expanded = layout.replace(/%([TFD])/g, (_, k: string) => SHORTHANDS[k]);
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i];
    if (c !== '%') {
      // A space matches a run of spaces: day numbers are padded with one (`Jun  4`, `Jun 14`).
      source += c === ' ' ? ' +' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const k = expanded[++i];
    if (k === '%') {
      source += '%';
      continue;
    }
    const d = k === undefined ? undefined : DIRECTIVES[k];
    if (d === undefined) throw new ConfigError(`timestamp layout ${JSON.stringify(layout)}: unknown directive %${k ?? ''} (known: ${Object.keys(DIRECTIVES).map((x) => `%${x}`).join(' ')} %T %F %D %%)`);
    source += d.re;
    if (d.part !== '') parts.push(d.part);
  }
  if (!parts.includes('epoch') && !(parts.includes('hour') && (parts.includes('day') || parts.includes('month') || parts.includes('monthName')))) {
    throw new ConfigError(`timestamp layout ${JSON.stringify(layout)}: needs at least a day and an hour (%d and %H), or %s`);
  }
  const re = new RegExp(`^${source}$`);
  return (text, zone, referenceMicros) => {
    const m = re.exec(text.trim());
    if (m === null) return NaN;
    const v: Record<string, string> = {};
    parts.forEach((p, i) => (v[p] = m[i + 1]));
    if (v.epoch !== undefined) return epochToMicros(Number(v.epoch));
    const month = v.monthName !== undefined ? MONTHS.indexOf(v.monthName.toLowerCase()) + 1 : Number(v.month ?? 1);
    if (month < 1 || month > 12) return NaN;
    const day = Number(v.day ?? 1);
    const hour = Number(v.hour ?? 0);
    const minute = Number(v.minute ?? 0);
    const second = Number(v.second ?? 0);
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return NaN;
    const frac = v.fraction === undefined ? 0 : Number(v.fraction.padEnd(9, '0').slice(0, 6));
    const refYear = new Date(Math.floor(referenceMicros / 1000)).getUTCFullYear();
    const explicitYear = v.year !== undefined ? Number(v.year) : v.year2 !== undefined ? (Number(v.year2) >= 69 ? 1900 : 2000) + Number(v.year2) : undefined;
    const wallOf = (year: number) => (daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1_000_000 + frac;
    const toUtc = (wall: number): number => {
      if (v.offset === undefined) return zone(wall);
      if (v.offset === 'Z') return wall;
      const sign = v.offset[0] === '-' ? -1 : 1;
      const digits = v.offset.slice(1).replace(':', '');
      return wall - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60) * 1_000_000;
    };
    if (explicitYear !== undefined) return toUtc(wallOf(explicitYear));
    const us = toUtc(wallOf(refYear));
    return us > referenceMicros + 86_400_000_000 ? toUtc(wallOf(refYear - 1)) : us;
  };
}
