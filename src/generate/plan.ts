import { BASELINE_ERROR_SHARE, ERROR, type Fleet, type LogStream } from './fleet.js';
import { listTemplates, type RenderMessage } from './messages.js';
import type { Rng } from './rng.js';

/** Share of all lines that are malformed. */
const MALFORMED_SHARE = 0.01;
/** A burst multiplies the file's error rate for its minutes by this much, at random. */
const BURST_MULTIPLIER_MIN = 15;
const BURST_MULTIPLIER_MAX = 40;
/** Floor on a burst's extra errors per minute, so small files still show it. */
const BURST_MIN_ERRORS_PER_MINUTE = 3;
/** Bursts never take more than this share of the well-formed lines. */
const BURST_MAX_SHARE = 0.1;
const BURST_MIN_MINUTES = 5;
const BURST_MAX_MINUTES = 30;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** One injected error burst, as planned before any line is written. */
export interface BurstPlan {
  /** Inclusive, on a whole minute. */
  readonly startMs: number;
  /** Exclusive, on a whole minute. */
  readonly endMs: number;
  readonly stream: LogStream;
  /** Extra ERROR lines the stream writes inside [startMs, endMs). */
  readonly lines: number;
  /** The error that dominates the burst, as one failure does in a real incident. */
  readonly dominant: RenderMessage;
}

/** How the requested lines split into baseline, burst and malformed lines. */
export interface RunPlan {
  readonly baseLines: number;
  readonly malformedLines: number;
  /** Sorted by time, never overlapping. */
  readonly bursts: readonly BurstPlan[];
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
 * Splits the line budget and places the error bursts: about max(3, 2 per day)
 * of them, each in its own equal slice of the time span, so none overlap.
 */
export function planRun({ lines, startMs, spanMs, rng, fleet }: PlanRunOptions): RunPlan {
  const malformedLines = Math.round(lines * MALFORMED_SHARE);
  const wellFormed = lines - malformedLines;
  const spanMinutes = spanMs / MINUTE_MS;
  const baselineErrorsPerMinute = (wellFormed * BASELINE_ERROR_SHARE) / spanMinutes;
  // A slot needs room for the shortest burst plus a free minute before the next slot.
  const wanted = Math.max(3, Math.round((spanMs / DAY_MS) * 2));
  const slots = Math.min(wanted, Math.floor(spanMinutes / (BURST_MIN_MINUTES + 2)));
  const candidates = fleet.streams.filter((s) => s.service !== 'cron');

  const drafts: Array<Omit<BurstPlan, 'lines'> & { lines: number }> = [];
  for (let slot = 0; slot < slots; slot++) {
    const firstMinute = Math.ceil((startMs + (slot * spanMs) / slots) / MINUTE_MS);
    const lastMinute = Math.floor((startMs + ((slot + 1) * spanMs) / slots) / MINUTE_MS);
    const room = lastMinute - firstMinute - 1;
    if (room < BURST_MIN_MINUTES) continue;
    const minutes = rng.int(BURST_MIN_MINUTES, Math.min(BURST_MAX_MINUTES, room));
    const startMinute = firstMinute + rng.int(0, room - minutes);
    const stream = rng.pick(candidates);
    const multiplier = BURST_MULTIPLIER_MIN + rng.next() * (BURST_MULTIPLIER_MAX - BURST_MULTIPLIER_MIN);
    const perMinute = Math.max(BURST_MIN_ERRORS_PER_MINUTE, multiplier * baselineErrorsPerMinute);
    drafts.push({
      startMs: startMinute * MINUTE_MS,
      endMs: (startMinute + minutes) * MINUTE_MS,
      stream,
      lines: Math.round(perMinute * minutes),
      dominant: rng.pick(listTemplates(stream.service)[ERROR]),
    });
  }

  // Tiny files cannot afford the floor rate; shrink bursts rather than drown the baseline.
  const wantedBurstLines = drafts.reduce((sum, b) => sum + b.lines, 0);
  const cap = Math.floor(wellFormed * BURST_MAX_SHARE);
  if (wantedBurstLines > cap) {
    for (const burst of drafts) burst.lines = Math.floor((burst.lines * cap) / wantedBurstLines);
  }
  const bursts = drafts.filter((b) => b.lines > 0);
  const burstLines = bursts.reduce((sum, b) => sum + b.lines, 0);
  return { baseLines: wellFormed - burstLines, malformedLines, bursts };
}
