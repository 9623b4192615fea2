import { describe, expect, it } from 'vitest';
import { formatBytes, formatNumber, formatPercent, formatUtc, LEVEL_COLORS, niceTicks, sparkline, timeChart, timeTicks } from '../../src/charts/index.js';

const T0 = Date.UTC(2026, 10, 20, 0, 0);
const MIN = 60_000;

/** Tags balance and every element closes: what an XML parser (resvg's too) needs. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  // No text outside tags holds a raw < or & that is not an entity.
  for (const t of svg.split(/<[^>]*>/)) {
    expect(t).not.toMatch(/<|&(?!(amp|lt|gt|quot|#39);)/);
  }
}

function attrs(svg: string, tag: string, where: RegExp): string[] {
  return [...svg.matchAll(new RegExp(`<${tag} [^>]*>`, 'g'))].map((m) => m[0]).filter((t) => where.test(t));
}

describe('timeChart', () => {
  const times = Array.from({ length: 6 }, (_, i) => T0 + i * 5 * MIN);

  it('is a self-contained, well-formed SVG with a white background and no external references', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'bars', series: [{ name: 'INFO', values: [1, 2, 3, 4, 5, 6] }], title: 'Lines' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    assertWellFormed(svg);
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).not.toMatch(/href=|class=|<style|url\(|<script/);
  });

  it('escapes the title, the axis label and series names', () => {
    const evil = '<script>alert(1)</script> & "x"';
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'line', series: [{ name: evil, values: [1, 2, 3, 4, 5, 6] }], title: evil, yLabel: evil });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
  });

  it('stacks bars: each bucket is as tall as its series summed, the axis reaches the largest sum', () => {
    const svg = timeChart({
      times: times.slice(0, 1),
      bucketMs: 5 * MIN,
      kind: 'bars',
      stacked: true,
      series: [
        { name: 'ERROR', values: [10] },
        { name: 'INFO', values: [30] },
      ],
      height: 300,
    });
    const bars = attrs(svg, 'rect', /fill="(#dc2626|#3b82f6)"/).filter((r) => !/height="10"/.test(r));
    const heights = bars.map((r) => Number(/height="([\d.]+)"/.exec(r)![1]));
    expect(heights).toHaveLength(2);
    expect(heights[1] / heights[0]).toBeCloseTo(3, 1);
    // ERROR sits below INFO: its top is INFO's bottom.
    const ys = bars.map((r) => Number(/ y="([\d.]+)"/.exec(r)![1]));
    expect(ys[1] + heights[1]).toBeCloseTo(ys[0], 1);
    expect(svg).toContain('>40</text>');
  });

  it('uses the level colours for level series and a legend entry per series', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'bars', stacked: true, series: ['ERROR', 'WARN', 'INFO'].map((name) => ({ name, values: [1, 1, 1, 1, 1, 1] })) });
    for (const level of ['ERROR', 'WARN', 'INFO']) {
      expect(svg).toContain(`fill="${LEVEL_COLORS[level]}"`);
      expect(svg).toContain(`>${level}</text>`);
    }
  });

  it('shades flagged buckets and names them in the legend', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'line', series: [{ name: 'errors', values: [1, 1, 9, 9, 1, 1] }], flagged: [false, false, true, true, false, false] });
    expect(attrs(svg, 'rect', /fill-opacity="0.12"/)).toHaveLength(2);
    expect(svg).toContain('>flagged</text>');
    const none = timeChart({ times, bucketMs: 5 * MIN, kind: 'line', series: [{ name: 'errors', values: [1, 1, 1, 1, 1, 1] }], flagged: [false, false, false, false, false, false] });
    expect(none).not.toContain('>flagged</text>');
  });

  it('draws the expected values as a dashed line with a legend entry', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'line', series: [{ name: 'errors', values: [1, 2, 3, 4, 5, 6] }], expected: [1, 1, 1, 1, 1, 1], expectedLabel: 'baseline' });
    expect(attrs(svg, 'path', /stroke-dasharray="5 3"/)).toHaveLength(1);
    expect(svg).toContain('>baseline</text>');
  });

  it('breaks a line where values are missing; a lone point is a dot', () => {
    const svg = timeChart({ times: times.slice(0, 5), bucketMs: 5 * MIN, kind: 'line', series: [{ name: 'p95', values: [1, null, 2, 3, null] }] });
    expect(attrs(svg, 'path', /stroke="#3b82f6"/)).toHaveLength(1);
    expect(attrs(svg, 'circle', /fill="#3b82f6"/)).toHaveLength(1);
  });

  it('labels a half-day axis with clock times and a week with days, and says the times are UTC', () => {
    const halfDay = Array.from({ length: 72 }, (_, i) => T0 + 6 * 3600_000 + i * 5 * MIN);
    const svg = timeChart({ times: halfDay, bucketMs: 5 * MIN, kind: 'bars', series: [{ name: 'INFO', values: halfDay.map(() => 1) }] });
    expect(svg).toMatch(/>(08|09|10):00<\/text>/);
    expect(svg).toContain('>UTC</text>');
    const week = Array.from({ length: 7 * 24 }, (_, i) => T0 + i * 3600_000);
    const weekly = timeChart({ times: week, bucketMs: 3600_000, kind: 'bars', series: [{ name: 'INFO', values: week.map(() => 1) }] });
    expect(weekly).toContain('>Nov 21</text>');
    expect(weekly).toContain('>Nov 26</text>');
  });

  it('labels an axis that spans years with months and years', () => {
    const DAY = 86_400_000;
    const days = Array.from({ length: 6200 }, (_, i) => Date.UTC(2009, 10, 7) + i * DAY);
    const svg = timeChart({ times: days, bucketMs: DAY, kind: 'bars', series: [{ name: 'events', values: days.map(() => 1) }] });
    const labels = [...svg.matchAll(/>([A-Z][a-z]{2} \d{4})<\/text>/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels.map((l) => l.slice(4))).size).toBeGreaterThanOrEqual(3);
    expect(svg).not.toMatch(/>[A-Z][a-z]{2} \d{1,2}<\/text>/);
  });

  it('formats a percent axis as percentages', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'line', yFormat: 'percent', series: [{ name: 'error rate', values: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06] }] });
    expect(svg).toMatch(/>\d+(\.\d+)?%<\/text>/);
  });

  it('gives each bucket a tooltip with its UTC time and values', () => {
    const svg = timeChart({ times, bucketMs: 5 * MIN, kind: 'bars', series: [{ name: 'ERROR', values: [1234, 0, 0, 0, 0, 0] }] });
    expect(svg).toContain('<title>2026-11-20 00:00 UTC\nERROR: 1,234</title>');
  });

  it('says so when there is nothing to draw', () => {
    const svg = timeChart({ times: [], bucketMs: MIN, kind: 'bars', series: [], emptyText: 'No lines in the last hour' });
    assertWellFormed(svg);
    expect(svg).toContain('No lines in the last hour');
  });
});

describe('time axis', () => {
  it('puts no tick finer than a bucket: day-wide bars get day ticks, not 06:00', () => {
    const day = 86_400_000;
    const start = Date.UTC(2026, 10, 18);
    const svg = timeChart({ times: [start, start + day], bucketMs: day, kind: 'bars', series: [{ name: 'events', values: [1, 2] }], width: 1200, height: 200 });
    expect(svg).not.toMatch(/>(06|12|18):00</);
    expect(svg).toContain('>Nov 18<');
    expect(svg).toContain('>Nov 19<');
    expect(timeTicks(start, start + 2 * day, 8, day).step).toBe(day);
  });
});

describe('sparkline', () => {
  it('draws a line and its area, scaled to the largest value', () => {
    const svg = sparkline([0, 5, 10], { width: 100, height: 20, title: 'trend' });
    assertWellFormed(svg);
    const line = attrs(svg, 'path', /fill="none"/)[0];
    // The largest value touches the top padding, 0 the bottom.
    expect(line).toMatch(/d="M2 18 L50 10 L98 2"/);
  });

  it('breaks on missing values, marks flagged points, escapes its title', () => {
    const svg = sparkline([1, 2, null, 3], { flagged: [false, false, false, true], title: '<b>x</b>' });
    expect(attrs(svg, 'path', /fill="none"/)).toHaveLength(1);
    expect(attrs(svg, 'circle', /#dc2626/)).toHaveLength(1);
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('draws all-zero values as a flat line at the bottom', () => {
    const svg = sparkline([0, 0, 0], { width: 100, height: 20 });
    expect(attrs(svg, 'path', /fill="none"/)[0]).toMatch(/d="M2 18 L50 18 L98 18"/);
  });
});

describe('scales and formats', () => {
  it('picks round ticks reaching past the largest value', () => {
    expect(niceTicks(37, 4)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(0.07, 4)).toEqual([0, 0.02, 0.04, 0.06, 0.08]);
  });

  it('puts time ticks on round UTC instants, at most the number asked for', () => {
    const { step, ticks } = timeTicks(T0 + 7 * MIN, T0 + 3 * 3600_000, 6);
    expect(step).toBe(30 * MIN);
    expect(ticks[0].at).toBe(T0 + 30 * MIN);
    expect(ticks.length).toBeLessThanOrEqual(6);
  });

  it('formats numbers with thousands separators, compact on axes', () => {
    expect(formatNumber(1_234_567)).toBe('1,234,567');
    expect(formatNumber(12_345, true)).toBe('12.3k');
    expect(formatNumber(2_500_000, true)).toBe('2.5M');
    expect(formatNumber(0.0123)).toBe('0.012');
    expect(formatPercent(0.0123)).toBe('1.2%');
    expect(formatPercent(0.00123)).toBe('0.12%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatUtc(T0 + 5 * MIN)).toBe('2026-11-20 00:05 UTC');
  });
});
