/**
 * "Nice" axis ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k, about `count` of them.
 * A max of 0 (or less) still gives an axis: [0, 1].
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  // An integer axis (counts) never shows 2.5 steps below 1.
  return ticks;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick steps for a UTC time axis, from a minute to a week. */
const TIME_STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY];

/** One time tick: where (ms), and whether it starts a UTC day (labelled with the date). */
export interface TimeTick {
  at: number;
  dayStart: boolean;
}

/**
 * Ticks for a UTC time axis over [from, to): round instants (whole minutes, hours, days) at
 * most `maxTicks` of them; the step is the smallest of TIME_STEPS that fits and is no finer than
 * `minStep` (a chart's bucket: a 06:00 tick under bars a day wide points at nothing).
 */
export function timeTicks(from: number, to: number, maxTicks: number, minStep = 0): { step: number; ticks: TimeTick[] } {
  const span = Math.max(to - from, 1);
  const step = TIME_STEPS.find((s) => s >= minStep && span / s <= Math.max(maxTicks, 1)) ?? Math.max(Math.ceil(span / maxTicks / DAY) * DAY, Math.ceil(minStep / DAY) * DAY);
  // Weeks align on Mondays, like the buckets of the store's queries (2000-01-03 was one).
  const origin = step >= 7 * DAY ? Date.UTC(2000, 0, 3) : 0;
  const first = Math.ceil((from - origin) / step) * step + origin;
  const ticks: TimeTick[] = [];
  for (let at = first; at <= to; at += step) ticks.push({ at, dayStart: at % DAY === 0 });
  return { step, ticks };
}

export const TIME = { MINUTE, HOUR, DAY } as const;
