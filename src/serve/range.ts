import { z } from 'zod';
import { formatDuration, formatUtc } from '../charts/index.js';
import { chooseBucket, readTime, type TimeContext } from '../query/index.js';
import { utcZone } from '../parse/index.js';
import type { StoreSpan } from '../store/index.js';
import { ParamError } from './params.js';

/** The presets of the time-range picker, and `custom` (from/to). */
export const RANGE_KEYS = ['1h', '24h', '7d', 'all', 'custom'] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

const PRESET_MS: Record<'1h' | '24h' | '7d', number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

/** The labels the picker shows. */
export const RANGE_LABELS: Record<RangeKey, string> = { '1h': 'Last 1 hour', '24h': 'Last 24 hours', '7d': 'Last 7 days', all: 'All data', custom: 'Custom' };

/** The query parameters of the shared time range; every page and API route accepts them. */
export const rangeParams = {
  range: z.enum(RANGE_KEYS, { message: `must be one of ${RANGE_KEYS.join(', ')}` }).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
};

/** The range every page shows and every query reads: [from, to) in ms, with its bucket width. */
export interface TimeRange {
  key: RangeKey;
  /** Inclusive, ms since the epoch. */
  from: number;
  /** Exclusive. */
  to: number;
  /** A bucket width suiting the range (about 60–200 buckets): `1m`, `15m`, `1h`, ... */
  bucket: string;
  bucketMs: number;
  /**
   * True when the range counts back from the newest stored record instead of the clock,
   * because the clock's range would hold none of it.
   */
  anchored: boolean;
  /** The stored records' span, null when the store is empty. */
  span: StoreSpan | null;
  /** What the page says about the range ("data ends ... ; ranges count back from the newest record"), or undefined. */
  note?: string;
  /** The range's URL parameters, to carry over in links: `range=24h` or `range=custom&from=...&to=...`. */
  query: Record<string, string>;
}

/**
 * Resolves the shared range parameters against the clock and the store's span. Presets count
 * back from now; when the store's newest record is older than the preset reaches (old logs),
 * they count back from just after that record instead, and `note` says so. `all` is the
 * store's span. `custom` takes `from` (required) and `to` (default: now), as ISO times (UTC
 * when zone-less) or times ago (`-2h`); giving `from` or `to` alone means custom.
 */
export function resolveRange(params: { range?: RangeKey; from?: string; to?: string }, span: StoreSpan | null, clock: number): TimeRange {
  const key: RangeKey = params.range ?? (params.from !== undefined || params.to !== undefined ? 'custom' : '24h');
  const newest = span === null ? undefined : span.max + 1;
  if (key !== 'custom' && (params.from !== undefined || params.to !== undefined)) {
    throw new ParamError(params.from !== undefined ? 'from' : 'to', `only with range=custom (range is ${key})`);
  }
  let from: number;
  let to: number;
  let anchored = false;
  let note: string | undefined;
  if (key === 'custom') {
    if (params.from === undefined) throw new ParamError('from', 'range=custom needs from (an ISO time such as 2026-11-20T10:00Z, or a time ago such as -2h)');
    const times: TimeContext = { now: () => clock, zone: utcZone };
    const f = readTime(params.from, times);
    if (f === undefined) throw new ParamError('from', `expected an ISO time (2026-11-20T10:00:00Z; UTC when no zone is given) or a time ago such as -2h, got "${params.from}"`);
    const t = params.to === undefined || params.to === '' ? clock : readTime(params.to, times);
    if (t === undefined) throw new ParamError('to', `expected an ISO time (2026-11-20T10:00:00Z; UTC when no zone is given), "now" or a time ago, got "${params.to}"`);
    if (t <= f) throw new ParamError('to', `must be after from (${new Date(f).toISOString()}), got ${new Date(t).toISOString()}`);
    from = f;
    to = t;
  } else if (key === 'all') {
    from = span?.min ?? clock - PRESET_MS['24h'];
    to = newest ?? clock;
    // Whole minutes: a bucket grid that starts at the first record's odd second looks broken.
    from = Math.floor(from / 60_000) * 60_000;
    to = Math.max(Math.ceil(to / 60_000) * 60_000, from + 60_000);
  } else {
    const length = PRESET_MS[key];
    if (newest !== undefined && newest <= clock - length) {
      anchored = true;
      to = Math.ceil(newest / 60_000) * 60_000;
      note = `The newest record is from ${formatUtc(span!.max)}, ${formatDuration(clock - span!.max)} ago: "${RANGE_LABELS[key].toLowerCase()}" counts back from it, not from now.`;
    } else {
      to = Math.ceil(clock / 60_000) * 60_000;
    }
    from = to - length;
  }
  const { bucket, bucketMs } = chooseBucket(to - from);
  const query: Record<string, string> = key === 'custom' ? { range: 'custom', from: new Date(from).toISOString(), to: new Date(to).toISOString() } : { range: key };
  return { key, from, to, bucket, bucketMs, anchored, span, note, query };
}

/** The range as the ISO `since`/`until` the registry's queries take. */
export function rangeTimes(range: TimeRange): { since: string; until: string } {
  return { since: new Date(range.from).toISOString(), until: new Date(range.to).toISOString() };
}

/** A URL with the range's parameters and `extra` (undefined values left out). */
export function linkTo(path: string, range: TimeRange | Record<string, string>, extra: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams(isRange(range) ? range.query : range);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? path : `${path}?${text}`;
}

function isRange(value: TimeRange | Record<string, string>): value is TimeRange {
  return typeof (value as TimeRange).from === 'number' && typeof (value as TimeRange).bucketMs === 'number';
}
