/**
 * `npm run bench:formats`: how much of real logs the built-in formats read.
 *
 * 1. For every file under the real-log dev set (`$LOGSCOPE_REALLOGS`, default
 *    `../shared/datasets/reallogs-dev` beside the repo): the format auto-detection picks, and the
 *    share of its non-blank lines parsed as `logscope ingest` counts them (records and the
 *    continuation lines joined to them, against unparsed lines), in a table, then
 *    "N of M files ≥ 95% parsed".
 * 2. The parse speed of the generic format in µs/line on a large generated input, beside the
 *    specific format that reads the same lines (java), medians of several runs.
 *
 * Runs in-process on one core (no store, no workers): it measures parsing, not ingest.
 * `--files-only` or `--speed-only` run one part; `--json` prints the rows as JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jsonDocumentLines, readHead } from '../src/ingest/index.js';
import { createParser, detectFormat, parseLines, RowWriter, utcZone, type Detection, type ParseContext } from '../src/parse/index.js';

/** Share of a file's non-blank lines that counts it as read. */
export const PARSED_ENOUGH = 0.95;

/** What the formats made of one file. */
export interface FileCoverage {
  /** Path under the data set's root (`syslog/auth.log`). */
  file: string;
  detection: Detection;
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
  joined: number;
  /** parsed / (parsed + unparsed); 0 for a file of blank lines only. */
  share: number;
}

/** The real-log data set's root: $LOGSCOPE_REALLOGS, or ../shared/datasets/reallogs-dev beside the repo. */
export function realLogsDir(root: string): string {
  return path.resolve(root, process.env.LOGSCOPE_REALLOGS ?? '../shared/datasets/reallogs-dev');
}

/** Every log file under `dir` (README files left out), sorted by path. */
export function listRealLogs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !/^README/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Detects the format of a file from its head, as ingest does, and parses the whole file with
 * it (a JSON document as the JSON lines of its records, as ingest reads it). Zone-less times are read as UTC; year-less ones against the file's modification time.
 */
export async function measureFile(file: string, root: string): Promise<FileCoverage> {
  const ctx: ParseContext = { zone: utcZone, referenceMicros: Math.round(fs.statSync(file).mtimeMs * 1000) };
  // As ingest: the head a JSON document gives as JSON lines, a header-driven format's header.
  const detection = await detectFormat(await readHead(file, undefined), ctx);
  const buf = detection.format === 'json' ? await jsonDocumentLines(file) : fs.readFileSync(file);
  const parser = await createParser({ name: detection.format, options: detection.options }, ctx);
  const out = new RowWriter(1 << 20);
  const c = parseLines(buf, 0, buf.length, parser, out);
  out.finish();
  const denom = c.parsed + c.unparsed;
  return { file: path.relative(root, file), detection, lines: c.lines, parsed: c.parsed, unparsed: c.unparsed, blank: c.blank, joined: c.joined, share: denom === 0 ? 0 : c.parsed / denom };
}

/** Measures every file of the data set. */
export async function measureRealLogs(dir: string): Promise<FileCoverage[]> {
  const rows: FileCoverage[] = [];
  for (const f of listRealLogs(dir)) rows.push(await measureFile(f, dir));
  return rows;
}

function pct(x: number): string {
  return `${(Math.floor(x * 1000) / 10).toFixed(1)}%`;
}

function printCoverage(rows: FileCoverage[]): void {
  const table = rows.map((r) => [r.file.length > 70 ? `${r.file.slice(0, 67)}...` : r.file, r.detection.format, pct(r.detection.rate), String(r.lines), String(r.parsed), String(r.unparsed), pct(r.share), r.share >= PARSED_ENOUGH ? '' : '<']);
  const head = ['file', 'format', 'detect', 'lines', 'parsed', 'unparsed', 'parsed%', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const right = [false, false, true, true, true, true, true, false];
  const line = (t: string[]): string => t.map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(line(head));
  for (const t of table) console.log(line(t));
  const good = rows.filter((r) => r.share >= PARSED_ENOUGH).length;
  const lines = rows.reduce((n, r) => n + r.parsed + r.unparsed, 0);
  const parsed = rows.reduce((n, r) => n + r.parsed, 0);
  console.log(`\n${good} of ${rows.length} files ≥ 95% parsed; ${pct(parsed / lines)} of all non-blank lines parsed`);
}

/** Generated lines that both the generic and the java format read: same bytes, two parsers. */
function generateInput(lines: number): Buffer {
  const levels = ['INFO ', 'WARN ', 'ERROR', 'DEBUG'];
  const words = ['request', 'served', 'in', 'ms', 'user', 'cache', 'miss', 'for', 'key', 'order', 'shipped', 'retrying', 'connection'];
  const parts: string[] = [];
  let t = Date.UTC(2026, 10, 25, 10, 0, 0);
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < lines; i++) {
    t += rnd(50);
    const iso = new Date(t).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
    const n = 4 + rnd(10);
    const msg: string[] = [];
    for (let k = 0; k < n; k++) msg.push(words[rnd(words.length)]);
    parts.push(`${iso} [worker-${rnd(8)}] ${levels[rnd(4)]} com.example.svc.Handler - ${msg.join(' ')} ${rnd(100000)}\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

async function timeFormat(name: string, buf: Buffer, lines: number, runs: number): Promise<{ median: number; runs: number[]; parsed: number }> {
  const ctx: ParseContext = { zone: utcZone, referenceMicros: Date.UTC(2026, 10, 26) * 1000 };
  const parser = await createParser({ name, options: {} }, ctx);
  const times: number[] = [];
  let parsed = 0;
  for (let r = 0; r < runs + 1; r++) {
    const out = new RowWriter(1 << 24);
    const t0 = process.hrtime.bigint();
    const c = parseLines(buf, 0, buf.length, parser, out);
    const ns = Number(process.hrtime.bigint() - t0);
    out.finish();
    parsed = c.parsed;
    if (r > 0) times.push(ns / 1000 / lines); // the first run warms the JIT up
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], runs: times, parsed };
}

async function printSpeed(lines: number, runs: number): Promise<void> {
  const buf = generateInput(lines);
  const specific = await timeFormat('java', buf, lines, runs);
  let generic: Awaited<ReturnType<typeof timeFormat>> | undefined;
  try {
    generic = await timeFormat('generic', buf, lines, runs);
  } catch (err) {
    console.log(`generic format not available: ${(err as Error).message}`);
  }
  console.log(`\nparse speed, ${lines.toLocaleString('en-US')} generated lines (${(buf.length / 1e6).toFixed(1)} MB), median of ${runs} runs, one core:`);
  console.log(`  java     ${specific.median.toFixed(3)} µs/line  (parsed ${specific.parsed}; runs ${specific.runs.map((x) => x.toFixed(3)).join(' ')})`);
  if (generic !== undefined) {
    console.log(`  generic  ${generic.median.toFixed(3)} µs/line  (parsed ${generic.parsed}; runs ${generic.runs.map((x) => x.toFixed(3)).join(' ')})`);
    console.log(`  ratio generic/java: ${(generic.median / specific.median).toFixed(2)}`);
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  // Run as dist/bench/formats-reallogs.js: the repo is two levels up.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  if (!args.has('--speed-only')) {
    const dir = realLogsDir(root);
    if (!fs.existsSync(dir)) {
      console.log(`no real-log data set at ${dir} (set LOGSCOPE_REALLOGS): file coverage skipped`);
    } else {
      const rows = await measureRealLogs(dir);
      if (args.has('--json')) console.log(JSON.stringify(rows.map(({ detection, ...r }) => ({ ...r, format: detection.format, detectRate: detection.rate }))));
      else printCoverage(rows);
    }
  }
  if (!args.has('--files-only')) await printSpeed(400_000, 5);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
