/**
 * `npm run bench:serve` (also the last part of `npm run bench`): the dashboard's speed on a big
 * store. Builds (once; reused after) a store of LOGSCOPE_BENCH_SERVE_LINES generated syslog
 * lines (default 10 M, a week) under bench/.data/, starts the real server on it, then times
 * every page and API route: its first request (nothing in the server's result cache: what a
 * user waits for on opening a page or changing the range), then the median of
 * LOGSCOPE_BENCH_SERVE_RUNS requests (default 5), one at a time. The target is a median under
 * 300 ms. Last, the SQL console on a query of several seconds: how often DuckDB's progress
 * moved while it ran.
 *
 * With `--against DIR` (the root of another checkout, built: e.g. the commit before a change)
 * that build's server runs on the same store beside this one: each route's first request goes
 * to both (which one first alternates from route to route), then their repeats interleave; the
 * table gives both and their ratio. A store reused from before the rollup gets it first (a
 * writer's open fills it in; a build without the rollup ignores it).
 *
 * The Logs page's page 1,000 is timed from the cursor its "Older" link on page 999 holds: the
 * 49,999th newest line's (ts, source, line), read once from the store, untimed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStoreReader, StoreWriter } from '../src/store/index.js';
import { startServer, type RunningServer } from '../src/serve/index.js';
import { addWarning, BenchError, DATA_DIR, formatInt, median, prepareInput, readPositiveInt, runLogscopeIngest, say } from './common.js';

const TARGET_MS = 300;

interface Timed {
  route: string;
  status: number;
  /** The route's first request: the server's result cache does not hold it yet (reported, not in the median). */
  firstMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

async function timeOnce(base: string, route: string): Promise<{ ms: number; status: number }> {
  const started = process.hrtime.bigint();
  const res = await fetch(new URL(route, base));
  await res.arrayBuffer();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.status };
}

/** Times `route` on each server: first requests (in the order given), then `runs` repeats interleaved. */
async function timeRoute(bases: string[], route: string, runs: number): Promise<Timed[]> {
  const first: Array<{ ms: number; status: number }> = [];
  for (const base of bases) first.push(await timeOnce(base, route));
  const times: number[][] = bases.map(() => []);
  for (let i = 0; i < runs; i++) for (const [k, base] of bases.entries()) times[k].push((await timeOnce(base, route)).ms);
  return bases.map((_, k) => ({ route, status: first[k].status, firstMs: first[k].ms, medianMs: median(times[k]), minMs: Math.min(...times[k]), maxMs: Math.max(...times[k]) }));
}

/** The cursor of the Logs page's page `page` (50 lines a page) over the whole store. */
async function cursorOfPage(dataDir: string, page: number): Promise<string> {
  const reader = await openStoreReader(dataDir);
  try {
    const r = await reader.connection.runAndReadAll(`SELECT epoch_us(ts), line, source FROM logs ORDER BY ts DESC, source DESC, line DESC LIMIT 1 OFFSET ${(page - 1) * 50 - 1}`);
    const [us, line, source] = r.getRowsJson()[0] as [string, string, string];
    return `${us}~${line}~${source}`;
  } finally {
    reader.close();
  }
}

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_SERVE_LINES', 10_000_000);
  const runs = readPositiveInt('LOGSCOPE_BENCH_SERVE_RUNS', 5);
  const warnings: string[] = [];
  const input = await prepareInput(lines, 'syslog');
  const dataDir = path.join(DATA_DIR, `serve-store-${lines}`);
  const done = `${dataDir}.complete`;
  if (!fs.existsSync(done)) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    say(`building the store: ${formatInt(lines)} lines into ${dataDir} (reused by later runs)`);
    const { child } = await runLogscopeIngest(input, dataDir, DATA_DIR, warnings);
    say(`  ingested in ${child.seconds.toFixed(1)} s`);
    fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  } else {
    say(`reusing the store in ${dataDir}`);
    // A store built before the rollup gets it here (once): a writer's open fills it in.
    const writer = await StoreWriter.open(dataDir);
    await writer.close();
  }

  const againstAt = process.argv.indexOf('--against');
  const againstDir = againstAt >= 0 ? path.resolve(process.argv[againstAt + 1] ?? '') : undefined;
  const server = await startServer({ dataDir, port: 0 });
  let other: RunningServer | undefined;
  try {
    if (againstDir !== undefined) {
      const entry = path.join(againstDir, 'dist', 'src', 'serve', 'index.js');
      if (!fs.existsSync(entry)) throw new BenchError(`--against ${againstDir}: no dist/src/serve/index.js there (build that checkout first)`);
      const mod = (await import(pathToFileURL(entry).href)) as { startServer: typeof startServer };
      other = await mod.startServer({ dataDir, port: 0 });
      say(`side by side with the server of ${againstDir} (its numbers in the "base" columns)`);
    }
    const base = server.url;
    const page1000 = await cursorOfPage(dataDir, 1000);
    const q = (s: string) => encodeURIComponent(s);
    const routes = [
      '/?range=24h', '/overview/anomalies?range=24h', '/api/overview?range=24h', '/?range=7d', '/overview/anomalies?range=7d', '/api/overview?range=7d',
      '/anomalies?range=24h', '/api/anomalies?range=24h',
      '/patterns?range=24h', '/api/patterns?range=24h', '/patterns?range=24h&page=2&limit=20',
      '/logs?range=24h', '/api/logs?range=24h', '/logs?range=all',
      `/logs?range=all&page=1000&after=${q(page1000)}`, `/api/logs?range=all&page=1000&after=${q(page1000)}`,
      '/api/logs?range=24h&level=ERROR,FATAL', '/api/logs?range=24h&q=timeout', `/api/logs?range=24h&re=${q('timed? out')}`,
      `/logs/context?source=${q(input.file)}&line=5000000`, `/api/logs/context?source=${q(input.file)}&line=5000000`,
      '/sql', '/api/sql/history', '/api/sql/examples',
      '/jobs', '/api/jobs', '/jobs/progress', '/api/jobs/progress',
    ];
    const results: Timed[] = [];
    const baseline: Array<Timed | undefined> = [];
    for (const [i, route] of routes.entries()) {
      // Which server gets the first request alternates: the one after reads a warmer page cache.
      const order = other === undefined ? [base] : i % 2 === 0 ? [base, other.url] : [other.url, base];
      const timed = await timeRoute(order, route, runs);
      const mine = timed[order.indexOf(base)];
      const theirs = other === undefined ? undefined : timed[order.indexOf(other.url)];
      results.push(mine);
      baseline.push(theirs);
      const short = route.length > 90 ? `${route.slice(0, 87)}...` : route;
      say(`${mine.medianMs.toFixed(0).padStart(7)} ms median  (${mine.minMs.toFixed(0)}–${mine.maxMs.toFixed(0)}; first ${mine.firstMs.toFixed(0)})${theirs !== undefined ? `  base: ${theirs.medianMs.toFixed(0)} ms, first ${theirs.firstMs.toFixed(0)}` : ''}  ${mine.status}  ${short}`);
      if (mine.status !== 200) addWarning(warnings, `${route} answered ${mine.status}`);
    }

    // The console: a query of several seconds over every line, its progress sampled every 100 ms.
    const sql = "SELECT service, count(*) FILTER (WHERE md5(message) LIKE '%abc%') AS n FROM log_records GROUP BY ALL";
    const res = await fetch(new URL('/api/sql/queries', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
    if (res.status !== 202) throw new BenchError(`the console refused the bench query: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const progress: number[] = [];
    let state: { status: string; progress: number | null; elapsedMs: number } = { status: 'running', progress: null, elapsedMs: 0 };
    const started = Date.now();
    while (state.status === 'running' && Date.now() - started < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
      state = (await (await fetch(new URL(`/api/sql/queries/${id}`, base))).json()) as typeof state;
      if (state.status === 'running' && state.progress !== null) progress.push(state.progress);
    }
    const distinct = [...new Set(progress.map((p) => p.toFixed(1)))];

    say('');
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
    if (other === undefined) {
      say(`| route | median ms | min–max ms | first ms | status |`);
      say(`| --- | ---: | ---: | ---: | --- |`);
    } else {
      say(`| route | first ms | base first ms | first ratio | median ms | base median ms | median ratio | status |`);
      say(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
    }
    for (const [i, t] of results.entries()) {
      const name = `\`${t.route.length > 70 ? `${t.route.slice(0, 67)}...` : t.route}\``;
      const b = baseline[i];
      if (b === undefined) say(`| ${name} | ${t.medianMs.toFixed(0)} | ${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)} | ${t.firstMs.toFixed(0)} | ${t.status} |`);
      else say(`| ${name} | ${t.firstMs.toFixed(0)} | ${b.firstMs.toFixed(0)} | ${ratio(t.firstMs, b.firstMs)} | ${t.medianMs.toFixed(0)} | ${b.medianMs.toFixed(0)} | ${ratio(t.medianMs, b.medianMs)} | ${t.status}${b.status !== t.status ? ` (base ${b.status})` : ''} |`);
    }
    const slow = results.filter((t) => t.medianMs >= TARGET_MS);
    say('');
    say(`store: ${formatInt(lines)} lines; ${runs} timed requests per route after one untimed; target: median < ${TARGET_MS} ms`);
    say(slow.length === 0 ? `every route under ${TARGET_MS} ms` : `over ${TARGET_MS} ms: ${slow.map((t) => `${t.route} (${t.medianMs.toFixed(0)} ms)`).join(', ')}`);
    // The median is of repeated requests, which the server answers from its result cache until
    // the next commit; a page opened for the first time after a commit waits for the queries.
    const coldSlow = results.filter((t) => t.firstMs >= TARGET_MS);
    say(coldSlow.length === 0 ? `first requests (nothing cached): all under ${TARGET_MS} ms` : `first requests (nothing cached) over ${TARGET_MS} ms: ${coldSlow.map((t) => `${t.route} (${t.firstMs.toFixed(0)} ms)`).join(', ')}`);
    say(`console: ${state.status} after ${(state.elapsedMs / 1000).toFixed(1)} s; DuckDB's progress took ${distinct.length} distinct values while it ran: ${distinct.join(', ') || 'none'}`);
    say('the machine is shared and noisy: compare the ratios of one run, not numbers across runs');
    for (const w of warnings) say(`warning: ${w}`);
  } finally {
    await other?.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
