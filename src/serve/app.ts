/**
 * The dashboard's Hono app: `createApp(ctx)` builds it over a {@link ServeContext} (the store
 * reader, the clock, the token); `logscope serve` runs it with @hono/node-server, tests call
 * `app.request()`.
 *
 * ## How a route module plugs in
 *
 * A page or API lives in `src/serve/routes/<name>.ts(x)` and exports one function
 *
 *     export function registerLogsRoutes(app: Hono, ctx: ServeContext): void {
 *       app.get('/logs', async (c) => { ... });          // the page (Hono JSX, views/logs.tsx)
 *       app.get('/api/logs', async (c) => { ... });      // its JSON, from the same loader
 *     }
 *
 * and gets one line in `createApp` below, before `app.notFound`. Inside a handler:
 * - parameters: `parseParams(c, z.object({ ...rangeParams, ...yours }).strict())` (`params.ts`):
 *   a bad or unknown one throws a `ParamError`, which `onError` turns into a 400 naming it
 *   (JSON under `/api/`, the page with the message otherwise);
 * - the shared time range: `resolveRange(params, span, ctx.now())` (`range.ts`): presets
 *   `range=1h|24h|7d|all`, or `range=custom&from=ISO&to=ISO`; it counts back from the newest
 *   record when the data ends before now (`range.note` says so; `Layout` shows it);
 * - the store: `ctx.read((reader) => ...)`, queries through `prepareQuery` and the `sql/`
 *   registry only (no SQL in `src/serve` or `views/`); the store's span is `reader.span`
 *   (`storeSpan(ctx)` in `routes/shared.tsx` reads it; `readPageParams(c, ctx, ownParams)` there
 *   does params + range in one call). Calls on that reader run one at a time: a long query of
 *   a user (the SQL console) should open a reader of its own (`openStoreReader`) and close it;
 *   `ctx.cached(key, fn)` keeps a result until the next commit;
 * - the page: `c.html(<Layout title active="/logs" range={range} keep={{ ...own params }}>...</Layout>)`
 *   (`views/layout.tsx`): nav, range picker, notes, error box. Every value through JSX is
 *   escaped; raw markup only for SVG from `src/charts`.
 * - errors: throw; `onError` answers 400 (ParamError), 503 (no store yet) or 500 (a message,
 *   never a stack).
 *
 * Links between pages: the Anomalies and Patterns pages link to the Logs page as
 * `/logs?range=custom&from=ISO&to=ISO` plus filters `level=ERROR,FATAL` (comma-separated
 * levels), `service=NAME`, `host=NAME`, `attr.KEY=VALUE` (an attrs key), `template=ID`.
 *
 * When a token is set (`ctx.token`), every request but `GET/POST /login` must present it
 * (`auth.ts`). Every response carries a Content-Security-Policy that allows no inline
 * script, so a log line that slipped through unescaped still could not run.
 */
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { LogscopeError, StoreError } from '../errors.js';
import { staticAssets } from './assets.js';
import { requireToken } from './auth.js';
import type { ServeContext } from './context.js';
import { ParamError } from './params.js';
import { registerAnomaliesRoutes } from './routes/anomalies.js';
import { registerLoginRoutes } from './routes/login.js';
import { registerOverviewRoutes } from './routes/overview.js';
import { registerPatternsRoutes } from './routes/patterns.js';
import { registerJobsRoutes } from './routes/jobs.js';
import { registerLogsRoutes } from './routes/logs.js';
import { registerSqlRoutes } from './routes/sql.js';
import { renderErrorPage } from './routes/shared.js';

/** Builds the app. The caller owns `ctx` (and closes it). */
export function createApp(ctx: ServeContext): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
  });
  registerLoginRoutes(app, ctx);
  if (ctx.token !== undefined) app.use('*', requireToken(ctx.token));

  app.get('/static/:name', (c) => {
    const asset = staticAssets().get(c.req.param('name'));
    if (asset === undefined) return notFound(c);
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' });
  });
  registerOverviewRoutes(app, ctx);
  registerAnomaliesRoutes(app, ctx);
  registerPatternsRoutes(app, ctx);
  registerLogsRoutes(app, ctx);
  registerSqlRoutes(app, ctx);
  registerJobsRoutes(app, ctx);

  app.notFound(notFound);
  app.onError((err, c) => {
    const api = isApi(c);
    if (err instanceof ParamError) {
      return api ? c.json({ error: err.message, param: err.param }, 400) : renderErrorPage(c, ctx, 400, err.message);
    }
    if (err instanceof StoreError && /no logscope data/.test(err.message)) {
      return api ? c.json({ error: err.message }, 503) : renderErrorPage(c, ctx, 503, err.message);
    }
    if (err instanceof HTTPException) return api ? c.json({ error: err.message }, err.status) : renderErrorPage(c, ctx, err.status, err.message);
    // The message, never the stack: that goes to the server's stderr.
    const message = err instanceof LogscopeError ? err.message : `internal error: ${err.message}`;
    process.stderr.write(`logscope serve: ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}\n`);
    return api ? c.json({ error: message }, 500) : renderErrorPage(c, ctx, 500, message);
  });
  return app;
}

function isApi(c: Context): boolean {
  return c.req.path.startsWith('/api/') || c.req.header('hx-request') !== undefined;
}

function notFound(c: Context) {
  if (isApi(c)) return c.json({ error: `no such route: ${c.req.method} ${c.req.path}` }, 404);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · logscope</title><link rel="stylesheet" href="/static/style.css"></head>` +
      `<body><div class="login"><div class="panel"><h1>Page not found</h1><p class="muted">There is no page at <code>${escapeHtml(c.req.path)}</code>.</p><p><a href="/">Go to the overview</a></p></div></div></body></html>`,
    404,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}
