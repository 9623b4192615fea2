/**
 * A second, independent family of labelled real-style metric series for `npm run
 * bench:metric-holdout`, written apart from `logscope generate --series` (other code, other
 * random numbers, other shapes) and without looking at the detector's thresholds, so that the
 * detector's score on it is not a score on the data it was tuned on.
 *
 * Modelled on what monitored machine metrics do (the NAB corpus: AWS CloudWatch CPU and network,
 * request latency, machine temperature, taxi and tweet counts, traffic sensors): readings every
 * 5 minutes over 2-4 weeks, daily and weekly cycles, heavy-tailed noise, slow drifts, flat
 * stretches, missing points and outages of the collector, ordinary short bursts (not labelled),
 * and labelled anomalies: single-point glitches, drops, level shifts that persist, sustained
 * episodes, a ramp to failure, a day whose cycle breaks.
 *
 * Labelling follows NAB: each anomaly is marked at its onset and gets a window centred there,
 * the windows of a series together 10% of its points; no anomaly in the first 15% (probation).
 */

/** Eight kinds, in two halves: rules are developed on `A` and checked on `B`. */
export const HOLDOUT_KINDS = {
  A: ['cpu_asg', 'latency_tail', 'request_rate', 'machine_temp'],
  B: ['sensor_flat', 'network_in', 'tweet_counts', 'traffic_gappy'],
} as const;
export type HoldoutKind = (typeof HOLDOUT_KINDS)['A'][number] | (typeof HOLDOUT_KINDS)['B'][number];

export const INTERVAL_MS = 5 * 60_000;

/** A labelled window: ISO start inclusive, end exclusive. */
export interface HoldoutWindow {
  start: string;
  end: string;
  /** What was put there (for reading the results), and from when (ISO). */
  anomaly: string;
  onset: string;
}

export interface HoldoutSeries {
  name: string;
  kind: HoldoutKind;
  seed: number;
  /** Readings written (missing ones are not). */
  points: number;
  /** Slots of 5 minutes the series spans (points + missing). */
  slots: number;
  start: string;
  end: string;
  /** End of the first 15% (NAB's probation). */
  probationEnd: string;
  windows: HoldoutWindow[];
}

/** Small, fast, seedable generator (mulberry32), so a seed always gives the same series. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = (seed * 0x9e3779b1) >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return Math.floor(this.between(lo, hi + 1));
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** Student-t with `df` degrees of freedom: heavy tails. */
  studentT(df: number): number {
    let chi = 0;
    for (let i = 0; i < df; i++) chi += this.normal() ** 2;
    return this.normal() / Math.sqrt(chi / df);
  }
  poisson(mean: number): number {
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

const SLOTS_PER_DAY = (24 * 60) / 5;

/** Hour of day (0-24) and day of week (0 = Monday) of a slot, the series starting on a Monday at `offsetSlots`. */
function clock(i: number, offsetSlots: number): { hour: number; weekday: number } {
  const s = i + offsetSlots;
  return { hour: ((s % SLOTS_PER_DAY) * 24) / SLOTS_PER_DAY, weekday: Math.floor(s / SLOTS_PER_DAY) % 7 };
}

/** A smooth business-hours bump: 0 at night, 1 mid-afternoon. */
function dayShape(hour: number, peakHour = 14): number {
  return 0.5 + 0.5 * Math.cos(((hour - peakHour) / 24) * 2 * Math.PI);
}

/** AR(1) noise with unit stationary spread. */
function ar1(r: Random, n: number, phi: number, shock: () => number): number[] {
  const out = new Array<number>(n);
  let x = 0;
  const scale = Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    x = phi * x + scale * shock();
    out[i] = x;
  }
  return out;
}

/** Onsets of `count` anomalies: after probation, far enough apart that their windows do not overlap. */
function placeOnsets(r: Random, n: number, count: number, tailRoom: number): number[] {
  const width = Math.floor((0.1 * n) / count);
  for (let attempt = 0; attempt < 200; attempt++) {
    const onsets = Array.from({ length: count }, () => r.int(Math.ceil(0.15 * n + width / 2), n - 1 - Math.max(tailRoom, Math.ceil(width / 2)))).sort((a, b) => a - b);
    if (onsets.every((o, k) => k === 0 || o - onsets[k - 1] > width + tailRoom)) return onsets;
  }
  throw new Error(`holdout-series: cannot place ${count} anomalies in ${n} slots`);
}

/** What a kind's builder returns: a value (or null: missing) per slot, and the anomalies it put in. */
interface Built {
  values: Array<number | null>;
  anomalies: Array<{ onset: number; anomaly: string }>;
}

interface Context {
  r: Random;
  n: number;
  offset: number;
}

/** Ordinary bursts (not anomalies): `perDay` on average, 1-3 slots, multiplying by `1 + amp`. */
function addBursts(ctx: Context, values: number[], perDay: number, amp: () => number): void {
  const { r, n } = ctx;
  for (let i = 0; i < n; i++) {
    if (r.next() < perDay / SLOTS_PER_DAY) {
      const len = r.int(1, 3);
      const a = amp();
      for (let k = i; k < Math.min(n, i + len); k++) values[k] *= 1 + a;
      i += len;
    }
  }
}

/** Random missing points (`share`) and `outages` collector outages of 1-10 hours. */
function dropPoints(ctx: Context, values: Array<number | null>, share: number, outages: number): void {
  const { r, n } = ctx;
  for (let i = 0; i < n; i++) if (r.next() < share) values[i] = null;
  for (let o = 0; o < outages; o++) {
    const len = r.int(12, 120);
    const at = r.int(0, n - len - 1);
    for (let k = at; k < at + len; k++) values[k] = null;
  }
}

/** EC2 CPU of an auto-scaling group: AR noise around a level, cron bursts; a misconfiguration shift that stays, a stall to idle, a glitch. */
function cpuAsg(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const level = r.between(15, 55);
  const noise = ar1(r, n, 0.6, () => r.studentT(4));
  const sd = level * r.between(0.04, 0.1);
  const drift = r.between(-0.15, 0.15);
  const values = Array.from({ length: n }, (_, i) => level * (1 + drift * (i / n)) * (1 + 0.15 * dayShape(clock(i, offset).hour)) + sd * noise[i]);
  addBursts(ctx, values, 4, () => r.between(0.15, 0.5));
  const count = r.int(2, 3);
  const onsets = placeOnsets(r, n, count, 72);
  const anomalies: Built['anomalies'] = [];
  onsets.forEach((onset, k) => {
    const what = k === 0 ? 'shift' : r.pick(['stall', 'glitch', 'shift']);
    if (what === 'shift') {
      const factor = r.pick([r.between(1.5, 2.2), r.between(0.45, 0.65)]);
      for (let i = onset; i < n; i++) values[i] *= factor;
    } else if (what === 'stall') {
      const len = r.int(6, 36);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] = r.between(0.5, 2);
    } else {
      values[onset] = Math.min(100, values[onset] * r.between(2.5, 4) + 20);
    }
    anomalies.push({ onset, anomaly: what });
  });
  const clipped: Array<number | null> = values.map((v) => Math.min(100, Math.max(0, v)));
  dropPoints(ctx, clipped, 0.005, r.int(0, 1));
  return { values: clipped, anomalies };
}

/** Request latency (ms): log-normal heavy tail, slow at peak hours; single huge glitches and hours-long slowdowns. */
function latencyTail(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const level = r.between(80, 400);
  const sigma = r.between(0.12, 0.3);
  const values = Array.from({ length: n }, (_, i) => level * (1 + 0.25 * dayShape(clock(i, offset).hour, 15)) * Math.exp(sigma * r.studentT(3) * 0.7));
  addBursts(ctx, values, 6, () => r.between(0.3, 0.9));
  const count = r.int(2, 4);
  const onsets = placeOnsets(r, n, count, 72);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['glitch', 'slowdown', 'slowdown']);
    if (what === 'glitch') values[onset] *= r.between(5, 10);
    else {
      const len = r.int(12, 72);
      const factor = r.between(1.8, 3);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] *= factor;
    }
    anomalies.push({ onset, anomaly: what });
  }
  const out: Array<number | null> = values.map((v) => Math.round(v));
  dropPoints(ctx, out, 0.01, r.int(0, 2));
  return { values: out, anomalies };
}

/** Requests per 5 minutes to a web tier: Poisson around a strong daily and weekly cycle; outages, a surge, a shift after a release. */
function requestRate(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const peak = r.between(300, 3000);
  const night = r.between(0.1, 0.3);
  const weekend = r.between(0.5, 0.8);
  const expected = Array.from({ length: n }, (_, i) => {
    const { hour, weekday } = clock(i, offset);
    return peak * (night + (1 - night) * dayShape(hour, 13)) * (weekday >= 5 ? weekend : 1);
  });
  const count = r.int(2, 3);
  const onsets = placeOnsets(r, n, count, 72);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['outage', 'surge', 'shift']);
    if (what === 'outage') {
      const len = r.int(3, 24);
      const keep = r.between(0.05, 0.4);
      for (let i = onset; i < Math.min(n, onset + len); i++) expected[i] *= keep;
    } else if (what === 'surge') {
      const len = r.int(6, 30);
      const factor = r.between(1.8, 3);
      for (let i = onset; i < Math.min(n, onset + len); i++) expected[i] *= factor;
    } else {
      const factor = r.pick([r.between(1.4, 1.8), r.between(0.5, 0.7)]);
      for (let i = onset; i < n; i++) expected[i] *= factor;
    }
    anomalies.push({ onset, anomaly: what });
  }
  const values = expected.map((m) => r.poisson(m * Math.exp(0.08 * r.normal())));
  addBursts(ctx, values, 3, () => r.between(0.2, 0.5));
  const out: Array<number | null> = values;
  dropPoints(ctx, out, 0.003, r.int(0, 1));
  return { values: out, anomalies };
}

/** Machine temperature: a smooth AR walk around a set point, small daily swing; a slow ramp then a failure drop, a planned shutdown-like drop. */
function machineTemp(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const setPoint = r.between(60, 90);
  const walk = ar1(r, n, 0.97, () => r.normal());
  const jitter = r.between(0.3, 1);
  const values = Array.from({ length: n }, (_, i) => setPoint + 2.5 * walk[i] + 1.5 * Math.sin(((clock(i, offset).hour - 8) / 24) * 2 * Math.PI) + jitter * r.normal());
  const count = r.int(2, 4);
  const onsets = placeOnsets(r, n, count, 300);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['ramp_failure', 'drop', 'glitch']);
    if (what === 'ramp_failure') {
      const ramp = r.int(36, 144);
      const rise = r.between(8, 15);
      for (let k = 0; k < ramp && onset + k < n; k++) values[onset + k] += (rise * k) / ramp;
      const down = r.int(24, 96);
      const depth = r.between(25, 45);
      for (let k = 0; k < down && onset + ramp + k < n; k++) values[onset + ramp + k] -= depth;
    } else if (what === 'drop') {
      const len = r.int(12, 60);
      const depth = r.between(20, 40);
      for (let k = 0; k < len && onset + k < n; k++) values[onset + k] -= depth * Math.min(1, (k + 1) / 3);
    } else {
      values[onset] += r.pick([-1, 1]) * r.between(15, 25);
    }
    anomalies.push({ onset, anomaly: what });
  }
  const out: Array<number | null> = values.map((v) => Math.round(v * 100) / 100);
  dropPoints(ctx, out, 0.005, r.int(0, 1));
  return { values: out, anomalies };
}

/** A quantised sensor that sits flat for long stretches (idle) and is noisy when busy; spikes and a dip are the anomalies, the flat-to-noisy changes are not. */
function sensorFlat(ctx: Context): Built {
  const { r, n } = ctx;
  const level = r.between(2, 30);
  const noise = level * r.between(0.05, 0.15);
  const values: number[] = [];
  let flat = r.next() < 0.5;
  let flatValue = Math.round(level * 10) / 10;
  while (values.length < n) {
    const len = flat ? r.int(SLOTS_PER_DAY / 4, SLOTS_PER_DAY * 2) : r.int(SLOTS_PER_DAY / 4, SLOTS_PER_DAY * 1.5);
    for (let k = 0; k < len && values.length < n; k++) values.push(flat ? flatValue : Math.round((level + noise * r.studentT(3)) * 10) / 10);
    flat = !flat;
    flatValue = Math.round(level * r.between(0.97, 1.03) * 10) / 10;
  }
  addBursts(ctx, values, 2, () => r.between(0.2, 0.4));
  const count = r.int(1, 3);
  const onsets = placeOnsets(r, n, count, 24);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['spike', 'spike', 'dip']);
    if (what === 'spike') {
      const len = r.int(1, 3);
      const factor = r.between(2.5, 5);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] = Math.round(level * factor * 10) / 10;
    } else {
      const len = r.int(3, 12);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] = Math.round(level * r.between(0, 0.2) * 10) / 10;
    }
    anomalies.push({ onset, anomaly: what });
  }
  const out: Array<number | null> = values;
  dropPoints(ctx, out, 0.01, r.int(0, 2));
  return { values: out, anomalies };
}

/** NetworkIn bytes: heavy-tailed (Pareto-like) bursty traffic on a daily cycle; a sustained flood and a shift that stays. */
function networkIn(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const base = r.between(2e5, 5e6);
  const alpha = r.between(2.5, 4);
  const values = Array.from({ length: n }, (_, i) => {
    const pareto = (1 - r.next()) ** (-1 / alpha);
    return base * (0.6 + 0.6 * dayShape(clock(i, offset).hour, 20)) * pareto * ((alpha - 1) / alpha);
  });
  addBursts(ctx, values, 5, () => r.between(0.5, 1.5));
  const count = r.int(2, 3);
  const onsets = placeOnsets(r, n, count, 72);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['flood', 'shift', 'silence']);
    if (what === 'flood') {
      const len = r.int(6, 48);
      const factor = r.between(4, 8);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] *= factor;
    } else if (what === 'shift') {
      const factor = r.pick([r.between(2, 3), r.between(0.3, 0.5)]);
      for (let i = onset; i < n; i++) values[i] *= factor;
    } else {
      const len = r.int(6, 36);
      for (let i = onset; i < Math.min(n, onset + len); i++) values[i] = base * r.between(0.001, 0.02);
    }
    anomalies.push({ onset, anomaly: what });
  }
  const out: Array<number | null> = values.map((v) => Math.round(v));
  dropPoints(ctx, out, 0.01, r.int(0, 1));
  return { values: out, anomalies };
}

/** Tweets mentioning a company per 5 minutes: overdispersed counts on a daily/weekly cycle with viral bursts; a news storm, a dead feed, a jump in attention that stays. */
function tweetCounts(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const mean = r.between(8, 60);
  const expected = Array.from({ length: n }, (_, i) => {
    const { hour, weekday } = clock(i, offset);
    return mean * (0.3 + 0.9 * dayShape(hour, 16)) * (weekday >= 5 ? 0.8 : 1);
  });
  const count = r.int(2, 4);
  const onsets = placeOnsets(r, n, count, 72);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['storm', 'storm', 'dead_feed', 'attention_shift']);
    if (what === 'storm') {
      const len = r.int(6, 36);
      const factor = r.between(4, 10);
      for (let k = 0; k < len && onset + k < n; k++) expected[onset + k] *= 1 + (factor - 1) * Math.exp(-k / (len / 3));
    } else if (what === 'dead_feed') {
      const len = r.int(12, 48);
      for (let i = onset; i < Math.min(n, onset + len); i++) expected[i] = 0.01;
    } else {
      const factor = r.between(2, 3);
      for (let i = onset; i < n; i++) expected[i] *= factor;
    }
    anomalies.push({ onset, anomaly: what });
  }
  // Negative binomial-ish: Poisson with a gamma-like (log-normal) rate.
  const values: Array<number | null> = expected.map((m) => r.poisson(m * Math.exp(0.35 * r.normal() - 0.06)));
  for (let i = 0; i < n; i++) if (r.next() < 3 / SLOTS_PER_DAY) for (let k = i; k < Math.min(n, i + r.int(1, 3)); k++) values[k] = (values[k] ?? 0) + r.poisson(mean * r.between(0.5, 1.5));
  dropPoints(ctx, values, 0.002, 0);
  return { values, anomalies };
}

/** Road traffic speed (NAB realTraffic): irregular sampling with many gaps, rush-hour dips on weekdays; an accident (sharp drop), a closure (flat low), a sensor glitch. */
function trafficGappy(ctx: Context): Built {
  const { r, n, offset } = ctx;
  const free = r.between(50, 70);
  const values = Array.from({ length: n }, (_, i) => {
    const { hour, weekday } = clock(i, offset);
    const rush = weekday < 5 ? 0.35 * Math.exp(-(((hour - 8) / 1.2) ** 2)) + 0.4 * Math.exp(-(((hour - 17.5) / 1.5) ** 2)) : 0.1 * Math.exp(-(((hour - 14) / 3) ** 2));
    return free * (1 - rush) + 3 * r.studentT(3);
  });
  const count = r.int(1, 3);
  const onsets = placeOnsets(r, n, count, 48);
  const anomalies: Built['anomalies'] = [];
  for (const onset of onsets) {
    const what = r.pick(['accident', 'closure', 'glitch']);
    if (what === 'accident') {
      const len = r.int(6, 24);
      for (let k = 0; k < len && onset + k < n; k++) values[onset + k] = free * r.between(0.15, 0.35);
    } else if (what === 'closure') {
      const len = r.int(24, 96);
      for (let k = 0; k < len && onset + k < n; k++) values[onset + k] = r.between(0, 3);
    } else values[onset] = free * r.between(2, 3);
    anomalies.push({ onset, anomaly: what });
  }
  const out: Array<number | null> = values.map((v) => Math.max(0, Math.round(v)));
  dropPoints(ctx, out, 0.08, r.int(2, 4));
  return { values: out, anomalies };
}

const BUILDERS: Record<HoldoutKind, (ctx: Context) => Built> = {
  cpu_asg: cpuAsg,
  latency_tail: latencyTail,
  request_rate: requestRate,
  machine_temp: machineTemp,
  sensor_flat: sensorFlat,
  network_in: networkIn,
  tweet_counts: tweetCounts,
  traffic_gappy: trafficGappy,
};

/**
 * Builds one series: its JSON log lines (`{"ts","level","service","msg","value"}`, the reading
 * in `value`) and its truth.
 */
export function buildHoldoutSeries(kind: HoldoutKind, seed: number, startMs: number): { lines: Array<[number, string]>; truth: HoldoutSeries } {
  const r = new Random(seed * 1009 + Object.keys(BUILDERS).indexOf(kind) * 7919 + 17);
  const days = r.int(14, 28);
  const n = days * SLOTS_PER_DAY;
  // Start on a Monday at midnight plus a whole number of days (startMs is a Monday 00:00 UTC).
  const startDay = r.int(0, 6);
  const t0 = startMs + startDay * 86_400_000;
  const { values, anomalies } = BUILDERS[kind]({ r, n, offset: startDay * SLOTS_PER_DAY });
  const name = `${kind}-${seed}`;
  const lines: Array<[number, string]> = [];
  // Readings land at a fixed phase with a little jitter; traffic sensors anywhere in their slot.
  const phase = r.between(30_000, 60_000);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    const t = Math.round(t0 + i * INTERVAL_MS + (kind === 'traffic_gappy' ? r.between(0, INTERVAL_MS - 1000) : phase + r.between(-20_000, 20_000)));
    lines.push([t, JSON.stringify({ ts: new Date(t).toISOString(), level: 'INFO', service: name, msg: 'reading', value: v })]);
  }
  const width = Math.floor((0.1 * n) / anomalies.length);
  const iso = (slot: number) => new Date(t0 + slot * INTERVAL_MS).toISOString();
  const windows = anomalies.map(({ onset, anomaly }) => ({ start: iso(Math.max(0, onset - Math.floor(width / 2))), end: iso(Math.min(n, onset + Math.ceil(width / 2))), anomaly, onset: iso(onset) }));
  return {
    lines,
    truth: { name, kind, seed, points: lines.length, slots: n, start: iso(0), end: iso(n), probationEnd: iso(Math.floor(0.15 * n)), windows },
  };
}
