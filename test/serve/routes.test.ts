import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detect/index.js';
import { createApp } from '../../src/serve/app.js';
import { createServeContext, type ServeContext } from '../../src/serve/context.js';
import { openStoreReader, type StoreSpan } from '../../src/store/index.js';
import { query, runCli, tmpDir } from '../helpers.js';
import { HOSTILE_AT, makeStore, XSS_MESSAGE, XSS_SERVICE } from './fixture.js';

/** How the overview's anomaly panel links an event to its lines: the start of that link. */
function eventLogsLinkStart(start: string): string {
  return `/logs?range=custom&amp;from=${encodeURIComponent(start)}`;
}

/** A range around the hostile lines: their template is new in it. */
const AROUND_HOSTILE = `range=custom&from=${new Date(HOSTILE_AT - 3600_000).toISOString()}&to=${new Date(HOSTILE_AT + 2 * 3600_000).toISOString()}`;

/** Long after the data: every preset range counts back from the newest record. */
const LATER = Date.parse('2026-12-03T12:00:00Z');

let dataDir: string;
let ctx: ServeContext;
let app: ReturnType<typeof createApp>;
let span: StoreSpan;

beforeAll(async () => {
  ({ dataDir } = await makeStore());
  ctx = createServeContext({ dataDir, now: () => LATER });
  app = createApp(ctx);
  const reader = await openStoreReader(dataDir);
  span = reader.span!;
  reader.close();
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await app.request(url, init);
  return { status: res.status, body: await res.json() };
}

async function html(url: string, init?: RequestInit): Promise<{ status: number; text: string; res: Response }> {
  const res = await app.request(url, init);
  return { status: res.status, text: await res.text(), res };
}

describe('the overview', () => {
  it('counts the lines and error lines of the range as the store holds them', async () => {
    const { status, body } = await json('/api/overview?range=all');
    expect(status).toBe(200);
    const [counts] = await query(dataDir, "SELECT count(*) AS lines, count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors FROM logs");
    expect(body.totals.lines).toBe(Number(counts.lines));
    expect(body.totals.errors).toBe(Number(counts.errors));
    // Volume by level: every bucket's levels add up to its total.
    const levels = Object.keys(body.volume.levels);
    expect(levels).toContain('ERROR');
    expect(levels).toContain('INFO');
    body.volume.total.forEach((t: number, i: number) => expect(levels.reduce((s, l) => s + body.volume.levels[l][i], 0)).toBe(t));
  });

  it('ranks services and hosts by their error lines, as a query of the store does', async () => {
    const { body } = await json('/api/overview?range=all');
    const services = await query(dataDir, "SELECT coalesce(service, '(none)') AS s, count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS e FROM logs GROUP BY ALL ORDER BY e DESC, count(*) DESC, s LIMIT 8");
    expect(body.topServices.map((s: { series: string; errors: number }) => [s.series, s.errors])).toEqual(services.map((r) => [r.s, Number(r.e)]));
    expect(body.topHosts.length).toBeGreaterThan(1);
    expect(body.topHosts[0].errors).toBeGreaterThanOrEqual(body.topHosts[1].errors);
  });

  it('lists the latest anomaly events of detectAnomalies at its default settings, newest first', async () => {
    const { body } = await json('/api/overview?range=all');
    const reader = await openStoreReader(dataDir);
    const direct = await detectAnomalies(reader.connection, { bucket: '1m', since: body.range.from, until: body.range.to }).finally(() => reader.close());
    expect(direct.events.length).toBeGreaterThan(0);
    expect(body.eventCount).toBe(direct.events.length);
    const starts = body.events.map((e: { start: string }) => Date.parse(e.start));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(body.events[0].start).toBe(direct.events.map((e) => e.start).sort().at(-1));
  });

  it('gives the store size and span, and new patterns of the range', async () => {
    const { body } = await json(`/api/overview?${AROUND_HOSTILE}`);
    expect(body.store.span.rows).toBe(span.rows);
    expect(body.store.bytesOnDisk).toBeGreaterThan(10_000);
    expect(body.store.sources).toBe(2);
    // The hostile JSON lines' template first appears 18 h in; its digit-holding word is masked.
    expect(body.newPatterns.map((p: { example: string }) => p.example)).toContain(XSS_MESSAGE);
    for (const p of body.newPatterns) expect(Date.parse(p.first_seen)).toBeGreaterThanOrEqual(HOSTILE_AT - 3600_000);
  });

  it('renders the page with charts, tables and numbers with thousands separators', async () => {
    const { status, text, res } = await html('/?range=all');
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    for (const part of ['Volume by level', 'Error rate', 'Top services by errors', 'Top hosts by errors', 'Latest anomaly events', 'New patterns', '<svg']) expect(text).toContain(part);
    expect(text).toMatch(/>\d{1,3},\d{3}</);
    expect(text).toContain('src="/static/htmx.min.js"');
    // Standards mode, not quirks mode.
    expect(text.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
  });

  it('answers before anomaly detection is done, and its panel then loads the same events as the API', async () => {
    // A range no other test asked for: nothing of it is cached.
    const range = `range=custom&from=${new Date(span.min + 3600_000 * 5).toISOString().slice(0, 16)}Z&to=${new Date(span.max - 3600_000).toISOString().slice(0, 16)}Z`;
    const page = await html(`/?${range}`);
    expect(page.status).toBe(200);
    expect(page.text.includes('Detecting anomalies in this range')).toBe(true);
    expect(page.text).toMatch(/<section class="panel" id="overview-anomalies" hx-get="\/overview\/anomalies\?range=custom&amp;from=[^"]+" hx-trigger="load"/);
    const fragment = await html(`/overview/anomalies?${range}`);
    expect(fragment.status).toBe(200);
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('id="overview-anomalies"');
    // The stat is swapped in out of band, with the count the API gives.
    const { body } = await json(`/api/overview?${range}`);
    expect(body.eventCount).toBeGreaterThan(0);
    expect(new RegExp(`id="overview-anomaly-stat"[^>]*hx-swap-oob="true"[\\s\\S]*?<div class="value( bad)?">${body.eventCount}</div>`).test(fragment.text)).toBe(true);
    for (const e of body.events as Array<{ start: string }>) expect(fragment.text.includes(eventLogsLinkStart(e.start)), e.start).toBe(true);
    // Detected now: the page shows the events at once.
    const again = await html(`/?${range}`);
    expect(again.text.includes('Detecting anomalies in this range')).toBe(false);
    expect(again.text.includes('<section class="panel" id="overview-anomalies"><header><h2>Latest anomaly events')).toBe(true);
  });

  it('marks the bucket holding the newest record as incomplete, and no earlier one', async () => {
    const { body } = await json('/api/overview?range=1h');
    const { times, bucketMs, partialFrom } = body.volume as { times: number[]; bucketMs: number; partialFrom: number | null };
    expect(partialFrom).not.toBeNull();
    const at = times[partialFrom!];
    expect(at).toBeLessThanOrEqual(span.max);
    expect(at + bucketMs).toBeGreaterThan(span.max + 1);
    expect(times[partialFrom! - 1] + bucketMs).toBeLessThanOrEqual(span.max + 1);
    const page = await html('/?range=1h');
    expect(page.text.includes('incomplete bucket')).toBe(true);
    expect(page.text.includes('stroke-dasharray="5 3"')).toBe(true);
  });
});

describe('the time range', () => {
  it('counts presets back from the newest record when the data ends before now, and says so', async () => {
    const { body } = await json('/api/overview?range=1h');
    expect(body.range.anchored).toBe(true);
    expect(Date.parse(body.range.to)).toBeGreaterThan(span.max);
    expect(Date.parse(body.range.to) - Date.parse(body.range.from)).toBe(3600_000);
    expect(body.range.bucket).toBe('1m');
    expect(body.totals.lines).toBeGreaterThan(0);
    const page = await html('/?range=24h');
    expect(page.text).toContain('Old data.');
    expect(page.text).toContain('counts back from it, not from now');
  });

  it('counts back from the clock when the data reaches now, without a note', async () => {
    const nearCtx = createServeContext({ dataDir, now: () => span.max + 5 * 60_000 });
    try {
      const res = await createApp(nearCtx).request('/api/overview?range=1h');
      const body = (await res.json()) as any;
      expect(body.range.anchored).toBe(false);
      expect(body.range.note).toBeNull();
      expect(Date.parse(body.range.to)).toBe(Math.ceil((span.max + 5 * 60_000) / 60_000) * 60_000);
    } finally {
      await nearCtx.close();
    }
  });

  it('picks a bucket width per range: 1h → 1m, 24h → 10m, 7d → 1h; all spans the data', async () => {
    expect((await json('/api/overview?range=24h')).body.range.bucket).toBe('10m');
    expect((await json('/api/overview?range=7d')).body.range.bucket).toBe('1h');
    const all = (await json('/api/overview?range=all')).body.range;
    expect(Date.parse(all.from)).toBeLessThanOrEqual(span.min);
    expect(Date.parse(all.to)).toBeGreaterThan(span.max);
  });

  it('takes a custom range in ISO (UTC when zone-less) and keeps it in the links', async () => {
    const { body } = await json('/api/overview?range=custom&from=2026-11-19%2006:00&to=2026-11-19T09:00:00Z');
    expect(body.range).toMatchObject({ key: 'custom', from: '2026-11-19T06:00:00.000Z', to: '2026-11-19T09:00:00.000Z', bucket: '1m' });
    const page = await html('/patterns?range=custom&from=2026-11-19T06:00:00Z&to=2026-11-19T09:00:00Z');
    expect(page.text).toContain('href="/anomalies?range=custom&amp;from=2026-11-19T06%3A00%3A00.000Z&amp;to=2026-11-19T09%3A00%3A00.000Z"');
  });

  it('refuses a bad range with a 400 naming the parameter', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/api/overview?range=fortnight', 'range', /must be one of 1h, 24h, 7d, all, custom/],
      ['/api/overview?range=custom', 'from', /range=custom needs from/],
      ['/api/overview?range=custom&from=yesterday-ish', 'from', /expected an ISO time/],
      ['/api/overview?range=custom&from=2026-11-19T06:00Z&to=2026-11-19T05:00Z', 'to', /must be after from/],
      ['/api/overview?range=24h&from=2026-11-19T06:00Z', 'from', /only with range=custom/],
      ['/api/overview?colour=red', 'colour', /unknown parameter/],
    ];
    for (const [url, param, message] of cases) {
      const { status, body } = await json(url);
      expect(status, url).toBe(400);
      expect(body.param, url).toBe(param);
      expect(body.error, url).toMatch(message);
      expect(body.error, url).toContain(`"${param}"`);
    }
  });
});

describe('the anomalies', () => {
  it('lists the events logscope anomalies prints for the same options', async () => {
    const { body } = await json('/api/anomalies?range=all&bucket=5m&threshold=4&baseline=trailing');
    expect(body.events.length).toBeGreaterThan(0);
    const cli = runCli(['anomalies', '--data', dataDir, '--bucket', '5m', '--threshold', '4', '--baseline', 'trailing', '--since', body.range.from, '--until', body.range.to, '--json']);
    expect(cli.status, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { events: Array<{ start: string; series: string; measure: string; severity: string }> };
    const key = (e: { start: string; series: string; measure: string; severity: string }) => `${e.start} ${e.series} ${e.measure} ${e.severity}`;
    expect(body.events.map(key).sort()).toEqual(printed.events.map(key).sort());
  });

  it('splits by service, and drills down to the lines of that service and span', async () => {
    const { body } = await json('/api/anomalies?range=all&by=service&bucket=5m');
    const errors = body.events.find((e: { measure: string; series: string }) => e.measure === 'errors' && e.series !== '*');
    expect(errors).toBeDefined();
    const page = await html('/anomalies?range=all&by=service&bucket=5m');
    const link = `/logs?range=custom&amp;from=${encodeURIComponent(errors.start)}&amp;to=${encodeURIComponent(errors.end)}&amp;service=${encodeURIComponent(errors.series)}&amp;level=ERROR%2CFATAL`;
    expect(page.text).toContain(link);
  });

  it('charts an event with its baseline and flagged buckets, and explains it', async () => {
    const list = (await json('/api/anomalies?range=all')).body;
    const e = list.events.find((x: { measure: string }) => x.measure === 'errors');
    const q = new URLSearchParams({ range: 'all', series: e.series, measure: e.measure, start: e.start, end: e.end });
    const { status, body } = await json(`/api/anomalies/event?${q}`);
    expect(status).toBe(200);
    expect(body.times.length).toBe(body.observed.length);
    expect(body.expected.length).toBe(body.times.length);
    const flaggedInside = body.times.filter((t: number, i: number) => body.flagged[i] && t >= Date.parse(e.start) && t < Date.parse(e.end));
    expect(flaggedInside.length).toBe(e.buckets);
    expect(body.times[0]).toBeLessThan(Date.parse(e.start));
    expect(body.times.at(-1)).toBeGreaterThanOrEqual(Date.parse(e.end));
    expect(body.explanation.length).toBeGreaterThan(0);
    expect(new Set(body.explanation.map((c: { dimension: string }) => c.dimension))).toEqual(new Set(['service', 'host', 'message']));
    const fragment = await html(`/anomalies/event?${q}`, { headers: { 'HX-Request': 'true' } });
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('What changed');
    expect(fragment.text).toContain('stroke-dasharray="5 3"');
    const page = await html(`/anomalies/event?${q}`);
    expect(page.text).toContain('<html');
    expect(page.text).toContain('What changed');
  });

  it('renders the page with the options form and one row per event', async () => {
    const { status, text } = await html('/anomalies?range=all&bucket=5m');
    expect(status).toBe(200);
    const events = (await json('/api/anomalies?range=all&bucket=5m')).body.events.length;
    expect(text.match(/class="event-row"/g)?.length).toBe(Math.min(events, 100));
    expect(text).toContain('name="bucket" value="5m"');
    expect(text).toContain('hx-get="/anomalies/event?');
  });

  it('refuses bad options with a 400 naming them, on the page and in the API', async () => {
    const cases: Array<[string, string]> = [
      ['bucket=often', 'bucket'],
      ['threshold=-2', 'threshold'],
      ['baseline=weekly', 'baseline'],
      ['window=1', 'window'],
      ['by=a%20b', 'by'],
      ['direction=sideways', 'direction'],
      ['metric=avg(', 'metric'],
      ['metric=latency_ms', 'metric'],
    ];
    for (const [q, param] of cases) {
      const { status, body } = await json(`/api/anomalies?range=all&${q}`);
      expect(status, q).toBe(400);
      expect(body.param, q).toBe(param);
    }
    const page = await html('/anomalies?bucket=often&threshold=4');
    expect(page.status).toBe(400);
    expect(page.text).toContain('class="nav"');
    // The form again, as typed, the error next to the field at fault.
    expect(page.text).toContain('name="bucket" value="often"');
    expect(page.text).toContain('name="threshold" value="4"');
    expect(page.text).toMatch(/name="bucket"[^>]*aria-invalid="true"[^>]*\/><span class="field-error" role="alert">must be a width such as 1m/);
    expect(page.text).toContain('bucket: must be a width such as 1m');
    // A blank field (a cleared input) means the default.
    expect((await json('/api/anomalies?range=all&bucket=&window=&threshold=&metric=&by=')).status).toBe(200);
    const missing = await json('/api/anomalies/event?range=all&measure=errors&start=2026-11-19T00:00:00Z&end=2026-11-19T00:05:00Z');
    expect(missing.status).toBe(400);
    expect(missing.body.param).toBe('series');
  });
});

describe('the patterns', () => {
  it('lists the templates of the range with their lines in it, most first, and their trend', async () => {
    const { status, body } = await json('/api/patterns?range=all&limit=500');
    expect(status).toBe(200);
    const [{ n }] = await query(dataDir, 'SELECT count(*) AS n FROM logs WHERE template_id IS NOT NULL');
    expect(body.patterns.reduce((s: number, p: { inRange: number }) => s + p.inRange, 0)).toBe(Number(n));
    const counts = body.patterns.map((p: { inRange: number }) => p.inRange);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
    for (const p of body.patterns) {
      expect(p.trend.length).toBe(body.times.length);
      expect(p.trend.reduce((s: number, v: number) => s + v, 0)).toBe(p.inRange);
    }
  });

  it('marks templates first seen in the range as new, and filters by level', async () => {
    const { body } = await json(`/api/patterns?${AROUND_HOSTILE}&new=1`);
    expect(body.patterns.map((p: { example: string }) => p.example)).toContain(XSS_MESSAGE);
    for (const p of body.patterns) expect(p.isNew).toBe(true);
    expect(body.patterns.length).toBe(body.newCount);
    const all = (await json(`/api/patterns?${AROUND_HOSTILE}`)).body;
    expect(all.patterns.length).toBeGreaterThan(body.patterns.length);
    const page = await html(`/patterns?${AROUND_HOSTILE}`);
    expect(page.text.match(/<tr class="new">/g)?.length).toBe(body.newCount);
    const errors = (await json('/api/patterns?range=all&level=ERROR')).body.patterns;
    expect(errors.length).toBeGreaterThan(0);
    for (const p of errors) expect((p.levels.ERROR ?? 0) + (p.levels.FATAL ?? 0)).toBeGreaterThan(0);
    expect((await json('/api/patterns?level=LOUD')).body.param).toBe('level');
  });

  it('calls nothing new in a range that starts with the store', async () => {
    const { body } = await json('/api/patterns?range=all');
    expect(body.comparable).toBe(false);
    expect(body.patterns.filter((p: { isNew: boolean }) => p.isNew)).toEqual([]);
    const overview = (await json('/api/overview?range=all')).body;
    expect(overview.newPatternsComparable).toBe(false);
    expect(overview.newPatterns).toEqual([]);
    expect((await html('/?range=all')).text).toContain('Nothing to compare with');
  });

  it('links each template to its lines and draws a sparkline', async () => {
    const { body } = await json('/api/patterns?range=all&limit=1');
    const { text } = await html('/patterns?range=all&limit=1');
    expect(text).toContain(`href="/logs?range=all&amp;template=${body.patterns[0].id}"`);
    expect(text).toMatch(/<span class="spark"><svg[^>]*width="120"/);
  });

  it('pages through the templates, most lines first, with links to the pages before and after', async () => {
    const all = (await json('/api/patterns?range=all&limit=500')).body as { patterns: Array<{ id: number }>; matching: number };
    expect(all.matching).toBeGreaterThan(10);
    const second = (await json('/api/patterns?range=all&limit=5&page=2')).body as { patterns: Array<{ id: number }>; page: number; perPage: number; matching: number };
    expect(second.patterns.map((p) => p.id)).toEqual(all.patterns.slice(5, 10).map((p) => p.id));
    expect([second.page, second.perPage, second.matching]).toEqual([2, 5, all.matching]);
    const { text } = await html('/patterns?range=all&limit=5&page=2');
    expect(text.includes(`6–10 of ${all.matching.toLocaleString('en-US')}`)).toBe(true);
    expect(text.includes('rel="prev" href="/patterns?range=all&amp;limit=5"')).toBe(true);
    expect(text.includes('rel="next" href="/patterns?range=all&amp;limit=5&amp;page=3"')).toBe(true);
    const past = await html('/patterns?range=all&limit=5&page=9999');
    expect(past.status).toBe(200);
    expect(past.text.includes('No page 9,999')).toBe(true);
    expect((await json('/api/patterns?range=all&page=0')).status).toBe(400);
  });
});

describe('escaping', () => {
  it('shows markup from log lines as text on every page, never as markup', async () => {
    const pages = ['/?range=all', '/patterns?range=all&level=ERROR&limit=500', `/patterns?${AROUND_HOSTILE}`, `/?${AROUND_HOSTILE}`];
    for (const url of pages) {
      const { text } = await html(url);
      expect(text, url).not.toContain('<script>alert(1)');
      expect(text, url).not.toContain('<img src=x');
    }
    expect((await html(pages[0])).text).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // The template's first line, in the pattern's tooltip.
    expect((await html(pages[2])).text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; payment failed');
    const bySvc = await html('/anomalies?range=all&by=service&bucket=5m&threshold=2');
    expect(bySvc.text).not.toContain('<img src=x');
    expect(XSS_SERVICE).toContain('<img');
  });

  it('sends a Content-Security-Policy that allows no inline script', async () => {
    const { res } = await html('/?range=all');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('static files, unknown routes, failures', () => {
  it('serves htmx from the installed package and the stylesheet', async () => {
    const res = await app.request('/static/htmx.min.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const installed = fs.readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));
    expect(Buffer.from(await res.arrayBuffer()).equals(installed)).toBe(true);
    expect((await app.request('/static/style.css')).headers.get('content-type')).toMatch(/text\/css/);
  });

  it('answers 404 for an unknown route: JSON under /api, a page otherwise', async () => {
    const api = await json('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body.error).toMatch(/no such route: GET \/api\/nothing-here/);
    const page = await html('/nothing-here');
    expect(page.status).toBe(404);
    expect(page.text).toContain('Page not found');
    expect((await app.request('/static/evil.js')).status).toBe(404);
  });

  it('answers 500 with the message and no stack trace when loading fails', async () => {
    const fire = async (): Promise<never> => { throw new Error('disk on fire'); };
    const broken: ServeContext = { ...ctx, read: fire, span: fire };
    const brokenApp = createApp(broken);
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const res = await brokenApp.request('/api/overview?range=all');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'internal error: disk on fire' });
      const page = await brokenApp.request('/anomalies');
      expect(page.status).toBe(500);
      const body = await page.text();
      expect(body).toContain('disk on fire');
      expect(body).not.toMatch(/\n\s+at |\.ts:\d+/);
    } finally {
      process.stderr.write = stderr;
    }
  });

  it('answers 503 with what to do when the directory holds no store yet', async () => {
    const emptyCtx = createServeContext({ dataDir: tmpDir('logscope-serve-empty-'), now: () => LATER });
    const emptyApp = createApp(emptyCtx);
    const api = await emptyApp.request('/api/overview');
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: string }).error).toMatch(/no logscope data in/);
    const page = await emptyApp.request('/');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('No logs in this store yet');
    await emptyCtx.close();
  });
});
