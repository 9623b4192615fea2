/**
 * Ingest benchmark: logscope against two baselines on a syslog file, side by side in one run,
 * and logscope alone on a JSON-lines file and an Apache combined access log of the same size.
 *
 *   npm run bench
 *   LOGSCOPE_BENCH_LINES=1000000 LOGSCOPE_BENCH_ROUNDS=1 node dist/bench/ingest.js
 *   LOGSCOPE_BENCH_FORMATS=json,apache node dist/bench/ingest.js
 *
 * Each round runs, in this order, each as a child process timed from spawn to exit:
 *   1. `wc -l FILE`: the floor for reading the syslog file once;
 *   2. DuckDB alone (`bench/duckdb-baseline.ts`): the same syslog parse in SQL, to
 *      day-partitioned Parquet;
 *   3. `logscope ingest FILE --data <fresh dir> --quiet --json` on the syslog file;
 *   4. the same on the JSON-lines file, then 5. on the Apache file (format auto-detected, as
 *      for syslog; no baseline: DuckDB alone is only written for syslog).
 * Interleaving the contenders inside each round spreads the noise of a shared machine
 * over all of them; the report quotes medians.
 *
 * Env:
 * - LOGSCOPE_BENCH_LINES (default 10000000): lines in each generated file;
 * - LOGSCOPE_BENCH_ROUNDS (default 3);
 * - LOGSCOPE_BENCH_FORMATS (default `syslog,json,apache`): the files to run, comma-separated;
 *   without `syslog`, wc -l and DuckDB alone do not run either (they read the syslog file).
 * The inputs `bench/.data/syslog-<lines>.log`, `json-<lines>.jsonl` and `apache-<lines>.log`
 * (seed 1) are generated once, when first needed, and reused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { generateLogs, type GenerateTruth } from '../src/generate/index.js';

// This file runs as dist/bench/ingest.js: the repo is two levels up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = path.join(ROOT, 'bench', '.data');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DUCKDB_BASELINE = path.join(ROOT, 'dist', 'bench', 'duckdb-baseline.js');
const SEED = 1;

/** The generated files the benchmark can ingest, in the order they run. */
const BENCH_FORMATS = ['syslog', 'json', 'apache'] as const;
type BenchFormat = (typeof BENCH_FORMATS)[number];

/** `logscope` is the syslog run (its name predates the other files, and BENCH_RESULT keeps it). */
type ContenderName = 'wc' | 'duckdb' | 'logscope' | 'logscope-json' | 'logscope-apache';

/** The logscope contender of each file. */
const LOGSCOPE_CONTENDER: Record<BenchFormat, ContenderName> = { syslog: 'logscope', json: 'logscope-json', apache: 'logscope-apache' };
const FILE_EXTENSION: Record<BenchFormat, string> = { syslog: 'log', json: 'jsonl', apache: 'log' };

/** What one timed child run gives back. */
interface RunOutcome {
  seconds: number;
  /** Bytes left in the run's output directory. */
  outputBytes: number;
  /** The time the child reports for its own work, startup excluded; undefined for wc. */
  selfSeconds?: number;
}

interface Contender {
  name: ContenderName;
  run(runDir: string): Promise<RunOutcome>;
}

const LABELS: Record<ContenderName, string> = {
  wc: 'wc -l (scan floor)',
  duckdb: 'DuckDB alone',
  logscope: 'logscope ingest',
  'logscope-json': 'logscope ingest (json)',
  'logscope-apache': 'logscope ingest (apache)',
};

interface BenchInput {
  format: BenchFormat;
  file: string;
  bytes: number;
  truth: GenerateTruth;
  /** Lines a correct parse keeps as records: all but the generator's malformed ones. */
  wellFormed: number;
  /**
   * Lines logscope counts as parsed: the well-formed ones plus the stack-trace lines it joins
   * to the record before them (DuckDB alone drops those).
   */
  expectedParsed: number;
}

const LogscopeSummarySchema = z.object({
  totals: z.object({
    lines: z.number().int(),
    parsed: z.number().int(),
    unparsed: z.number().int(),
    blank: z.number().int(),
    joined: z.number().int().optional(),
    bytes: z.number().int(),
  }),
  /** The format each source was parsed with: auto-detection's choice. */
  sources: z.array(z.object({ format: z.string() })).optional(),
  elapsedMs: z.number(),
  workers: z.number().int(),
  batches: z.number().int(),
  peakRssMB: z.number().optional(),
});

const DuckdbBaselineSchema = z.object({ rows: z.number().int(), elapsedMs: z.number() });

/** A failed child or a count that disagrees: the run's numbers cannot be trusted. */
class BenchError extends Error {
  override name = 'BenchError';
}

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_LINES', 10_000_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 3);
  const formats = readFormats('LOGSCOPE_BENCH_FORMATS');
  const withSyslog = formats.includes('syslog');
  for (const built of withSyslog ? [CLI, DUCKDB_BASELINE] : [CLI]) {
    if (!fs.existsSync(built)) throw new BenchError(`${built} is missing; run \`npx tsc -p tsconfig.json\` first`);
  }
  const inputs = new Map<BenchFormat, BenchInput>();
  for (const format of formats) inputs.set(format, await prepareInput(lines, format));
  // After generating, which is our own load, not the machine's.
  const loadStart = os.loadavg();

  say(`# logscope ingest benchmark`);
  say('');
  for (const input of inputs.values()) {
    say(`- input (${input.format}): ${path.relative(ROOT, input.file)}: ${formatInt(input.truth.lines)} lines, ${formatInt(input.bytes)} bytes (${(input.bytes / 1e6).toFixed(1)} MB), ${formatInt(input.truth.malformedLines)} malformed`);
  }
  say(`- machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`);
  const order = [...(withSyslog ? ['wc -l', 'DuckDB alone'] : []), ...formats.map((f) => `logscope (${f})`)];
  say(`- node ${process.version}; rounds: ${rounds}; order in each round: ${order.join(', ')}`);
  say(`- load average at start (1/5/15 min): ${formatLoad(loadStart)}`);

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-'));
  const results = new Map<ContenderName, RunOutcome[]>();
  const warnings: string[] = [];
  let logscopeWorkers = 0;
  let logscopeBatches = 0;
  try {
    const contenders: Contender[] = [];
    for (const input of inputs.values()) {
      // Untimed: puts the file in the page cache so round 1 does not time the disk, and checks the count.
      const warm = await runChild('wc', ['-l', input.file], tmpRoot);
      checkWcOutput(warm.stdout, input);
    }
    const syslog = inputs.get('syslog');
    if (syslog !== undefined) {
      contenders.push(
        {
          name: 'wc',
          async run(runDir) {
            const child = await runChild('wc', ['-l', syslog.file], runDir);
            checkWcOutput(child.stdout, syslog);
            return { seconds: child.seconds, outputBytes: 0 };
          },
        },
        {
          name: 'duckdb',
          async run(runDir) {
            const outDir = path.join(runDir, 'parquet');
            const child = await runChild(process.execPath, [DUCKDB_BASELINE, syslog.file, outDir], runDir);
            const report = parseJsonOutput(child.stdout.trim().split('\n').at(-1) ?? '', DuckdbBaselineSchema, 'duckdb-baseline');
            if (report.rows !== syslog.wellFormed) {
              throw new BenchError(`DuckDB baseline wrote ${report.rows} rows; the file has ${syslog.wellFormed} well-formed lines (${syslog.truth.lines} - ${syslog.truth.malformedLines} malformed)`);
            }
            return { seconds: child.seconds, outputBytes: measureDir(outDir), selfSeconds: report.elapsedMs / 1000 };
          },
        },
      );
    }
    for (const input of inputs.values()) {
      contenders.push({
        name: LOGSCOPE_CONTENDER[input.format],
        async run(runDir) {
          const dataDir = path.join(runDir, 'data');
          const child = await runChild(process.execPath, [CLI, 'ingest', input.file, '--data', dataDir, '--quiet', '--json'], runDir);
          const summary = parseJsonOutput(child.stdout, LogscopeSummarySchema, 'logscope ingest --json');
          const t = summary.totals;
          if (t.lines !== input.truth.lines) {
            throw new BenchError(`logscope counted ${t.lines} lines of ${input.format}; wc -l and the generator say ${input.truth.lines}`);
          }
          if (t.parsed + t.unparsed + t.blank !== t.lines) {
            throw new BenchError(`logscope totals do not add up (${input.format}): parsed ${t.parsed} + unparsed ${t.unparsed} + blank ${t.blank} = ${t.parsed + t.unparsed + t.blank}, lines ${t.lines}`);
          }
          const detected = summary.sources?.map((s) => s.format) ?? [];
          if (detected.some((f) => f !== input.format)) {
            addWarning(warnings, `logscope detected ${detected.join(', ')} for the ${input.format} file`);
          }
          if (t.parsed !== input.expectedParsed) {
            addWarning(warnings, `logscope parsed ${t.parsed} ${input.format} lines; the generator wrote ${input.wellFormed} well-formed ones and ${input.truth.continuationLineNumbers.length} stack-trace lines to join (${input.expectedParsed})`);
          }
          if (input.format === 'syslog') {
            logscopeWorkers = summary.workers;
            logscopeBatches = summary.batches;
          }
          return { seconds: child.seconds, outputBytes: measureDir(dataDir), selfSeconds: summary.elapsedMs / 1000 };
        },
      });
    }

    for (let round = 1; round <= rounds; round++) {
      for (const contender of contenders) {
        const runDir = fs.mkdtempSync(path.join(tmpRoot, `${contender.name}-`));
        try {
          const outcome = await contender.run(runDir);
          results.set(contender.name, [...(results.get(contender.name) ?? []), outcome]);
          note(`round ${round}/${rounds}  ${LABELS[contender.name].padEnd(24)} ${outcome.seconds.toFixed(2).padStart(8)} s`);
        } finally {
          // Before the next run, so disk use stays at one run's output.
          fs.rmSync(runDir, { recursive: true, force: true });
        }
      }
    }
    const loadEnd = os.loadavg();
    report({ inputs, rounds, results, loadStart, loadEnd, warnings, logscopeWorkers, logscopeBatches });
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

interface ReportOptions {
  inputs: Map<BenchFormat, BenchInput>;
  rounds: number;
  results: Map<ContenderName, RunOutcome[]>;
  loadStart: number[];
  loadEnd: number[];
  warnings: string[];
  logscopeWorkers: number;
  logscopeBatches: number;
}

/** The file each contender reads. */
function inputOf(name: ContenderName, inputs: Map<BenchFormat, BenchInput>): BenchInput {
  const format = name === 'logscope-json' ? 'json' : name === 'logscope-apache' ? 'apache' : 'syslog';
  const input = inputs.get(format);
  if (input === undefined) throw new BenchError(`no ${format} input for ${name}`);
  return input;
}

function report(o: ReportOptions): void {
  const stats = new Map<ContenderName, ContenderStats>();
  for (const [name, outcomes] of o.results) {
    const input = inputOf(name, o.inputs);
    stats.set(name, summarize(outcomes, input.truth.lines, input.bytes));
  }
  const get = (name: ContenderName): ContenderStats => {
    const s = stats.get(name);
    if (s === undefined) throw new BenchError(`no results for ${name}`);
    return s;
  };
  const ran = (['wc', 'duckdb', 'logscope', 'logscope-json', 'logscope-apache'] as const).filter((name) => stats.has(name));

  say('');
  say(`| contender | median s | min s | max s | lines/s (median) | MB/s (median) | output MB |`);
  say(`|---|---:|---:|---:|---:|---:|---:|`);
  for (const name of ran) {
    const s = get(name);
    const out = name === 'wc' ? '–' : (s.outputBytes / 1e6).toFixed(1);
    say(`| ${LABELS[name]} | ${s.median.toFixed(2)} | ${s.min.toFixed(2)} | ${s.max.toFixed(2)} | ${formatInt(Math.round(s.linesPerSecond))} | ${s.megabytesPerSecond.toFixed(1)} | ${out} |`);
  }
  say('');
  const result: Record<string, unknown> = {
    date: new Date().toISOString(),
    lines: [...o.inputs.values()][0]?.truth.lines,
  };
  if (o.inputs.has('syslog')) {
    const syslog = inputOf('logscope', o.inputs);
    const wc = get('wc');
    const duckdb = get('duckdb');
    const logscope = get('logscope');
    const vsDuckdb = logscope.linesPerSecond / duckdb.linesPerSecond;
    const wcVsLogscope = wc.linesPerSecond / logscope.linesPerSecond;
    say(`- logscope is ${vsDuckdb.toFixed(2)}× DuckDB alone (lines/s, medians, syslog file)`);
    say(`- wc -l is ${wcVsLogscope.toFixed(2)}× faster than logscope`);
    say(`- wall time is spawn to exit, process startup included. Self-reported medians, startup excluded: DuckDB ${duckdb.selfMedian?.toFixed(2)} s, logscope ${logscope.selfMedian?.toFixed(2)} s (${o.logscopeWorkers} workers, ${o.logscopeBatches} batch${o.logscopeBatches === 1 ? '' : 'es'})`);
    say(`- DuckDB keeps only rows whose ts parsed (6 columns + dt); logscope also stores source, line, level_raw, attrs and the unparsed lines`);
    Object.assign(result, {
      bytes: syslog.bytes,
      medianSeconds: { wc: round3(wc.median), duckdb: round3(duckdb.median), logscope: round3(logscope.median) },
      selfMedianSeconds: { duckdb: round3(duckdb.selfMedian ?? NaN), logscope: round3(logscope.selfMedian ?? NaN) },
      linesPerSecond: { wc: Math.round(wc.linesPerSecond), duckdb: Math.round(duckdb.linesPerSecond), logscope: Math.round(logscope.linesPerSecond) },
      megabytesPerSecond: { wc: round2(wc.megabytesPerSecond), duckdb: round2(duckdb.megabytesPerSecond), logscope: round2(logscope.megabytesPerSecond) },
      logscopeVsDuckdb: round3(vsDuckdb),
      wcVsLogscope: round3(wcVsLogscope),
      logscopeWorkers: o.logscopeWorkers,
    });
  }
  const others: Record<string, unknown> = {};
  for (const format of ['json', 'apache'] as const) {
    const name = LOGSCOPE_CONTENDER[format];
    if (!stats.has(name)) continue;
    const s = get(name);
    const input = inputOf(name, o.inputs);
    say(`- logscope on ${format}: ${formatInt(Math.round(s.linesPerSecond))} lines/s, ${s.megabytesPerSecond.toFixed(1)} MB/s (medians; self-reported ${s.selfMedian?.toFixed(2)} s)`);
    others[format] = {
      bytes: input.bytes,
      medianSeconds: round3(s.median),
      selfMedianSeconds: round3(s.selfMedian ?? NaN),
      linesPerSecond: Math.round(s.linesPerSecond),
      megabytesPerSecond: round2(s.megabytesPerSecond),
    };
  }
  say(`- load average at end (1/5/15 min): ${formatLoad(o.loadEnd)} (shared machine: quote the medians)`);
  for (const w of o.warnings) say(`- WARNING: ${w}`);

  Object.assign(result, {
    rounds: o.rounds,
    cpus: os.cpus().length,
    node: process.version,
    loadavgStart: o.loadStart.map(round2),
    loadavgEnd: o.loadEnd.map(round2),
    formats: [...o.inputs.keys()],
    // logscope alone on the other generated files, keyed by format.
    logscopeByFormat: others,
    warnings: o.warnings,
  });
  say('');
  say(`BENCH_RESULT ${JSON.stringify(result)}`);
}

interface ContenderStats {
  median: number;
  min: number;
  max: number;
  linesPerSecond: number;
  megabytesPerSecond: number;
  outputBytes: number;
  selfMedian?: number;
}

function summarize(outcomes: RunOutcome[], lines: number, bytes: number): ContenderStats {
  const seconds = outcomes.map((o) => o.seconds);
  const self = outcomes.flatMap((o) => (o.selfSeconds === undefined ? [] : [o.selfSeconds]));
  const med = median(seconds);
  return {
    median: med,
    min: Math.min(...seconds),
    max: Math.max(...seconds),
    linesPerSecond: lines / med,
    megabytesPerSecond: bytes / 1e6 / med,
    outputBytes: median(outcomes.map((o) => o.outputBytes)),
    selfMedian: self.length > 0 ? median(self) : undefined,
  };
}

/** Reuses the generated file when its truth says it is complete with the right count. */
async function prepareInput(lines: number, format: BenchFormat): Promise<BenchInput> {
  const file = path.join(DATA_DIR, `${format}-${lines}.${FILE_EXTENSION[format]}`);
  const truthFile = `${file}.truth.json`;
  let truth = readTruth(truthFile);
  if (truth === undefined || truth.lines !== lines || truth.seed !== SEED || truth.format !== format || !Array.isArray(truth.continuationLineNumbers) || typeof truth.warmupEnd !== 'string' || !fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    // The generator writes the truth last: removing it first means a run killed
    // mid-write leaves no truth, so the half file is never taken as complete.
    fs.rmSync(truthFile, { force: true });
    note(`generating ${formatInt(lines)} ${format} lines (seed ${SEED}) into ${path.relative(ROOT, file)} ...`);
    const started = process.hrtime.bigint();
    truth = await generateLogs({ lines, format, out: file, seed: SEED });
    note(`generated in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
  } else {
    note(`reusing ${path.relative(ROOT, file)}`);
  }
  const wellFormed = truth.lines - truth.malformedLines;
  return { format, file, bytes: fs.statSync(file).size, truth, wellFormed, expectedParsed: wellFormed + truth.continuationLineNumbers.length };
}

function readTruth(truthFile: string): GenerateTruth | undefined {
  try {
    return JSON.parse(fs.readFileSync(truthFile, 'utf8')) as GenerateTruth;
  } catch {
    return undefined;
  }
}

interface ChildResult {
  seconds: number;
  stdout: string;
}

/** Runs a command to completion, timed by wall clock from spawn to exit; rejects unless it exits 0. */
function runChild(command: string, args: string[], cwd: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let exited: bigint | undefined;
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('exit', () => {
      exited = process.hrtime.bigint();
    });
    child.on('error', (e) => reject(new BenchError(`could not start ${command}: ${e.message}`)));
    child.on('close', (code, signal) => {
      const ended = exited ?? process.hrtime.bigint();
      if (code !== 0) {
        const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-20).join('\n');
        const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new BenchError(`${[command, ...args].join(' ')} ${how}${stderr ? `\n${stderr}` : ''}`));
        return;
      }
      resolve({ seconds: Number(ended - started) / 1e9, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

function checkWcOutput(stdout: string, input: BenchInput): void {
  const count = Number.parseInt(stdout.trim().split(/\s+/)[0] ?? '', 10);
  if (count !== input.truth.lines) {
    throw new BenchError(`wc -l counted ${stdout.trim()} in the ${input.format} file; the generator wrote ${input.truth.lines} lines`);
  }
}

function parseJsonOutput<T>(text: string, schema: z.ZodType<T>, what: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch (e) {
    throw new BenchError(`${what} printed ${JSON.stringify(text.slice(0, 500))}, not the expected JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Total size of the files under dir, 0 when it does not exist. */
function measureDir(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += measureDir(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

function readPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new BenchError(`${name}: got ${JSON.stringify(raw)}; write a whole number >= 1, e.g. 1000000`);
  return value;
}

/** A comma-separated subset of BENCH_FORMATS, run in BENCH_FORMATS order; all of them when unset. */
function readFormats(name: string): BenchFormat[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...BENCH_FORMATS];
  const wanted = raw.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = wanted.filter((f) => !(BENCH_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new BenchError(`${name}: got ${JSON.stringify(raw)}; write a comma-separated list of ${BENCH_FORMATS.join(', ')}, e.g. syslog,json`);
  }
  return BENCH_FORMATS.filter((f) => wanted.includes(f));
}

function addWarning(warnings: string[], message: string): void {
  if (!warnings.includes(message)) warnings.push(message);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

function formatLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The report: stdout. */
function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Progress while it runs: stderr, so stdout stays the report. */
function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((err: unknown) => {
  if (err instanceof BenchError) process.stderr.write(`bench: FAILED: ${err.message}\n`);
  else process.stderr.write(`bench: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
