import type { Hono } from 'hono';
import { PatternsPage } from '../../../views/patterns.js';
import type { ServeContext } from '../context.js';
import { loadPatterns, patternParams } from '../loaders/patterns.js';
import { rangeJson, readPageParams } from './shared.js';

/** `GET /patterns` and `GET /api/patterns`: the templates of the range (`level`, `new=1`, `limit`). */
export function registerPatternsRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/patterns', async (c) => {
    const { params, range } = await readPageParams(c, ctx, patternParams);
    const data = await loadPatterns(ctx, range, params);
    return c.html(<PatternsPage data={data} range={range} dataDir={ctx.dataDir} limit={params.limit} />);
  });
  app.get('/api/patterns', async (c) => {
    const { params, range } = await readPageParams(c, ctx, patternParams);
    return c.json({ range: rangeJson(range), ...(await loadPatterns(ctx, range, params)) });
  });
}
