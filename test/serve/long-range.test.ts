import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/serve/app.js';
import { createServeContext, type ServeContext } from '../../src/serve/context.js';
import { MAX_DETECT_BUCKETS } from '../../src/query/index.js';
import { defaultDetectBucket } from '../../src/serve/loaders/anomalies.js';
import type { TimeRange } from '../../src/serve/range.js';
import { minute, recordsIn, storeOf, type FixtureRecord } from '../detect/fixture.js';
import { runCliHere } from '../helpers.js';

/**
 * The dashboard judges every bucket of its range. Over a store of years, one-minute buckets
 * are millions per series and measure (`range=all` over logs from 2009 to 2026: the overview's
 * event list took 170 s), so with no bucket given the detection bucket widens with the range.
 */
const DAY = 1440;
const DAYS = 400;

const rangeOf = (days: number) => ({ from: 0, to: days * 86_400_000 }) as TimeRange;

describe('the detection bucket the dashboard uses when none is given', () => {
  it('is 1m up to MAX_DETECT_BUCKETS minutes, then the smallest wider width within it', () => {
    expect(defaultDetectBucket(rangeOf(1))).toBe('1m');
    expect(defaultDetectBucket(rangeOf(7))).toBe('1m');
    expect(defaultDetectBucket({ from: 0, to: MAX_DETECT_BUCKETS * 60_000 } as TimeRange)).toBe('1m');
    expect(defaultDetectBucket({ from: 0, to: MAX_DETECT_BUCKETS * 60_000 + 60_000 } as TimeRange)).toBe('5m');
    expect(defaultDetectBucket(rangeOf(DAYS))).toBe('10m');
    expect(defaultDetectBucket(rangeOf(17 * 365))).toBe('3h');
    expect(defaultDetectBucket()).toBe('1m');
  });
});

describe('a store of 400 days in the dashboard', () => {
  let ctx: ServeContext;
  let app: ReturnType<typeof createApp>;
  let data: string;
  beforeAll(async () => {
    const records: FixtureRecord[] = [];
    // A burst of errors every day at a time that moves, and 20 INFO lines an hour.
    for (let day = 0; day < DAYS; day++) {
      for (let h = 0; h < 24; h += 6) records.push(...recordsIn(day * DAY + h * 60 + 7, 20, 'INFO'));
      if (day % 50 === 49) records.push(...recordsIn(day * DAY + 600 + day, 40, 'ERROR'));
    }
    const { reader, dataDir } = await storeOf(records);
    reader.close();
    data = dataDir;
    ctx = createServeContext({ dataDir, now: () => Date.parse(minute(DAYS * DAY)) });
    app = createApp(ctx);
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('judges range=all in 10m buckets and says so in its settings; the overview lists the same events', async () => {
    const res = await app.request('/api/anomalies?range=all');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { settings: { bucket: string }; events: Array<{ start: string; measure: string }> };
    expect(body.settings.bucket).toBe('10m');
    expect(body.events.filter((e) => e.measure === 'errors').length).toBeGreaterThan(0);
    const panel = await (await app.request('/overview/anomalies?range=all')).text();
    for (const e of body.events.slice(0, 3)) expect(panel).toContain(e.start.slice(0, 16).replace('T', ' '));
  });

  it('logscope anomalies judges it in the same 10m buckets when --bucket is not given, and says so; a given --bucket is kept', async () => {
    const r = await runCliHere(['anomalies', '--data', data, '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`logscope: the range 2026-11-20 to 2027-12-24 holds 575,641 minutes: judged in 10m buckets (--bucket 1m judges every minute, which can take minutes)`);
    const events = (JSON.parse(r.stdout) as { events: Array<{ start: string; measure: string }> }).events;
    const api = (await (await app.request('/api/anomalies?range=all')).json()) as { events: Array<{ start: string; measure: string }> };
    const keys = (list: Array<{ start: string; measure: string }>) => list.map((e) => `${e.start} ${e.measure}`).sort();
    expect(keys(events)).toEqual(keys(api.events));
    const given = await runCliHere(['anomalies', '--data', data, '--format', 'json', '--bucket', '1h']);
    expect(given.stderr).not.toContain('judged in');
    const hourly = (JSON.parse(given.stdout) as { anomalies: Array<{ bucket: string }> }).anomalies;
    expect(hourly.length).toBeGreaterThan(0);
    expect(hourly.every((a) => a.bucket.slice(14, 19) === '00:00')).toBe(true);
  });

  it('links to other ranges without the chosen bucket, and to an event with it', async () => {
    const page = await (await app.request('/anomalies?range=all')).text();
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
    const day = hrefs.find((h) => h.startsWith('/anomalies?') && h.includes('range=24h'));
    expect(day).toBeDefined();
    expect(day).not.toContain('bucket=');
    const event = hrefs.find((h) => h.startsWith('/anomalies/event?'));
    expect(event).toContain('bucket=10m');
    // The form's field is left empty, the chosen bucket its placeholder.
    expect(page).toMatch(/<input type="text" name="bucket" value="" placeholder="10m"/);
  });

  it('keeps 1m over a short range, and a bucket the page is given', async () => {
    const day = `range=custom&from=${minute((DAYS - 2) * DAY)}&to=${minute((DAYS - 1) * DAY)}`;
    const short = (await (await app.request(`/api/anomalies?${day}`)).json()) as { settings: { bucket: string } };
    expect(short.settings.bucket).toBe('1m');
    const given = (await (await app.request(`/api/anomalies?${day}&bucket=5m`)).json()) as { settings: { bucket: string } };
    expect(given.settings.bucket).toBe('5m');
  });
});
