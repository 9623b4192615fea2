import { DEBUG, ERROR, FATAL, INFO, LEVELS, NOTICE, WARN, type LevelIndex, type ServiceName } from './fleet.js';
import type { Rng } from './rng.js';

/** What a message template draws from and writes its structured fields into. */
export interface MessageContext {
  readonly rng: Rng;
  /** Whether `extra` is wanted; syslog has no place for fields, so it skips the work. */
  readonly json: boolean;
  /** Service-specific JSON members as `,"key":value` text; cleared before each message. */
  extra: string;
}

/** Renders one message (the text after the level word) with fresh variable parts. */
export type RenderMessage = (c: MessageContext) => string;

/** [service or '*' for any, level, render, relative weight within service+level (default 1)]. */
type Template = readonly [service: ServiceName | '*', level: LevelIndex, render: RenderMessage, weight?: number];

const USERS = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy',
  'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter', 'admin', 'svc-report', 'jenkins',
];
const PUBLIC_NETS = ['203.0.113', '198.51.100', '192.0.2'];
const UPSTREAMS = ['10.0.5.11:8080', '10.0.5.12:8080', '10.0.5.13:8080'];
/** [method, path, whether an id follows]; GETs repeated because they dominate. */
const API_ROUTES: ReadonlyArray<readonly [method: string, path: string, withId: boolean]> = [
  ['GET', '/api/v1/orders', false],
  ['GET', '/api/v1/orders/', true],
  ['GET', '/api/v1/orders/', true],
  ['POST', '/api/v1/orders', false],
  ['GET', '/api/v1/cart', false],
  ['GET', '/api/v1/cart', false],
  ['POST', '/api/v1/cart/items', false],
  ['DELETE', '/api/v1/cart/items/', true],
  ['GET', '/api/v1/products', false],
  ['GET', '/api/v1/products/', true],
  ['GET', '/api/v1/products/', true],
  ['GET', '/api/v1/products/', true],
  ['GET', '/api/v1/search?q=', false],
  ['GET', '/api/v1/search?q=', false],
  ['GET', '/api/v1/users/', true],
  ['PUT', '/api/v1/users/', true],
  ['POST', '/api/v1/checkout', false],
  ['GET', '/api/v1/invoices/', true],
];
const STATIC_ROUTES: ReadonlyArray<readonly [method: string, path: string, withId: boolean]> = [
  ['GET', '/', false],
  ['GET', '/healthz', false],
  ['GET', '/static/app.js', false],
  ['GET', '/static/app.css', false],
  ['GET', '/static/img/products/', true],
];
const SEARCH_TERMS = ['shoes', 'red+dress', 'laptop', 'usb-c+cable', 'coffee', 'gift+card'];
const OK_STATUSES = [200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 304, 400, 401, 403, 404];
const SCANNED_FILES = ['/wp-login.php', '/.env', '/phpmyadmin/index.php', '/favicon.ico', '/robots.txt'];
const SLOW_STATEMENTS = [
  'SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 50',
  'SELECT p.id, p.name, s.qty FROM products p JOIN stock s ON s.product_id = p.id WHERE p.category_id = $1',
  'UPDATE carts SET updated_at = now() WHERE id = $1',
  "SELECT count(*) FROM events WHERE created_at > now() - interval '1 day'",
  'DELETE FROM sessions WHERE expires_at < now()',
];
const TABLES = ['orders', 'order_items', 'carts', 'sessions', 'events', 'invoices'];
const JOBS = ['send_email', 'generate_report', 'resize_image', 'sync_inventory', 'charge_subscription', 'export_csv'];
const QUEUES = ['default', 'mail', 'reports', 'billing'];
const CRON_JOBS: ReadonlyArray<readonly [user: string, command: string]> = [
  ['root', '/usr/local/bin/backup.sh --incremental'],
  ['root', '/usr/sbin/logrotate /etc/logrotate.conf'],
  ['app', '/srv/app/bin/cleanup-sessions --older-than 7d'],
  ['app', '/srv/app/bin/send-digest --daily'],
];
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

function setFields(c: MessageContext, fields: Record<string, string | number>): void {
  let text = '';
  for (const key in fields) {
    const value = fields[key];
    text += typeof value === 'number' ? `,"${key}":${value}` : `,"${key}":${JSON.stringify(value)}`;
  }
  c.extra = text;
}

function pickClientIp(r: Rng): string {
  return `10.0.${r.int(0, 7)}.${r.int(2, 254)}`;
}

function pickPublicIp(r: Rng): string {
  return `${r.pick(PUBLIC_NETS)}.${r.int(1, 254)}`;
}

/** Picks an API route, or (for nginx) sometimes a static file, as [method, path]. */
export function pickRoute(r: Rng, withStatic: boolean): readonly [method: string, path: string] {
  const [method, base, withId] = withStatic && r.next() < 0.3 ? r.pick(STATIC_ROUTES) : r.pick(API_ROUTES);
  if (withId) return [method, base + r.int(1000, 99_999)];
  return [method, base.endsWith('=') ? base + r.pick(SEARCH_TERMS) : base];
}

function pickApiPath(r: Rng): string {
  return pickRoute(r, false)[1];
}

/** Mostly tens of milliseconds, with a long tail, like real request latencies. */
export function pickLatencyMs(r: Rng): number {
  const ms = Math.exp(0.7 + r.next() * 4.2);
  return Math.round(r.next() < 0.04 ? ms * 12 : ms);
}

function pickRequestId(r: Rng): string {
  return r.hex8() + r.hex8();
}

/** `1234` ms as `1.234` (seconds with three decimals). */
export function formatSeconds(ms: number): string {
  return `${Math.floor(ms / 1000)}.${PAD3[ms % 1000]}`;
}

function formatMoney(cents: number): string {
  return `${Math.floor(cents / 100)}.${PAD3[cents % 100].slice(1)}`;
}

const TEMPLATES: readonly Template[] = [
  // nginx
  ['nginx', INFO, (c) => {
    const r = c.rng;
    const client = pickClientIp(r), [method, path] = pickRoute(r, true);
    const status = r.pick(OK_STATUSES), bytes = status === 204 || status === 304 ? 0 : r.int(120, 48_000);
    const latency = pickLatencyMs(r);
    if (c.json) setFields(c, { client, method, path, status, bytes, latency_ms: latency });
    return `${client} - - "${method} ${path} HTTP/1.1" ${status} ${bytes} rt=${formatSeconds(latency)}`;
  }, 8],
  ['nginx', INFO, (c) => {
    const client = pickClientIp(c.rng);
    if (c.json) setFields(c, { client });
    return `*${c.rng.int(1000, 999_999)} client ${client} closed keepalive connection`;
  }],
  ['nginx', DEBUG, (c) => {
    const client = pickClientIp(c.rng);
    if (c.json) setFields(c, { client });
    return `*${c.rng.int(1000, 999_999)} http keepalive handler, client: ${client}, server: shop.example.com`;
  }],
  ['nginx', NOTICE, () => 'signal 1 (SIGHUP) received from 1, reconfiguring'],
  ['nginx', WARN, (c) => {
    const r = c.rng;
    const client = pickClientIp(r), [method, path] = pickRoute(r, false);
    if (c.json) setFields(c, { client, method, path });
    return `*${r.int(1000, 999_999)} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/${r.int(0, 9)}/${r.int(10, 99)}/00000${r.int(10_000, 99_999)} while reading upstream, client: ${client}, server: shop.example.com, request: "${method} ${path} HTTP/1.1"`;
  }],
  ['nginx', WARN, (c) => {
    const r = c.rng;
    const client = pickClientIp(r), upstream = r.pick(UPSTREAMS), path = pickApiPath(r);
    if (c.json) setFields(c, { client, upstream });
    return `*${r.int(1000, 999_999)} upstream server temporarily disabled while connecting to upstream, client: ${client}, upstream: "http://${upstream}${path}"`;
  }],
  ['nginx', ERROR, (c) => {
    const client = pickClientIp(c.rng);
    if (c.json) setFields(c, { client, status: 504 });
    return `upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${client}`;
  }],
  ['nginx', ERROR, (c) => {
    const r = c.rng;
    const client = pickClientIp(r), upstream = r.pick(UPSTREAMS), path = pickApiPath(r);
    if (c.json) setFields(c, { client, upstream, status: 502 });
    return `*${r.int(1000, 999_999)} connect() failed (111: Connection refused) while connecting to upstream, client: ${client}, upstream: "http://${upstream}${path}"`;
  }],
  ['nginx', ERROR, (c) => {
    const client = pickPublicIp(c.rng), file = c.rng.pick(SCANNED_FILES);
    if (c.json) setFields(c, { client, status: 404 });
    return `open() "/usr/share/nginx/html${file}" failed (2: No such file or directory), client: ${client}`;
  }],
  ['nginx', FATAL, () => 'bind() to 0.0.0.0:443 failed (98: Address already in use)'],

  // api
  ['api', INFO, (c) => {
    const r = c.rng;
    const [method, path] = pickRoute(r, false), status = r.pick(OK_STATUSES);
    const latency = pickLatencyMs(r), requestId = pickRequestId(r);
    if (c.json) setFields(c, { method, path, status, latency_ms: latency, request_id: requestId });
    return `${method} ${path} ${status} ${latency}ms request_id=${requestId}`;
  }, 5],
  ['api', INFO, (c) => {
    const r = c.rng;
    const user = r.int(1000, 99_999), requestId = pickRequestId(r);
    if (c.json) setFields(c, { user_id: user, request_id: requestId });
    return `user ${user} added product ${r.int(100, 9999)} to cart ${r.int(10_000, 999_999)} (qty ${r.int(1, 4)}) request_id=${requestId}`;
  }],
  ['api', DEBUG, (c) => {
    const r = c.rng;
    const key = `product:${r.int(100, 9999)}`, hit = r.next() < 0.8, requestId = pickRequestId(r);
    if (c.json) setFields(c, { cache_key: key, request_id: requestId });
    return `cache ${hit ? 'hit' : 'miss'} key=${key} request_id=${requestId}`;
  }],
  ['api', WARN, (c) => {
    const r = c.rng;
    const [method, path] = pickRoute(r, false), latency = r.int(1000, 6000), requestId = pickRequestId(r);
    if (c.json) setFields(c, { method, path, latency_ms: latency, request_id: requestId });
    return `slow request ${method} ${path} took ${latency}ms (threshold 1000ms) request_id=${requestId}`;
  }],
  ['api', WARN, (c) => {
    const r = c.rng;
    const requestId = pickRequestId(r);
    if (c.json) setFields(c, { request_id: requestId });
    return `retrying call to billing (attempt ${r.int(2, 3)}/3) after ${r.pick([100, 250, 500])}ms: ECONNRESET request_id=${requestId}`;
  }],
  ['api', ERROR, (c) => {
    const r = c.rng;
    const [method, path] = pickRoute(r, false), latency = r.int(800, 30_000), requestId = pickRequestId(r);
    if (c.json) setFields(c, { method, path, status: 500, latency_ms: latency, request_id: requestId });
    return `${method} ${path} 500 ${latency}ms request_id=${requestId} error="upstream billing unavailable"`;
  }],
  ['api', ERROR, (c) => {
    const requestId = pickRequestId(c.rng);
    if (c.json) setFields(c, { status: 500, request_id: requestId });
    return `unhandled exception in POST /api/v1/checkout: TypeError: Cannot read properties of undefined (reading 'id') request_id=${requestId}`;
  }],
  ['api', ERROR, (c) => {
    const r = c.rng;
    const waiting = r.int(5, 80), requestId = pickRequestId(r);
    if (c.json) setFields(c, { pool_waiting: waiting, request_id: requestId });
    return `database connection pool exhausted (max=20, waiting=${waiting}) request_id=${requestId}`;
  }],
  ['api', FATAL, () => 'uncaught exception, shutting down: Error: listen EADDRINUSE: address already in use :::8080'],

  // auth
  ['auth', INFO, (c) => {
    const user = c.rng.pick(USERS), client = pickClientIp(c.rng);
    if (c.json) setFields(c, { user, client });
    return `login succeeded for user ${user} from ${client} method=password`;
  }],
  ['auth', INFO, (c) => {
    const user = c.rng.pick(USERS);
    if (c.json) setFields(c, { user });
    return `issued access token for user ${user} client_id=web expires_in=3600s`;
  }],
  ['auth', DEBUG, (c) => {
    const user = c.rng.pick(USERS);
    if (c.json) setFields(c, { user });
    return `session ${c.rng.hex8()} refreshed for user ${user}`;
  }],
  ['auth', NOTICE, (c) => {
    const user = c.rng.pick(USERS);
    if (c.json) setFields(c, { user });
    return `password changed for user ${user}`;
  }],
  ['auth', WARN, (c) => {
    const user = c.rng.pick(USERS), client = pickPublicIp(c.rng);
    if (c.json) setFields(c, { user, client });
    return `login failed for user ${user} from ${client}: invalid password (attempt ${c.rng.int(1, 5)}/5)`;
  }, 3],
  ['auth', WARN, (c) => {
    const client = pickPublicIp(c.rng);
    if (c.json) setFields(c, { client });
    return `rate limit exceeded for ${client} on /oauth/token (${c.rng.int(31, 400)} req/min)`;
  }],
  ['auth', ERROR, (c) => {
    const user = c.rng.pick(USERS), client = pickPublicIp(c.rng);
    if (c.json) setFields(c, { user, client });
    return `account locked for user ${user} after 5 failed attempts from ${client}`;
  }],
  ['auth', ERROR, (c) => {
    const user = c.rng.pick(USERS);
    if (c.json) setFields(c, { user });
    return `authentication backend error for user ${user}: LDAP bind failed: connection reset by peer (ldap-01:636)`;
  }],

  // billing
  ['billing', INFO, (c) => {
    const r = c.rng;
    const invoice = `INV-2026-${r.int(10_000, 999_999)}`, customer = `cus_${r.hex8()}`, cents = r.int(500, 99_900);
    if (c.json) setFields(c, { invoice, customer, amount: cents / 100, currency: 'EUR' });
    return `invoice ${invoice} created for customer ${customer} amount=${formatMoney(cents)} EUR`;
  }],
  ['billing', INFO, (c) => {
    const r = c.rng;
    const payment = `pi_${r.hex8()}${r.hex8()}`, cents = r.int(500, 99_900), latency = r.int(150, 1800);
    if (c.json) setFields(c, { payment, amount: cents / 100, currency: 'EUR', latency_ms: latency });
    return `payment ${payment} succeeded amount=${formatMoney(cents)} EUR in ${latency} ms`;
  }],
  ['billing', DEBUG, (c) => {
    const r = c.rng;
    const order = r.int(10_000, 999_999), cents = r.int(100, 20_000);
    if (c.json) setFields(c, { order_id: order });
    return `computed tax for order ${order}: rate=0.19 amount=${formatMoney(cents)}`;
  }],
  ['billing', WARN, (c) => {
    const r = c.rng;
    const payment = `pi_${r.hex8()}${r.hex8()}`, customer = `cus_${r.hex8()}`;
    if (c.json) setFields(c, { payment, customer });
    return `payment ${payment} requires 3-D Secure authentication for customer ${customer}`;
  }],
  ['billing', ERROR, (c) => {
    const r = c.rng;
    const charge = `ch_${r.hex8()}${r.hex8()}`, status = r.pick([500, 502, 503]);
    if (c.json) setFields(c, { charge, provider_status: status });
    return `payment provider returned ${status} for charge ${charge} (retry ${r.int(1, 3)}/3)`;
  }],
  ['billing', ERROR, (c) => {
    const invoice = `INV-2026-${c.rng.int(10_000, 999_999)}`;
    if (c.json) setFields(c, { invoice });
    return `failed to post ledger entry for invoice ${invoice}: deadlock detected`;
  }],

  // postgres
  ['postgres', INFO, (c) => {
    const app = c.rng.pick(['api', 'billing', 'worker', 'auth']);
    if (c.json) setFields(c, { db_user: 'app', database: 'shop', application: app });
    return `connection authorized: user=app database=shop application_name=${app}`;
  }],
  ['postgres', INFO, (c) => {
    const r = c.rng;
    const buffers = r.int(200, 9000), write = r.int(20_000, 270_000), sync = r.int(1, 90);
    return `checkpoint complete: wrote ${buffers} buffers (${(buffers / 163.84).toFixed(1)}%); 0 WAL file(s) added, 0 removed, ${r.int(0, 4)} recycled; write=${formatSeconds(write)} s, sync=${formatSeconds(sync)} s, total=${formatSeconds(write + sync + 11)} s`;
  }],
  ['postgres', DEBUG, () => 'autovacuum: processing database "shop"'],
  ['postgres', NOTICE, (c) => {
    const table = c.rng.pick(TABLES);
    if (c.json) setFields(c, { table });
    return `automatic vacuum of table "shop.public.${table}": index scans: 1, pages: 0 removed, ${c.rng.int(100, 90_000)} remain`;
  }],
  ['postgres', WARN, (c) => {
    const r = c.rng;
    const micros = r.int(1_000_000, 9_000_000), statement = r.pick(SLOW_STATEMENTS);
    if (c.json) setFields(c, { duration_ms: Math.round(micros / 1000) });
    return `slow query: duration: ${Math.floor(micros / 1000)}.${PAD3[micros % 1000]} ms  statement: ${statement}`;
  }],
  ['postgres', ERROR, (c) => {
    const r = c.rng;
    const pid = r.int(2000, 60_000);
    return `deadlock detected: Process ${pid} waits for ShareLock on transaction ${r.int(100_000, 9_999_999)}; blocked by process ${pid + r.int(1, 40)}.`;
  }],
  ['postgres', ERROR, (c) => {
    const id = c.rng.int(10_000, 999_999);
    if (c.json) setFields(c, { table: 'orders' });
    return `duplicate key value violates unique constraint "orders_pkey": Key (id)=(${id}) already exists.`;
  }],
  ['postgres', ERROR, (c) => {
    const statement = c.rng.pick(SLOW_STATEMENTS);
    return `canceling statement due to statement timeout: ${statement}`;
  }],
  ['postgres', FATAL, () => 'remaining connection slots are reserved for non-replication superuser connections'],
  ['postgres', FATAL, () => 'password authentication failed for user "report"'],

  // redis
  ['redis', INFO, (c) => `Background saving started by pid ${c.rng.int(3000, 60_000)}`],
  ['redis', INFO, (c) => (c.rng.next() < 0.5 ? 'DB saved on disk' : 'Background saving terminated with success')],
  ['redis', INFO, (c) => `${c.rng.pick([1, 10, 10_000])} changes in ${c.rng.pick([60, 300, 900])} seconds. Saving...`],
  ['redis', DEBUG, (c) => {
    const client = pickClientIp(c.rng);
    if (c.json) setFields(c, { client });
    return `Accepted ${client}:${c.rng.int(32_768, 60_999)}`;
  }],
  ['redis', WARN, () => 'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.'],
  ['redis', ERROR, (c) => {
    const key = `session:${c.rng.hex8()}`;
    if (c.json) setFields(c, { key });
    return `OOM command not allowed when used memory > 'maxmemory' (key=${key})`;
  }],
  ['redis', ERROR, () => 'Error accepting a client connection: accept: Too many open files'],

  // worker
  ['worker', INFO, (c) => {
    const r = c.rng;
    const jobId = r.int(100_000, 9_999_999), job = r.pick(JOBS), duration = pickLatencyMs(r) * 4;
    if (c.json) setFields(c, { job_id: jobId, job, duration_ms: duration });
    return `job ${jobId} (${job}) completed in ${duration} ms`;
  }, 2],
  ['worker', INFO, (c) => {
    const r = c.rng;
    const jobId = r.int(100_000, 9_999_999), job = r.pick(JOBS), queue = r.pick(QUEUES);
    if (c.json) setFields(c, { job_id: jobId, job, queue });
    return `picked up job ${jobId} (${job}) from queue ${queue}, attempt 1`;
  }],
  ['worker', DEBUG, (c) => {
    const r = c.rng;
    const queue = r.pick(QUEUES), depth = r.int(0, 40);
    if (c.json) setFields(c, { queue, queue_depth: depth });
    return `heartbeat queue=${queue} depth=${depth} busy=${r.int(0, 8)}/8`;
  }],
  ['worker', WARN, (c) => {
    const r = c.rng;
    const jobId = r.int(100_000, 9_999_999), job = r.pick(JOBS);
    if (c.json) setFields(c, { job_id: jobId, job });
    return `job ${jobId} (${job}) exceeded soft time limit of 30s, still running`;
  }],
  ['worker', ERROR, (c) => {
    const r = c.rng;
    const jobId = r.int(100_000, 9_999_999);
    if (c.json) setFields(c, { job_id: jobId, job: 'send_email' });
    return `job ${jobId} (send_email) failed: SMTPServerDisconnected: Connection unexpectedly closed (attempt ${r.int(1, 5)}/5)`;
  }],
  ['worker', ERROR, (c) => {
    const r = c.rng;
    const jobId = r.int(100_000, 9_999_999);
    if (c.json) setFields(c, { job_id: jobId, job: 'resize_image' });
    return `job ${jobId} (resize_image) crashed: MemoryError while processing upload ${r.hex8()}.jpg`;
  }],

  // cron
  ['cron', INFO, (c) => {
    const [user, command] = c.rng.pick(CRON_JOBS);
    if (c.json) setFields(c, { user, command });
    return `(${user}) CMD (${command})`;
  }],
  ['cron', NOTICE, () => '(*system*) RELOAD (/etc/cron.d/app)'],
  ['cron', WARN, (c) => {
    const [user, command] = c.rng.pick(CRON_JOBS);
    if (c.json) setFields(c, { user, command });
    return `(${user}) job ${command} still running from previous run, skipping`;
  }],
  ['cron', ERROR, (c) => {
    const [user, command] = c.rng.pick(CRON_JOBS);
    const status = c.rng.int(1, 2), seconds = c.rng.int(2, 900);
    if (c.json) setFields(c, { user, command, exit_status: status });
    return `(${user}) job ${command} exited with status ${status} after ${seconds} s`;
  }],

  // any service, where it has nothing of its own at that level
  ['*', DEBUG, (c) => `gc pause ${c.rng.int(1, 40)} ms, heap ${c.rng.int(60, 900)} MB`],
  ['*', NOTICE, () => 'received SIGHUP, reloading configuration'],
  ['*', NOTICE, (c) => `configuration reloaded in ${c.rng.int(2, 90)} ms`],
  ['*', FATAL, (c) => `out of memory: failed to allocate ${c.rng.pick([4096, 65_536, 1_048_576])} bytes, aborting`],
];

/**
 * Returns the templates a service uses at each level (indexed by
 * {@link LevelIndex}), each repeated by its weight so a uniform pick honours
 * it, and falling back to the generic ones where the service has none.
 */
export function listTemplates(service: ServiceName): readonly (readonly RenderMessage[])[] {
  return LEVELS.map((_, level) => {
    const own = expandTemplates(service, level);
    if (own.length > 0) return own;
    const generic = expandTemplates('*', level);
    if (generic.length === 0) throw new Error(`no ${LEVELS[level]} template for ${service}`);
    return generic;
  });
}

function expandTemplates(service: ServiceName | '*', level: number): RenderMessage[] {
  return TEMPLATES.filter(([s, l]) => s === service && l === level).flatMap(([, , render, weight = 1]) =>
    Array.from({ length: weight }, () => render),
  );
}
