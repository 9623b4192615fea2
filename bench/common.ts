/**
 * What the parts of `npm run bench` share: the generated inputs, timing child processes,
 * validating what they print, medians, and the report's formatting.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { generateLogs, type GenerateTruth } from '../src/generate/index.js';

// This file runs as dist/bench/common.js: the repo is two levels up.
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA_DIR = path.join(ROOT, 'bench', '.data');
export const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SEED = 1;

/** The generated files the benchmark can read, in the order they run. */
export const BENCH_FORMATS = ['syslog', 'json', 'apache'] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];
const FILE_EXTENSION: Record<BenchFormat, string> = { syslog: 'log', json: 'jsonl', apache: 'log' };

/** A failed child or a count that disagrees: the run's numbers cannot be trusted. */
export class BenchError extends Error {
  override name = 'BenchError';
}

/** A generated input file and what its generator says is in it. */
export interface BenchInput {
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

/** What one timed child run gives back. */
export interface RunOutcome {
  seconds: number;
  /** CPU seconds (user + sys) of the child, when measured. */
  cpuSeconds?: number;
  /** Peak RSS of the child (MiB), when measured. */
  peakRssMB?: number;
  /** Bytes left in the run's output directory. */
  outputBytes: number;
  /** The time the child reports for its own work, startup excluded; undefined for wc. */
  selfSeconds?: number;
}

/** One contender of a round: a child process, timed from spawn to exit. */
export interface Contender<Name extends string = string> {
  name: Name;
  run(runDir: string): Promise<RunOutcome>;
  /** Untimed, after the run and before its directory is removed (e.g. queries over the store it wrote). */
  afterRun?(runDir: string): Promise<void>;
}

/** Medians and spread of one contender's runs. */
export interface ContenderStats {
  median: number;
  min: number;
  max: number;
  linesPerSecond: number;
  megabytesPerSecond: number;
  outputBytes: number;
  selfMedian?: number;
  /** Median CPU seconds (user + sys) and CPU µs per input line, when measured. */
  cpuMedian?: number;
  cpuMicrosPerLine?: number;
  /** Largest peak RSS of the runs (MiB), when measured. */
  peakRssMB?: number;
}

export function summarize(outcomes: RunOutcome[], lines: number, bytes: number): ContenderStats {
  const seconds = outcomes.map((o) => o.seconds);
  const self = outcomes.flatMap((o) => (o.selfSeconds === undefined ? [] : [o.selfSeconds]));
  const med = median(seconds);
  const cpu = outcomes.flatMap((o) => (o.cpuSeconds === undefined ? [] : [o.cpuSeconds]));
  const rss = outcomes.flatMap((o) => (o.peakRssMB === undefined ? [] : [o.peakRssMB]));
  const cpuMedian = cpu.length > 0 ? median(cpu) : undefined;
  return {
    cpuMedian,
    cpuMicrosPerLine: cpuMedian === undefined ? undefined : (cpuMedian * 1e6) / lines,
    peakRssMB: rss.length > 0 ? Math.max(...rss) : undefined,
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
export async function prepareInput(lines: number, format: BenchFormat): Promise<BenchInput> {
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

export interface ChildResult {
  seconds: number;
  stdout: string;
  stderr: string;
  /** CPU the child used (user + sys, all its threads), when GNU time could measure it. */
  cpuSeconds?: number;
  /** Its peak resident set size (MiB), when GNU time could measure it. */
  peakRssMB?: number;
}

/**
 * GNU time, which reports a child's getrusage (user + sys CPU of all its threads, peak RSS):
 * Node gives a parent no rusage of its children. Without it the bench reports wall time only.
 */
const GNU_TIME = '/usr/bin/time';
export const CAN_MEASURE_CPU = fs.existsSync(GNU_TIME);

/**
 * Runs a command to completion, timed by wall clock from spawn to exit (and, with GNU time,
 * its CPU and peak RSS); rejects unless it exits 0.
 */
export async function runChild(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<ChildResult> {
  if (!CAN_MEASURE_CPU) return spawnTimed(command, args, cwd, env);
  const usageFile = path.join(cwd, `.rusage-${process.pid}-${Date.now()}`);
  try {
    const result = await spawnTimed(GNU_TIME, ['-o', usageFile, '-f', '%U %S %M', command, ...args], cwd, env);
    const [user, sys, maxKb] = fs.readFileSync(usageFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    if ([user, sys, maxKb].every(Number.isFinite)) Object.assign(result, { cpuSeconds: user + sys, peakRssMB: maxKb / 1024 });
    return result;
  } finally {
    fs.rmSync(usageFile, { force: true });
  }
}

function spawnTimed(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let exited: bigint | undefined;
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-20).join('\n');
        const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new BenchError(`${[command, ...args].join(' ')} ${how}${tail ? `\n${tail}` : ''}`));
        return;
      }
      resolve({ seconds: Number(ended - started) / 1e9, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

export function checkWcOutput(stdout: string, input: BenchInput): void {
  const count = Number.parseInt(stdout.trim().split(/\s+/)[0] ?? '', 10);
  if (count !== input.truth.lines) {
    throw new BenchError(`wc -l counted ${stdout.trim()} in the ${input.format} file; the generator wrote ${input.truth.lines} lines`);
  }
}

export function parseJsonOutput<T>(text: string, schema: z.ZodType<T>, what: string): T {
  try {
    return schema.parse(JSON.parse(text));
  } catch (e) {
    throw new BenchError(`${what} printed ${JSON.stringify(text.slice(0, 500))}, not the expected JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The last line a child printed on stdout: where the bench scripts put their JSON. */
export function lastLine(stdout: string): string {
  return stdout.trim().split('\n').at(-1) ?? '';
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
export type LogscopeSummary = z.infer<typeof LogscopeSummarySchema>;

/**
 * `logscope ingest FILE --data DIR --quiet --json`, timed, its summary checked against the
 * generator's truth: a wrong line count throws; a format or parsed count that differs is a
 * warning (the run's time still stands).
 */
export async function runLogscopeIngest(
  input: BenchInput,
  dataDir: string,
  cwd: string,
  warnings: string[],
  extraArgs: string[] = [],
  env?: NodeJS.ProcessEnv,
  cli: string = CLI,
): Promise<{ child: ChildResult; summary: LogscopeSummary }> {
  const child = await runChild(process.execPath, [cli, 'ingest', input.file, '--data', dataDir, '--quiet', '--json', ...extraArgs], cwd, env);
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
  return { child, summary };
}

/** Total size of the files under dir, 0 when it does not exist. */
export function measureDir(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += measureDir(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

export function readPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new BenchError(`${name}: got ${JSON.stringify(raw)}; write a whole number >= 1, e.g. 1000000`);
  return value;
}

/**
 * Env var `name` as a comma-separated subset of `allowed`, in `allowed`'s order; all of them
 * when unset or empty.
 */
export function readSubset<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...allowed];
  const wanted = raw.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = wanted.filter((f) => !(allowed as readonly string[]).includes(f));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new BenchError(`${name}: got ${JSON.stringify(raw)}; write a comma-separated list of ${allowed.join(', ')}, e.g. ${allowed.slice(0, 2).join(',')}`);
  }
  return allowed.filter((f) => wanted.includes(f));
}

export function addWarning(warnings: string[], message: string): void {
  if (!warnings.includes(message)) warnings.push(message);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** `3.12 M` for lines per second. */
export function formatMillions(n: number): string {
  return `${(n / 1e6).toFixed(2)} M`;
}

export function formatLoad(load: number[]): string {
  return load.map((l) => l.toFixed(2)).join(' / ');
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The report: stdout. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Progress while it runs: stderr, so stdout stays the report. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
