import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abortOnSignals, runDaemon, type AlertSink, type Clock, type Firing } from '../../src/alerts/index.js';
import type { AlertRule } from '../../src/config/index.js';
import { openStoreReader } from '../../src/store/index.js';
import { ruleOf, steadyStore } from './fixture.js';

let store: Awaited<ReturnType<typeof steadyStore>>;

beforeAll(async () => {
  store = await steadyStore({ start: '2026-11-20T10:00:00Z', minutes: 120 });
}, 120_000);

afterAll(() => store?.reader.close());

/** A clock whose sleeps pass at once, moving its time on; it records how long each sleep was. */
function createFakeClock(start: number): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
}

/** A rule that always fires, once per evaluation time (its row is the time). */
const everyFive = ruleOf({ name: 'tick', kind: 'sql', schedule: '*/5 * * * *', query: 'SELECT $now AS at' });
const hourly = ruleOf({ name: 'hourly', kind: 'sql', schedule: '0 * * * *', query: "SELECT 'hour' AS what, $now AS at" });

describe('alerts daemon', () => {
  it('evaluates each rule at its scheduled times, as of those times, and stops on SIGTERM after the send under way', async () => {
    const clock = createFakeClock(Date.parse('2026-11-20T10:52:30Z'));
    const controller = new AbortController();
    const release = abortOnSignals(controller);
    const received: Array<{ rule: string; firedAt: string; clockAt: number }> = [];
    let sendFinished = false;
    const sink: AlertSink = {
      async enqueue(rule: AlertRule, firings: readonly Firing[]) {
        for (const f of firings) received.push({ rule: rule.name, firedAt: f.firedAt, clockAt: clock.now() });
        if (received.length === 4) {
          // SIGTERM arrives in the middle of a send: the send still finishes.
          process.emit('SIGTERM');
          await new Promise((r) => setTimeout(r, 50));
          sendFinished = true;
        }
      },
    };
    try {
      const summary = await runDaemon({ rules: [everyFive, hourly], sink, signal: controller.signal, clock, openStore: () => openStoreReader(store.dataDir) });
      expect(sendFinished).toBe(true);
      expect(received.map((r) => `${r.rule} ${r.firedAt}`)).toEqual([
        'tick 2026-11-20T10:55:00.000Z',
        'tick 2026-11-20T11:00:00.000Z',
        'hourly 2026-11-20T11:00:00.000Z',
        'tick 2026-11-20T11:05:00.000Z',
      ]);
      // Nothing was evaluated before its time.
      for (const r of received) expect(r.clockAt).toBeGreaterThanOrEqual(Date.parse(r.firedAt));
      expect(summary).toEqual({ ticks: 3, evaluations: 4, firings: 4 });
      expect(clock.sleeps).toEqual([150_000, 300_000, 300_000]);
    } finally {
      release();
    }
  });

  it('wakes between scheduled times to flush the sink (retries, cool-downs ending)', async () => {
    const clock = createFakeClock(Date.parse('2026-11-20T10:50:00Z'));
    const controller = new AbortController();
    const flushedAt: number[] = [];
    const sink: AlertSink = {
      async enqueue() {
        controller.abort();
      },
      async flush() {
        flushedAt.push(clock.now());
      },
    };
    await runDaemon({ rules: [everyFive], sink, signal: controller.signal, clock, openStore: () => openStoreReader(store.dataDir), flushEveryMs: 60_000 });
    expect(flushedAt.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['10:51', '10:52', '10:53', '10:54']);
  });

  it('returns at once when stopped while it waits', async () => {
    const controller = new AbortController();
    const enqueued: string[] = [];
    const started = Date.now();
    const done = runDaemon({
      rules: [hourly],
      sink: { enqueue: async (rule) => void enqueued.push(rule.name) },
      signal: controller.signal,
      openStore: () => openStoreReader(store.dataDir),
    });
    setTimeout(() => controller.abort(), 50);
    expect(await done).toEqual({ ticks: 0, evaluations: 0, firings: 0 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(enqueued).toEqual([]);
  });

  it('goes on after a tick that fails, and reports it', async () => {
    const clock = createFakeClock(Date.parse('2026-11-20T10:59:00Z'));
    const controller = new AbortController();
    const errors: string[] = [];
    let opened = 0;
    const ticks: string[] = [];
    await runDaemon({
      rules: [everyFive],
      sink: {
        async enqueue(_rule, firings) {
          ticks.push(firings[0].firedAt);
          controller.abort();
        },
      },
      signal: controller.signal,
      clock,
      openStore: async () => {
        if (opened++ === 0) throw new Error('store locked');
        return openStoreReader(store.dataDir);
      },
      onError: (err, at) => errors.push(`${new Date(at).toISOString()} ${(err as Error).message}`),
    });
    expect(errors).toEqual(['2026-11-20T11:00:00.000Z store locked']);
    expect(ticks).toEqual(['2026-11-20T11:05:00.000Z']);
  });
});
