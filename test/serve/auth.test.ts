import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { createApp } from '../../src/serve/app.js';
import { hostNeedsToken, safeEqual, sessionValue, TOKEN_COOKIE } from '../../src/serve/auth.js';
import { createServeContext, type ServeContext } from '../../src/serve/context.js';
import { startServer } from '../../src/serve/server.js';
import { tmpDir } from '../helpers.js';

const TOKEN = 'correct-horse-battery-staple-42';

let dataDir: string;
let ctx: ServeContext;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const dir = tmpDir('logscope-serve-auth-');
  const file = path.join(dir, 'app.jsonl');
  fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString(), level: i % 5 === 0 ? 'error' : 'info', service: 'api', msg: `request ${i} done` })).join('\n') + '\n');
  dataDir = path.join(dir, 'data');
  await ingest({ inputs: [file], dataDir, format: { name: 'json', options: {} }, workers: 1 });
  ctx = createServeContext({ dataDir, token: TOKEN });
  app = createApp(ctx);
}, 60_000);
afterAll(async () => {
  await ctx?.close();
});

describe('the token', () => {
  it('refuses the API without a token or with a wrong one (401), and answers with the right one', async () => {
    const none = await app.request('/api/overview?range=all');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: string }).error).toMatch(/needs a token/);
    const wrong = await app.request('/api/overview?range=all', { headers: { Authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    const prefix = await app.request('/api/overview?range=all', { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}` } });
    expect(prefix.status).toBe(401);
    const right = await app.request('/api/overview?range=all', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(((await right.json()) as { totals: { lines: number } }).totals.lines).toBe(20);
  });

  it('guards pages, fragments, static files and unknown routes alike', async () => {
    for (const url of ['/', '/anomalies', '/patterns', '/static/style.css', '/static/htmx.min.js', '/nothing-here', '/api/nothing-here']) {
      const res = await app.request(url, { headers: { Accept: 'application/json' } });
      expect(res.status, url).toBe(401);
    }
    const fragment = await app.request('/anomalies/event', { headers: { 'HX-Request': 'true', Accept: 'text/html' } });
    expect(fragment.status).toBe(401);
  });

  it('sends a browser asking for a page to the login form, keeping where it was going', async () => {
    const res = await app.request('/patterns?range=7d', { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fpatterns%3Frange%3D7d');
    const form = await app.request('/login?next=%2Fpatterns%3Frange%3D7d');
    expect(form.status).toBe(200);
    const text = await form.text();
    expect(text).toContain('<form method="post" action="/login">');
    expect(text).toContain('name="next" value="/patterns?range=7d"');
    expect(text).not.toContain(TOKEN);
  });

  it('sets a session cookie for the right token at the login form, and the cookie then opens every page', async () => {
    const bad = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: 'guess', next: '/' }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect(await bad.text()).toContain('not the one this server was started with');
    const good = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next: '/anomalies?range=all' }) });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/anomalies?range=all');
    const cookie = good.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${TOKEN_COOKIE}=${sessionValue(TOKEN)};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const page = await app.request('/anomalies?range=all', { headers: { Cookie: `${TOKEN_COOKIE}=${sessionValue(TOKEN)}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Anomalies');
    const forged = await app.request('/anomalies?range=all', { headers: { Cookie: `${TOKEN_COOKIE}=${sessionValue('another-token-entirely')}` } });
    expect(forged.status).toBe(401);
  });

  it('never redirects after login to another site', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await app.request('/login', { method: 'POST', body: new URLSearchParams({ token: TOKEN, next }) });
      expect(res.headers.get('location'), next).toBe('/');
    }
  });

  it('compares tokens whatever their length, without throwing', () => {
    expect(safeEqual(TOKEN, TOKEN)).toBe(true);
    expect(safeEqual('', TOKEN)).toBe(false);
    expect(safeEqual(`${TOKEN}x`, TOKEN)).toBe(false);
  });
});

describe('the address', () => {
  it('needs a token for any address but the loopback', () => {
    for (const host of ['127.0.0.1', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(hostNeedsToken(host), host).toBe(false);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.2']) expect(hostNeedsToken(host), host).toBe(true);
  });

  it('refuses to start on another address without a token, and with a short one', async () => {
    await expect(startServer({ dataDir, host: '0.0.0.0', port: 0 })).rejects.toThrow(/--host 0\.0\.0\.0 would let other machines read the logs: give --token/);
    await expect(startServer({ dataDir, host: '0.0.0.0', port: 0, token: 'short' })).rejects.toThrow(/--token is too short/);
  });

  it('starts on another address with a token, and then refuses requests without it', async () => {
    const server = await startServer({ dataDir, host: '0.0.0.0', port: 0, token: TOKEN });
    try {
      const url = `http://127.0.0.1:${server.port}/api/overview?range=all`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('needs no token on 127.0.0.1 by default', async () => {
    const server = await startServer({ dataDir, port: 0 });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
      expect((await fetch(`${server.url}api/overview?range=all`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
