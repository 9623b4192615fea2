import type { Rng } from './rng.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;

/** The nightly job starts at this minute of the UTC day (02:00), plus 0-2 minutes of jitter. */
const RECURRING_START_MINUTE = 120;
const RECURRING_JITTER_MINUTES = 2;
const RECURRING_MINUTES = 15;
/** No other anomaly comes closer than this to the nightly job's time of day. */
const RECURRING_CLEARANCE_MINUTES = 60;
/** Clean minutes kept before and after every placed anomaly (file edges included). */
const CLEAN_MINUTES = 30;
/** Spans of at least this many days open with a clean day for seasonal baselines. */
const WARMUP_MIN_DAYS = 2;
/** Anomalies of each placed kind per day after the warm-up. */
const PER_KIND_PER_DAY = 3.5;
/** Weight of the gap after the last anomaly, against 0.5-1.5 for each gap before one. */
const TAIL_GAP_WEIGHT = 1;

/** The kinds placed in their own time slots, interleaved; the nightly job is placed apart. */
export type PlacedKind = 'error_burst' | 'volume_drop' | 'slow_ramp';

const PLACED_KINDS: readonly PlacedKind[] = ['error_burst', 'volume_drop', 'slow_ramp'];

/** Shortest and longest length of each kind, in minutes. */
const MINUTES_OF: Record<PlacedKind, readonly [min: number, max: number]> = {
  error_burst: [5, 30],
  volume_drop: [10, 30],
  slow_ramp: [45, 90],
};

/** A stretch of time on whole minutes: `startMs` inclusive, `endMs` exclusive. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** Where one anomaly of a placed kind goes. */
export interface PlacedWindow extends TimeWindow {
  readonly kind: PlacedKind;
}

/** The time windows of every anomaly, before any magnitude is chosen. */
export interface Placement {
  /** End of the clean first day; equals the span's start when the span is too short for one. */
  readonly warmupEndMs: number;
  /** The nightly job, once per UTC day whose run fits in the span; sorted. */
  readonly recurring: readonly TimeWindow[];
  /** Sorted; never overlapping, each with clean minutes around it. */
  readonly placed: readonly PlacedWindow[];
}

/** Inputs to {@link placeAnomalies}. */
export interface PlaceAnomaliesOptions {
  readonly startMs: number;
  readonly endMs: number;
  readonly rng: Rng;
}

/**
 * Chooses when every anomaly happens. The nightly job runs at 02:00-02:02 UTC for 15 minutes
 * on every day of the span. The other kinds go after a clean first day (spans of 2 days or
 * more), 3.5 of each kind per remaining day, interleaved (each round of three in a random
 * order), each with 30 clean minutes before and after it and never within 60 minutes of the
 * nightly job's time of day. The free time is shared out in random gaps, so they spread over
 * the whole span. When a short span cannot hold them all, the last of the sequence are left out.
 */
export function placeAnomalies({ startMs, endMs, rng }: PlaceAnomaliesOptions): Placement {
  const recurring: TimeWindow[] = [];
  for (let day = Math.floor(startMs / DAY_MS); day * DAY_MS < endMs; day++) {
    const runStartMs = day * DAY_MS + (RECURRING_START_MINUTE + rng.int(0, RECURRING_JITTER_MINUTES)) * MINUTE_MS;
    const runEndMs = runStartMs + RECURRING_MINUTES * MINUTE_MS;
    if (runStartMs >= startMs && runEndMs <= endMs) recurring.push({ startMs: runStartMs, endMs: runEndMs });
  }

  const warmupEndMs = endMs - startMs >= WARMUP_MIN_DAYS * DAY_MS ? startMs + DAY_MS : startMs;
  const perKind = Math.max(1, Math.floor((PER_KIND_PER_DAY * (endMs - warmupEndMs)) / DAY_MS));
  const kinds: PlacedKind[] = [];
  for (let round = 0; round < perKind; round++) kinds.push(...shuffle(rng, PLACED_KINDS));
  const minutes = kinds.map((kind) => rng.int(...MINUTES_OF[kind]));
  // An anomaly takes its own minutes plus the clean ones on both sides.
  const needs = minutes.map((m) => m + 2 * CLEAN_MINUTES);
  const gapWeights = kinds.map(() => 0.5 + rng.next());

  const pieces = findFreePieces(Math.ceil(warmupEndMs / MINUTE_MS), Math.floor(endMs / MINUTE_MS));
  // Short spans: drop the last of the interleaved sequence until the rest fits.
  let latest = packLatest(pieces, needs);
  while (latest === undefined) {
    needs.pop();
    latest = packLatest(pieces, needs);
  }
  const weightAfter = suffixSums(gapWeights.slice(0, needs.length));

  const placed: PlacedWindow[] = [];
  let cursor = pieces.length > 0 ? pieces[0][0] : 0;
  for (let i = 0; i < needs.length; i++) {
    // Its share of the room left before the rest must start, packed as late as they can be.
    const room = latest[i] - cursor;
    const target = cursor + Math.floor((room * gapWeights[i]) / (weightAfter[i] + TAIL_GAP_WEIGHT));
    const at = snapToPiece(pieces, target, needs[i], cursor, latest[i]);
    const coreStart = at + CLEAN_MINUTES;
    placed.push({ kind: kinds[i], startMs: coreStart * MINUTE_MS, endMs: (coreStart + minutes[i]) * MINUTE_MS });
    cursor = at + needs[i];
  }
  return { warmupEndMs, recurring, placed };
}

/**
 * The latest start (in minutes) of each of `needs`, in order, when all of them are packed as
 * late as the pieces allow; undefined when they do not all fit.
 */
function packLatest(pieces: ReadonlyArray<readonly [number, number]>, needs: readonly number[]): number[] | undefined {
  const latest = new Array<number>(needs.length);
  let limit = Infinity;
  let piece = pieces.length - 1;
  for (let i = needs.length - 1; i >= 0; i--) {
    while (piece >= 0 && Math.min(pieces[piece][1], limit) - needs[i] < pieces[piece][0]) piece--;
    if (piece < 0) return undefined;
    latest[i] = Math.min(pieces[piece][1], limit) - needs[i];
    limit = latest[i];
  }
  return latest;
}

/**
 * The start nearest to `target` in [lo, hi] at which `need` minutes fit inside one piece: in the
 * piece where `target` falls or the next one. `hi` is always such a start.
 */
function snapToPiece(pieces: ReadonlyArray<readonly [number, number]>, target: number, need: number, lo: number, hi: number): number {
  // The last piece starting at or before target (or the first piece), by binary search.
  let k = 0;
  for (let hiPiece = pieces.length - 1; k < hiPiece; ) {
    const mid = (k + hiPiece + 1) >> 1;
    if (pieces[mid][0] <= target) k = mid;
    else hiPiece = mid - 1;
  }
  let best = hi;
  for (const [from, to] of pieces.slice(k, k + 2)) {
    const first = Math.max(from, lo);
    const last = Math.min(to - need, hi);
    if (first > last) continue;
    const candidate = Math.min(Math.max(target, first), last);
    if (Math.abs(candidate - target) < Math.abs(best - target)) best = candidate;
  }
  return best;
}

/**
 * The minutes in [fromMinute, toMinute) where an anomaly together with its clean minutes may
 * lie: all but the stretch around each day's nightly job, as [from, to) pairs.
 */
function findFreePieces(fromMinute: number, toMinute: number): Array<[from: number, to: number]> {
  // The anomaly itself keeps the clearance; its clean minutes may reach into it.
  const blockedFrom = RECURRING_START_MINUTE - RECURRING_CLEARANCE_MINUTES + CLEAN_MINUTES;
  const blockedTo = RECURRING_START_MINUTE + RECURRING_JITTER_MINUTES + RECURRING_MINUTES + RECURRING_CLEARANCE_MINUTES - CLEAN_MINUTES;
  const pieces: Array<[number, number]> = [];
  let from = fromMinute;
  for (let day = Math.floor(fromMinute / MINUTES_PER_DAY); from < toMinute; day++) {
    const blockStart = day * MINUTES_PER_DAY + blockedFrom;
    const blockEnd = day * MINUTES_PER_DAY + blockedTo;
    const to = Math.min(toMinute, blockStart);
    if (to > from) pieces.push([from, to]);
    from = Math.max(from, blockEnd);
  }
  return pieces;
}

/** `sums[i]` is the sum of `values[i..]`; `sums[values.length]` is 0. */
function suffixSums(values: readonly number[]): number[] {
  const sums = new Array<number>(values.length + 1).fill(0);
  for (let i = values.length - 1; i >= 0; i--) sums[i] = sums[i + 1] + values[i];
  return sums;
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
