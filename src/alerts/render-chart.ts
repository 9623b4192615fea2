import { Resvg } from '@resvg/resvg-js';
import { timeChart } from '../charts/index.js';
import type { Firing } from './firing.js';

const PAD_X = 12;
const PAD_Y = 10;

/** Options of {@link renderChartPng}. */
export interface ChartImageOptions {
  /** CSS pixels; the PNG has twice as many, for sharp text on high-density screens. Default 600 × 220. */
  width?: number;
  height?: number;
}

/**
 * The series around a firing's event as an SVG chart, drawn by the dashboard's `timeChart`
 * (src/charts): bars per bucket, the flagged ones shaded, the expected baseline dashed, UTC
 * time and value axes, a legend, a white background.
 */
export function chartSvg(chart: NonNullable<Firing['chart']>, options: ChartImageOptions = {}): string {
  const width = options.width ?? 600;
  const height = options.height ?? 220;
  const hasExpected = chart.points.some((p) => p.expected !== undefined);
  const inner = timeChart({
    times: chart.points.map((p) => Date.parse(p.t)),
    bucketMs: chart.bucketSeconds * 1000,
    series: [{ name: 'observed', values: chart.points.map((p) => p.value) }],
    kind: 'bars',
    flagged: chart.points.map((p) => p.flagged === true),
    ...(hasExpected ? { expected: chart.points.map((p) => p.expected ?? null) } : {}),
    width: width - 2 * PAD_X,
    height: height - 2 * PAD_Y,
    title: chart.label,
    yLabel: chart.label.split(',')[0],
    background: '#ffffff',
  });
  // The dashboard's cards pad their charts; an image in an email has only its border: pad it here.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#ffffff"/>${inner.replace('<svg ', `<svg x="${PAD_X}" y="${PAD_Y}" `)}</svg>`;
}

/** The firing's chart as a PNG (twice the CSS size), or undefined when it has no points. */
export function renderChartPng(chart: Firing['chart'], options: ChartImageOptions = {}): Buffer | undefined {
  if (chart === undefined || chart.points.length === 0) return undefined;
  const resvg = new Resvg(chartSvg(chart, options), { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
