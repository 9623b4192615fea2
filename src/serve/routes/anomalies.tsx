import type { Hono } from 'hono';
import { AnomaliesPage, EventDetailView, EventPage } from '../../../views/anomalies.js';
import { QueryError, UsageError } from '../../errors.js';
import type { ServeContext } from '../context.js';
import { detectParams, detectSettings, eventParams, loadAnomalies, loadEventDetail } from '../loaders/anomalies.js';
import { ParamError } from '../params.js';
import { isFragment, rangeJson, readPageParams } from './shared.js';

/**
 * `GET /anomalies` and `GET /api/anomalies`: the events of `logscope anomalies` over the range,
 * with its options as parameters (`bucket`, `by`, `baseline`, `threshold`, `window`,
 * `min_count`, `metric`, `direction`). `GET /anomalies/event` (page, or the htmx fragment)
 * and `GET /api/anomalies/event`: one event's series around it and its contributors, for
 * `series`, `measure`, `start`, `end` and the same options.
 */
export function registerAnomaliesRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/anomalies', async (c) => {
    const { params, range } = await readPageParams(c, ctx, detectParams);
    const data = await withMetricErrors(() => loadAnomalies(ctx, range, detectSettings(params)));
    return c.html(<AnomaliesPage data={data} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/api/anomalies', async (c) => {
    const { params, range } = await readPageParams(c, ctx, detectParams);
    return c.json({ range: rangeJson(range), ...(await withMetricErrors(() => loadAnomalies(ctx, range, detectSettings(params)))) });
  });
  app.get('/anomalies/event', async (c) => {
    const { params, range } = await readPageParams(c, ctx, { ...detectParams, ...eventParams });
    const detail = await withMetricErrors(() => loadEventDetail(ctx, detectSettings(params), pickEvent(params)));
    if (isFragment(c)) return c.html(<EventDetailView detail={detail} />);
    return c.html(<EventPage detail={detail} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/api/anomalies/event', async (c) => {
    const { params } = await readPageParams(c, ctx, { ...detectParams, ...eventParams });
    return c.json(await withMetricErrors(() => loadEventDetail(ctx, detectSettings(params), pickEvent(params))));
  });
}

/** A metric DuckDB or the metric check refuses is the `metric` parameter's fault: a 400 naming it. */
async function withMetricErrors<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err instanceof UsageError || err instanceof QueryError) && !(err instanceof ParamError) && /metric/i.test(err.message)) throw new ParamError('metric', err.message.replace(/^--metric /, ''));
    throw err;
  }
}

function pickEvent(p: { series: string; measure: string; start: string; end: string }) {
  return { series: p.series, measure: p.measure, start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString() };
}
