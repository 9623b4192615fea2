import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies, type AnomalyEvent } from '../../src/detect/index.js';
import { generateLogs, type GenerateTruth, type InjectedAnomaly } from '../../src/generate/index.js';
import { ingest } from '../../src/ingest/index.js';
import { openStoreReader, type StoreReader } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

/** 7 simulated days, about 70 lines a minute: 21 anomalies of each kind and 7 nightly jobs. */
const LINES = 700_000;
const SEEDS = [2, 5];

interface Scored {
  precision: number;
  recall: number;
  firings: number;
  byKind: Record<string, { found: number; of: number }>;
  falseFirings: AnomalyEvent[];
}

const overlaps = (e: AnomalyEvent, a: InjectedAnomaly) => Date.parse(e.start) < Date.parse(a.end) && Date.parse(a.start) < Date.parse(e.end);

/**
 * Precision: the share of firings (events: runs of flagged buckets, errors and volume alike)
 * that overlap an injected anomaly. Recall: the share of injected anomalies that some firing
 * overlaps. The nightly recurring job is not an anomaly: a firing on it counts as false.
 */
function score(events: AnomalyEvent[], truth: GenerateTruth): Scored {
  const anomalies = truth.anomalies.filter((a) => !a.expected);
  const falseFirings = events.filter((e) => !anomalies.some((a) => overlaps(e, a)));
  const byKind: Scored['byKind'] = {};
  for (const a of anomalies) {
    const k = (byKind[a.kind] ??= { found: 0, of: 0 });
    k.of++;
    if (events.some((e) => overlaps(e, a))) k.found++;
  }
  const found = Object.values(byKind).reduce((n, k) => n + k.found, 0);
  return { precision: (events.length - falseFirings.length) / events.length, recall: found / anomalies.length, firings: events.length, byKind, falseFirings };
}

describe.each(SEEDS)('detection quality on 7 generated days (seed %i)', (seed) => {
  let reader: StoreReader;
  let truth: GenerateTruth;
  beforeAll(async () => {
    const dir = tmpDir('logscope-quality-');
    const file = path.join(dir, 'week.log');
    truth = await generateLogs({ lines: LINES, format: 'syslog', out: file, seed });
    const dataDir = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir, format: { name: 'syslog', options: {} } });
    reader = await openStoreReader(dataDir);
  });
  afterAll(() => reader?.close());

  it('has at least 20 injected anomalies of each kind', () => {
    for (const kind of ['error_burst', 'volume_drop', 'slow_ramp'] as const) {
      expect(truth.anomalies.filter((a) => a.kind === kind).length, kind).toBeGreaterThanOrEqual(20);
    }
    expect(truth.anomalies.filter((a) => a.kind === 'recurring_burst')).toHaveLength(7);
  });

  it('reports at least 80% of slow ramps as one errors firing, not one per stretch between a few unflagged buckets', async () => {
    const { events } = await detectAnomalies(reader.connection);
    const ramps = truth.anomalies.filter((a) => a.kind === 'slow_ramp');
    const firingsPerRamp = ramps.map((a) => events.filter((e) => e.measure === 'errors' && overlaps(e, a)).length);
    console.log(`seed ${seed}: errors firings per slow ramp ${JSON.stringify(firingsPerRamp)}`);
    expect(firingsPerRamp.filter((n) => n === 1).length).toBeGreaterThanOrEqual(Math.ceil(ramps.length * 0.8));
  });

  it('finds them at default settings with precision and recall of at least 0.95', async () => {
    const { events } = await detectAnomalies(reader.connection);
    const s = score(events, truth);
    console.log(
      `seed ${seed}, defaults: ${s.firings} firings, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, by kind ${JSON.stringify(s.byKind)}; ` +
        `false firings: ${s.falseFirings.map((e) => `${e.measure}@${e.start}`).join(', ') || 'none'}`,
    );
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('with --baseline seasonal, never fires on the nightly recurring burst, and still finds the rest', async () => {
    const { events } = await detectAnomalies(reader.connection, { baseline: 'seasonal' });
    const nightly = truth.anomalies.filter((a) => a.kind === 'recurring_burst');
    const onNightly = events.filter((e) => nightly.some((a) => overlaps(e, a)));
    const s = score(events, truth);
    console.log(`seed ${seed}, seasonal: ${s.firings} firings, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, on the nightly job: ${onNightly.length}`);
    expect(onNightly).toEqual([]);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('with a trailing baseline only, fires on the nightly burst (what the seasonal baseline is for)', async () => {
    const { events } = await detectAnomalies(reader.connection, { baseline: 'trailing' });
    const nightly = truth.anomalies.filter((a) => a.kind === 'recurring_burst');
    expect(nightly.filter((a) => events.some((e) => overlaps(e, a))).length).toBeGreaterThanOrEqual(6);
  });
});
