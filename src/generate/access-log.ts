import { ERROR, WARN, type LevelIndex } from './fleet.js';
import { formatSeconds, pickLatencyMs, pickRoute } from './messages.js';
import type { Rng } from './rng.js';

/** A request pinned by an error burst: the one failing call that dominates an incident. */
export interface AccessRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

const PUBLIC_NETS = ['203.0.113', '198.51.100', '192.0.2'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'svc-report', 'jenkins'];
/** 2xx and 3xx: what DEBUG, INFO and NOTICE lines of the traffic model become. */
const OK_STATUSES = [200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 304];
/** 4xx: WARN lines. */
const CLIENT_ERROR_STATUSES = [400, 401, 403, 404, 404, 404, 429];
/** 5xx: ERROR and FATAL lines, so that error bursts show as bursts of 5xx. */
const SERVER_ERROR_STATUSES = [500, 502, 502, 503, 504];
const REFERERS = [
  'https://shop.example.com/',
  'https://shop.example.com/cart',
  'https://shop.example.com/products',
  'https://www.google.com/',
  'https://duckduckgo.com/',
];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'curl/8.5.0',
  'kube-probe/1.31',
  'python-requests/2.32.3',
];

/** The status a line of the given level gets: 5xx for ERROR and FATAL, 4xx for WARN, else 2xx/3xx. */
function pickStatus(r: Rng, level: LevelIndex): number {
  if (level >= ERROR) return r.pick(SERVER_ERROR_STATUSES);
  if (level === WARN) return r.pick(CLIENT_ERROR_STATUSES);
  return r.pick(OK_STATUSES);
}

/** Picks the failing request that dominates an error burst. */
export function pickBurstRequest(r: Rng): AccessRequest {
  const [method, path] = pickRoute(r, false);
  return { method, path, status: r.pick(SERVER_ERROR_STATUSES) };
}

/**
 * Renders one Combined Log Format line with nginx's response time after it:
 * `203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] "GET /api/v1/cart HTTP/1.1" 200 512 "-" "curl/8.5.0" 0.012`.
 * `time` is the `[...]` text; `pinned` fixes the request and status (an error burst's).
 */
export function renderAccessLine(r: Rng, time: string, level: LevelIndex, pinned?: AccessRequest): string {
  let method: string;
  let path: string;
  let status: number;
  if (pinned === undefined) {
    [method, path] = pickRoute(r, true);
    status = pickStatus(r, level);
  } else {
    ({ method, path, status } = pinned);
  }
  const client = r.next() < 0.15 ? `10.0.${r.int(0, 7)}.${r.int(2, 254)}` : `${r.pick(PUBLIC_NETS)}.${r.int(1, 254)}`;
  const user = r.next() < 0.03 ? r.pick(USERS) : '-';
  const bytes = status === 204 || status === 304 ? 0 : status >= 400 ? r.int(150, 1200) : r.int(120, 48_000);
  const referer = r.next() < 0.5 ? '-' : r.pick(REFERERS);
  const agent = r.pick(USER_AGENTS);
  // A gateway timeout waits for the proxy's read timeout.
  const latencyMs = status === 504 ? r.int(30_000, 60_000) : pickLatencyMs(r);
  return `${client} - ${user} [${time}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${referer}" "${agent}" ${formatSeconds(latencyMs)}`;
}
