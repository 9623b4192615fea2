import type { Hono } from 'hono';
import { OverviewPage } from '../../../views/overview.js';
import type { ServeContext } from '../context.js';
import { loadOverview } from '../loaders/overview.js';
import { rangeJson, readPageParams } from './shared.js';

/** `GET /` (the overview page) and `GET /api/overview` (its data): shared range parameters only. */
export function registerOverviewRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    const data = await loadOverview(ctx, range);
    return c.html(<OverviewPage data={data} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/api/overview', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    return c.json({ range: rangeJson(range), ...(await loadOverview(ctx, range)) });
  });
}
