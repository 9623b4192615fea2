import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlertDelivery } from '../../src/alerts/outbox-delivery.js';
import { ingest } from '../../src/ingest/index.js';
import { createProgressFile } from '../../src/ingest/progress-file.js';
import { anomalyFiring } from '../alerts/firings.js';
import { createApp, createServeContext, type ServeContext } from '../../src/serve/index.js';
import { tmpDir } from '../helpers.js';
import { makeStore, XSS_MESSAGE, type TestStore } from './store-fixture.js';

let store: TestStore;
let ctx: ServeContext;
let app: Hono;

interface LogsJson {
  lines: { ts: string; level: string | null; message: string; source: string; line: number; host: string | null }[];
  next: string | null;
  page: number;
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await app.request(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  store = await makeStore(tmpDir('logscope-pages-'));
  ctx = createServeContext({ dataDir: store.data });
  app = createApp(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

describe('Logs', () => {
  it('lists the lines of the range newest first, each with its source and line number', async () => {
    const { status, body } = await json<LogsJson>('/api/logs?range=all&limit=20');
    expect(status).toBe(200);
    expect(body.lines).toHaveLength(20);
    const times = body.lines.map((l) => l.ts);
    expect([...times].sort().reverse()).toEqual(times);
    expect(body.lines[0].message).toBe(XSS_MESSAGE);
    expect(body.lines[0]).toMatchObject({ source: store.xss.source, line: store.xss.line });
  });

  it('pages with a keyset cursor: consecutive pages do not overlap and continue where the one before ended', async () => {
    const first = (await json<LogsJson>('/api/logs?range=all&limit=50')).body;
    const both = (await json<LogsJson>('/api/logs?range=all&limit=100')).body;
    expect(first.next).not.toBeNull();
    const second = (await json<LogsJson>(`/api/logs?range=all&limit=50&page=2&after=${encodeURIComponent(first.next ?? '')}`)).body;
    expect(second.page).toBe(2);
    const key = (l: LogsJson['lines'][number]) => `${l.ts} ${l.source}:${l.line}`;
    expect([...first.lines, ...second.lines].map(key)).toEqual(both.lines.map(key));
  });

  it('filters by level, host, text and regular expression', async () => {
    const errors = (await json<LogsJson>('/api/logs?range=all&level=ERROR,FATAL&limit=200')).body;
    expect(errors.lines.length).toBeGreaterThan(0);
    expect(errors.lines.every((l) => l.level === 'ERROR' || l.level === 'FATAL')).toBe(true);
    const host = errors.lines.find((l) => l.host !== 'web-9')?.host as string;
    const onHost = (await json<LogsJson>(`/api/logs?range=all&host=${host}&limit=200`)).body;
    expect(onHost.lines.length).toBeGreaterThan(0);
    expect(onHost.lines.every((l) => l.host === host)).toBe(true);
    const text = (await json<LogsJson>('/api/logs?range=all&q=WINDOW.__XSS')).body;
    expect(text.lines.map((l) => l.message)).toEqual([XSS_MESSAGE]);
    const re = (await json<LogsJson>(`/api/logs?range=all&re=${encodeURIComponent('^login .*<script>')}`)).body;
    expect(re.lines.map((l) => l.line)).toEqual([store.xss.line]);
  });

  it('filters by template (the links of the Patterns page)', async () => {
    const some = (await json<{ lines: { template: number | null }[] }>('/api/logs?range=all&limit=20')).body.lines.find((l) => l.template !== null);
    const id = some?.template as number;
    const lines = (await json<{ lines: { template: number | null }[] }>(`/api/logs?range=all&template=${id}&limit=200`)).body.lines;
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.template))).toEqual(new Set([id]));
  });

  it('answers 400 naming the bad parameter', async () => {
    for (const [url, param] of [
      ['/api/logs?level=LOUD', 'level'],
      ['/api/logs?limit=0', 'limit'],
      ['/api/logs?after=zzz', 'after'],
      ['/api/logs?range=all&re=%28unclosed', 're'],
      ['/api/logs?colour=red', 'colour'],
      ['/api/logs/context?line=3', 'source'],
    ]) {
      const { status, body } = await json<{ error: string; param: string }>(url);
      expect([url, status, body.param]).toEqual([url, 400, param]);
      expect(body.error).toContain(`"${param}"`);
    }
  });

  it('opens the lines around a line of its source, unparsed ones included', async () => {
    const { body } = await json<{ lines: { line: number; message: string; unparsed: boolean }[] }>(
      `/api/logs/context?source=${encodeURIComponent(store.xss.source)}&line=2&around=5`,
    );
    expect(body.lines.map((l) => l.line)).toEqual([1, 2]);
    expect(body.lines[1].message).toBe(XSS_MESSAGE);
  });

  it('renders the page with every value escaped: a stored <script> line is text', async () => {
    const res = await app.request('/logs?range=all');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script>window.__xss');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;window.__xss = 1; alert(&#39;xss&#39;)&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss = 2&quot;&gt;');
    expect(html).toMatch(/href="\/logs\?range=all&amp;after=[^"]+&amp;page=2"/);
    const context = await (await app.request(`/logs/context?source=${encodeURIComponent(store.xss.source)}&line=2`)).text();
    expect(context).toContain('class="target"');
    expect(context).not.toContain('<script>window.__xss');
  });
});

describe('SQL console routes', () => {
  it('starts a query, reports it, pages its rows, downloads them', async () => {
    const started = await json<{ id: string; status: string }>('/api/sql/queries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT line FROM logs ORDER BY ts, source, line LIMIT 7' }) });
    expect(started.status).toBe(202);
    let state = started.body;
    for (let i = 0; i < 200 && state.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await json<typeof state>(`/api/sql/queries/${started.body.id}`)).body;
    }
    expect(state.status).toBe('done');
    const rows = (await json<{ rows: number[][]; rowCount: number; columns: { name: string }[] }>(`/api/sql/queries/${state.id}/rows?offset=5&limit=10`)).body;
    expect(rows.rowCount).toBe(7);
    expect(rows.rows).toHaveLength(2);
    expect(rows.columns.map((c) => c.name)).toEqual(['line']);
    const csv = await app.request(`/api/sql/queries/${state.id}/download?format=csv`);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="logscope-query-.*\.csv"$/);
    expect((await csv.text()).split('\n')[0]).toBe('line');
    const html = await (await app.request(`/sql?id=${state.id}`)).text();
    expect(html).toContain('7 rows');
    expect((await json<{ sql: string }[]>('/api/sql/history')).body[0].sql).toBe('SELECT line FROM logs ORDER BY ts, source, line LIMIT 7');
  });

  it('refuses a writing statement with 400 and its reason, and a bad parameter naming it', async () => {
    const refused = await json<{ error: string; param: string }>('/api/sql/queries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql: "ATTACH '/tmp/x.db' AS x" }) });
    expect(refused).toEqual({ status: 400, body: { error: expect.stringMatching(/statement 1 is ATTACH/), param: 'sql' } });
    const missing = await json<{ param: string }>('/api/sql/queries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([missing.status, missing.body.param]).toEqual([400, 'sql']);
    const format = await json<{ param: string }>('/api/sql/queries/00000000-0000-4000-8000-000000000000/download?format=xlsx');
    expect([format.status, format.body.param]).toEqual([400, 'id']);
    const page = await app.request('/sql/run', { method: 'POST', body: new URLSearchParams({ sql: 'SET enable_external_access = true' }) });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('statement 1 is SET');
  });

  it('offers the sql/ files as starting points', async () => {
    const html = await (await app.request('/sql?example=top-errors')).text();
    expect(html).toContain('href="/sql?example=trends"');
    expect(html).toContain('-- top-errors: the most frequent ERROR/FATAL messages');
  });
});

describe('Jobs', () => {
  it('lists every source of the manifest with its line accounting', async () => {
    const { status, body } = await json<{ sources: { source: string; lines: number; parsed: number; unparsed: number; blank: number; format: string }[]; batches: unknown[]; running: unknown[] }>('/api/jobs');
    expect(status).toBe(200);
    expect(body.sources.map((s) => s.source).sort()).toEqual([store.log, store.xss.source].sort());
    for (const s of body.sources) expect(s.lines).toBe(s.parsed + s.unparsed + s.blank);
    expect(body.sources.find((s) => s.source === store.log)?.lines).toBe(20_000);
    expect(body.batches.length).toBeGreaterThan(1);
    expect(body.running).toEqual([]);
  });

  it('shows the template a source is read with, also one auto-detection built from its lines', async () => {
    const dir = tmpDir('logscope-jobs-template-');
    const file = path.join(dir, 'ras.log');
    fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => `- ${1764064800 + i} RAS KERNEL ${i % 4 ? 'INFO' : 'FATAL'} event ${i}`).join('\n') + '\n');
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} }, timezone: 'UTC' });
    const own = createServeContext({ dataDir: data });
    try {
      const page = await (await createApp(own).request('/jobs')).text();
      expect(page).toContain(`read with --template &#39;&lt;Field1&gt; &lt;Timestamp&gt; &lt;Field2&gt; &lt;Field3&gt; &lt;Level&gt; &lt;Content&gt;&#39;</span>`);
      const api = (await (await createApp(own).request('/api/jobs')).json()) as { sources: { format: string; formatFlag: string | null }[] };
      expect(api.sources).toMatchObject([{ format: 'template', formatFlag: "--template '<Field1> <Timestamp> <Field2> <Field3> <Level> <Content>'" }]);
    } finally {
      await own.close();
    }
    const { body } = await json<{ sources: { formatFlag: string | null }[] }>('/api/jobs');
    expect(body.sources.every((s) => s.formatFlag === null)).toBe(true);
  });

  it('shows a running ingest from its progress file, and a killed one as stopped', async () => {
    const file = createProgressFile({
      dataDir: store.data, inputs: ['/logs/big.log'], pid: process.pid, timer: false,
      sample: () => ({ bytesDone: 5_000_000, bytesTotal: 20_000_000, estimated: false, lines: 41_000, workers: [{ worker: 0, chunk: { source: '/logs/big.log', start: 4_194_304, end: 8_388_608, bytes: 4_194_304, since: Date.now() }, chunksDone: 1, linesDone: 41_000 }] }),
    });
    const dead = createProgressFile({ dataDir: store.data, inputs: ['-'], pid: 2 ** 22 + 7, timer: false, sample: () => ({ bytesDone: 1, bytesTotal: undefined, estimated: false, lines: 1, workers: [] }) });
    try {
      const api = (await json<{ pid: number; state: string; lines: number }[]>('/api/jobs/progress')).body;
      expect(api.map((r) => [r.pid, r.state]).sort()).toEqual([[process.pid, 'running'], [2 ** 22 + 7, 'stopped']].sort());
      const fragment = await (await app.request('/jobs/progress', { headers: { 'hx-request': 'true' } })).text();
      expect(fragment).toContain('hx-trigger="every 1s"');
      expect(fragment).toContain('41,000');
      expect(fragment).toContain('/logs/big.log bytes 4,194,304–8,388,608');
      expect(fragment).toContain('stopped without finishing');
    } finally {
      file.remove();
      dead.remove();
    }
    const after = await (await app.request('/jobs')).text();
    expect(after).toContain('No ingest is running');
    expect(after).toContain(path.basename(store.log));
    expect(fs.existsSync(path.join(store.data, '.progress'))).toBe(false);
  });

  it('shows the alert emails of the outbox, a failed send with its error, fresh from the outbox', async () => {
    expect(await (await app.request('/jobs')).text()).toContain('No alert has fired yet');
    // A mail server that is down: the firing stays in the outbox as failed, with the error.
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const delivery = await openAlertDelivery({
      dataDir: store.data,
      smtp: { host: '127.0.0.1', port, security: 'none', allowSelfSigned: false, from: 'logscope <alerts@example.com>', timeoutSeconds: 5, retry: { firstSeconds: 30, maxSeconds: 3600 } },
      env: {},
    });
    await delivery.enqueue({ name: 'api-errors', cooldown: '15m' }, [anomalyFiring({ title: 'errors <b>193</b> vs 12 expected' })]).catch(() => undefined);
    const { body } = await json<{ alerts: { rule: string; status: string; attempts: number; lastError: string | null }[] }>('/api/jobs');
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]).toMatchObject({ rule: 'api-errors', status: 'failed', attempts: 1 });
    expect(body.alerts[0].lastError).toMatch(/ECONNREFUSED/);
    const page = await (await app.request('/jobs')).text();
    expect(page).toContain('Alert emails');
    expect(page).toContain('1 not sent yet');
    expect(page).toMatch(/<span class="badge critical">failed<\/span>/);
    expect(page).toContain('ECONNREFUSED');
    expect(page).toContain('errors &lt;b&gt;193&lt;/b&gt; vs 12 expected');
  });

  it('answers 400 for an unknown parameter and 404 for an unknown route', async () => {
    expect((await json<{ param: string }>('/api/jobs?x=1')).body.param).toBe('x');
    expect((await app.request('/api/jobs/nope')).status).toBe(404);
  });
});
