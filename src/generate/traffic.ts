import type { ErrorInjection, RunPlan } from './plan.js';
import type { Rng } from './rng.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The baseline rate swings this far either side of its mean over a UTC day. */
const DAILY_SWING = 0.3;
/** The busiest moment of the UTC day: 15:00. */
const DAILY_PEAK_MS = 15 * 3_600_000;

/** A stretch in which only `keptShare` of the baseline lines are written. */
export interface VolumeCut {
  /** Inclusive, on a whole minute. */
  readonly startMs: number;
  /** Exclusive, on a whole minute. */
  readonly endMs: number;
  readonly keptShare: number;
}

/**
 * The baseline rate at a moment, relative to the mean: 1 ± 0.3 over the UTC day, highest at
 * 15:00 and lowest at 03:00.
 */
export function dailyRate(epochMs: number): number {
  const phase = (((epochMs - DAILY_PEAK_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return 1 + DAILY_SWING * Math.cos((2 * Math.PI * phase) / DAY_MS);
}

/** The share of baseline lines that [fromMs, toMs) would get at its normal rate: its length times the daily rate at its middle. */
function weighMinute(fromMs: number, toMs: number): number {
  return (toMs - fromMs) * dailyRate((fromMs + toMs) / 2);
}

/** End of the minute bucket that starts at `fromMs`: the next whole minute, or the span's end. */
function bucketEnd(fromMs: number, endMs: number): number {
  return Math.min(endMs, (Math.floor(fromMs / MINUTE_MS) + 1) * MINUTE_MS);
}

/** How the baseline weighs over a span: in total, and within each cut at its normal rate. */
export interface BaselineWeights {
  /** Sum over the span's minutes of their weight, cuts applied. */
  readonly total: number;
  /** For each cut, the weight of its minutes as if it had not happened. */
  readonly uncut: readonly number[];
}

/**
 * Weighs the span minute by minute, as {@link createTraffic} spreads the baseline lines.
 * A cut of N baseline lines leaves out about `N * uncut[i] * (1 - keptShare) / total` of them.
 */
export function weighBaseline(startMs: number, endMs: number, cuts: readonly VolumeCut[]): BaselineWeights {
  let total = 0;
  const uncut = cuts.map(() => 0);
  let cut = 0;
  for (let from = startMs; from < endMs; ) {
    const to = bucketEnd(from, endMs);
    const weight = weighMinute(from, to);
    while (cut < cuts.length && cuts[cut].endMs <= from) cut++;
    if (cut < cuts.length && cuts[cut].startMs <= from) {
      total += weight * cuts[cut].keptShare;
      uncut[cut] += weight;
    } else {
      total += weight;
    }
    from = to;
  }
  return { total, uncut };
}

/** Inputs to {@link createTraffic}. */
export interface TrafficOptions {
  readonly plan: RunPlan;
  readonly startMs: number;
  readonly endMs: number;
  readonly rng: Rng;
}

/**
 * The one traffic model behind every format: the times of all well-formed lines, in order.
 * Each `next()` moves to the next line; `timeMs` and `injection` then describe it:
 * a baseline line when `injection` is undefined, else one of that anomaly's extra ERROR lines.
 *
 * @example
 * const traffic = createTraffic({ plan, startMs, endMs, rng });
 * for (let i = 0; i < wellFormed; i++) {
 *   traffic.next();
 *   write(traffic.timeMs, traffic.injection);
 * }
 */
export interface Traffic {
  next(): void;
  readonly timeMs: number;
  readonly injection: ErrorInjection | undefined;
}

/**
 * Creates the schedule of a plan's `baseLines + sum(injection.lines)` well-formed lines.
 * Baseline lines: each minute gets a Poisson-distributed number of them around its share by the
 * daily cycle (times `keptShare` in a volume drop), as real traffic does; the total is exact.
 * Inside the minute they are spread evenly with jitter.
 * Injected lines: spread evenly over their window, or, for a slow ramp, with a density that
 * grows linearly from zero. The two streams are merged by time.
 */
export function createTraffic(options: TrafficOptions): Traffic {
  return new TrafficSchedule(options);
}

class TrafficSchedule implements Traffic {
  timeMs = 0;
  injection: ErrorInjection | undefined = undefined;

  private readonly rng: Rng;
  private readonly endMs: number;
  private readonly baseLines: number;
  /** The current minute bucket of baseline lines. */
  private bucketFrom: number;
  private bucketTo: number;
  private bucketLines = 0;
  private bucketDone = 0;
  private baseAssigned = 0;
  private nextBaseMs: number;
  /** Baseline lines of each minute of the span, drawn up front (see noisyCounts). */
  private readonly minuteLines: Int32Array;
  private minute = 0;

  private readonly injections: readonly ErrorInjection[];
  private injectionIndex = 0;
  private injectionDone = 0;
  private nextInjectedMs: number;

  constructor({ plan, startMs, endMs, rng }: TrafficOptions) {
    this.rng = rng;
    this.endMs = endMs;
    this.baseLines = plan.baseLines;
    this.minuteLines = noisyCounts(minuteWeights(startMs, endMs, plan.drops), plan.baseLines, rng);
    this.bucketFrom = startMs;
    this.bucketTo = startMs;
    this.injections = plan.injections;
    this.nextBaseMs = this.placeBaseLine();
    this.nextInjectedMs = this.injections.length > 0 ? this.placeInjectedLine() : Infinity;
  }

  next(): void {
    if (this.nextInjectedMs < this.nextBaseMs) {
      this.timeMs = this.nextInjectedMs;
      const injection = this.injections[this.injectionIndex];
      this.injection = injection;
      if (++this.injectionDone >= injection.lines) {
        this.injectionIndex++;
        this.injectionDone = 0;
      }
      this.nextInjectedMs = this.injectionIndex < this.injections.length ? this.placeInjectedLine() : Infinity;
    } else {
      this.timeMs = this.nextBaseMs;
      this.injection = undefined;
      this.nextBaseMs = this.placeBaseLine();
    }
  }

  /** Time of the next baseline line, moving on to the next minute that has any; Infinity after the last. */
  private placeBaseLine(): number {
    while (this.bucketDone >= this.bucketLines) {
      if (!this.openBucket()) return Infinity;
    }
    const step = (this.bucketTo - this.bucketFrom) / this.bucketLines;
    return this.bucketFrom + Math.floor((this.bucketDone++ + this.rng.next()) * step);
  }

  /** Moves to the next minute and takes its number of baseline lines; false past the end. */
  private openBucket(): boolean {
    const from = this.bucketTo;
    if (from >= this.endMs || this.baseAssigned >= this.baseLines) return false;
    const to = bucketEnd(from, this.endMs);
    const lines = Math.min(this.baseLines - this.baseAssigned, this.minuteLines[this.minute++] ?? 0);
    const target = this.baseAssigned + lines;
    this.bucketFrom = from;
    this.bucketTo = to;
    this.bucketLines = target - this.baseAssigned;
    this.bucketDone = 0;
    this.baseAssigned = target;
    return true;
  }

  /** Time of the current injection's next line. */
  private placeInjectedLine(): number {
    const injection = this.injections[this.injectionIndex];
    const share = (this.injectionDone + this.rng.next()) / injection.lines;
    // A ramp's density grows linearly, so the share of its lines by time t is (t / length)².
    const position = injection.kind === 'slow_ramp' ? Math.sqrt(share) : share;
    return injection.startMs + Math.floor(position * (injection.endMs - injection.startMs));
  }
}

/** The weight of each minute bucket of the span (see weighMinute), cuts applied. */
function minuteWeights(startMs: number, endMs: number, cuts: readonly VolumeCut[]): Float64Array {
  const weights: number[] = [];
  let cut = 0;
  for (let from = startMs; from < endMs; ) {
    const to = bucketEnd(from, endMs);
    let weight = weighMinute(from, to);
    while (cut < cuts.length && cuts[cut].endMs <= from) cut++;
    if (cut < cuts.length && cuts[cut].startMs <= from) weight *= cuts[cut].keptShare;
    weights.push(weight);
    from = to;
  }
  return Float64Array.from(weights);
}

/**
 * Lines per minute: a Poisson draw around each minute's share of `total` (a normal
 * approximation above 30 lines), then lines added to or taken from minutes picked by weight
 * until the sum is exactly `total`.
 */
function noisyCounts(weights: Float64Array, total: number, rng: Rng): Int32Array {
  const counts = new Int32Array(weights.length);
  let weightSum = 0;
  for (const w of weights) weightSum += w;
  if (weightSum <= 0 || total <= 0) return counts;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const mean = (total * weights[i]) / weightSum;
    counts[i] = poisson(mean, rng);
    sum += counts[i];
  }
  const cumulative = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = acc += weights[i];
  const pick = () => {
    const x = rng.next() * acc;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  while (sum < total) {
    counts[pick()]++;
    sum++;
  }
  while (sum > total) {
    const i = pick();
    if (counts[i] === 0) continue;
    counts[i]--;
    sum--;
  }
  return counts;
}

/** A Poisson-distributed count with the given mean. */
function poisson(mean: number, rng: Rng): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    // Box-Muller: a normal with the Poisson's mean and variance.
    const u = 1 - rng.next();
    const gauss = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gauss));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}
