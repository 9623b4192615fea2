import { Resvg } from '@resvg/resvg-js';
import type { Firing } from './firing.js';

/** Options of {@link renderChartPng}. */
export interface ChartImageOptions {
  /** CSS pixels; the PNG has twice as many, for sharp text on high-density screens. Default 600 × 220. */
  width?: number;
  height?: number;
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const OBSERVED = '#2563eb';
const FLAGGED = '#dc2626';
const EXPECTED = '#4b5563';
const AXIS = '#6b7280';
const GRID = '#e5e7eb';

/**
 * The series around a firing's event as an SVG chart: bars per bucket (the flagged ones red,
 * on a shaded band), the expected baseline dashed, UTC time and value axes, a legend. Every
 * style is an attribute and every text is escaped, so resvg renders it as a browser would.
 */
export function chartSvg(chart: NonNullable<Firing['chart']>, options: ChartImageOptions = {}): string {
  const width = options.width ?? 600;
  const height = options.height ?? 220;
  const m = { left: 56, right: 14, top: 34, bottom: 30 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const points = chart.points;
  const n = Math.max(points.length, 1);
  const times = points.map((p) => Date.parse(p.t));
  const maxValue = Math.max(1, ...points.map((p) => Math.max(p.value, p.expected ?? 0)));
  const ticks = niceTicks(maxValue, 4);
  const top = ticks[ticks.length - 1];
  const y = (v: number) => m.top + plotH - (v / top) * plotH;
  const slot = plotW / n;
  const x = (i: number) => m.left + i * slot;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${m.left}" y="16" font-family="${FONT}" font-size="12" font-weight="bold" fill="#111827">${escapeXml(chart.label)}</text>`);
  // Legend, right-aligned on the title line.
  const legend: [string, string, boolean][] = [['observed', OBSERVED, false], ['flagged', FLAGGED, false]];
  if (points.some((p) => p.expected !== undefined)) legend.push(['expected', EXPECTED, true]);
  let lx = width - m.right;
  for (const [name, color, dashed] of [...legend].reverse()) {
    lx -= name.length * 6.2 + 4;
    parts.push(`<text x="${lx}" y="16" font-family="${FONT}" font-size="10.5" fill="#374151">${name}</text>`);
    lx -= 16;
    parts.push(dashed ? `<line x1="${lx}" y1="12" x2="${lx + 12}" y2="12" stroke="${color}" stroke-width="2" stroke-dasharray="3 2"/>` : `<rect x="${lx}" y="7" width="10" height="10" fill="${color}"/>`);
    lx -= 10;
  }
  for (const t of ticks) {
    parts.push(`<line x1="${m.left}" y1="${fx(y(t))}" x2="${width - m.right}" y2="${fx(y(t))}" stroke="${GRID}" stroke-width="1"/>`);
    parts.push(`<text x="${m.left - 6}" y="${fx(y(t) + 3.5)}" text-anchor="end" font-family="${FONT}" font-size="10" fill="${AXIS}">${formatTick(t)}</text>`);
  }
  points.forEach((p, i) => {
    if (p.flagged === true) parts.push(`<rect x="${fx(x(i))}" y="${m.top}" width="${fx(slot)}" height="${plotH}" fill="#fee2e2"/>`);
  });
  const gap = slot > 6 ? Math.min(2, slot * 0.15) : 0;
  points.forEach((p, i) => {
    const h = Math.max(0, y(0) - y(p.value));
    parts.push(`<rect x="${fx(x(i) + gap / 2)}" y="${fx(y(p.value))}" width="${fx(Math.max(0.5, slot - gap))}" height="${fx(h)}" fill="${p.flagged === true ? FLAGGED : OBSERVED}"/>`);
  });
  const expected = points.map((p, i) => (p.expected === undefined ? null : `${fx(x(i) + slot / 2)},${fx(y(p.expected))}`)).filter((s): s is string => s !== null);
  if (expected.length > 1) parts.push(`<polyline points="${expected.join(' ')}" fill="none" stroke="${EXPECTED}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
  parts.push(`<line x1="${m.left}" y1="${fx(y(0))}" x2="${width - m.right}" y2="${fx(y(0))}" stroke="${AXIS}" stroke-width="1"/>`);
  // Time labels: about one per 100 px, on bucket starts, in UTC.
  if (times.length > 0) {
    const spanDays = (times[times.length - 1] - times[0]) / 86_400_000;
    const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 100))));
    for (let i = 0; i < times.length; i += every) {
      const d = new Date(times[i]).toISOString();
      const label = spanDays >= 1 ? `${d.slice(5, 10)} ${d.slice(11, 16)}` : d.slice(11, 16);
      parts.push(`<line x1="${fx(x(i))}" y1="${fx(y(0))}" x2="${fx(x(i))}" y2="${fx(y(0) + 4)}" stroke="${AXIS}" stroke-width="1"/>`);
      parts.push(`<text x="${fx(x(i))}" y="${fx(y(0) + 16)}" text-anchor="middle" font-family="${FONT}" font-size="10" fill="${AXIS}">${label}</text>`);
    }
    parts.push(`<text x="${width - m.right}" y="${height - 2}" text-anchor="end" font-family="${FONT}" font-size="9.5" fill="${AXIS}">UTC, ${escapeXml(formatWidth(chart.bucketSeconds))} buckets</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** The firing's chart as a PNG (twice the CSS size), or undefined when it has no points. */
export function renderChartPng(chart: Firing['chart'], options: ChartImageOptions = {}): Buffer | undefined {
  if (chart === undefined || chart.points.length === 0) return undefined;
  const svg = chartSvg(chart, options);
  const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}

function niceTicks(max: number, count: number): number[] {
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks.length > 1 ? ticks : [0, step];
}

function formatTick(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3)));
}

function formatWidth(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function fx(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
