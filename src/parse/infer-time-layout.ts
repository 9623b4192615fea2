import { ConfigError } from '../errors.js';

/**
 * Infers the strftime-style layout (as `compileTimeLayout` reads it) of timestamp texts taken
 * from sampled lines: `20171223-22:15:29:606` → `%Y%m%d-%H:%M:%S:%f`, `14.06.2023 15:16:01` →
 * `%d.%m.%Y %H:%M:%S`, `Jun 14 15:16:01` → `%b %d %H:%M:%S`.
 *
 * Each text is cut into runs of digits, runs of letters and single other characters. Letters are
 * a month name (`%b`, `%B`), a weekday (`%a`, `%A`), `T` between date and time, `Z` or a zone
 * offset (`%z`); digits are read in order: a date (three numbers, or a compact `yyyymmdd` /
 * `yymmdd` run), a time (hours, minutes, optional seconds, separated by `:` or `.`, or a compact
 * `hhmmss` run), a fraction after `.`, `,` or `:` (`%f`), a 4-digit year anywhere (`%Y`), or a
 * whole text of 9-19 digits, epoch (`%s`). A date without a year is read as syslog does (the
 * file's year, rolled back across New Year).
 *
 * Day and month order of a numeric date is decided by the values over all samples: a 4-digit
 * number, or one over 31, is the year; a number over 12 is the day; the remaining one is the
 * month. When no value settles it (every day seen is 12 or less), the order is month/day when
 * the separator is `/` and the year comes last (the US `06/07/2023`), day/month otherwise
 * (`07.06.2023`, `07-06-2023`); a year-first date is year/month/day.
 *
 * Returns the layout, or throws a ConfigError that shows a sample value and asks for
 * `--time-format`.
 */
export function inferTimeLayout(samples: readonly string[]): string {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  if (values.length === 0) throw new ConfigError('no timestamp text in the sampled lines to infer its layout from: pass --time-format (e.g. --time-format "%Y-%m-%d %H:%M:%S")');
  const shapes = new Map<string, string[]>();
  for (const v of values) {
    const key = shapeKey(tokenize(v));
    const list = shapes.get(key) ?? [];
    list.push(v);
    shapes.set(key, list);
  }
  // The most common shape: a few odd values (another writer) do not decide the layout.
  const group = [...shapes.values()].sort((a, b) => b.length - a.length)[0];
  const layout = layoutOf(group);
  if (layout === undefined) {
    throw new ConfigError(`cannot infer the timestamp layout of ${JSON.stringify(group[0])}: pass --time-format with its strftime-style layout (%Y %y %m %b %d %e %H %M %S %f %z %s %a; e.g. --time-format "%d.%m.%Y %H:%M:%S")`);
  }
  return layout;
}

type Token = { kind: 'digits'; text: string } | { kind: 'letters'; text: string } | { kind: 'other'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // A run of spaces is one token: `Jun  4` and `Jun 14` have one shape (a layout's space matches any run).
  const re = /(\d+)|([A-Za-z]+)|( +)|([^\dA-Za-z ])/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== undefined) tokens.push({ kind: 'digits', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'letters', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'other', text: ' ' });
    else tokens.push({ kind: 'other', text: m[4] });
  }
  return tokens;
}

/** Texts of one shape: the same tokens but for digits and the letters of names. */
function shapeKey(tokens: Token[]): string {
  return tokens.map((t) => (t.kind === 'digits' ? `d${t.text.length > 2 ? t.text.length : 2}` : t.kind === 'letters' ? (nameKind(t.text) ?? t.text) : t.text)).join(' ');
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAYS_FULL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function nameKind(word: string): string | undefined {
  const w = word.toLowerCase();
  if (MONTHS.includes(w)) return '%b';
  if (MONTHS_FULL.includes(w) || (w === 'sept')) return '%B';
  if (DAYS.includes(w)) return '%a';
  if (DAYS_FULL.includes(w)) return '%A';
  return undefined;
}

/** The numeric parts of a date, in order, with the values seen for each over the samples. */
interface Slot {
  /** Index of the token in the shape. */
  token: number;
  /** Set when decided. */
  directive?: string;
  values: number[];
  width: number;
}

/** The layout of texts of one shape, or undefined. */
function layoutOf(values: string[]): string | undefined {
  const all = values.map(tokenize);
  const tokens = all[0];
  const out: string[] = tokens.map((t) => (t.kind === 'other' ? (t.text === '%' ? '%%' : t.text) : ''));
  const digitValues = (k: number) => all.map((ts) => Number(ts[k]?.text ?? NaN));
  // A whole text of digits (and maybe a fraction): epoch seconds, ms, µs or ns.
  if (tokens.length === 1 && tokens[0].kind === 'digits' && tokens[0].text.length >= 9 && tokens[0].text.length <= 19) return '%s';
  if (tokens.length === 3 && tokens[0].kind === 'digits' && tokens[1].text === '.' && tokens[2].kind === 'digits' && tokens[0].text.length >= 9 && tokens[0].text.length <= 10) return '%s';

  let haveMonthName = false;
  let haveYear = false;
  let haveDate = false;
  let haveTime = false;
  let seconds = -1;
  const dateSlots: Slot[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'letters') {
      const kind = nameKind(t.text);
      if (kind === '%b' || kind === '%B') {
        out[k] = kind;
        haveMonthName = true;
      } else if (kind !== undefined) {
        out[k] = kind;
      } else if (t.text === 'T' && haveDate) {
        out[k] = 'T';
      } else if ((t.text === 'Z' || t.text === 'z') && haveTime && k === tokens.length - 1) {
        out[k] = '%z';
      } else if (/^(UTC|GMT)$/i.test(t.text) && haveTime) {
        out[k] = t.text;
      } else {
        return undefined;
      }
      continue;
    }
    if (t.kind !== 'digits') continue;
    const len = t.text.length;
    // A zone offset: + or - then hhmm or hh:mm, after the time.
    if (haveTime && k > 0 && (tokens[k - 1].text === '+' || tokens[k - 1].text === '-') && (len === 4 || (len === 2 && tokens[k + 1]?.text === ':' && tokens[k + 2]?.text.length === 2))) {
      out[k - 1] = '';
      out[k] = '%z';
      if (len === 2) {
        out[k + 1] = '';
        out[k + 2] = '';
        k += 2;
      }
      continue;
    }
    // The fraction: digits right after the seconds and one of . , :
    if (haveTime && seconds >= 0 && k === seconds + 2 && ['.', ',', ':'].includes(tokens[k - 1].text) && len >= 1 && len <= 9) {
      out[k] = '%f';
      continue;
    }
    if (!haveDate && !haveTime && (len === 8 || len === 6) && !(tokens[k + 1]?.text === ':')) {
      // Compact date: yyyymmdd or yymmdd.
      const v = digitValues(k);
      const y = len === 8 ? v.map((x) => Math.floor(x / 10000)) : v.map((x) => Math.floor(x / 10000));
      const m = v.map((x) => Math.floor(x / 100) % 100);
      const d = v.map((x) => x % 100);
      if (m.every((x) => x >= 1 && x <= 12) && d.every((x) => x >= 1 && x <= 31) && (len === 6 || y.every((x) => x >= 1900 && x <= 2100))) {
        out[k] = len === 8 ? '%Y%m%d' : '%y%m%d';
        haveDate = true;
        haveYear = true;
        continue;
      }
    }
    if (!haveTime && (len === 6 || len === 4) && (haveDate || haveMonthName) && !(tokens[k + 1]?.text === ':')) {
      // Compact time: hhmmss (or hhmm).
      const v = digitValues(k);
      const ok = len === 6 ? v.every((x) => Math.floor(x / 10000) <= 23 && Math.floor(x / 100) % 100 <= 59 && x % 100 <= 60) : v.every((x) => Math.floor(x / 100) <= 23 && x % 100 <= 59);
      if (ok && !(len === 4 && !haveYear && haveMonthName)) {
        out[k] = len === 6 ? '%H%M%S' : '%H%M';
        haveTime = true;
        seconds = len === 6 ? k : -1;
        continue;
      }
    }
    // hh:mm[:ss] (or hh.mm.ss after a date)
    const sep = tokens[k + 1]?.text;
    if (!haveTime && len <= 2 && (sep === ':' || (sep === '.' && haveDate && tokens[k + 3]?.text === '.')) && tokens[k + 2]?.kind === 'digits' && tokens[k + 2].text.length === 2) {
      if (!digitValues(k).every((x) => x <= 23)) return undefined;
      out[k] = '%H';
      out[k + 2] = '%M';
      haveTime = true;
      k += 2;
      if (tokens[k + 1]?.text === sep && tokens[k + 2]?.kind === 'digits' && tokens[k + 2].text.length === 2) {
        out[k + 2] = '%S';
        k += 2;
        seconds = k;
      }
      continue;
    }
    // A 4-digit year.
    if (len === 4 && !haveYear && digitValues(k).every((x) => x >= 1900 && x <= 2100)) {
      if (haveDate || haveMonthName || haveTime) {
        out[k] = '%Y';
        haveYear = true;
        if (!haveMonthName) dateSlots.push({ token: k, directive: '%Y', values: digitValues(k), width: 4 });
        continue;
      }
      dateSlots.push({ token: k, directive: '%Y', values: digitValues(k), width: 4 });
      haveYear = true;
      continue;
    }
    if (len <= 2 && !haveTime) {
      dateSlots.push({ token: k, values: digitValues(k), width: len });
      if (dateSlots.length === 3 || (haveMonthName && dateSlots.length >= 1)) haveDate = true;
      continue;
    }
    if (len <= 2 && haveTime && haveMonthName && !dateSlots.some((s) => s.directive === undefined)) {
      // `Jun 14 15:16:01 05`? not a layout we know.
      return undefined;
    }
    return undefined;
  }
  // A compact date has no slots; otherwise the slots must make one.
  if (!(haveDate && dateSlots.length === 0) && !assignDate(dateSlots, haveMonthName, tokens)) return undefined;
  for (const s of dateSlots) out[s.token] = s.directive as string;
  if (!haveTime) return undefined;
  const hasDay = out.some((o) => o.includes('%d') || o.includes('%e'));
  if (!hasDay) return undefined;
  return out.join('');
}

/**
 * Gives each numeric date slot its directive (%Y %y %m %d) by the values seen: see inferTimeLayout.
 * False when the slots make no date.
 */
function assignDate(slots: Slot[], haveMonthName: boolean, tokens: Token[]): boolean {
  const open = slots.filter((s) => s.directive === undefined);
  if (haveMonthName) {
    // Month by name: the slots are the day and maybe a year.
    if (open.length === 1) {
      open[0].directive = '%d';
      return open[0].values.every((v) => v >= 1 && v <= 31);
    }
    if (open.length === 2) {
      const [a, b] = open;
      const aYear = a.values.some((v) => v > 31);
      a.directive = aYear ? '%y' : '%d';
      b.directive = aYear ? '%d' : '%y';
      return true;
    }
    return open.length === 0 && slots.length === 0 ? false : open.length === 0;
  }
  const yearSlot = slots.find((s) => s.directive === '%Y');
  if (yearSlot !== undefined) {
    if (open.length !== 2) return false;
    const [a, b] = open;
    const yearFirst = slots.indexOf(yearSlot) === 0;
    return decideDayMonth(a, b, yearFirst ? 'ymd' : sepOf(tokens, a) === '/' ? 'mdy' : 'dmy');
  }
  if (open.length !== 3) return false;
  // Two-digit year: the slot with a value over 31; else first or last by the others.
  const over31 = open.filter((s) => s.values.some((v) => v > 31));
  let year: Slot;
  if (over31.length === 1) year = over31[0];
  else if (over31.length > 1) return false;
  else year = open[2].values.some((v) => v > 12) || open[0].values.every((v) => v <= 12) ? open[0] : open[2];
  if (open[0].values.some((v) => v > 31)) year = open[0];
  year.directive = '%y';
  const [a, b] = open.filter((s) => s !== year);
  return decideDayMonth(a, b, year === open[0] ? 'ymd' : sepOf(tokens, a) === '/' ? 'mdy' : 'dmy');
}

function sepOf(tokens: Token[], slot: Slot): string | undefined {
  return tokens[slot.token + 1]?.text;
}

/** a and b are day and month in some order: values over 12 decide; else the default order. */
function decideDayMonth(a: Slot, b: Slot, fallback: 'ymd' | 'mdy' | 'dmy'): boolean {
  const aDay = a.values.some((v) => v > 12);
  const bDay = b.values.some((v) => v > 12);
  if (aDay && bDay) return false;
  let aIsMonth: boolean;
  if (aDay) aIsMonth = false;
  else if (bDay) aIsMonth = true;
  else aIsMonth = fallback !== 'dmy';
  a.directive = aIsMonth ? '%m' : '%d';
  b.directive = aIsMonth ? '%d' : '%m';
  const month = aIsMonth ? a : b;
  const day = aIsMonth ? b : a;
  return month.values.every((v) => v >= 1 && v <= 12) && day.values.every((v) => v >= 1 && v <= 31);
}
