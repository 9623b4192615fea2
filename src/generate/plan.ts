import { pickBurstRequest, type AccessRequest } from './access-log.js';
import { BASELINE_ERROR_SHARE, ERROR, type Fleet, type LogStream } from './fleet.js';
import { listTemplates, type RenderMessage } from './messages.js';
import { placeAnomalies, type TimeWindow } from './placement.js';
import type { Rng } from './rng.js';
import { weighBaseline } from './traffic.js';

/** Share of all lines that are malformed. */
const MALFORMED_SHARE = 0.01;
/** A burst or a ramp's peak multiplies the file's error rate by this much, at random. */
const BURST_MULTIPLIER_MIN = 15;
const BURST_MULTIPLIER_MAX = 40;
/** Floor on a burst's extra errors per minute (and on a ramp's peak), so small files still show it. */
const BURST_MIN_ERRORS_PER_MINUTE = 3;
/** The nightly job's size varies this much from night to night, either way. */
const RECURRING_VARIATION = 0.2;
/** A volume drop keeps at most this share of the baseline (and at least none). */
const DROP_MAX_KEPT_PERCENT = 30;
/** Injected error lines never take more than this share of the well-formed lines. */
const INJECTED_MAX_SHARE = 0.1;
const MINUTE_MS = 60_000;

/** The anomaly kinds that add ERROR lines to one stream. */
export type ErrorKind = 'error_burst' | 'slow_ramp' | 'recurring_burst';

/** Extra ERROR lines one stream writes in a window, as planned before any line is written. */
export interface ErrorInjection {
  /** `slow_ramp` lines grow linearly in density over the window; the others are spread evenly. */
  readonly kind: ErrorKind;
  /** Inclusive, on a whole minute. */
  readonly startMs: number;
  /** Exclusive, on a whole minute. */
  readonly endMs: number;
  readonly stream: LogStream;
  /** Extra ERROR lines the stream writes inside [startMs, endMs); at least 1. */
  readonly lines: number;
  /** The error that dominates the window, as one failure does in a real incident. */
  readonly dominant: RenderMessage;
  /** The same in access-log terms: the failing request (a 5xx) that dominates it. */
  readonly dominantRequest: AccessRequest;
}

/** A stretch in which the whole fleet's baseline falls to `keptShare` of normal. */
export interface VolumeDropPlan {
  /** Inclusive, on a whole minute. */
  readonly startMs: number;
  /** Exclusive, on a whole minute. */
  readonly endMs: number;
  /** In [0, 0.3], in steps of 0.01. */
  readonly keptShare: number;
  /** About how many baseline lines the drop left out. */
  readonly missingLines: number;
}

/** How the requested lines split into baseline, injected and malformed lines, and when the anomalies happen. */
export interface RunPlan {
  readonly baseLines: number;
  readonly malformedLines: number;
  /** End of the clean first day (the span's start when there is none). */
  readonly warmupEndMs: number;
  /** Sorted by time, never overlapping. */
  readonly injections: readonly ErrorInjection[];
  /** Sorted by time, never overlapping each other or an injection. */
  readonly drops: readonly VolumeDropPlan[];
}

/** Inputs to {@link planRun}. */
export interface PlanRunOptions {
  readonly lines: number;
  readonly startMs: number;
  readonly spanMs: number;
  readonly rng: Rng;
  readonly fleet: Fleet;
}

/**
 * Splits the line budget and sizes the anomalies that {@link placeAnomalies} places:
 * error bursts (15-40× the file's error rate, or at least 3 a minute), slow ramps (growing to
 * such a peak), volume drops (0-30% of the baseline kept) and the nightly cron job (the size of
 * a burst, ±20% from night to night, always on the same cron stream with the same failure).
 */
export function planRun({ lines, startMs, spanMs, rng, fleet }: PlanRunOptions): RunPlan {
  const malformedLines = Math.round(lines * MALFORMED_SHARE);
  const wellFormed = lines - malformedLines;
  const endMs = startMs + spanMs;
  const baselineErrorsPerMinute = (wellFormed * BASELINE_ERROR_SHARE) / (spanMs / MINUTE_MS);
  const pickPerMinute = (): number => {
    const multiplier = BURST_MULTIPLIER_MIN + rng.next() * (BURST_MULTIPLIER_MAX - BURST_MULTIPLIER_MIN);
    return Math.max(BURST_MIN_ERRORS_PER_MINUTE, multiplier * baselineErrorsPerMinute);
  };
  const minutesOf = (w: TimeWindow): number => (w.endMs - w.startMs) / MINUTE_MS;
  const placement = placeAnomalies({ startMs, endMs, rng });

  const drafts: Array<Omit<ErrorInjection, 'lines'> & { lines: number }> = [];
  const cronStreams = fleet.streams.filter((s) => s.service === 'cron');
  const nightlyStream = rng.pick(cronStreams);
  const nightlyFailure = rng.pick(listTemplates(nightlyStream.service)[ERROR]);
  const nightlyRequest = pickBurstRequest(rng);
  const nightlyPerMinute = pickPerMinute();
  for (const window of placement.recurring) {
    const variation = 1 - RECURRING_VARIATION + rng.next() * 2 * RECURRING_VARIATION;
    drafts.push({
      kind: 'recurring_burst',
      ...window,
      stream: nightlyStream,
      lines: Math.round(nightlyPerMinute * variation * minutesOf(window)),
      dominant: nightlyFailure,
      dominantRequest: nightlyRequest,
    });
  }

  const candidates = fleet.streams.filter((s) => s.service !== 'cron');
  const cuts: Array<Omit<VolumeDropPlan, 'missingLines'>> = [];
  for (const { kind, ...window } of placement.placed) {
    if (kind === 'volume_drop') {
      cuts.push({ ...window, keptShare: rng.int(0, DROP_MAX_KEPT_PERCENT) / 100 });
      continue;
    }
    const stream = rng.pick(candidates);
    const perMinute = pickPerMinute();
    // A ramp climbs from nothing to its peak: on average half the peak per minute.
    const meanPerMinute = kind === 'slow_ramp' ? perMinute / 2 : perMinute;
    drafts.push({
      kind,
      ...window,
      stream,
      lines: Math.round(meanPerMinute * minutesOf(window)),
      dominant: rng.pick(listTemplates(stream.service)[ERROR]),
      dominantRequest: pickBurstRequest(rng),
    });
  }

  // Tiny files cannot afford the floor rate; shrink the injections rather than drown the baseline.
  const wantedLines = drafts.reduce((sum, d) => sum + d.lines, 0);
  const cap = Math.floor(wellFormed * INJECTED_MAX_SHARE);
  if (wantedLines > cap) {
    for (const draft of drafts) draft.lines = Math.floor((draft.lines * cap) / wantedLines);
  }
  const injections = drafts.filter((d) => d.lines > 0).sort((a, b) => a.startMs - b.startMs);
  const baseLines = wellFormed - injections.reduce((sum, d) => sum + d.lines, 0);

  const weights = weighBaseline(startMs, endMs, cuts);
  const drops = cuts.map((cut, i): VolumeDropPlan => ({
    ...cut,
    missingLines: weights.total > 0 ? Math.round((baseLines * weights.uncut[i] * (1 - cut.keptShare)) / weights.total) : 0,
  }));
  return { baseLines, malformedLines, warmupEndMs: placement.warmupEndMs, injections, drops };
}
