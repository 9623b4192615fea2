import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { spawnCli, tmpDir } from '../helpers.js';
import { CHROMIUM, HAVE_CHROMIUM, launchBrowser, screenshot, textOf } from './browser-helpers.js';
import { longQuery, makeStore, XSS_MESSAGE, type TestStore } from './store-fixture.js';

if (!HAVE_CHROMIUM) process.stderr.write(`\n*** ${CHROMIUM} not found: the browser test is SKIPPED (apt-get install chromium; .ci/run does) ***\n\n`);

let store: TestStore;
let server: RunningServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

/** Reads a number shown with thousands separators. */
function numberIn(text: string | null): number {
  return Number((text ?? '').replace(/[^\d.]/g, ''));
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in a real browser', () => {
  beforeAll(async () => {
    store = await makeStore(tmpDir('logscope-browser-'));
    server = await startServer({ dataDir: store.data, port: 0 });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens the overview and changes the time range, which the URL keeps', async () => {
    await page.goto(server.url);
    await expect.poll(() => textOf(page.locator('h1')), { timeout: 10_000 }).toBe('Overview');
    // The anomaly panel and count load apart (htmx), once detection is done.
    await expect.poll(() => page.locator('#overview-anomalies .loading').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => textOf(page.locator('#overview-anomaly-stat .value')), { timeout: 10_000 }).toMatch(/^\d[\d,]*$/);
    expect(await page.locator('#overview-anomalies h2').count()).toBe(1);
    await screenshot(page, '01-overview');
    await page.locator('.seg a', { hasText: 'All' }).click();
    await page.waitForURL(/range=all/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('all');
    await expect.poll(() => textOf(page.locator('.seg a.on')), { timeout: 10_000 }).toBe('All');
    await screenshot(page, '02-overview-all');
  });

  it('opens an anomaly and then its lines', async () => {
    await page.goto(`${server.url}anomalies?range=all`);
    await screenshot(page, '03-anomalies');
    const lines = page.locator('a', { hasText: 'Lines →' }).first();
    await lines.click();
    await page.waitForURL(/\/logs\?/);
    const rows = page.locator('table.logtable tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    await screenshot(page, '04-anomaly-lines');
  });

  it('pages through the logs and opens the lines around one', async () => {
    await page.goto(`${server.url}logs?range=all`);
    const firstPage = await page.locator('table.logtable tbody tr td.where').allTextContents();
    expect(firstPage).toHaveLength(50);
    await screenshot(page, '05-logs');
    await page.locator('a[rel=next]').click();
    await page.waitForURL(/page=2/);
    await expect.poll(() => textOf(page.locator('.panel header h2').first()), { timeout: 10_000 }).toBe('Page 2');
    const secondPage = await page.locator('table.logtable tbody tr td.where').allTextContents();
    expect(secondPage).toHaveLength(50);
    expect(secondPage.filter((w) => firstPage.includes(w))).toEqual([]);
    await page.locator('a[rel=next]').click();
    await page.waitForURL(/page=3/);
    await page.locator('table.logtable tbody tr td.where a').first().click();
    await page.waitForURL(/\/logs\/context\?/);
    await expect.poll(() => page.locator('tr.target').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('table.logtable tbody tr').count()).toBeGreaterThan(10);
    await screenshot(page, '06-log-context');
  });

  it('shows a stored line of HTML and JavaScript as text, and runs none of it', async () => {
    await page.goto(`${server.url}logs?range=all&q=window.__xss`);
    const message = page.locator('table.logtable td.msg').first();
    await expect.poll(() => textOf(message), { timeout: 10_000 }).toBe(XSS_MESSAGE);
    expect(await page.locator('table.logtable img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    await page.goto(`${server.url}logs/context?source=${encodeURIComponent(store.xss.source)}&line=${store.xss.line}`);
    await expect.poll(() => textOf(page.locator('tr.target td.msg')), { timeout: 10_000 }).toBe(XSS_MESSAGE);
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await screenshot(page, '07-xss-as-text');
  });

  it('runs a query in the SQL console and shows its rows, a page at a time', async () => {
    await page.goto(`${server.url}sql`);
    await page.locator('textarea[name=sql]').fill('SELECT source, line, level, message FROM logs ORDER BY ts DESC, source DESC, line DESC LIMIT 120');
    await page.locator('#run').click();
    await page.locator('#query-panel[data-status=done]').first().waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => textOf(page.locator('#query-panel h2')), { timeout: 10_000 }).toBe('120 rows');
    await expect.poll(() => textOf(page.locator('.resulttable tbody tr').first().locator('td').nth(3)), { timeout: 10_000 }).toBe(XSS_MESSAGE);
    await screenshot(page, '08-sql-result');
    await page.locator('#next-rows').click();
    await expect.poll(() => textOf(page.locator('#query-panel .pager .muted')), { timeout: 10_000 }).toBe('rows 51–100 of 120');
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  });

  it("shows DuckDB's progress moving on a long query and cancels it", async () => {
    await page.goto(`${server.url}sql`);
    // 32 pipelines (progress moves at the end of each), about four times the default's run: on a
    // quiet machine the default's 8 finished before the test had seen the bar move and clicked cancel.
    await page.locator('textarea[name=sql]').fill(longQuery(32));
    const started = Date.now();
    await page.locator('#run').click();
    const bar = page.locator('#query-panel[data-status=running] [role=progressbar]');
    await bar.first().waitFor({ state: 'visible', timeout: 10_000 });
    const seen: number[] = [];
    for (let i = 0; i < 100 && new Set(seen.filter((v) => v > 0)).size < 2; i++) {
      const now = await page.locator('#query-panel [role=progressbar]').getAttribute('aria-valuenow').catch(() => null);
      if (now !== null) seen.push(Number(now));
      await page.waitForTimeout(150);
    }
    const moving = [...new Set(seen.filter((v) => v > 0))];
    expect(moving.length).toBeGreaterThanOrEqual(2);
    expect(moving[1]).toBeGreaterThan(moving[0]);
    await screenshot(page, '09-sql-running');
    await page.locator('#cancel').click();
    await page.locator('#query-panel[data-status=cancelled]').first().waitFor({ state: 'visible', timeout: 5000 });
    await expect.poll(() => textOf(page.locator('#query-panel')), { timeout: 10_000 }).toContain('cancelled: the query was interrupted');
    expect(Date.now() - started).toBeLessThan(60_000);
    await screenshot(page, '10-sql-cancelled');
  });

  it("watches a running CLI ingest's progress move on the Jobs page", async () => {
    await page.goto(`${server.url}jobs`);
    await expect.poll(() => textOf(page.locator('#running')), { timeout: 10_000 }).toContain('No ingest is running');
    await screenshot(page, '11-jobs-idle');
    const batchesBefore = ((await (await fetch(`${server.url}api/jobs`)).json()) as { batches: { id: string }[] }).batches.map((b) => b.id);
    const ingest: ChildProcessWithoutNullStreams = spawnCli(['ingest', '-', '--data', store.data, '--input-format', 'syslog', '--chunk-size', '16K', '--batch-size', '256K', '-w', '1', '-q']);
    let i = 0;
    const feed = setInterval(() => {
      let s = '';
      for (let k = 0; k < 150; k++, i++) s += `${new Date(Date.UTC(2026, 10, 21) + i * 1000).toISOString()} feed-1 stream[9]: INFO streamed line ${i}\n`;
      ingest.stdin.write(s);
    }, 200);
    try {
      const lines = page.locator('#running .ingest #ingest-lines');
      await lines.first().waitFor({ state: 'visible', timeout: 15_000 });
      const first = numberIn(await lines.textContent());
      await expect.poll(async () => numberIn(await lines.textContent()), { timeout: 15_000 }).toBeGreaterThan(first);
      await expect.poll(() => page.locator('#running .workers tbody tr').count(), { timeout: 10_000 }).toBe(1);
      await screenshot(page, '12-jobs-live');
    } finally {
      clearInterval(feed);
      ingest.stdin.end();
    }
    const code = await new Promise<number | null>((resolve) => ingest.on('close', resolve));
    expect(code).toBe(0);
    await expect.poll(() => textOf(page.locator('#running')), { timeout: 5000 }).toContain('No ingest is running');
    // Standard input has no manifest entry: its batches show in the batches table.
    const batchesAfter = ((await (await fetch(`${server.url}api/jobs`)).json()) as { batches: { id: string; lines: number }[] }).batches;
    expect(batchesAfter.filter((b) => !batchesBefore.includes(b.id)).reduce((n, b) => n + b.lines, 0)).toBe(i);
    await page.reload();
    await screenshot(page, '13-jobs-after');
  });

  it('shows the patterns page', async () => {
    await page.goto(`${server.url}patterns?range=all`);
    await expect.poll(() => textOf(page.locator('h1')), { timeout: 10_000 }).toBe('Patterns');
    await screenshot(page, '14-patterns');
  });
});
