/**
 * `npm run bench:cluster`: what the queue costs. On one generated syslog file, each round runs
 * side by side (interleaved, so a shared machine's noise spreads over all of them):
 *   1. local:        `logscope ingest FILE --workers 2` (two parse threads);
 *   2. cluster:      `logscope ingest FILE --redis URL` with two `logscope worker --concurrency 1`
 *                    processes, same chunk size;
 *   3. cluster-small: the same with chunks of CHUNK/4 (four times the jobs): the slope between 2
 *                    and 3 is the CPU each job costs.
 *   4. idle:         two workers started and stopped with no job (their start-up, which a
 *                    long-running worker pays once, not per ingest).
 * CPU is user+system of the processes and their threads: the children's (cutime/cstime of
 * /proc/self/stat, which counts each child once it has exited) plus redis-server's own
 * (/proc/PID/stat) over the run. Reported: medians of CPU seconds, the cluster's CPU over the
 * local's (with and without the workers' start-up), ms of CPU per job, wall times.
 *
 * Env: LOGSCOPE_BENCH_LINES (default 1000000), LOGSCOPE_BENCH_ROUNDS (default 3),
 * LOGSCOPE_BENCH_CHUNK (default 8M, the ingest's default).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, formatInt, formatLoad, median, prepareInput, readPositiveInt, round2, round3, runChild, say } from './common.js';
import { startRedis } from './redis-server.js';

const TICK = 100;

/** CPU seconds of this process's exited children, and of a live process by pid. */
function childrenCpu(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields 16 and 17 (cutime, cstime), counted from field 3 (state) at index 0.
  return (Number(f[13]) + Number(f[14])) / TICK;
}
function processCpu(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

interface Sample {
  cpu: number;
  wall: number;
  jobs: number;
}

function startWorkers(url: string): Promise<Array<{ stop: () => Promise<number> }>> {
  return Promise.all(
    [0, 1].map(
      () =>
        new Promise<{ stop: () => Promise<number> }>((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--concurrency', '1', '--verbose'], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          let jobs = 0;
          child.stderr.on('data', (d: Buffer) => {
            const text = d.toString();
            err += text;
            jobs += (text.match(/: done /g) ?? []).length;
            if (err.includes('taking chunk jobs')) resolve({ stop: () => new Promise((r) => (child.once('exit', () => r(jobs)), child.kill('SIGTERM'))) });
          });
          child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
        }),
    ),
  );
}

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_LINES', 1_000_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 3);
  const chunk = process.env.LOGSCOPE_BENCH_CHUNK ?? '8M';
  const smallChunk = `${Math.max(64, Math.round(parseSize(chunk) / 4 / 1024))}K`;
  const input = await prepareInput(lines, 'syslog');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-cluster-'));
  const redis = await startRedis(fs.mkdirSync(path.join(work, 'redis'), { recursive: true }) ?? path.join(work, 'redis'));
  const samples: Record<'local' | 'cluster' | 'clusterSmall' | 'idle', Sample[]> = { local: [], cluster: [], clusterSmall: [], idle: [] };
  say(`bench:cluster — ${formatInt(lines)} syslog lines (${(input.bytes / 1e6).toFixed(0)} MB), chunks of ${chunk} (and ${smallChunk}), ${rounds} rounds; load ${formatLoad(os.loadavg())}`);
  say('This machine is shared and noisy (2 cores, other sessions): compare the ratios, not the absolute times.');
  try {
    for (let round = 1; round <= rounds; round++) {
      const measure = async (name: keyof typeof samples, fn: (dir: string) => Promise<number>) => {
        const dir = path.join(work, `${name}-${round}`);
        const cpu0 = childrenCpu() + processCpu(redis.pid());
        const t0 = process.hrtime.bigint();
        const jobs = await fn(dir);
        const sample = { cpu: childrenCpu() + processCpu(redis.pid()) - cpu0, wall: Number(process.hrtime.bigint() - t0) / 1e9, jobs };
        samples[name].push(sample);
        fs.rmSync(dir, { recursive: true, force: true });
        say(`  round ${round} ${name.padEnd(12)} cpu ${sample.cpu.toFixed(2)} s  wall ${sample.wall.toFixed(2)} s  jobs ${sample.jobs}`);
      };
      await measure('local', async (dir) => {
        await runChild(process.execPath, [CLI, 'ingest', input.file, '--data', dir, '--workers', '2', '--chunk-size', chunk, '-q', '--json'], work);
        return 0;
      });
      const cluster = async (dir: string, size: string) => {
        const workers = await startWorkers(redis.url);
        await runChild(process.execPath, [CLI, 'ingest', input.file, '--data', dir, '--redis', redis.url, '--chunk-size', size, '-q', '--json'], work);
        const jobs = await Promise.all(workers.map((w) => w.stop()));
        return jobs.reduce((a, b) => a + b, 0);
      };
      await measure('cluster', (dir) => cluster(dir, chunk));
      await measure('clusterSmall', (dir) => cluster(dir, smallChunk));
      await measure('idle', async () => {
        const workers = await startWorkers(redis.url);
        await Promise.all(workers.map((w) => w.stop()));
        return 0;
      });
    }
  } finally {
    await redis.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const med = (name: keyof typeof samples, k: keyof Sample) => median(samples[name].map((s) => s[k]));
  const local = med('local', 'cpu');
  const cluster = med('cluster', 'cpu');
  const small = med('clusterSmall', 'cpu');
  const idle = med('idle', 'cpu');
  const jobs = med('cluster', 'jobs');
  const jobsSmall = med('clusterSmall', 'jobs');
  const perJobMs = ((small - cluster) / Math.max(1, jobsSmall - jobs)) * 1000;
  say('');
  say(`medians of ${rounds} rounds (CPU = user+system seconds of every process: coordinator, workers, redis-server)`);
  say(`  local ingest, 2 threads        cpu ${round2(local)} s   wall ${round2(med('local', 'wall'))} s`);
  say(`  cluster, 2 workers, ${chunk.padEnd(4)}       cpu ${round2(cluster)} s   wall ${round2(med('cluster', 'wall'))} s   ${jobs} jobs`);
  say(`  cluster, 2 workers, ${smallChunk.padEnd(4)}       cpu ${round2(small)} s   wall ${round2(med('clusterSmall', 'wall'))} s   ${jobsSmall} jobs`);
  say(`  two workers started and stopped  cpu ${round2(idle)} s`);
  say(`  CPU overhead of the queue: ${round3(cluster / local)}× the local CPU with the workers' start-up, ${round3((cluster - idle) / local)}× without (target ≤ 1.15)`);
  const jobCpuMs = ((local - idle / 2) / Math.max(1, jobs)) * 1000;
  say(`  CPU per job: ${perJobMs.toFixed(1)} ms (slope between ${jobs} and ${jobsSmall} jobs), against ≈ ${jobCpuMs.toFixed(0)} ms of local CPU per ${chunk} chunk: ${((perJobMs / jobCpuMs) * 100).toFixed(1)}%`);
  say(`  processes: the coordinator and each worker pay a start-up (two workers started and stopped: ${round2(idle)} s), once per run or per worker's life, not per byte`);
  say(`  wall: cluster ${round3(med('cluster', 'wall') / med('local', 'wall'))}× the local ingest`);
}

function parseSize(text: string): number {
  const m = /^(\d+)([KMG])?$/i.exec(text);
  if (m === null) throw new Error(`LOGSCOPE_BENCH_CHUNK: a size such as 4M, got "${text}"`);
  return Number(m[1]) * 1024 ** (m[2] === undefined ? 0 : 'KMG'.indexOf(m[2].toUpperCase()) + 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cluster: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
