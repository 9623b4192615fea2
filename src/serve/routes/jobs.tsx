import type { Hono } from 'hono';
import { z } from 'zod';
import { JobsPage, RunningIngests } from '../../../views/jobs.js';
import type { ServeContext } from '../context.js';
import { loadIngestProgress, loadJobs, loadWatchProgress } from '../loaders/jobs.js';
import { parseParams } from '../params.js';

const noParams = z.object({}).strict();

/**
 * `GET /jobs` and `GET /api/jobs`: the manifest's sources, the latest batches, the running
 * ingests and watchers; `GET /jobs/progress` (their fragment, polled every second) and
 * `GET /api/jobs/progress` (the ingests), `GET /api/watch/progress` (the watchers) read only the
 * progress files, never the store.
 */
export function registerJobsRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/jobs', async (c) => {
    parseParams(c, noParams);
    return c.html(<JobsPage data={await loadJobs(ctx)} dataDir={ctx.dataDir} now={ctx.now()} />);
  });
  app.get('/jobs/progress', (c) => {
    parseParams(c, noParams);
    return c.html(<RunningIngests running={loadIngestProgress(ctx)} watching={loadWatchProgress(ctx)} now={ctx.now()} />);
  });
  app.get('/api/jobs', async (c) => {
    parseParams(c, noParams);
    return c.json(await loadJobs(ctx));
  });
  app.get('/api/jobs/progress', (c) => {
    parseParams(c, noParams);
    return c.json(loadIngestProgress(ctx));
  });
  app.get('/api/watch/progress', (c) => {
    parseParams(c, noParams);
    return c.json(loadWatchProgress(ctx));
  });
}
