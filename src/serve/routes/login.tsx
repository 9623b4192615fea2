import type { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { LoginPage } from '../../../views/login.js';
import { presentsToken, safeEqual, safeNext, sessionValue, TOKEN_COOKIE } from '../auth.js';
import type { ServeContext } from '../context.js';

/**
 * `GET /login`: the form asking for the token; `POST /login` (form field `token`, `next`):
 * sets the session cookie and goes to `next`, or shows the form again with the error (401).
 * Without a token configured both go to the overview.
 */
export function registerLoginRoutes(app: Hono, ctx: ServeContext): void {
  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'));
    if (ctx.token === undefined || presentsToken(c, ctx.token)) return c.redirect(next, 303);
    return c.html(<LoginPage next={next} />);
  });
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (ctx.token === undefined) return c.redirect(next, 303);
    const given = typeof form.token === 'string' ? form.token : '';
    if (!safeEqual(given, ctx.token)) return c.html(<LoginPage next={next} error="That token is not the one this server was started with." />, 401);
    setCookie(c, TOKEN_COOKIE, sessionValue(ctx.token), { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect(next, 303);
  });
}
