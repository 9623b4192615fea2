import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';

/** The cookie the login form sets: a digest of the token, never the token itself. */
export const TOKEN_COOKIE = 'logscope_session';

/** The addresses that need no token: the loopback interface only. */
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether binding to `host` needs a token (any address but the loopback). */
export function hostNeedsToken(host: string): boolean {
  return !LOOPBACK.has(host.trim().toLowerCase().replace(/^\[|\]$/g, ''));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The cookie value of a token: `sha256("logscope-session:" + token)` in hex. */
export function sessionValue(token: string): string {
  return digest(`logscope-session:${token}`).toString('hex');
}

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ: both
 * are hashed first, so the comparison also hides the expected length.
 */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether the request presents the token: `Authorization: Bearer TOKEN`, or the login cookie. */
export function presentsToken(c: Context, token: string): boolean {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (m !== null && safeEqual(m[1], token)) return true;
  }
  const cookie = getCookie(c, TOKEN_COOKIE);
  return cookie !== undefined && safeEqual(cookie, sessionValue(token));
}

/**
 * Refuses every request that does not present `token`, except the login form itself: pages
 * redirect to `/login?next=...`, the API (and htmx fragments) answer 401 in JSON.
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === '/login') return next();
    if (presentsToken(c, token)) return next();
    const wantsPage = c.req.method === 'GET' && !c.req.path.startsWith('/api/') && c.req.header('hx-request') === undefined && (c.req.header('accept') ?? '').includes('text/html');
    if (wantsPage) {
      const next = c.req.path + (new URL(c.req.url).search ?? '');
      return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    c.header('WWW-Authenticate', 'Bearer realm="logscope"');
    return c.json({ error: 'this server needs a token: send "Authorization: Bearer TOKEN", or log in at /login' }, 401);
  };
}

/** A `next` target that stays on this server: a path, never `//host` or a full URL. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) ? next : '/';
}
