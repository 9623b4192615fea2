import type { DuckDBConnection } from '@duckdb/node-api';
import { countsAnswer, parseDurationSeconds, prepareQuery, RECORDS_SOURCE, type QueryParams } from '../query/index.js';
import { compileMetric, COUNTED_MEASURES, ERRORS_EXPRESSION, fieldColumns, measuresSlot, VOLUME_EXPRESSION, type CompiledMetric, type Measure } from './metric.js';

/** Options of {@link detectAnomalies}: the parameters of `sql/zscore.sql`, plus a metric. */
export interface DetectOptions extends Omit<QueryParams<'zscore'>, 'flagged_only'> {
  /** An aggregate over each bucket's records, e.g. `avg(latency_ms)`; default: error count and volume. */
  metric?: string;
  /** Which way the metric is watched: `both` (default), `up` (only rises) or `down`. */
  direction?: Measure['direction'];
  /** Find the top contributors of each anomaly event (one extra query per event). */
  explain?: boolean;
  /** Contributors kept per dimension when explaining (default 5). */
  top?: number;
  /** Also return every bucket of the range, flagged or not, in `buckets` (for a chart around an event). */
  allBuckets?: boolean;
  /**
   * Also count the buckets judged (those with a baseline) per day, for the firing rate per 1,000
   * buckets of a backtest (`firingsPerDay[].judged`, `firingRate`).
   */
  countJudged?: boolean;
  /** Internal: measures and the `fields` slot to use instead of errors and volume (counting scans). */
  measures?: Measure[];
  fields?: string;
  /**
   * The connection is a store reader's, with its pre-counted `log_counts`: read that instead
   * of the records for errors and volume (no metric) where it gives the same answer
   * (`countsAnswer` in src/query: whole-minute buckets and range ends, by nothing, service,
   * host or level).
   */
  counted?: boolean;
}

/** One flagged bucket of one series and measure (a row of `sql/zscore.sql`). */
export interface Anomaly {
  /** ISO, start of the bucket. */
  bucket: string;
  series: string;
  measure: string;
  observed: number | null;
  expected: number | null;
  stddev: number | null;
  z: number | null;
  z_trailing: number | null;
  severity: 'warning' | 'critical';
  baseline: 'trailing' | 'seasonal';
  samples: number;
}

/** A contributor to an anomaly event: how much of the measure one value had, before and during. */
export interface Contributor {
  dimension: 'service' | 'host' | 'message';
  value: string;
  during: number | null;
  before: number | null;
  change: number;
  records_during: number;
  records_before: number;
}

/**
 * A firing: consecutive flagged buckets of the same series and measure, as an alert would see
 * them (one event, not one per bucket).
 */
export interface AnomalyEvent {
  /** ISO; inclusive. */
  start: string;
  /** ISO; exclusive (end of the last flagged bucket). */
  end: string;
  series: string;
  measure: string;
  buckets: number;
  /** The bucket furthest from its baseline. */
  peak: Anomaly;
  severity: 'warning' | 'critical';
  explanation?: Contributor[];
}

/** Firings (events) and flagged buckets per UTC day: what a rule would have done. */
export interface DailyFirings {
  day: string;
  firings: number;
  buckets: number;
  /** With `countJudged`: buckets of that day judged against a baseline (every series and measure). */
  judged?: number;
  /** With `countJudged`: firings per 1,000 judged buckets that day. */
  per_1000?: number;
}

/**
 * Firings per 1,000 judged buckets over the whole range: in a backtest over ordinary history,
 * each firing is a false alarm unless it was a real incident, so this is the false-alarm rate a
 * rule with these settings would have had.
 */
export interface FiringRate {
  firings: number;
  judged: number;
  days: number;
  per1000: number;
  /** The same per series (every measure of it), highest rate first. */
  bySeries?: Array<{ series: string; firings: number; judged: number; per1000: number }>;
}

/** What {@link detectAnomalies} found. */
export interface DetectResult {
  anomalies: Anomaly[];
  events: AnomalyEvent[];
  firingsPerDay: DailyFirings[];
  measures: Measure[];
  /** With `countJudged`: firings per 1,000 judged buckets over the range. */
  firingRate?: FiringRate;
  /** With `allBuckets`: every bucket of every series and measure in the range, `flagged` set on the flagged ones. */
  buckets?: Array<Anomaly & { flagged: boolean }>;
}

/**
 * Runs `sql/zscore.sql` over the stored logs and groups the flagged buckets into events.
 *
 * @example
 * const { events } = await detectAnomalies(reader.connection, { bucket: '1m', since: '-1d', explain: true });
 */
export async function detectAnomalies(conn: DuckDBConnection, options: DetectOptions = {}): Promise<DetectResult> {
  const { explain, top, allBuckets, countJudged, ...rest } = options;
  const { prepared, measures, fields, params } = await prepareZscore(conn, rest, allBuckets !== true && countJudged !== true);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as unknown as RawRow[];
  const buckets = allBuckets === true ? rows.map((row) => ({ ...toAnomaly(row), flagged: row.flagged === true })) : undefined;
  const anomalies = allBuckets !== true && countJudged !== true ? rows.map(toAnomaly) : rows.filter((row) => row.flagged === true).map(toAnomaly);
  const bucketMs = (parseDurationSeconds(params.bucket ?? '1m') ?? 60) * 1000;
  const events = groupEvents(anomalies, bucketMs);
  if (explain) {
    const window = Number(params.window ?? 60);
    for (const event of events) {
      const measure = measures.find((m) => m.name === event.measure) ?? measures[0];
      event.explanation = await explainEvent(conn, event, {
        by: params.by ?? '',
        baselineStart: new Date(Date.parse(event.start) - window * bucketMs).toISOString(),
        measure,
        fields,
        top: top ?? 5,
      });
    }
  }
  const firingsPerDay = countFirings(events);
  const firingRate = countJudged === true ? addJudged(firingsPerDay, rows, events) : undefined;
  return { anomalies, events, firingsPerDay, measures, ...(firingRate !== undefined ? { firingRate } : {}), ...(buckets !== undefined ? { buckets } : {}) };
}

/** `sql/zscore.sql` prepared for `options`: the measures (errors and volume, or the metric) and the slots that compute them. */
async function prepareZscore(conn: DuckDBConnection, options: Omit<DetectOptions, 'explain' | 'top' | 'allBuckets'>, flaggedOnly: boolean) {
  const { metric, direction, measures: givenMeasures, fields: givenFields, counted, ...params } = options;
  if (counted === true && metric === undefined && givenMeasures === undefined && givenFields === undefined && countsAnswer(params)) {
    // The same errors and volume, summed from counts; reported as the record measures, which explain reads.
    const prepared = await prepareQuery(conn, 'zscore', { ...params, flagged_only: flaggedOnly }, { ...trailingSlots(params.baseline), ...NON_ROBUST_SLOTS, measures: measuresSlot(COUNTED_MEASURES), fields: 'level, n', source: 'log_counts' });
    return { prepared, measures: [...RECORD_MEASURES], fields: 'level', params };
  }
  let compiled: CompiledMetric | undefined;
  let measures: Measure[];
  if (metric !== undefined) {
    compiled = await compileMetric(conn, metric, direction ?? 'both');
    measures = [compiled.measure];
  } else if (givenMeasures !== undefined) {
    measures = givenMeasures;
  } else {
    measures = [...RECORD_MEASURES];
  }
  const fields = compiled !== undefined ? fieldColumns(compiled.columns, compiled.fields) : (givenFields ?? 'level');
  // Only a metric naming template_id needs the logs view's join to the signatures.
  const slots: Record<string, string> = { ...trailingSlots(params.baseline), measures: measuresSlot(measures), fields, ...(compiled?.columns.includes('template_id') ? {} : RECORDS_SOURCE) };
  if (String(params.robust) === 'false' || measures.every((m) => m.counted)) Object.assign(slots, NON_ROBUST_SLOTS);
  const prepared = await prepareQuery(conn, 'zscore', { ...params, flagged_only: flaggedOnly }, slots);
  return { prepared, measures, fields, params };
}

/** The built-in measures over the records. */
const RECORD_MEASURES: readonly Measure[] = [
  { name: 'errors', expression: ERRORS_EXPRESSION, direction: 'up', counted: true },
  { name: 'volume', expression: VOLUME_EXPRESSION, direction: 'both', counted: true },
];

/**
 * No robust value metric (counts only, or --no-robust): without the median and MAD windows,
 * which would be computed for every row even where unused (twice the time on the error and
 * volume counts).
 */
const NON_ROBUST_SLOTS: Record<string, string> = {
  trail_windows: 'avg(observed) OVER w_trail AS t_mean, stddev_samp(observed) OVER w_trail AS t_sd_raw, NULL::DOUBLE AS noise_sd, NULL::DOUBLE AS t_min,',
  residual_windows: 'NULL::DOUBLE AS r_med, NULL::DOUBLE AS r_sd, NULL::BIGINT AS r_n',
  step: 'NULL::DOUBLE',
  tail_quantile: 'NULL::DOUBLE AS day_q, NULL::DOUBLE AS day_jump_q, NULL::DOUBLE AS day_max',
  spread_ahead: 'NULL::DOUBLE',
  day_spread: 'NULL::DOUBLE',
  tail_today: 'NULL::DOUBLE AS today_q, NULL::DOUBLE AS today_jump_q',
};

/** With a trailing baseline, no seasonal windows at all (inside CASE they would still be computed): a third of the time. */
function trailingSlots(baseline: string | undefined): Record<string, string> {
  if (baseline !== 'trailing') return {};
  return {
    seasonal_windows: 'NULL::DOUBLE AS slot_low, NULL::DOUBLE AS slot_high, NULL::DOUBLE AS slot_mad, NULL::BIGINT AS slot_n, NULL::DOUBLE AS week_median, NULL::BIGINT AS week_n',
    near_windows: 'NULL::DOUBLE AS s_up, NULL::DOUBLE AS s_down, NULL::DOUBLE AS s_mad, NULL::HUGEINT AS s_n, NULL::DOUBLE AS w_up, NULL::DOUBLE AS w_down, NULL::HUGEINT AS w_n',
  };
}

/** A bucket of one series and measure with its score, flagged or not. */
export interface ScoredBucket extends Omit<Anomaly, 'severity' | 'baseline'> {
  severity: Anomaly['severity'] | null;
  baseline: Anomaly['baseline'] | null;
  flagged: boolean;
}

/**
 * Every bucket of `sql/zscore.sql` for `options` (flagged or not): the observed value, the
 * expected one and the z-score per series, measure and bucket, as {@link detectAnomalies}
 * judges them. For charting a series around an anomaly; also the measures and the `fields`
 * slot, which {@link explainEvent} needs.
 */
export async function scoreBuckets(conn: DuckDBConnection, options: Omit<DetectOptions, 'explain' | 'top'> = {}): Promise<{ buckets: ScoredBucket[]; measures: Measure[]; fields: string }> {
  const { prepared, measures, fields } = await prepareZscore(conn, options, false);
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as unknown as Array<RawRow & { flagged: boolean }>;
  const buckets = rows.map((row) => ({ ...toAnomaly(row), severity: row.severity ?? null, baseline: row.baseline ?? null, flagged: row.flagged === true }));
  return { buckets, measures, fields };
}

/** A row of `sql/zscore.sql` as DuckDB gives it: the bucket as DuckDB prints it, samples maybe a string. */
type RawRow = Omit<Anomaly, 'samples'> & { samples: string | number; flagged?: boolean };

function toAnomaly(row: RawRow): Anomaly {
  return {
    bucket: isoOf(row.bucket),
    series: row.series,
    measure: row.measure,
    observed: row.observed,
    expected: row.expected,
    stddev: row.stddev,
    z: row.z,
    z_trailing: row.z_trailing,
    severity: row.severity,
    baseline: row.baseline,
    samples: Number(row.samples),
  };
}

/** `2026-11-20 01:55:00` (a UTC TIMESTAMP as DuckDB prints it) → `2026-11-20T01:55:00.000Z`. */
function isoOf(text: string): string {
  return new Date(`${text.replace(' ', 'T')}Z`).toISOString();
}

/**
 * Unflagged buckets allowed inside one event. A slow ramp or a long drop hovers around the
 * threshold and leaves single unflagged buckets; without this it would fire again and again.
 */
export const EVENT_GAP_BUCKETS = 5;

/**
 * Flagged buckets of one series and measure become one event while no more than
 * {@link EVENT_GAP_BUCKETS} unflagged buckets separate them. `buckets` counts the flagged ones.
 */
export function groupEvents(anomalies: readonly Anomaly[], bucketMs: number): AnomalyEvent[] {
  const open = new Map<string, AnomalyEvent & { endMs: number }>();
  const events: Array<AnomalyEvent & { endMs: number }> = [];
  for (const anomaly of anomalies) {
    const key = `${anomaly.series}\u0000${anomaly.measure}`;
    const startMs = Date.parse(anomaly.bucket);
    const current = open.get(key);
    if (current !== undefined && startMs >= current.endMs && startMs - current.endMs <= EVENT_GAP_BUCKETS * bucketMs) {
      current.endMs = startMs + bucketMs;
      current.buckets++;
      if (Math.abs(anomaly.z ?? Infinity) > Math.abs(current.peak.z ?? Infinity) || (current.peak.z !== null && anomaly.z === null)) current.peak = anomaly;
      if (anomaly.severity === 'critical') current.severity = 'critical';
      continue;
    }
    const event = {
      start: anomaly.bucket,
      end: '',
      endMs: startMs + bucketMs,
      series: anomaly.series,
      measure: anomaly.measure,
      buckets: 1,
      peak: anomaly,
      severity: anomaly.severity,
    };
    open.set(key, event);
    events.push(event);
  }
  return events.map(({ endMs, ...event }) => ({ ...event, end: new Date(endMs).toISOString() }));
}

/** Events and flagged buckets per UTC day of the event's start. */
export function countFirings(events: readonly AnomalyEvent[]): DailyFirings[] {
  const days = new Map<string, DailyFirings>();
  for (const event of events) {
    const day = event.start.slice(0, 10);
    const entry = days.get(day) ?? { day, firings: 0, buckets: 0 };
    entry.firings++;
    entry.buckets += event.buckets;
    days.set(day, entry);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** Sets `judged` and `per_1000` on each day (from every bucket of the range) and gives the rate over all days, and per series. */
function addJudged(days: DailyFirings[], rows: readonly RawRow[], events: readonly AnomalyEvent[]): FiringRate {
  const judged = new Map<string, number>();
  const judgedBySeries = new Map<string, number>();
  for (const row of rows) {
    if (row.baseline === null) continue;
    const day = isoOf(row.bucket).slice(0, 10);
    judged.set(day, (judged.get(day) ?? 0) + 1);
    judgedBySeries.set(row.series, (judgedBySeries.get(row.series) ?? 0) + 1);
  }
  for (const d of days) {
    d.judged = judged.get(d.day) ?? 0;
    d.per_1000 = firingsPer1000(d.firings, d.judged);
  }
  const total = [...judged.values()].reduce((n, v) => n + v, 0);
  const firings = days.reduce((n, d) => n + d.firings, 0);
  const bySeries = [...judgedBySeries].map(([series, n]) => {
    const f = events.filter((e) => e.series === series).length;
    return { series, firings: f, judged: n, per1000: firingsPer1000(f, n) };
  });
  bySeries.sort((a, b) => b.per1000 - a.per1000 || a.series.localeCompare(b.series));
  return { firings, judged: total, days: judged.size, per1000: firingsPer1000(firings, total), bySeries };
}

/** Firings per 1,000 judged buckets, to 3 decimals (0 when nothing was judged). */
export function firingsPer1000(firings: number, judged: number): number {
  return judged === 0 ? 0 : Math.round((1e6 * firings) / judged) / 1000;
}

interface ExplainOptions {
  by: string;
  baselineStart: string;
  measure: Measure;
  /** The `fields` slot text: the columns the measure reads. */
  fields: string;
  top: number;
}

/** Runs `sql/explain.sql` for one event: the services, hosts and message shapes that changed most. */
export async function explainEvent(conn: DuckDBConnection, event: AnomalyEvent, options: ExplainOptions): Promise<Contributor[]> {
  const prepared = await prepareQuery(
    conn,
    'explain',
    { start: event.start, end: event.end, baseline_start: options.baselineStart, by: options.by, series: event.series, top: options.top },
    {
      value: options.measure.expression,
      counted: String(options.measure.counted),
      fields: options.fields,
    },
  );
  const rows = (await prepared.runAndReadAll()).getRowObjectsJson() as unknown as Array<Record<string, unknown>>;
  return rows.map((row) => ({
    dimension: row.dimension as Contributor['dimension'],
    value: String(row.value),
    during: row.during as number | null,
    before: row.before as number | null,
    change: Number(row.change),
    records_during: Number(row.records_during),
    records_before: Number(row.records_before),
  }));
}

/** Settings that reproduce the detector before robust value spreads and event merging (for `npm run bench:metric`'s side-by-side run). */
export const LEGACY_METRIC_SETTINGS: Partial<DetectOptions> = { robust: false, min_change: 0 };
