import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestRule, createRuleSchedule, evaluateRule } from '../../src/alerts/index.js';
import type { ErrorBurst } from '../../src/generate/index.js';
import { generatedStore, ruleOf, type GeneratedStore } from './fixture.js';

const MINUTE = 60_000;
let store: GeneratedStore;
let burst: ErrorBurst;

beforeAll(async () => {
  store = await generatedStore({ lines: 15_000, start: '2026-11-20T10:00:00Z', days: 0.25, seed: 3 });
  burst = store.truth.anomalies.find((a): a is ErrorBurst => a.kind === 'error_burst') as ErrorBurst;
}, 120_000);

afterAll(() => store?.reader.close());

describe('backtest', () => {
  const rule = ruleOf({ name: 'spikes', kind: 'anomaly', by: 'service', window: 30, schedule: '*/5 * * * *', cooldown: '15m' });

  it('finds the injected burst at the first scheduled time after it began, and nothing of it before', async () => {
    const from = Date.parse(burst.start) - 60 * MINUTE;
    const to = Date.parse(burst.end) + 60 * MINUTE;
    const result = await backtestRule(store.reader.connection, rule, { from, to });
    expect(result.evaluations).toBe(createRuleSchedule(rule).between(from, to).length);
    const ofBurst = result.firings.filter((b) => b.firing.series === `service=${burst.service}` && b.firing.key.includes('|errors|'));
    expect(ofBurst).toHaveLength(1);
    const firstTime = createRuleSchedule(rule).next(Date.parse(burst.start));
    // Flagged within the first bucket or two of the burst: seen at the first or second scheduled time after its start.
    expect([firstTime, createRuleSchedule(rule).next(firstTime as number)]).toContain(Date.parse(ofBurst[0].evaluatedAt));
    expect(ofBurst[0].emailAt).toBe(ofBurst[0].evaluatedAt);
    expect(result.errors).toEqual([]);
    // The rate a user sees before turning the rule on: its firings per 1,000 buckets judged
    // (each service's errors and volume, one a minute, over the two hours and more around the burst).
    const rate = result.firingRate!;
    expect(rate.firings).toBe(result.firings.length);
    expect(rate.judged).toBeGreaterThan((to - from) / MINUTE);
    expect(rate.per1000).toBeCloseTo((1000 * rate.firings) / rate.judged, 3);
  });

  it('gives what evaluating the rule at each scheduled time gives (the one-pass detector run is exact)', async () => {
    const from = Date.parse(burst.start) - 20 * MINUTE;
    const to = Date.parse(burst.start) + 25 * MINUTE;
    const result = await backtestRule(store.reader.connection, rule, { from, to });
    const seen = new Set<string>();
    const expected: Array<{ at: string; key: string; severity: string; observed?: number }> = [];
    for (const at of createRuleSchedule(rule).between(from, to)) {
      const { firings, belowFloor } = await evaluateRule(store.reader.connection, rule, at, { details: false });
      for (const f of [...firings, ...belowFloor]) {
        if (seen.has(f.key)) continue;
        seen.add(f.key);
        expected.push({ at: new Date(at).toISOString(), key: f.key, severity: f.severity, observed: f.observed });
      }
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(result.firings.map((b) => ({ at: b.evaluatedAt, key: b.firing.key, severity: b.firing.severity, observed: b.firing.observed }))).toEqual(expected);
  });

  it('groups firings within the cool-down into one email', async () => {
    const errorRate = ruleOf({ name: 'rate', kind: 'error_rate', above: 0.2, by: 'service', window: '5m', schedule: '*/5 * * * *', cooldown: '1h' });
    const result = await backtestRule(store.reader.connection, errorRate, { from: Date.parse(store.truth.start), to: Date.parse(store.truth.end) });
    const sent = result.firings.filter((b) => !b.belowFloor);
    expect(sent.length).toBeGreaterThan(1);
    // Each email is at least the cool-down after the one before.
    const emails = [...new Set(sent.map((b) => Date.parse(b.emailAt)))].sort((a, b) => a - b);
    expect(emails).toHaveLength(result.emails);
    for (let i = 1; i < emails.length; i++) expect(emails[i] - emails[i - 1]).toBeGreaterThanOrEqual(60 * MINUTE);
    for (const b of sent) expect(Date.parse(b.emailAt)).toBeGreaterThanOrEqual(Date.parse(b.evaluatedAt));
  });
});
