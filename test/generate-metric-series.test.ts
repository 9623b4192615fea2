import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMetricSeries, METRIC_SERIES_KINDS } from '../src/generate/index.js';
import { tmpDir } from './helpers.js';

describe('generateMetricSeries', () => {
  it('writes the same labelled series for the same seed, windows after the probation period around each anomaly', async () => {
    const dir = tmpDir('logscope-metric-series-');
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    const truth = await generateMetricSeries({ out: a, kinds: METRIC_SERIES_KINDS, seeds: [4], days: 7 });
    await generateMetricSeries({ out: b, kinds: METRIC_SERIES_KINDS, seeds: [4], days: 7 });
    expect(fs.readFileSync(a, 'utf8')).toBe(fs.readFileSync(b, 'utf8'));
    expect(truth.series.map((s) => s.name)).toEqual(METRIC_SERIES_KINDS.map((k) => `${k}-4`));
    for (const s of truth.series) {
      expect(s.windows.length, s.name).toBeGreaterThanOrEqual(2);
      for (const w of s.windows) {
        expect(w.at >= s.probationEnd && w.at >= w.start && w.at < w.end, `${s.name} ${JSON.stringify(w)}`).toBe(true);
      }
      // Windows do not overlap.
      for (let i = 1; i < s.windows.length; i++) expect(s.windows[i].start >= s.windows[i - 1].end, s.name).toBe(true);
    }
    const lines = fs.readFileSync(a, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { ts: string; service: string; value: number });
    expect(lines.length).toBe(truth.series.reduce((n, s) => n + s.points, 0));
    // A shift persists: the last day of level_shift-4 sits away from its first day.
    const shift = truth.series.find((s) => s.kind === 'level_shift')!;
    const values = (from: string, to: string) => lines.filter((l) => l.service === shift.name && l.ts >= from && l.ts < to).map((l) => l.value);
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    const firstDay = values(truth.start, '2026-01-06');
    const lastDay = values('2026-01-11', truth.end);
    expect(Math.abs(mean(lastDay) - mean(firstDay))).toBeGreaterThan(0.1 * mean(firstDay));
    // Missing data: gappy has fewer points than a full series.
    expect(truth.series.find((s) => s.kind === 'gappy')!.points).toBeLessThan(7 * 288 * 0.97);
  });
});
