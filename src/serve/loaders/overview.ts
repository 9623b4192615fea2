import fs from 'node:fs';
import path from 'node:path';
import { detectAnomalies, findNewPatterns, type AnomalyEvent, type DetectResult, type Pattern } from '../../detect/index.js';
import { countedSlots } from '../../query/index.js';
import type { StoreSpan } from '../../store/index.js';
import type { ServeContext } from '../context.js';
import { rangeTimes, type TimeRange } from '../range.js';
import { DEFAULT_DETECT, defaultDetectBucket, detectKey } from './anomalies.js';
import { alignBucket, msOf, num, runQuery } from './common.js';
import { newSinceComparable } from './patterns.js';

/** Lines per bucket, by level, over the range (from `sql/trends.sql`). */
export interface VolumeSeries {
  times: number[];
  bucketMs: number;
  /** Per level (FATAL … unknown), lines per bucket; only levels that occur. */
  levels: Record<string, number[]>;
  total: number[];
  errors: number[];
  /** errors / total per bucket; null where there were no lines. */
  errorRate: (number | null)[];
  /**
   * The index of the first bucket not yet complete: the one holding the newest record (or the
   * range's end) and those after it. null when every bucket is complete.
   */
  partialFrom: number | null;
}

/** A value of a field with its error lines (from `sql/top_series.sql`). */
export interface SeriesErrors {
  series: string;
  total: number;
  errors: number;
  warnings: number;
  errorRate: number | null;
}

/** What the store holds (from `sql/store_summary.sql` and the catalog's span). */
export interface StoreFacts {
  span: StoreSpan | null;
  sources: number;
  linesRead: number;
  unparsed: number;
  batches: number;
  lastCommit: number | null;
  templates: number;
  /** Bytes on disk of the Parquet files and the catalog. */
  bytesOnDisk: number;
}

/** Everything the overview page shows; also `GET /api/overview`. */
export interface OverviewData {
  volume: VolumeSeries;
  totals: { lines: number; errors: number; warnings: number };
  topServices: SeriesErrors[];
  topHosts: SeriesErrors[];
  /** The latest anomaly events of the range (newest first), at the Anomalies page's default settings. */
  events: AnomalyEvent[];
  eventCount: number;
  /** Templates first seen in the range, newest first (none when the range starts with the store). */
  newPatterns: Pattern[];
  /** False when the store holds nothing before the range: no template can be called new. */
  newPatternsComparable: boolean;
  store: StoreFacts;
}

const LEVEL_COLUMNS: Array<[string, string]> = [
  ['FATAL', 'fatal'], ['ERROR', 'error'], ['WARN', 'warn'], ['NOTICE', 'notice'], ['INFO', 'info'], ['DEBUG', 'debug'], ['TRACE', 'trace'], ['unknown', 'unknown'],
];

/** The overview without its anomaly events: what the page shows at once. */
export type OverviewBase = Omit<OverviewData, 'events' | 'eventCount'>;

/** The overview's anomaly events: loaded apart from the rest (detection is its slowest part). */
export type OverviewEvents = Pick<OverviewData, 'events' | 'eventCount'>;

/** Loads the overview of `range` (`GET /api/overview`). Every figure comes from a query of the `sql/` registry or `src/detect`. */
export async function loadOverview(ctx: ServeContext, range: TimeRange): Promise<OverviewData> {
  const [base, events] = await Promise.all([loadOverviewBase(ctx, range), loadOverviewEvents(ctx, range)]);
  return { ...base, ...events };
}

/** Everything of the overview but the anomaly events. */
export function loadOverviewBase(ctx: ServeContext, range: TimeRange): Promise<OverviewBase> {
  // Kept until the next commit: a dashboard left open asks the same again and again.
  return ctx.cached(`overview:${range.from}:${range.to}:${range.bucket}`, () => computeOverview(ctx, range));
}

/** The detection settings of the overview's events (the Anomalies page's defaults), whose result the Anomalies page shares. */
function overviewDetect(range: TimeRange) {
  return { ...DEFAULT_DETECT, bucket: defaultDetectBucket(range), ...rangeTimes(range), counted: true };
}

/** The latest anomaly events of the range, at the Anomalies page's default settings. */
export async function loadOverviewEvents(ctx: ServeContext, range: TimeRange): Promise<OverviewEvents> {
  const options = overviewDetect(range);
  const detected = await ctx.cached(detectKey(options), () => ctx.read((reader) => detectAnomalies(reader.connection, options)));
  return toEvents(detected);
}

/** The events when their detection is done and current, else undefined (the page then loads them apart). */
export function peekOverviewEvents(ctx: ServeContext, range: TimeRange): OverviewEvents | undefined {
  const detected = ctx.peek<DetectResult>(detectKey(overviewDetect(range)));
  return detected === undefined ? undefined : toEvents(detected);
}

function toEvents(detected: DetectResult): OverviewEvents {
  return { events: [...detected.events].sort((a, b) => Date.parse(b.start) - Date.parse(a.start)).slice(0, 8), eventCount: detected.events.length };
}

async function computeOverview(ctx: ServeContext, range: TimeRange): Promise<OverviewBase> {
  const { since, until } = rangeTimes(range);
  const base = await ctx.read(async (reader) => {
    const trendRows = await runQuery(reader.connection, 'trends', { bucket: range.bucket, since, until, by: '' }, countedSlots({ since, until, bucket: range.bucket }));
    const services = await runQuery(reader.connection, 'top_series', { since, until, by: 'service', top: 8 }, countedSlots({ since, until, by: 'service' }));
    const hosts = await runQuery(reader.connection, 'top_series', { since, until, by: 'host', top: 8 }, countedSlots({ since, until, by: 'host' }));
    const summary = (await runQuery(reader.connection, 'store_summary', {}))[0];
    const fresh = await findNewPatterns(reader.connection, since, { limit: 200 });
    return { trendRows, services, hosts, summary, fresh, span: reader.span };
  });
  const volume = toVolume(base.trendRows, range);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    volume,
    totals: { lines: sum(volume.total), errors: sum(volume.errors), warnings: sum(volume.levels.WARN ?? []) },
    topServices: base.services.map(toSeriesErrors).filter((s) => s.total > 0),
    topHosts: base.hosts.map(toSeriesErrors).filter((s) => s.total > 0),
    newPatterns: newSinceComparable(range) ? base.fresh.filter((p) => Date.parse(p.first_seen) < range.to).reverse().slice(0, 8) : [],
    newPatternsComparable: newSinceComparable(range),
    store: {
      span: base.span,
      sources: Number(base.summary.sources),
      linesRead: Number(base.summary.lines_read),
      unparsed: Number(base.summary.unparsed),
      batches: Number(base.summary.batches),
      lastCommit: base.summary.last_commit === null ? null : msOf(base.summary.last_commit),
      templates: Number(base.summary.templates),
      bytesOnDisk: await ctx.cached('store-bytes', async () => storeBytes(ctx.dataDir)),
    },
  };
}

/** The rows of `sql/trends.sql` (one series) as per-level arrays on the range's bucket grid. */
export function toVolume(rows: Record<string, unknown>[], range: TimeRange): VolumeSeries {
  // The grid is the range's, so that an empty stretch shows as empty, not as a shorter chart.
  const first = Math.floor(range.from / range.bucketMs) * range.bucketMs;
  const times: number[] = [];
  for (let t = alignBucket(range.from, range.bucketMs); t < range.to; t += range.bucketMs) times.push(t);
  if (times.length === 0) times.push(first);
  const index = new Map(times.map((t, i) => [t, i]));
  const levels: Record<string, number[]> = Object.fromEntries(LEVEL_COLUMNS.map(([l]) => [l, new Array<number>(times.length).fill(0)]));
  const total = new Array<number>(times.length).fill(0);
  const errors = new Array<number>(times.length).fill(0);
  for (const row of rows) {
    const i = index.get(msOf(row.bucket));
    if (i === undefined) continue;
    for (const [level, column] of LEVEL_COLUMNS) levels[level][i] = Number(row[column]);
    total[i] = Number(row.total);
    errors[i] = Number(row.errors);
  }
  for (const [level] of LEVEL_COLUMNS) if (levels[level].every((v) => v === 0)) delete levels[level];
  // Complete up to the newest record (later lines may still arrive in its bucket) or the range's end.
  const completeUntil = Math.min(range.to, range.span === null ? range.to : range.span.max + 1);
  const partial = times.findIndex((t) => t + range.bucketMs > completeUntil);
  return { times, bucketMs: range.bucketMs, levels, total, errors, errorRate: total.map((t, i) => (t === 0 ? null : errors[i] / t)), partialFrom: partial < 0 ? null : partial };
}

function toSeriesErrors(row: Record<string, unknown>): SeriesErrors {
  return { series: String(row.series), total: Number(row.total), errors: Number(row.errors), warnings: Number(row.warnings), errorRate: num(row.error_rate) };
}

/** Bytes of the store's files on disk (Parquet under logs/, unparsed/ and rollup/, the catalog). */
function storeBytes(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) bytes += fs.statSync(p).size;
    }
  };
  for (const sub of ['logs', 'unparsed', 'rollup']) if (fs.existsSync(path.join(dir, sub))) walk(path.join(dir, sub));
  for (const f of ['catalog.duckdb', 'catalog.duckdb.wal']) if (fs.existsSync(path.join(dir, f))) bytes += fs.statSync(path.join(dir, f)).size;
  return bytes;
}
