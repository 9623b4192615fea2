import type { Context } from 'hono';
import { z } from 'zod';
import type { StoreSpan } from '../../store/index.js';
import { Empty } from '../../../views/components.js';
import { Layout, NAV } from '../../../views/layout.js';
import type { ServeContext } from '../context.js';
import { parseParams } from '../params.js';
import { rangeParams, resolveRange, type TimeRange } from '../range.js';

/** The store's span as the current reader sees it (null when it holds no record). */
export function storeSpan(ctx: ServeContext): Promise<StoreSpan | null> {
  return ctx.span();
}

/**
 * Reads a page's parameters (the shared range plus `own`, strictly) and resolves the range
 * against the store's span and the clock.
 */
export async function readPageParams<T extends z.ZodRawShape>(c: Context, ctx: ServeContext, own: T): Promise<{ params: z.output<z.ZodObject<typeof rangeParams & T>>; range: TimeRange }> {
  const params = parseParams(c, z.object({ ...rangeParams, ...own }).strict()) as z.output<z.ZodObject<typeof rangeParams & T>>;
  const span = await storeSpan(ctx);
  const range = resolveRange(params as { range?: TimeRange['key']; from?: string; to?: string }, span, ctx.now());
  return { params, range };
}

/** The range as the JSON API gives it. */
export function rangeJson(range: TimeRange) {
  return {
    key: range.key,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    bucket: range.bucket,
    anchored: range.anchored,
    note: range.note ?? null,
    store: range.span === null ? null : { first: new Date(range.span.min).toISOString(), last: new Date(range.span.max).toISOString(), rows: range.span.rows },
  };
}

/** Whether the request came from htmx (it wants a fragment, not a page). */
export function isFragment(c: Context): boolean {
  return c.req.header('hx-request') !== undefined;
}

/** A page that says what went wrong: a bad parameter (400), no store yet (503), a failure (500). */
export function renderErrorPage(c: Context, ctx: ServeContext, status: 400 | 401 | 403 | 404 | 500 | 503 | number, message: string) {
  const active = NAV.find((item) => item.path !== '/' && c.req.path.startsWith(item.path))?.path ?? '/';
  const title = NAV.find((item) => item.path === active)?.label ?? 'logscope';
  const body =
    status === 503 ? (
      <section class="panel">
        <Empty title="No logs in this store yet">
          <p>{message}</p>
          <p>
            Ingest some: <code>{`logscope ingest /var/log/app.log --data ${ctx.dataDir}`}</code>, or try the sample data with <code>logscope demo --serve</code>.
          </p>
        </Empty>
      </section>
    ) : (
      <p>
        <a href={c.req.path}>Open this page with its default settings</a>
      </p>
    );
  return c.html(
    <Layout title={title} active={active} dataDir={ctx.dataDir} error={status === 503 ? undefined : message}>
      {body}
    </Layout>,
    status as 400,
  );
}
