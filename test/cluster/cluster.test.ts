import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DuckDBInstance } from '../../src/duckdb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClusterStatus } from '../../src/cluster/index.js';
import { DATASETS, HAVE_DATASETS, query, runCliHere, spawnCli, tmpDir } from '../helpers.js';
import { createApp, createServeContext } from '../../src/serve/index.js';
import { REDIS_PASSWORD, startRedis, startWorker, waitFor, type TestRedis, type TestWorker } from './redis-helpers.js';

// A real redis-server, three real `logscope worker` processes, faults injected for real.
// The workers hold each job 50 ms (a run lasts long enough to hurt mid-way), lose a job to a
// stall after 1.5 s, and fail a job that killed two of them; a file named *poison* kills its worker.
const WORKER_ENV = { LOGSCOPE_CLUSTER_JOB_DELAY_MS: '50', LOGSCOPE_CLUSTER_CRASH_ON: 'poison' };
const CHUNK = '32K';

/** Per column of logs and unparsed: rows and sum(hash(column)); the templates' ids and texts. */
async function digest(dataDir: string, withTemplates = true): Promise<unknown> {
  const logCols = ['ts', 'host', 'service', 'pid', 'level', 'level_raw', 'message', 'attrs', 'source', 'line', 'format', 'dt', ...(withTemplates ? ['template_id'] : [])];
  const unparsedCols = ['source', 'line', 'raw', 'reason', 'format'];
  const sums = (cols: string[]) => cols.map((c) => `sum(hash("${c}"))::VARCHAR AS "${c}"`).join(', ');
  const [logs] = await query(dataDir, `SELECT count(*) AS rows, count(DISTINCT (source, line)) AS distinct_lines, ${sums(logCols)} FROM logs`);
  const [unparsed] = await query(dataDir, `SELECT count(*) AS rows, ${sums(unparsedCols)} FROM unparsed`);
  const templates = withTemplates ? await query(dataDir, 'SELECT id, text, count FROM templates ORDER BY id') : [];
  return { logs, unparsed, templates };
}

/** Debian's redis-server (`.ci/run` installs it; CI never skips these tests). */
const HAVE_REDIS = spawnSync('redis-server', ['--version']).status === 0;
if (!HAVE_REDIS) console.warn('cluster tests skipped: no redis-server on this machine (apt-get install redis-server)');

describe.skipIf(!HAVE_DATASETS || !HAVE_REDIS)('cluster ingest (BullMQ on a real redis-server, three worker processes)', () => {
  let redis: TestRedis;
  let workers: TestWorker[] = [];
  let inputs: string[];
  let expected: unknown;
  let expectedNoTemplates: unknown;
  let root: string;

  beforeAll(async () => {
    root = tmpDir('logscope-cluster-');
    redis = await startRedis(fs.mkdirSync(path.join(root, 'redis'), { recursive: true }) ?? path.join(root, 'redis'));
    workers = [0, 1, 2].map(() => startWorker(redis.url, WORKER_ENV, ['--max-stalls', '1', '--verbose']));
    // Three files of three formats, one of them gzipped (its chunks travel through the store's spool).
    const gz = path.join(root, 'Zookeeper_2k.log.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(path.join(DATASETS, 'Zookeeper', 'Zookeeper_2k.log'))));
    inputs = [path.join(DATASETS, 'Apache', 'Apache_2k.log'), path.join(DATASETS, 'OpenSSH', 'OpenSSH_2k.log'), gz];
    const local = path.join(root, 'local');
    const run = await runCliHere(['ingest', ...inputs, '--data', local, '--chunk-size', CHUNK, '-q']);
    expect(run.status, run.stderr).toBe(0);
    expected = await digest(local);
    expectedNoTemplates = await digest(local, false);
    await waitFor(async () => (await readClusterStatus(redis.url)).workers.length === 3, 'three workers to beat');
  });

  afterAll(async () => {
    for (const w of workers) w.proc.kill('SIGKILL');
    // Gone before the temporary directory is removed: none may still write into it.
    await Promise.all(workers.map((w) => w.exited));
    await redis?.stop();
  });

  const ingestVia = (data: string, extra: string[] = []) => runCliHere(['ingest', ...inputs, '--data', data, '--redis', redis.url, '--chunk-size', CHUNK, '-q', ...extra]);

  it('stores what a local ingest stores: rows, every column, template ids', async () => {
    const data = path.join(root, 'equal');
    const run = await ingestVia(data);
    expect(run.status, run.stderr).toBe(0);
    expect(await digest(data)).toEqual(expected);
    // Another engine reading the hive-partitioned files alone (no catalog) sees the same rows.
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    const glob = path.join(data, 'logs', '*', '*.parquet');
    const direct = (await conn.runAndReadAll(`SELECT count(*)::INTEGER, sum(hash(message))::VARCHAR, count(DISTINCT dt)::INTEGER FROM read_parquet('${glob}', hive_partitioning = true)`)).getRows()[0];
    conn.closeSync();
    duck.closeSync();
    const viaView = (await query(data, 'SELECT count(*)::INTEGER AS n, sum(hash(message))::VARCHAR AS h, count(DISTINCT dt)::INTEGER AS d FROM logs'))[0];
    expect(direct).toEqual([viaView.n, viaView.h, viaView.d]);
    // The jobs' directories are gone with their commit.
    expect(fs.readdirSync(path.join(data, '.cluster'))).toEqual([]);
    // Workers report their counts with their heartbeats: the last jobs show within a beat or two.
    let status = await readClusterStatus(redis.url);
    const counted = (s: typeof status) => s.workers.reduce((n, w) => n + w.jobsDone, 0) > 10 && s.workers.every((w) => w.jobsDone > 0);
    await waitFor(async () => counted((status = await readClusterStatus(redis.url))), 'the workers to report their jobs', 15_000).catch(() => undefined);
    expect(status.workers.reduce((n, w) => n + w.jobsDone, 0)).toBeGreaterThan(10);
    expect(status.workers.every((w) => w.jobsDone > 0)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(REDIS_PASSWORD);
  });

  it('shows the workers and the queue in cluster status and on the Jobs page, never the password', async () => {
    const cli = await runCliHere(['cluster', 'status', '--redis', redis.url]);
    expect(cli.status, cli.stderr).toBe(0);
    // Jobs now: 0/1, or 1/1 when the last heartbeat came mid-job.
    for (const w of workers) expect(cli.stdout).toMatch(new RegExp(`\\s${w.pid}\\s+[01]/1\\s+\\d+`));
    expect(cli.stdout).toMatch(/Queue: 0 waiting, 0 active/);
    expect(cli.stdout).toContain('redis://:***@127.0.0.1');
    const app = createApp(createServeContext({ dataDir: path.join(root, 'equal'), redisUrl: redis.url }));
    const page = await (await app.request('/jobs')).text();
    expect(page).toContain('Cluster workers');
    for (const w of workers) expect(page).toContain(`<td class="num">${w.pid}</td>`);
    const api = (await (await app.request('/api/jobs')).json()) as { cluster: { workers: unknown[]; queue: { waiting: number } } };
    expect(api.cluster.workers).toHaveLength(3);
    expect(api.cluster.queue.waiting).toBe(0);
    for (const text of [cli.stdout, page, JSON.stringify(api), ...workers.map((w) => w.stderr())]) expect(text).not.toContain(REDIS_PASSWORD);
  });

  it('hands the job of a worker killed with kill -9 to another after the stall timeout: every line once', async () => {
    const slow = startWorker(redis.url, { LOGSCOPE_CLUSTER_JOB_DELAY_MS: '30000' }, ['--verbose']);
    await waitFor(async () => (await readClusterStatus(redis.url)).workers.some((w) => w.pid === slow.pid), 'the slow worker to beat');
    const data = path.join(root, 'killed-worker');
    const run = ingestVia(data);
    await waitFor(() => slow.stderr().includes(': took '), 'the slow worker to take a job');
    process.kill(slow.pid, 'SIGKILL');
    expect(await slow.exited).toBe(null);
    const done = await run;
    expect(done.status, done.stderr).toBe(0);
    expect(await digest(data)).toEqual(expected);
    // Nothing is left of the killed worker's job in the store.
    expect(fs.readdirSync(path.join(data, '.cluster'))).toEqual([]);
  });

  it('completes a run whose redis-server is stopped and started again mid-way (append-only file on)', async () => {
    const data = path.join(root, 'redis-restart');
    const before = workers.map((w) => (w.stderr().match(/: done /g) ?? []).length);
    const run = ingestVia(data);
    await waitFor(() => workers.some((w, i) => (w.stderr().match(/: done /g) ?? []).length > before[i] + 2), 'some jobs to be done');
    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const done = await run;
    expect(done.status, done.stderr).toBe(0);
    expect(await digest(data)).toEqual(expected);
  });

  it('resumes from the manifest when the coordinator is killed with kill -9 and run again: every line once', async () => {
    const data = path.join(root, 'killed-coordinator');
    const coordinator = spawnCli(['ingest', ...inputs, '--data', data, '--redis', redis.url, '--chunk-size', CHUNK, '--batch-size', '64K', '-q']);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => coordinator.once('exit', (_code, signal) => resolve(signal)));
    // Killed once a batch has committed and before the last: the files of a second batch moved
    // in (a batch's files move in just before its commit, after the commit of the one before).
    // Watched on disk, not by queries, whose reader opens are slow beside a fast run.
    const batchesMoved = () => {
      const logs = path.join(data, 'logs');
      if (!fs.existsSync(logs)) return 0;
      const names = fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).map((f) => /part-(\d{8}T\d{6}Z-[0-9a-f]{8})/.exec(path.basename(f))?.[1]);
      return new Set(names.filter((n) => n !== undefined)).size;
    };
    await waitFor(() => batchesMoved() >= 2 || coordinator.exitCode !== null, 'a second batch to move in', 90_000);
    expect(coordinator.exitCode, 'the coordinator finished before it could be killed').toBeNull();
    process.kill(coordinator.pid as number, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const partial = (await query(data, 'SELECT count(*) AS n FROM logs'))[0].n;
    expect(Number(partial)).toBeGreaterThan(0);
    expect(Number(partial)).toBeLessThan(Number((expected as { logs: { rows: number } }).logs.rows));
    const again = await ingestVia(data, ['--batch-size', '64K']);
    expect(again.status, again.stderr).toBe(0);
    // Template ids depend on where batches end; rows and columns do not.
    expect(await digest(data, false)).toEqual(expectedNoTemplates);
  });

  it('stops, naming file and byte range, when a chunk kills its worker every time; nothing of its batch is visible', { timeout: 60_000 }, async () => {
    // One chunk (under 32K): it kills two workers, the third sees it stall once too often.
    const poison = path.join(root, 'poison.log');
    fs.writeFileSync(poison, fs.readFileSync(path.join(DATASETS, 'Linux', 'Linux_2k.log'), 'utf8').split('\n').slice(0, 100).join('\n') + '\n');
    const data = path.join(root, 'stopped');
    const run = await runCliHere(['ingest', ...inputs, poison, '--data', data, '--redis', redis.url, '--chunk-size', CHUNK, '-q']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(new RegExp(`${poison.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the chunk of bytes 0-\\d+ failed on the cluster's workers, its retries used up`));
    // One batch held every file: none of it was committed.
    expect(await query(data, 'SELECT count(*)::INTEGER AS n FROM logs')).toEqual([{ n: 0 }]);
    expect(await query(data, 'SELECT count(*)::INTEGER AS n FROM batches')).toEqual([{ n: 0 }]);
    expect(workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null).length).toBe(1);
  });
});
