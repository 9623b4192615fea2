import type { Hono } from 'hono';
import { OverviewAnomalies, OverviewPage } from '../../../views/overview.js';
import type { ServeContext } from '../context.js';
import { loadOverview, loadOverviewBase, loadOverviewEvents, peekOverviewEvents } from '../loaders/overview.js';
import { rangeJson, readPageParams } from './shared.js';

/**
 * `GET /` (the overview page), `GET /overview/anomalies` (its anomaly panel, which the page loads
 * apart while detection runs) and `GET /api/overview` (all its data): shared range parameters only.
 */
export function registerOverviewRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    const data = await loadOverviewBase(ctx, range);
    // Detection already done (cached): shown at once; else the panel loads it apart, and it
    // starts now, while the browser reads the page (a failure shows when the panel asks).
    const events = peekOverviewEvents(ctx, range);
    if (events === undefined) loadOverviewEvents(ctx, range).catch(() => undefined);
    return c.html(<OverviewPage data={data} events={events} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/overview/anomalies', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    return c.html(<OverviewAnomalies events={await loadOverviewEvents(ctx, range)} range={range} />);
  });
  app.get('/api/overview', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    return c.json({ range: rangeJson(range), ...(await loadOverview(ctx, range)) });
  });
}
