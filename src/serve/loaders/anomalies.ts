import { z } from 'zod';
import { detectAnomalies, explainEvent, scoreBuckets, type AnomalyEvent, type Contributor, type DetectOptions, type DetectResult } from '../../detect/index.js';
import { DEFAULT_DETECT_BUCKET, detectBucketFor, parseDurationSeconds } from '../../query/index.js';
import type { ServeContext } from '../context.js';
import { rangeTimes, type TimeRange } from '../range.js';

/** The detection settings the Anomalies page (and the overview's event list) uses when none are given: `logscope anomalies`' defaults. */
export const DEFAULT_DETECT = { bucket: DEFAULT_DETECT_BUCKET, by: '', baseline: 'auto', threshold: '3', window: '60' } as const satisfies Partial<Record<keyof DetectOptions, string>>;

const bucketText = z
  .string()
  .refine((t) => {
    const s = parseDurationSeconds(t);
    return s !== undefined && Number.isInteger(s) && s >= 1;
  }, 'must be a width such as 1m, 5m, 1h or 1d');

/**
 * The options of `logscope anomalies` the page takes, as URL parameters: `bucket`, `by`,
 * `baseline`, `threshold`, `window`, `metric`, `direction`, `min_count`. Checked here so
 * that a bad one is a 400 naming it.
 */
/** A blank form field means the default. */
const blankIsDefault = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const detectParams = {
  bucket: blankIsDefault(bucketText),
  by: z.string().regex(/^[A-Za-z_][\w.-]{0,127}$|^$/, 'must be service, host, level or an attrs key (letters, digits, _ . -)').optional(),
  baseline: z.enum(['auto', 'trailing', 'seasonal'], { message: 'must be auto, trailing or seasonal' }).optional(),
  threshold: blankIsDefault(z.coerce.number({ message: 'must be a number' }).positive('must be a positive number').finite()),
  window: blankIsDefault(z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(2).max(100_000)),
  min_count: blankIsDefault(z.coerce.number({ message: 'must be a number' }).nonnegative().finite()),
  metric: z.string().max(500, 'must be at most 500 characters').optional(),
  direction: z.enum(['up', 'down', 'both'], { message: 'must be up, down or both' }).optional(),
};

/** The page's detection settings, read. */
export interface DetectSettings {
  bucket: string;
  /** The bucket was not given but chosen for the range ({@link defaultDetectBucket}): links to other ranges leave it out. */
  bucketAuto?: true;
  by: string;
  baseline: 'auto' | 'trailing' | 'seasonal';
  threshold: string;
  window: string;
  min_count?: string;
  metric?: string;
  direction?: 'up' | 'down' | 'both';
}

/**
 * The detection bucket when the page gives none: as `logscope anomalies` chooses it
 * (detectBucketFor: 1m, or wider over a range of more than 100,000 minutes). Without a range: 1m.
 */
export function defaultDetectBucket(range?: TimeRange): string {
  return range === undefined ? DEFAULT_DETECT.bucket : detectBucketFor(range.to - range.from);
}

/** Whether the settings' bucket was not given and is wider than the default, chosen for a long range. */
export function bucketWidened(s: DetectSettings): boolean {
  return s.bucketAuto === true && s.bucket !== DEFAULT_DETECT.bucket;
}

/**
 * Settings from checked parameters, defaults filled (the bucket's for `range`, see
 * {@link defaultDetectBucket}). Empty strings (a blank form field) mean the default.
 */
export function detectSettings(p: { bucket?: string; by?: string; baseline?: DetectSettings['baseline']; threshold?: number; window?: number; min_count?: number; metric?: string; direction?: DetectSettings['direction'] }, range?: TimeRange): DetectSettings {
  const metric = p.metric?.trim();
  const given = p.bucket?.trim();
  return {
    bucket: given || defaultDetectBucket(range),
    ...(given ? {} : { bucketAuto: true as const }),
    by: p.by ?? DEFAULT_DETECT.by,
    baseline: p.baseline ?? DEFAULT_DETECT.baseline,
    threshold: p.threshold !== undefined ? String(p.threshold) : DEFAULT_DETECT.threshold,
    window: p.window !== undefined ? String(p.window) : DEFAULT_DETECT.window,
    ...(p.min_count !== undefined ? { min_count: String(p.min_count) } : {}),
    ...(metric ? { metric, direction: p.direction ?? 'both' } : {}),
  };
}

/** The settings as URL parameters that differ from the defaults (for links and the form). */
export function settingsQuery(s: DetectSettings): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.bucket !== DEFAULT_DETECT.bucket && s.bucketAuto !== true) out.bucket = s.bucket;
  if (s.by !== '') out.by = s.by;
  if (s.baseline !== DEFAULT_DETECT.baseline) out.baseline = s.baseline;
  if (s.threshold !== DEFAULT_DETECT.threshold) out.threshold = s.threshold;
  if (s.window !== DEFAULT_DETECT.window) out.window = s.window;
  if (s.min_count !== undefined) out.min_count = s.min_count;
  if (s.metric !== undefined) {
    out.metric = s.metric;
    if (s.direction !== undefined && s.direction !== 'both') out.direction = s.direction;
  }
  return out;
}

/** The cache key of one detection. */
export function detectKey(options: Record<string, unknown>): string {
  return `detect:${JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)))}`;
}

function toOptions(s: DetectSettings): DetectOptions {
  return {
    bucket: s.bucket,
    by: s.by,
    baseline: s.baseline,
    threshold: s.threshold,
    window: s.window,
    ...(s.min_count !== undefined ? { min_count: s.min_count } : {}),
    ...(s.metric !== undefined ? { metric: s.metric, direction: s.direction } : {}),
  };
}

/** What the Anomalies page lists; also `GET /api/anomalies`. */
export interface AnomaliesData {
  settings: DetectSettings;
  /** Newest first. */
  events: AnomalyEvent[];
  firingsPerDay: DetectResult['firingsPerDay'];
  /** Flagged buckets in all. */
  flaggedBuckets: number;
  /** What each measure is: `errors`, `volume` or the metric's expression. */
  measures: Array<{ name: string; expression: string; direction: string }>;
}

/** Runs `logscope anomalies` over the range: `detectAnomalies` with the page's settings (cached until the next commit). */
export async function loadAnomalies(ctx: ServeContext, range: TimeRange, settings: DetectSettings): Promise<AnomaliesData> {
  const options = { ...toOptions(settings), ...rangeTimes(range), counted: true };
  const result = await ctx.cached(detectKey(options), () => ctx.read((reader) => detectAnomalies(reader.connection, options)));
  return {
    settings,
    events: [...result.events].sort((a, b) => Date.parse(b.start) - Date.parse(a.start) || a.series.localeCompare(b.series)),
    firingsPerDay: result.firingsPerDay,
    flaggedBuckets: result.anomalies.length,
    measures: result.measures.map((m) => ({ name: m.name, expression: m.expression, direction: m.direction })),
  };
}

/** Which event to show in detail: its series and measure and its span (URL parameters `series`, `measure`, `start`, `end`). */
export const eventParams = {
  series: z.string({ message: 'is required: the event\'s series ("*" without by)' }).max(1000),
  measure: z.string({ message: 'is required: errors, volume or metric' }).max(100),
  start: z.iso.datetime({ offset: true, message: 'must be an ISO time such as 2026-11-20T10:00:00.000Z' }),
  end: z.iso.datetime({ offset: true, message: 'must be an ISO time such as 2026-11-20T10:00:00.000Z' }),
};

/** One event in detail: its series charted around it, and its `--explain` contributors; also `GET /api/anomalies/event`. */
export interface EventDetail {
  settings: DetectSettings;
  series: string;
  measure: string;
  start: string;
  end: string;
  bucketMs: number;
  /** Buckets around the event: start times (ms), observed and expected values, flagged or not. */
  times: number[];
  observed: (number | null)[];
  expected: (number | null)[];
  flagged: boolean[];
  explanation: Contributor[];
  /** The peak z within the event, null for a flat history. */
  peakZ: number | null;
  severity: 'warning' | 'critical' | null;
}

/** Buckets charted before and after an event, at least. */
const CONTEXT_BUCKETS = 30;
/** Buckets charted at most. */
const MAX_BUCKETS = 360;

/**
 * Scores the event's series around it (`sql/zscore.sql`, every bucket) and explains it
 * (`sql/explain.sql`), with the same settings as the list.
 */
export function loadEventDetail(ctx: ServeContext, settings: DetectSettings, event: { series: string; measure: string; start: string; end: string }): Promise<EventDetail> {
  return ctx.cached(`event:${JSON.stringify([settings, event.series, event.measure, event.start, event.end])}`, () => computeEventDetail(ctx, settings, event));
}

async function computeEventDetail(ctx: ServeContext, settings: DetectSettings, event: { series: string; measure: string; start: string; end: string }): Promise<EventDetail> {
  const bucketMs = (parseDurationSeconds(settings.bucket) ?? 60) * 1000;
  const start = Date.parse(event.start);
  const end = Date.parse(event.end);
  const length = Math.max(end - start, bucketMs);
  const pad = Math.min(Math.max(CONTEXT_BUCKETS * bucketMs, length), Math.max(((MAX_BUCKETS * bucketMs - length) / 2), CONTEXT_BUCKETS * bucketMs));
  const options = toOptions(settings);
  return ctx.read(async (reader) => {
    // Not past the store's newest record: buckets after it would read as a drop to zero.
    const last = reader.span === null ? end + pad : Math.ceil((reader.span.max + 1) / bucketMs) * bucketMs;
    const since = new Date(start - pad).toISOString();
    const until = new Date(Math.max(Math.min(end + pad, last), end)).toISOString();
    const scored = await scoreBuckets(reader.connection, { ...options, since, until, counted: true });
    const mine = scored.buckets.filter((b) => b.series === event.series && b.measure === event.measure);
    const times = mine.map((b) => Date.parse(b.bucket));
    const inEvent = mine.filter((b) => Date.parse(b.bucket) >= start && Date.parse(b.bucket) < end && b.flagged);
    const peak = inEvent.reduce<(typeof inEvent)[number] | undefined>((best, b) => (best === undefined || Math.abs(b.z ?? Infinity) > Math.abs(best.z ?? Infinity) ? b : best), undefined);
    const measure = scored.measures.find((m) => m.name === event.measure) ?? scored.measures[0];
    const explanation = await explainEvent(reader.connection, { ...event, buckets: inEvent.length, peak: peak as never, severity: peak?.severity ?? 'warning' } as AnomalyEvent, {
      by: settings.by,
      baselineStart: new Date(start - Number(settings.window) * bucketMs).toISOString(),
      measure,
      fields: scored.fields,
      top: 5,
    });
    return {
      settings,
      ...event,
      bucketMs,
      times,
      observed: mine.map((b) => b.observed),
      expected: mine.map((b) => b.expected),
      flagged: mine.map((b) => b.flagged),
      explanation,
      peakZ: peak?.z ?? null,
      severity: inEvent.some((b) => b.severity === 'critical') ? 'critical' : peak !== undefined ? 'warning' : null,
    };
  });
}

/**
 * The Logs page URL with the lines behind an event: its span as a custom range, its series as
 * a filter (`service`, `host`, `level`, or `attr.KEY` for an attrs key; none for `*` and
 * `(none)`) and, for the errors measure, `level=ERROR,FATAL`.
 */
export function eventLogsLink(by: string, event: { series: string; measure: string; start: string; end: string }): string {
  const q = new URLSearchParams({ range: 'custom', from: event.start, to: event.end });
  const filtered = by !== '' && event.series !== '*' && event.series !== '(none)';
  if (filtered) q.set(by === 'service' || by === 'host' || by === 'level' ? by : `attr.${by}`, event.series);
  if (event.measure === 'errors' && !(filtered && by === 'level')) q.set('level', 'ERROR,FATAL');
  return `/logs?${q.toString()}`;
}
