import { colorOf } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { formatClock, formatDay, formatMonthYear, formatNumber, formatPercent, formatUtc } from './format.js';
import { niceTicks, TIME, timeTicks, type TimeTick } from './scale.js';

/** The text under a tick of an axis spanning `span` ms with ticks `step` ms apart; `i`: the tick's place. */
function tickLabel(tick: TimeTick, i: number, step: number, span: number): string {
  // Over more than about a year the ticks are months apart: month and year, not the day.
  if (span > 360 * TIME.DAY) return formatMonthYear(tick.at);
  if (step >= TIME.DAY || tick.dayStart) return formatDay(tick.at);
  // The first tick of an axis of more than six hours says which day it is.
  if (i === 0 && span > TIME.HOUR * 6) return `${formatDay(tick.at)} ${formatClock(tick.at)}`;
  return formatClock(tick.at);
}

/** One series of a time chart: a value per bucket (null: no value, a gap in a line). */
export interface TimeChartSeries {
  name: string;
  /** CSS colour; default: the level's colour for a level name, else the palette's next. */
  color?: string;
  values: readonly (number | null)[];
}

/** What {@link timeChart} draws. */
export interface TimeChartOptions {
  /** Bucket starts, epoch ms, ascending and evenly spaced by `bucketMs`. */
  times: readonly number[];
  bucketMs: number;
  series: readonly TimeChartSeries[];
  /** Bars (counts per bucket) or lines (rates, metrics). */
  kind: 'bars' | 'line';
  /** Bars only: stack the series (volume by level). Lines are never stacked. */
  stacked?: boolean;
  /** Buckets to mark as anomalous: shaded across the plot, with a red tick on top. */
  flagged?: readonly boolean[];
  /** The baseline per bucket, drawn as a dashed grey line. */
  expected?: readonly (number | null)[];
  /** The legend's name of `expected` (default `expected`). */
  expectedLabel?: string;
  /** Pixels; default 800 × 240. */
  width?: number;
  height?: number;
  title?: string;
  /** The unit of the y axis, written along it: `lines / 5m`, `error rate`. */
  yLabel?: string;
  /** How y values read: counts (`12k`) or shares (`2.5%`). Default `count`. */
  yFormat?: 'count' | 'percent';
  /** Shown instead of a plot when there are no buckets. */
  emptyText?: string;
  /** Background fill (default white, so that a PNG made from the SVG is not transparent). */
  background?: string;
  /**
   * The index of the first bucket that is not complete (the one still filling, and any after
   * it): its bars are drawn faint and its line dashed, so that a half-counted bucket does not
   * read as a drop in volume or a spike in a rate. Undefined: every bucket is complete.
   */
  partialFrom?: number;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const AXIS_COLOR = '#6b7280';
const GRID_COLOR = '#e5e7eb';
const TEXT_COLOR = '#374151';
const FLAG_COLOR = '#dc2626';
const EXPECTED_COLOR = '#4b5563';
/** Rough advance of one character of 11px text, to lay out the legend without measuring. */
const CHAR_PX = 6.4;

/**
 * A time-series chart as a self-contained `<svg>` string: every style is an attribute, so it
 * renders the same in a browser, in an e-mail, and in resvg (PNG). Axes with UTC time ticks
 * and round number ticks, grid lines, a legend, flagged buckets shaded, the expected values
 * dashed, and a tooltip (`<title>`) per bucket. Every text it holds is escaped.
 *
 * @example
 * timeChart({
 *   times: [t0, t0 + 60_000], bucketMs: 60_000, kind: 'bars', stacked: true,
 *   series: [{ name: 'ERROR', values: [3, 40] }, { name: 'INFO', values: [900, 910] }],
 *   flagged: [false, true], title: 'Lines per minute', yLabel: 'lines / 1m',
 * });
 */
export function timeChart(options: TimeChartOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 240;
  const format = options.yFormat === 'percent' ? formatPercent : (v: number) => formatNumber(v, true);
  const n = options.times.length;
  const series = options.series.map((s, i) => ({ ...s, color: s.color ?? colorOf(s.name, i) }));
  const parts: string[] = [];
  let top = 8;
  if (options.title !== undefined) {
    parts.push(text(options.title, 0, 16, { size: 13, weight: 600, color: '#111827' }));
    top = 26;
  }
  // Legend: one row of swatches (wrapping), above the plot.
  const legend: Array<{ name: string; color: string; dashed?: boolean; flag?: boolean }> = series.map((s) => ({ name: s.name, color: s.color }));
  if (options.expected !== undefined) legend.push({ name: options.expectedLabel ?? 'expected', color: EXPECTED_COLOR, dashed: true });
  if (options.flagged?.some(Boolean)) legend.push({ name: 'flagged', color: FLAG_COLOR, flag: true });
  const partialFrom = options.partialFrom !== undefined && options.partialFrom < n ? Math.max(options.partialFrom, 0) : undefined;
  if (partialFrom !== undefined) legend.push({ name: 'incomplete bucket', color: AXIS_COLOR, dashed: true });
  const left = options.yLabel !== undefined ? 62 : 48;
  const right = 12;
  let lx = left;
  let ly = top + 6;
  for (const item of legend) {
    const w = 18 + item.name.length * CHAR_PX + 14;
    if (lx + w > width - right && lx > left) {
      lx = left;
      ly += 16;
    }
    if (item.dashed) parts.push(`<line x1="${coord(lx)}" y1="${coord(ly)}" x2="${coord(lx + 12)}" y2="${coord(ly)}" stroke="${item.color}" stroke-width="2" stroke-dasharray="4 2"/>`);
    else if (item.flag) parts.push(`<rect x="${coord(lx)}" y="${coord(ly - 5)}" width="12" height="10" fill="${FLAG_COLOR}" fill-opacity="0.15" stroke="${FLAG_COLOR}" stroke-width="1"/>`);
    else parts.push(`<rect x="${coord(lx)}" y="${coord(ly - 5)}" width="12" height="10" rx="2" fill="${escapeXml(item.color)}"/>`);
    parts.push(text(item.name, lx + 17, ly + 4, { size: 11, color: TEXT_COLOR }));
    lx += w;
  }
  const plotTop = legend.length > 0 ? ly + 14 : top + 4;
  const bottom = 22;
  const plotW = Math.max(width - left - right, 10);
  const plotH = Math.max(height - plotTop - bottom, 10);
  const plotBottom = plotTop + plotH;

  if (n === 0) {
    parts.push(`<rect x="${left}" y="${coord(plotTop)}" width="${coord(plotW)}" height="${coord(plotH)}" fill="#f9fafb" stroke="${GRID_COLOR}"/>`);
    parts.push(text(options.emptyText ?? 'No data in this range', left + plotW / 2, plotTop + plotH / 2 + 4, { size: 12, color: AXIS_COLOR, anchor: 'middle' }));
    return wrap(parts, width, height, options);
  }

  // y: from 0 to a round number above the largest value (stacked: the largest sum).
  let max = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const s of series) {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (options.kind === 'bars' && options.stacked) sum += Math.max(v, 0);
      else max = Math.max(max, v);
    }
    max = Math.max(max, sum);
    const e = options.expected?.[i];
    if (e !== null && e !== undefined && Number.isFinite(e)) max = Math.max(max, e);
  }
  const yTicks = niceTicks(max, Math.max(2, Math.min(5, Math.floor(plotH / 36))));
  const yMax = yTicks[yTicks.length - 1];
  const y = (v: number) => plotBottom - (Math.max(v, 0) / yMax) * plotH;
  const from = options.times[0];
  const to = options.times[n - 1] + options.bucketMs;
  const x = (t: number) => left + ((t - from) / (to - from)) * plotW;
  const bw = plotW / Math.max((to - from) / options.bucketMs, 1);

  // Grid and y labels.
  for (const v of yTicks) {
    const yy = y(v);
    parts.push(`<line x1="${left}" y1="${coord(yy)}" x2="${coord(left + plotW)}" y2="${coord(yy)}" stroke="${GRID_COLOR}" stroke-width="1"/>`);
    parts.push(text(format(v), left - 6, yy + 4, { size: 10, color: AXIS_COLOR, anchor: 'end' }));
  }
  if (options.yLabel !== undefined) {
    const cy = plotTop + plotH / 2;
    parts.push(`<text x="12" y="${coord(cy)}" transform="rotate(-90 12 ${coord(cy)})" text-anchor="middle" font-family="${FONT}" font-size="10" fill="${AXIS_COLOR}">${escapeXml(options.yLabel)}</text>`);
  }

  // Flagged buckets: shaded behind the data.
  options.flagged?.forEach((flag, i) => {
    if (!flag || i >= n) return;
    const fx = x(options.times[i]);
    const fw = Math.max(bw, 2);
    parts.push(`<rect x="${coord(fx)}" y="${coord(plotTop)}" width="${coord(fw)}" height="${coord(plotH)}" fill="${FLAG_COLOR}" fill-opacity="0.12"/>`);
    parts.push(`<rect x="${coord(fx)}" y="${coord(plotTop)}" width="${coord(fw)}" height="3" fill="${FLAG_COLOR}"/>`);
  });

  if (options.kind === 'bars') {
    const gap = bw > 5 ? Math.min(bw * 0.15, 3) : 0;
    const base = new Array<number>(n).fill(0);
    series.forEach((s, si) => {
      for (let i = 0; i < n; i++) {
        const v = s.values[i];
        if (v === null || v === undefined || !(v > 0)) continue;
        const lo = options.stacked ? base[i] : 0;
        const hi = lo + v;
        if (options.stacked) base[i] = hi;
        const slot = options.stacked ? bw : bw / series.length;
        const bx = x(options.times[i]) + (options.stacked ? 0 : si * slot) + gap / 2;
        const h = y(lo) - y(hi);
        const faint = partialFrom !== undefined && i >= partialFrom ? ' fill-opacity="0.35"' : '';
        parts.push(`<rect x="${coord(bx)}" y="${coord(y(hi))}" width="${coord(Math.max(slot - gap, 0.5))}" height="${coord(Math.max(h, 0.5))}" fill="${escapeXml(s.color)}"${faint}/>`);
      }
    });
  } else {
    for (const s of series) {
      if (partialFrom === undefined) {
        parts.push(linePath(s.values, options.times, options.bucketMs, x, y, s.color, false));
        continue;
      }
      // Solid up to the last complete bucket, dashed from it on.
      parts.push(linePath(s.values.map((v, i) => (i < partialFrom ? v : null)), options.times, options.bucketMs, x, y, s.color, false));
      parts.push(linePath(s.values.map((v, i) => (i >= partialFrom - 1 ? v : null)), options.times, options.bucketMs, x, y, s.color, true));
    }
  }
  if (options.expected !== undefined) parts.push(linePath(options.expected, options.times, options.bucketMs, x, y, EXPECTED_COLOR, true));

  // Axes.
  parts.push(`<line x1="${left}" y1="${coord(plotBottom)}" x2="${coord(left + plotW)}" y2="${coord(plotBottom)}" stroke="${AXIS_COLOR}" stroke-width="1"/>`);
  const { step, ticks } = timeTicks(from, to, Math.max(2, Math.floor(plotW / 90)), options.bucketMs);
  ticks.forEach((tick, i) => {
    const tx = x(tick.at);
    if (tx < left - 0.5 || tx > left + plotW + 0.5) return;
    parts.push(`<line x1="${coord(tx)}" y1="${coord(plotBottom)}" x2="${coord(tx)}" y2="${coord(plotBottom + 4)}" stroke="${AXIS_COLOR}" stroke-width="1"/>`);
    const label = tickLabel(tick, i, step, to - from);
    const anchor = tx - left < 30 ? 'start' : left + plotW - tx < 30 ? 'end' : 'middle';
    parts.push(text(label, tx, plotBottom + 16, { size: 10, color: AXIS_COLOR, anchor, weight: tick.dayStart && step < TIME.DAY ? 600 : 400 }));
  });
  parts.push(text('UTC', 4, plotBottom + 16, { size: 9, color: '#9ca3af' }));

  // Tooltips: one invisible column per bucket naming its time and values.
  for (let i = 0; i < n; i++) {
    const lines = [`${formatUtc(options.times[i])}`];
    for (const s of series) {
      const v = s.values[i];
      lines.push(`${s.name}: ${v === null || v === undefined ? '–' : options.yFormat === 'percent' ? formatPercent(v) : formatNumber(v)}`);
    }
    const e = options.expected?.[i];
    if (e !== null && e !== undefined) lines.push(`${options.expectedLabel ?? 'expected'}: ${options.yFormat === 'percent' ? formatPercent(e) : formatNumber(e)}`);
    if (options.flagged?.[i]) lines.push('flagged');
    if (partialFrom !== undefined && i >= partialFrom) lines.push('incomplete: lines of this bucket may still arrive');
    parts.push(`<rect x="${coord(x(options.times[i]))}" y="${coord(plotTop)}" width="${coord(Math.max(bw, 0.5))}" height="${coord(plotH)}" fill="#000000" fill-opacity="0"><title>${escapeXml(lines.join('\n'))}</title></rect>`);
  }
  return wrap(parts, width, height, options);
}

function wrap(parts: string[], width: number, height: number, options: TimeChartOptions): string {
  const label = options.title ?? 'time chart';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}" font-family="${FONT}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="${escapeXml(options.background ?? '#ffffff')}"/>` +
    parts.join('') +
    '</svg>'
  );
}

function text(content: string, x: number, y: number, o: { size: number; color: string; anchor?: 'start' | 'middle' | 'end'; weight?: number }): string {
  const anchor = o.anchor !== undefined && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : '';
  const weight = o.weight !== undefined && o.weight !== 400 ? ` font-weight="${o.weight}"` : '';
  return `<text x="${coord(x)}" y="${coord(y)}"${anchor}${weight} font-family="${FONT}" font-size="${o.size}" fill="${o.color}">${escapeXml(content)}</text>`;
}

/** A polyline through the bucket centres, broken where a value is missing; a lone point is a dot. */
function linePath(values: readonly (number | null)[], times: readonly number[], bucketMs: number, x: (t: number) => number, y: (v: number) => number, color: string, dashed: boolean): string {
  const segments: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (let i = 0; i < times.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      if (current.length > 0) segments.push(current);
      current = [];
      continue;
    }
    current.push([x(times[i] + bucketMs / 2), y(v)]);
  }
  if (current.length > 0) segments.push(current);
  const c = escapeXml(color);
  return segments
    .map((seg) =>
      seg.length === 1
        ? `<circle cx="${coord(seg[0][0])}" cy="${coord(seg[0][1])}" r="2" fill="${c}"/>`
        : `<path d="${seg.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${coord(px)} ${coord(py)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="${dashed ? 1.5 : 2}"${dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round" stroke-linecap="round"/>`,
    )
    .join('');
}
