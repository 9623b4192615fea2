/**
 * `npm run bench:byte-loop`: what one pass of JavaScript over a message's bytes costs on this
 * machine, beside what the template signature's shape costs (`ShapeCache.find`), in ns per byte.
 * An ingest passes over every line's bytes several times (lines, fields, the shape, the staged
 * columns), so these bound how little CPU per line logscope's own work can take (issue 17).
 *
 * The messages: the first 200,000 lines of the generated syslog file (`bench/.data`, made as
 * `npm run bench` makes it), each after its `: `. Three loops, interleaved, 7 rounds each,
 * medians: a sum of a table lookup per byte (the floor of any byte loop), a copy that writes
 * a run of digits as one `0` (the simplest shape), and `ShapeCache.find` with its cache warm.
 *
 * Env: LOGSCOPE_BENCH_LINES (the generated file's lines, default 1000000).
 */
import fs from 'node:fs';
import { ShapeCache } from '../src/detect/miner/shape-cache.js';
import { median, prepareInput } from './common.js';

const MESSAGES = 200_000;
const ROUNDS = 7;

const KIND = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) KIND[b] = 1;
for (let b = 0x61; b <= 0x7a; b++) KIND[b] = 4;
const shape = new Uint8Array(4096);

function sum(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (h + KIND[buf[i]]) | 0;
  return h;
}

function digitRuns(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  let last = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    const k = KIND[b];
    if (k === 1) {
      if (last !== 1) shape[n++] = 0x30;
    } else {
      shape[n++] = b;
    }
    last = k;
  }
  return n;
}

async function main(): Promise<void> {
  const input = await prepareInput(Number(process.env.LOGSCOPE_BENCH_LINES ?? 1_000_000), 'syslog');
  // The first MESSAGES lines, read as a stream would: only as much of the file as they take.
  const fd = fs.openSync(input.file, 'r');
  const head = Buffer.alloc(64 << 20);
  const got = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < got && starts.length < MESSAGES; ) {
    const nl = head.indexOf(0x0a, i);
    if (nl < 0) break;
    const colon = head.indexOf(': ', i);
    if (colon >= 0 && colon < nl && nl > colon + 2) {
      starts.push(colon + 2);
      ends.push(nl);
    }
    i = nl + 1;
  }
  const bytes = starts.reduce((n, s, k) => n + ends[k] - s, 0);
  const cache = new ShapeCache();
  const find = (buf: Uint8Array, start: number, end: number): number => {
    const id = cache.find(buf, start, end);
    if (id < 0) cache.remember(start);
    return id;
  };
  const loops: Array<[string, (buf: Uint8Array, start: number, end: number) => number]> = [
    ['a lookup per byte (sum)', sum],
    ['a copy, digit runs as one 0', digitRuns],
    ['ShapeCache.find (warm)', find],
  ];
  const times = new Map<string, number[]>(loops.map(([name]) => [name, []]));
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, fn] of loops) {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < starts.length; k++) sink += fn(head, starts[k], ends[k]);
      const ns = Number(process.hrtime.bigint() - t0);
      // Round 0 warms the code and the cache.
      if (round > 0) times.get(name)!.push(ns);
    }
  }
  console.log(`# JavaScript byte loops over ${starts.length.toLocaleString('en-US')} syslog messages (${(bytes / starts.length).toFixed(1)} bytes on average), ${ROUNDS} interleaved rounds, medians`);
  console.log('');
  console.log('| loop | ns/byte | ns/message |');
  console.log('|---|---:|---:|');
  for (const [name] of loops) {
    const ns = median(times.get(name)!);
    console.log(`| ${name} | ${(ns / bytes).toFixed(2)} | ${(ns / starts.length).toFixed(0)} |`);
  }
  const floor = median(times.get(loops[0][0])!);
  const lineBytes = input.bytes / input.truth.lines;
  console.log('');
  console.log(`- ShapeCache.find is ${(median(times.get(loops[2][0])!) / floor).toFixed(2)}× the bare lookup loop; at ${lineBytes.toFixed(0)} bytes a line, one bare pass over every byte of a line costs ${(((floor / bytes) * lineBytes) / 1000).toFixed(2)} µs`);
  // The loops' results are used, so that none can be optimised away.
  console.log(`- (checksum ${sink})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
