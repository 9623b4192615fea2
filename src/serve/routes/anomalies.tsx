import type { Hono } from 'hono';
import { AnomaliesFormPage, AnomaliesPage, EventDetailView, EventPage } from '../../../views/anomalies.js';
import { QueryError, UsageError } from '../../errors.js';
import type { ServeContext } from '../context.js';
import { DEFAULT_DETECT, detectParams, detectSettings, eventParams, loadAnomalies, loadEventDetail } from '../loaders/anomalies.js';
import { ParamError } from '../params.js';
import { resolveRange, type TimeRange } from '../range.js';
import { isFragment, rangeJson, readPageParams, storeSpan } from './shared.js';

/**
 * `GET /anomalies` and `GET /api/anomalies`: the events of `logscope anomalies` over the range,
 * with its options as parameters (`bucket`, `by`, `baseline`, `threshold`, `window`,
 * `min_count`, `metric`, `direction`). `GET /anomalies/event` (page, or the htmx fragment)
 * and `GET /api/anomalies/event`: one event's series around it and its contributors, for
 * `series`, `measure`, `start`, `end` and the same options.
 */
export function registerAnomaliesRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/anomalies', async (c) => {
    try {
      const { params, range } = await readPageParams(c, ctx, detectParams);
      const data = await withMetricErrors(() => loadAnomalies(ctx, range, detectSettings(params, range)));
      return c.html(<AnomaliesPage data={data} range={range} dataDir={ctx.dataDir} />);
    } catch (err) {
      // A bad option: the form again, as typed, with the error next to its field.
      if (!(err instanceof ParamError) || !Object.hasOwn(detectParams, err.param)) throw err;
      const { range: rangeKey, from, to, ...values } = c.req.query();
      const range = resolveRange({ range: rangeKey as TimeRange['key'] | undefined, from, to }, await storeSpan(ctx), ctx.now());
      return c.html(<AnomaliesFormPage values={{ ...DEFAULT_DETECT, ...values }} range={range} error={{ param: err.param, message: err.message.replace(/^bad parameter "[^"]*": /, '') }} dataDir={ctx.dataDir} />, 400);
    }
  });
  app.get('/api/anomalies', async (c) => {
    const { params, range } = await readPageParams(c, ctx, detectParams);
    return c.json({ range: rangeJson(range), ...(await withMetricErrors(() => loadAnomalies(ctx, range, detectSettings(params, range)))) });
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
