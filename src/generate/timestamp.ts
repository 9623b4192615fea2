const DAY_MS = 86_400_000;
const PAD2: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const MILLIS_SUFFIX: readonly string[] = Array.from(
  { length: 1000 },
  (_, ms) => `${String(ms).padStart(3, '0')}Z`,
);

/**
 * Creates a formatter from epoch milliseconds to `YYYY-MM-DDTHH:MM:SS.mmmZ`,
 * the same text `Date#toISOString` gives for years 0000-9999. It is meant for
 * non-decreasing input: the date is rebuilt once a day and the time of day
 * once a second, and each line only appends its milliseconds.
 */
export function createTimestampFormatter(): (epochMs: number) => string {
  let cachedDay = Number.NaN;
  let datePrefix = '';
  let cachedSecond = Number.NaN;
  let secondPrefix = '';
  return (epochMs: number): string => {
    const second = Math.floor(epochMs / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      const day = Math.floor(epochMs / DAY_MS);
      if (day !== cachedDay) {
        cachedDay = day;
        datePrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
      }
      const secondOfDay = second - day * 86_400;
      const hours = Math.floor(secondOfDay / 3600);
      const minutes = Math.floor(secondOfDay / 60) % 60;
      secondPrefix = `${datePrefix}${PAD2[hours]}:${PAD2[minutes]}:${PAD2[secondOfDay % 60]}.`;
    }
    return secondPrefix + MILLIS_SUFFIX[epochMs - second * 1000];
  };
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Creates a formatter from epoch milliseconds to the access-log time `25/Nov/2026:10:00:00 +0000`
 * (Apache `%t`, nginx `$time_local`, written in UTC). Whole seconds, as those servers write;
 * like {@link createTimestampFormatter} it rebuilds the text only when the second changes.
 */
export function createClfTimestampFormatter(): (epochMs: number) => string {
  let cachedSecond = Number.NaN;
  let text = '';
  return (epochMs: number): string => {
    const second = Math.floor(epochMs / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      const d = new Date(second * 1000);
      text = `${PAD2[d.getUTCDate()]}/${MONTH_NAMES[d.getUTCMonth()]}/${d.getUTCFullYear()}:${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}:${PAD2[d.getUTCSeconds()]} +0000`;
    }
    return text;
  };
}
