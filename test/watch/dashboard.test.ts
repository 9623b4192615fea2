import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWatchProgressFile, readWatchProgress } from '../../src/ingest/watch/progress.js';
import { createApp, createServeContext } from '../../src/serve/index.js';
import { CATALOG_FILE } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

const dataDir = tmpDir('logscope-watch-dash-');
const ctx = createServeContext({ dataDir });
const app = createApp(ctx);
afterAll(() => ctx.close());

/** A watcher's progress as the watcher writes it: one file 2.5 s behind, one caught up. */
function writeProgress(pid = process.pid) {
  return createWatchProgressFile({
    dataDir,
    pid,
    inputs: ['/var/log/app.log', '/var/log/nginx/*.log'],
    sample: () => ({
      intervalMs: 1000,
      lines: 123_456,
      bytes: 9_876_543,
      batches: 42,
      linesPerSecond: 4321,
      lastBatch: { id: 'b1', at: Date.now() - 500, lines: 4000, bytes: 300_000, elapsedMs: 250 },
      files: [
        { source: '/var/log/app.log', path: '/var/log/app.log.1', role: 'draining', size: 2000, offset: 1000, lines: 10, lagBytes: 1000, lagSeconds: 2.5 },
        { source: '/var/log/nginx/access.log', path: '/var/log/nginx/access.log', role: 'current', size: 500, offset: 500, lines: 5, lagBytes: 0, lagSeconds: 0 },
      ],
      workers: [],
    }),
  });
}

describe('the dashboard shows a running watcher live', () => {
  it('lists the watcher on the Jobs fragment with its rate, lag per file and last batch, and drops it when it stops', async () => {
    const progress = writeProgress();
    try {
      const html = await (await app.request('/jobs/progress')).text();
      expect(html).toContain('hx-trigger="every 1s"');
      expect(html).toContain('watching');
      expect(html).toContain('4,321');
      expect(html).toContain('/var/log/app.log.1');
      expect(html).toContain('rotated: draining');
      expect(html).toMatch(/2\.5 s/);
      const api = (await (await app.request('/api/watch/progress')).json()) as Array<{ state: string; files: Array<{ lag_bytes: number }> }>;
      expect(api).toHaveLength(1);
      expect(api[0].state).toBe('running');
      expect(api[0].files.map((f) => f.lag_bytes)).toEqual([1000, 0]);
    } finally {
      progress.remove();
    }
    expect(readWatchProgress(dataDir)).toEqual([]);
    expect(await (await app.request('/jobs/progress')).text()).toContain('No ingest is running');
  });

  it('tells a killed watcher (its file left behind, its process gone) as stopped', () => {
    const progress = writeProgress(2 ** 22 + 12345);
    try {
      expect(readWatchProgress(dataDir).map((w) => w.state)).toEqual(['stopped']);
    } finally {
      progress.remove();
    }
  });

  it("the overview's live strip reloads the page's content when the store changed since it was drawn, and only then", async () => {
    const progress = writeProgress();
    try {
      const first = await (await app.request('/overview/live?v=old', { headers: { 'HX-Current-URL': 'http://127.0.0.1:7070/?range=1h' } })).text();
      expect(first).toContain('hx-trigger="every 2s"');
      expect(first).toContain('4,321');
      expect(first).toContain('hx-get="/?range=1h"');
      expect(first).toContain('hx-select="main"');
      // Without a version (as the page draws it): the store's version now.
      const version = /overview\/live\?v=([^"&]+)&/.exec(await (await app.request('/overview/live')).text())?.[1] as string;
      const same = await (await app.request(`/overview/live?v=${version}&t=0`, { headers: { 'HX-Current-URL': 'http://127.0.0.1:7070/?range=1h' } })).text();
      expect(same).not.toContain('hx-select="main"');
      // A commit changes the catalog: the next poll reloads, unless the page was drawn less than 10 s ago.
      fs.writeFileSync(path.join(dataDir, CATALOG_FILE), 'changed');
      const recent = await (await app.request(`/overview/live?v=${version}&t=${Date.now() - 1000}`, { headers: { 'HX-Current-URL': 'http://127.0.0.1:7070/' } })).text();
      expect(recent).not.toContain('hx-select="main"');
      expect(recent).toContain(`v=${version}`);
      const changed = await (await app.request(`/overview/live?v=${version}&t=${Date.now() - 11_000}`, { headers: { 'HX-Current-URL': 'http://127.0.0.1:7070/' } })).text();
      expect(changed).toContain('hx-select="main"');
    } finally {
      progress.remove();
    }
  });
});
