/**
 * `npm run bench:miner`, the template-miner speed benchmark: stage 1 (signatures, per line,
 * one thread) against a floor of the same loop doing only `message.split(' ')` and against
 * the miner of a baseline build ($LOGSCOPE_BASELINE_REF, default `main`, built by
 * `miner-baseline.ts`), and stage 2 (the catalog) on all the distinct signatures found, this
 * build and the baseline's.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/miner.js
 *   LOGSCOPE_BENCH_ROUNDS=7 node dist/bench/miner.js
 *
 * Inputs, each a list of messages held in memory (as strings and as byte ranges of one
 * buffer):
 * - syslog: the text after the level word of each line of a generated syslog file
 *   ($LOGSCOPE_BENCH_MINER_FILE, default /tmp/miner-bench.log; written first when missing,
 *   by the generator of `logscope generate -n 1000000 --seed 1`);
 * - loghub: the `Content` column of the eight Loghub-2k samples ($LOGSCOPE_DATASETS, default
 *   ../shared/datasets/loghub-2k), repeated to about a million messages; skipped when absent.
 * Each round times, per input, in turn: the split baseline, `signature(string)` and
 * `signatureOf(buffer, start, end)`, with a drain every 10,000 messages as a worker would at
 * the end of a chunk. Rounds interleave the contenders so that the noise of a shared machine
 * falls on all of them; the report quotes medians, of CPU time (what one thread can do) and
 * of wall time. A full garbage collection runs before each timed loop so that no loop pays
 * for the garbage of the one before.
 * Stage 2 is timed building a catalog at once from all distinct signatures of an input, and
 * adding them chunk by chunk (one `add` per drain); and at once on 100,000 synthetic
 * distinct signatures (the target: under a second).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createSignatureMiner, createTemplateCatalog, signatureIdOfText, type SignatureEntry } from '../src/detect/miner/index.js';
import { generateLogs } from '../src/generate/index.js';
import { formatInt, median, ROOT, say } from './common.js';
import { parseCsv } from './loghub-csv.js';
import { loadBaselineMiner } from './miner-baseline.js';
import type { MinerModule } from './miner-eval.js';

const ROUNDS = Number(process.env.LOGSCOPE_BENCH_ROUNDS ?? 5);
const SYSLOG_FILE = process.env.LOGSCOPE_BENCH_MINER_FILE ?? '/tmp/miner-bench.log';
const DATASETS = path.resolve(ROOT, process.env.LOGSCOPE_DATASETS ?? '../shared/datasets/loghub-2k');
const LOGHUB = ['Apache', 'BGL', 'Hadoop', 'HDFS', 'Linux', 'OpenSSH', 'Spark', 'Zookeeper'];
const TARGET_MESSAGES = 1_000_000;
const CHUNK = 10_000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Messages of one input, as strings and as ranges of one buffer. */
interface Input {
  name: string;
  strings: string[];
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  bytes: number;
}

type Contender = 'split' | 'string' | 'bytes' | 'before';
const LABELS: Record<Contender, string> = {
  split: "floor: message.split(' ')",
  string: 'miner.signature(string)',
  bytes: 'miner.signatureOf(buffer)',
  before: 'baseline build: signatureOf(buffer)',
};
/** The miner of the baseline commit ($LOGSCOPE_BASELINE_REF, default main), timed beside this build's. */
let baseline: MinerModule;
let baselineCommit = '';

interface Timing {
  cpu: number;
  wall: number;
}

async function main(): Promise<void> {
  const inputs = [await syslogInput()];
  const loghub = loghubInput();
  if (loghub !== undefined) inputs.push(loghub);
  else say(`(Loghub samples not found at ${DATASETS}: loghub input skipped)`);

  ({ miner: baseline, commit: baselineCommit } = await loadBaselineMiner(ROOT));
  say(`# Template miner: stage 1 per thread, ${ROUNDS} interleaved rounds, node ${process.version}, ${os.cpus()[0]?.model ?? '?'}; baseline build ${baselineCommit.slice(0, 12)}`);
  say(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const timings = new Map<string, Timing[]>();
  const contenders: Contender[] = ['split', 'string', 'bytes', 'before'];
  for (let round = 0; round < ROUNDS; round++) {
    for (const input of inputs) {
      // Rotate the order each round too.
      for (let k = 0; k < contenders.length; k++) {
        const who = contenders[(k + round) % contenders.length];
        const key = `${input.name}/${who}`;
        const list = timings.get(key) ?? [];
        list.push(timeStage1(input, who));
        timings.set(key, list);
      }
    }
  }
  const result: Record<string, unknown> = {};
  say('');
  say('| input | messages | avg bytes | contender | M msg/s (CPU, median) | M msg/s (wall, median) | CPU vs split | µs CPU per line |');
  say('|---|---|---|---|---|---|---|---|');
  for (const input of inputs) {
    const n = input.strings.length;
    const base = median(timings.get(`${input.name}/split`)!.map((t) => t.cpu));
    for (const who of contenders) {
      const t = timings.get(`${input.name}/${who}`)!;
      const cpu = median(t.map((x) => x.cpu));
      const wall = median(t.map((x) => x.wall));
      say(`| ${input.name} | ${formatInt(n)} | ${(input.bytes / n).toFixed(0)} | ${LABELS[who]} | ${(n / cpu / 1e6).toFixed(2)} | ${(n / wall / 1e6).toFixed(2)} | ${who === 'split' ? '1.00' : (base / cpu).toFixed(2)} | ${((cpu / n) * 1e6).toFixed(3)} |`);
      result[`${input.name}_${who}_mps`] = Math.round(n / cpu);
    }
    const now = median(timings.get(`${input.name}/bytes`)!.map((t) => t.cpu));
    const before = median(timings.get(`${input.name}/before`)!.map((t) => t.cpu));
    say(`| ${input.name} | | | **this build / baseline, CPU per line** | | | **${(now / before).toFixed(2)}** | |`);
    result[`${input.name}_stage1_ratio`] = Number((now / before).toFixed(3));
  }

  say('');
  say('# Stage 2: the catalog on all distinct signatures (CPU ms, median; wall in brackets)');
  say('| signatures of | distinct | templates | at once | chunk by chunk | baseline build, at once |');
  say('|---|---|---|---|---|---|');
  for (const input of inputs) {
    const chunks = signaturesByChunk(input);
    const all = mergeChunks(chunks);
    const once: Timing[] = [];
    const onceBefore: Timing[] = [];
    const byChunk: Timing[] = [];
    let templates = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let catalog = createTemplateCatalog();
      once.push(timed(() => (catalog = createTemplateCatalog({}, all))));
      onceBefore.push(timed(() => baseline.createTemplateCatalog({}, all)));
      templates = catalog.templates().length;
      byChunk.push(
        timed(() => {
          const catalog = createTemplateCatalog();
          for (const c of chunks) catalog.add(c);
        }),
      );
    }
    say(`| ${input.name} | ${formatInt(all.length)} | ${formatInt(templates)} | ${formatMs(once)} | ${formatMs(byChunk)} (${chunks.length} adds) | ${formatMs(onceBefore)} |`);
    result[`${input.name}_stage2_ms`] = Math.round(median(once.map((t) => t.cpu)) * 1000);
  }
  const synthetic = syntheticSignatures(100_000);
  const times: Timing[] = [];
  let templates = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let catalog = createTemplateCatalog();
    times.push(timed(() => (catalog = createTemplateCatalog({}, synthetic))));
    templates = catalog.templates().length;
  }
  say(`| synthetic: 3,000 templates with word variables | ${formatInt(synthetic.length)} | ${formatInt(templates)} | ${formatMs(times)} | - | - |`);
  result.synthetic100k_stage2_ms = Math.round(median(times.map((t) => t.cpu)) * 1000);
  say('');
  say(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: quote the medians)`);
  say(`BENCH_RESULT ${JSON.stringify(result)}`);
}

/** Times one contender over one input, CPU and wall seconds. */
function timeStage1(input: Input, who: Contender): Timing {
  const { strings, buf, starts, ends } = input;
  const miner = who === 'before' ? baseline.createSignatureMiner() : createSignatureMiner();
  gc();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let sink = 0;
  if (who === 'split') {
    for (let i = 0; i < strings.length; i++) sink += strings[i].split(' ').length;
  } else if (who === 'string') {
    for (let i = 0; i < strings.length; i++) {
      sink += miner.signature(strings[i]);
      if (i % CHUNK === CHUNK - 1) sink += miner.drain().length;
    }
  } else {
    // 'bytes' and 'before': the same loop, this build's miner or the baseline's.
    for (let i = 0; i < starts.length; i++) {
      sink += miner.signatureOf(buf, starts[i], ends[i]);
      if (i % CHUNK === CHUNK - 1) sink += miner.drain().length;
    }
  }
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (sink === -1) say('');
  return { cpu: (cpu.user + cpu.system) / 1e6, wall };
}

/** Runs f after a full garbage collection; CPU and wall seconds. */
function timed(f: () => unknown): Timing {
  gc();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  f();
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1e6, wall };
}

function formatMs(t: Timing[]): string {
  return `${(median(t.map((x) => x.cpu)) * 1000).toFixed(1)} (${(median(t.map((x) => x.wall)) * 1000).toFixed(1)})`;
}

/** The drains of a miner run over an input in chunks, as the ingest would hand them over. */
function signaturesByChunk(input: Input): SignatureEntry[][] {
  const miner = createSignatureMiner();
  const out: SignatureEntry[][] = [];
  for (let i = 0; i < input.starts.length; i++) {
    miner.signatureOf(input.buf, input.starts[i], input.ends[i]);
    if (i % CHUNK === CHUNK - 1) out.push(miner.drain());
  }
  out.push(miner.drain());
  return out;
}

function mergeChunks(chunks: SignatureEntry[][]): SignatureEntry[] {
  const all = new Map<number, SignatureEntry>();
  for (const c of chunks) {
    for (const e of c) {
      const seen = all.get(e.id);
      if (seen === undefined) all.set(e.id, { ...e });
      else seen.count += e.count;
    }
  }
  return [...all.values()];
}

async function syslogInput(): Promise<Input> {
  if (!fs.existsSync(SYSLOG_FILE)) {
    say(`(writing ${SYSLOG_FILE}: 1,000,000 syslog lines, seed 1)`);
    await generateLogs({ lines: 1_000_000, format: 'syslog', out: SYSLOG_FILE, seed: 1 });
  }
  const buf = fs.readFileSync(SYSLOG_FILE);
  const starts: number[] = [];
  const ends: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    // `TIMESTAMP HOST TAG[PID]: LEVEL message`: the message starts after the level word.
    const colon = buf.indexOf(': ', pos);
    if (colon > 0 && colon < nl) {
      const space = buf.indexOf(32, colon + 2);
      if (space > 0 && space < nl) {
        starts.push(space + 1);
        ends.push(nl);
      }
    }
    pos = nl + 1;
  }
  return makeInput('syslog', buf, starts, ends);
}

function loghubInput(): Input | undefined {
  if (!fs.existsSync(DATASETS)) return undefined;
  const contents: string[] = [];
  for (const name of LOGHUB) {
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(DATASETS, name, `${name}_2k.log_structured_corrected.csv`), 'utf8'));
    const col = header.indexOf('Content');
    for (const r of rows) if (r.length === header.length) contents.push(r[col]);
  }
  const once = Buffer.from(contents.join('\n') + '\n');
  const copies = Math.max(1, Math.round(TARGET_MESSAGES / contents.length));
  const buf = Buffer.concat(Array.from({ length: copies }, () => once));
  const starts: number[] = [];
  const ends: number[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const nl = buf.indexOf(10, pos);
    starts.push(pos);
    ends.push(nl);
    pos = nl + 1;
  }
  return makeInput('loghub', buf, starts, ends);
}

function makeInput(name: string, buf: Buffer, starts: number[], ends: number[]): Input {
  let bytes = 0;
  const strings = starts.map((s, i) => {
    bytes += ends[i] - s;
    return buf.toString('utf8', s, ends[i]);
  });
  return { name, strings, buf, starts: Int32Array.from(starts), ends: Int32Array.from(ends), bytes };
}

/**
 * Distinct signatures of 3,000 made-up templates of 3 to 17 tokens, a quarter of their
 * positions variables: masked ones (`<*>`) and words from 5,000 names, which stage 1 leaves
 * alone (the expensive kind: each name makes a new signature).
 */
function syntheticSignatures(count: number): SignatureEntry[] {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const letters = (i: number): string => i.toString(36).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);
  const words = Array.from({ length: 3000 }, (_, i) => `w${letters(i)}x`);
  const names = Array.from({ length: 5000 }, (_, i) => `user${letters(i)}`);
  const templates = Array.from({ length: 3000 }, () =>
    Array.from({ length: 3 + Math.floor(random() * 15) }, () => {
      const r = random();
      return r < 0.15 ? '<*>' : r < 0.25 ? null : words[Math.floor(random() * words.length)];
    }),
  );
  const out = new Map<number, SignatureEntry>();
  while (out.size < count) {
    const t = templates[Math.floor(random() * templates.length)];
    const text = t.map((x) => x ?? names[Math.floor(random() * names.length)]).join(' ');
    const id = signatureIdOfText(text);
    out.set(id, { id, text, tokens: t.length, count: 1 });
  }
  return [...out.values()];
}

await main();
