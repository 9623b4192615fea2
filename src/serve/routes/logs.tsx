import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { LogContextPage, LogsPage } from '../../../views/logs.js';
import type { ServeContext } from '../context.js';
import { contextParams, loadLogContext, loadLogs, logParams, readLogFilters, type LogFilters } from '../loaders/logs.js';
import { checkParams, ParamError } from '../params.js';
import { rangeParams, resolveRange, type TimeRange } from '../range.js';
import { rangeJson, storeSpan } from './shared.js';

/**
 * The Logs page's parameters: the range, its own (`logParams`) and at most one `attr.KEY=VALUE`
 * (the links of the Anomalies page use it for an attrs series).
 */
async function readLogsParams<T extends z.ZodRawShape>(c: Context, ctx: ServeContext, own: T) {
  const raw: Record<string, string> = {};
  let attr: LogFilters['attr'] = null;
  for (const [key, values] of Object.entries(c.req.queries())) {
    if (key.startsWith('attr.')) {
      if (attr !== null) throw new ParamError(key, 'one attr.KEY=VALUE filter at most');
      if (key.length === 5) throw new ParamError(key, 'name the attrs key: attr.KEY=VALUE');
      attr = { key: key.slice(5), value: values[0] };
    } else raw[key] = values[0];
  }
  const params = checkParams(raw, z.object({ ...rangeParams, ...own }).strict()) as z.output<z.ZodObject<typeof rangeParams & T>>;
  const range: TimeRange = resolveRange(params as { range?: TimeRange['key']; from?: string; to?: string }, await storeSpan(ctx), ctx.now());
  return { params, range, attr };
}

/** `GET /logs`, `GET /logs/context` and their JSON, `GET /api/logs` and `GET /api/logs/context`. */
export function registerLogsRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/logs', async (c) => {
    const { params, range, attr } = await readLogsParams(c, ctx, logParams);
    const data = await loadLogs(ctx, range, readLogFilters(params, attr), params);
    return c.html(<LogsPage data={data} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/api/logs', async (c) => {
    const { params, range, attr } = await readLogsParams(c, ctx, logParams);
    return c.json({ range: rangeJson(range), ...(await loadLogs(ctx, range, readLogFilters(params, attr), params)) });
  });
  app.get('/logs/context', async (c) => {
    const { params, range } = await readLogsParams(c, ctx, contextParams);
    return c.html(<LogContextPage data={await loadLogContext(ctx, params)} range={range} dataDir={ctx.dataDir} />);
  });
  app.get('/api/logs/context', async (c) => {
    const { params } = await readLogsParams(c, ctx, contextParams);
    return c.json(await loadLogContext(ctx, params));
  });
}
