import { z } from 'zod';
import { listPatterns, type Pattern } from '../../detect/index.js';
import type { ServeContext } from '../context.js';
import { rangeTimes, type TimeRange } from '../range.js';
import { alignBucket, msOf, runQuery } from './common.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;

/** The Patterns page's own parameters: `level`, `new` (only templates first seen in the range), `limit` (per page), `page` (from 1). */
export const patternParams = {
  level: z.enum(['', ...LEVELS], { message: `must be one of ${LEVELS.join(', ')}` }).optional(),
  new: z.enum(['', '0', '1', 'true', 'false'], { message: 'must be 1 or 0' }).optional(),
  limit: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1).max(500).optional(),
  page: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1, 'must be 1 or more').max(10_000).optional(),
};

/** A template with its lines in the range and their trend. */
export interface PatternRow extends Pattern {
  /** Lines of the range. */
  inRange: number;
  /** Lines per bucket of the range (the sparkline). */
  trend: number[];
  /** First seen inside the range. */
  isNew: boolean;
}

/** What the Patterns page shows; also `GET /api/patterns`. */
export interface PatternsData {
  level: string;
  onlyNew: boolean;
  times: number[];
  bucketMs: number;
  /** The page's templates. */
  patterns: PatternRow[];
  /** The page shown (from 1), templates per page, and the templates that pass the filters, on all pages. */
  page: number;
  perPage: number;
  matching: number;
  /** Templates with lines in the range (before the level/new filters and the limit). */
  activeTemplates: number;
  /** Templates first seen in the range. */
  newCount: number;
  /** False when the range starts with the store: no template can be called new. */
  comparable: boolean;
}

/** Whether the store holds records before the range, so that a template first seen in it is new. */
export function newSinceComparable(range: TimeRange): boolean {
  return range.span !== null && range.span.min < range.from;
}

/** How many templates of the range are trended before the filters. */
const TRENDED = 500;

/**
 * The templates with lines in the range, most lines first (`sql/template_trends.sql`: lines
 * per bucket per template, exact to the range), with what `sql/patterns.sql` knows of each
 * (text, level mix, first and last seen, example). Templates first seen in the range are
 * marked new; with `level`, only templates with lines at that level; with `new`, only new ones.
 */
export async function loadPatterns(ctx: ServeContext, range: TimeRange, p: { level?: string; new?: string; limit?: number; page?: number }): Promise<PatternsData> {
  // Every page of the same filters comes from one computation: turning a page reads nothing again.
  const all = await ctx.cached(`patterns:${range.from}:${range.to}:${range.bucket}:${p.level ?? ''}:${p.new ?? ''}`, () => computePatterns(ctx, range, p));
  const perPage = p.limit ?? 100;
  const page = p.page ?? 1;
  const { rows, ...rest } = all;
  return { ...rest, patterns: rows.slice((page - 1) * perPage, page * perPage), page, perPage, matching: rows.length };
}

async function computePatterns(ctx: ServeContext, range: TimeRange, p: { level?: string; new?: string }): Promise<Omit<PatternsData, 'patterns' | 'page' | 'perPage' | 'matching'> & { rows: PatternRow[] }> {
  const { since, until } = rangeTimes(range);
  const level = p.level ?? '';
  const onlyNew = p.new === '1' || p.new === 'true';
  const { trendRows, catalog } = await ctx.read(async (reader) => ({
    trendRows: await runQuery(reader.connection, 'template_trends', { bucket: range.bucket, since, until, top: TRENDED }),
    catalog: await listPatterns(reader.connection, { level: level as (typeof LEVELS)[number] | '', limit: 10_000_000, sort: 'count' }),
  }));
  const times: number[] = [];
  for (let t = alignBucket(range.from, range.bucketMs); t < range.to; t += range.bucketMs) times.push(t);
  const index = new Map(times.map((t, i) => [t, i]));
  const trends = new Map<number, number[]>();
  for (const row of trendRows) {
    const id = Number(row.template_id);
    let trend = trends.get(id);
    if (trend === undefined) trends.set(id, (trend = new Array<number>(times.length).fill(0)));
    const i = index.get(msOf(row.bucket));
    if (i !== undefined) trend[i] = Number(row.count);
  }
  const byId = new Map(catalog.map((t) => [t.id, t]));
  // "New" needs history: a range that starts with the store has nothing to compare with.
  const hasHistory = newSinceComparable(range);
  let newCount = 0;
  const rows: PatternRow[] = [];
  for (const [id, trend] of trends) {
    const template = byId.get(id);
    const inRange = trend.reduce((a, b) => a + b, 0);
    if (inRange === 0) continue;
    const isNew = template !== undefined && hasHistory && Date.parse(template.first_seen) >= range.from;
    if (isNew) newCount++;
    if (template === undefined) continue; // filtered out by level
    if (onlyNew && !isNew) continue;
    rows.push({ ...template, inRange, trend, isNew });
  }
  rows.sort((a, b) => b.inRange - a.inRange || a.id - b.id);
  return { level, onlyNew, times, bucketMs: range.bucketMs, rows, activeTemplates: trends.size, newCount, comparable: hasHistory };
}
