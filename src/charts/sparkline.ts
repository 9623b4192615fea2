import { coord, escapeXml } from './escape.js';

/** Options of {@link sparkline}. */
export interface SparklineOptions {
  /** Pixels; default 120 × 28. */
  width?: number;
  height?: number;
  /** Line colour (default blue); the area under it is the same colour, faint. */
  color?: string;
  /** Points to mark in red (e.g. new or flagged buckets). */
  flagged?: readonly boolean[];
  /** Tooltip and accessible name. */
  title?: string;
}

/**
 * A small trend line without axes, as a self-contained `<svg>`: for table cells (a template's
 * lines per bucket). Scaled from 0 to the largest value; missing values (null) break the line.
 * All values 0 (or none) draw a flat line along the bottom.
 */
export function sparkline(values: readonly (number | null)[], options: SparklineOptions = {}): string {
  const width = options.width ?? 120;
  const height = options.height ?? 28;
  const color = escapeXml(options.color ?? '#3b82f6');
  const pad = 2;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(...finite, 0);
  const n = values.length;
  const x = (i: number) => pad + (n <= 1 ? (width - 2 * pad) / 2 : (i / (n - 1)) * (width - 2 * pad));
  const y = (v: number) => height - pad - (max > 0 ? (v / max) * (height - 2 * pad) : 0);
  const parts: string[] = [];
  let seg: string[] = [];
  const segments: string[][] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (seg.length > 0) segments.push(seg);
      seg = [];
      return;
    }
    seg.push(`${coord(x(i))} ${coord(y(v))}`);
  });
  if (seg.length > 0) segments.push(seg);
  for (const s of segments) {
    if (s.length === 1) {
      const [px, py] = s[0].split(' ');
      parts.push(`<circle cx="${px}" cy="${py}" r="1.5" fill="${color}"/>`);
      continue;
    }
    const first = s[0].split(' ')[0];
    const last = s[s.length - 1].split(' ')[0];
    parts.push(`<path d="M${s.join(' L')} L${last} ${coord(height - pad)} L${first} ${coord(height - pad)} Z" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    parts.push(`<path d="M${s.join(' L')}" fill="none" stroke="${color}" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  options.flagged?.forEach((flag, i) => {
    const v = values[i];
    if (!flag || i >= n || v === null || !Number.isFinite(v)) return;
    parts.push(`<circle cx="${coord(x(i))}" cy="${coord(y(v))}" r="2.2" fill="#dc2626"/>`);
  });
  const title = options.title !== undefined ? `<title>${escapeXml(options.title)}</title>` : '';
  const label = options.title !== undefined ? ` aria-label="${escapeXml(options.title)}"` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"${label}>${title}${parts.join('')}</svg>`;
}
