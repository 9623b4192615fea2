import type { Hono } from 'hono';
import { z } from 'zod';
import { LiveStrip, OverviewAnomalies, OverviewPage } from '../../../views/overview.js';
import { catalogVersion, type ServeContext } from '../context.js';
import { loadWatchProgress } from '../loaders/jobs.js';
import { loadOverview, loadOverviewBase, loadOverviewEvents, peekOverviewEvents } from '../loaders/overview.js';
import { parseParams } from '../params.js';
import { rangeJson, readPageParams } from './shared.js';

const liveParams = z.object({ v: z.string().max(200).optional(), t: z.coerce.number().int().nonnegative().optional() }).strict();

/** The overview's content is reloaded at most this often (ms): on a large store a load takes seconds. */
export const OVERVIEW_RELOAD_MS = 10_000;

/**
 * `GET /` (the overview page), `GET /overview/anomalies` (its anomaly panel, which the page loads
 * apart while detection runs) and `GET /api/overview` (all its data): shared range parameters only.
 * `GET /overview/live?v=VERSION&t=MS`: the page's live strip (polled every 2 s: the watchers' rate
 * and lag, from their progress files); when the store's catalog changed since VERSION (a watcher
 * or an ingest committed) and the page was drawn at MS at least OVERVIEW_RELOAD_MS ago, it also
 * reloads the page's content in place.
 */
export function registerOverviewRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    const data = await loadOverviewBase(ctx, range);
    // Detection already done (cached): shown at once; else the panel loads it apart, and it
    // starts now, while the browser reads the page (a failure shows when the panel asks).
    const events = peekOverviewEvents(ctx, range);
    if (events === undefined) loadOverviewEvents(ctx, range).catch(() => undefined);
    return c.html(<OverviewPage data={data} events={events} range={range} dataDir={ctx.dataDir} version={catalogVersion(ctx.dataDir)} watching={loadWatchProgress(ctx)} now={ctx.now()} />);
  });
  app.get('/overview/anomalies', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    return c.html(<OverviewAnomalies events={await loadOverviewEvents(ctx, range)} range={range} />);
  });
  app.get('/api/overview', async (c) => {
    const { range } = await readPageParams(c, ctx, {});
    return c.json({ range: rangeJson(range), ...(await loadOverview(ctx, range)) });
  });
  app.get('/overview/live', (c) => {
    const { v, t } = parseParams(c, liveParams);
    const now = ctx.now();
    const changed = v !== undefined && v !== catalogVersion(ctx.dataDir) && now - (t ?? 0) >= OVERVIEW_RELOAD_MS;
    // Until the reload, the strip keeps polling with the version and time the page was drawn with.
    return c.html(<LiveStrip watching={loadWatchProgress(ctx)} now={now} version={v ?? catalogVersion(ctx.dataDir)} drawnAt={t ?? now} reload={changed ? samePageUrl(c.req.header('HX-Current-URL')) : undefined} />);
  });
}

/** The path and query of the page htmx says it is on (its HX-Current-URL header); `/` when absent or not a URL. */
function samePageUrl(header: string | undefined): string {
  if (header === undefined) return '/';
  try {
    const url = new URL(header);
    return url.pathname === '/' ? `/${url.search}` : '/';
  } catch {
    return '/';
  }
}
