/**
 * `npm run bench`: the ingest benchmark and the detection benchmark (`bench/detect.ts`), in
 * one run, their contenders interleaved in the same rounds.
 *
 *   npm run bench
 *   LOGSCOPE_BENCH_LINES=1000000 LOGSCOPE_BENCH_ROUNDS=1 node dist/bench/ingest.js
 *   LOGSCOPE_BENCH_PARTS=detect node dist/bench/ingest.js
 *   LOGSCOPE_BENCH_FORMATS=json,apache node dist/bench/ingest.js
 *
 * Ingest: logscope against two baselines on a syslog file, side by side, and logscope alone on
 * a JSON-lines file and an Apache combined access log of the same size. Each round runs, in
 * this order, each as a child process timed from spawn to exit:
 *   1. `wc -l FILE`: the floor for reading the syslog file once;
 *   2. DuckDB alone (`bench/duckdb-baseline.ts`): the same syslog parse in SQL, to
 *      day-partitioned Parquet;
 *   3. `logscope ingest FILE --data <fresh dir> --quiet --json` on the syslog file (with the
 *      detect part: then, untimed by the round, z-scores over the store it wrote);
 *   4. the same on the JSON-lines file, then 5. on the Apache file (format auto-detected, as
 *      for syslog; no baseline: DuckDB alone is only written for syslog).
 * Detect (see `bench/detect.ts`), on the syslog file: 6. DuckDB alone doing the seed's job in
 * SQL, 7. `logscope anomalies FILE --baseline trailing`, 8. `logscope anomalies FILE`.
 * Interleaving the contenders inside each round spreads the noise of a shared machine
 * over all of them; the report quotes medians.
 *
 * Env:
 * - LOGSCOPE_BENCH_LINES (default 10000000): lines in each generated file;
 * - LOGSCOPE_BENCH_ROUNDS (default 3);
 * - LOGSCOPE_BENCH_PARTS (default `ingest,detect,startup`): the parts to run, comma-separated
 *   (startup: `logscope --version` and `logscope sql "SELECT 1"`, 10 runs each, see bench/startup.ts);
 * - LOGSCOPE_BENCH_FORMATS (default `syslog,json,apache`): the files the ingest part runs,
 *   comma-separated; without `syslog`, wc -l and DuckDB alone do not run either (they read the
 *   syslog file). The detect part always reads the syslog file; when no round ingests it, it is
 *   ingested once, untimed, for the z-scores over a store.
 * The inputs `bench/.data/syslog-<lines>.log`, `json-<lines>.jsonl` and `apache-<lines>.log`
 * (seed 1) are generated once, when first needed, and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import {
  BENCH_FORMATS,
  BenchError,
  CAN_MEASURE_CPU,
  checkWcOutput,
  CLI,
  formatInt,
  formatLoad,
  lastLine,
  measureDir,
  note,
  parseJsonOutput,
  prepareInput,
  readPositiveInt,
  readSubset,
  ROOT,
  round2,
  round3,
  runChild,
  runLogscopeIngest,
  say,
  summarize,
  type BenchFormat,
  type BenchInput,
  type ChildResult,
  type Contender,
  type ContenderStats,
  type RunOutcome,
} from './common.js';
import { createDetectPart, DETECT_LABELS, DETECT_SCRIPTS, type DetectPart } from './detect.js';
import { benchStartup } from './startup.js';

const DUCKDB_BASELINE = path.join(ROOT, 'dist', 'bench', 'duckdb-baseline.js');
const WRITE_FLOOR = path.join(ROOT, 'dist', 'bench', 'parquet-write-floor.js');

const BENCH_PARTS = ['ingest', 'detect', 'startup'] as const;

/** `logscope` is the syslog run (its name predates the other files, and BENCH_RESULT keeps it). */
type IngestContenderName =
  | 'wc'
  | 'duckdb'
  | 'logscope'
  | 'logscope-no-mining'
  | 'logscope-workers-1'
  | 'logscope-workers-2'
  | 'logscope-json'
  | 'logscope-apache'
  | 'write-floor'
  | 'commit-staged'
  | 'commit-csv';

/** The contenders of the ingest table, in its order. */
const INGEST_CONTENDERS: IngestContenderName[] = ['wc', 'duckdb', 'write-floor', 'commit-staged', 'commit-csv', 'logscope', 'logscope-no-mining', 'logscope-workers-1', 'logscope-workers-2', 'logscope-json', 'logscope-apache'];

/** The logscope contender of each file. */
const LOGSCOPE_CONTENDER: Record<BenchFormat, IngestContenderName> = { syslog: 'logscope', json: 'logscope-json', apache: 'logscope-apache' };

const LABELS: Record<string, string> = {
  wc: 'wc -l (scan floor)',
  duckdb: 'DuckDB alone',
  logscope: 'logscope ingest',
  'logscope-no-mining': 'logscope ingest --no-mining',
  'logscope-workers-1': 'logscope ingest --workers 1',
  'logscope-workers-2': 'logscope ingest --workers 2',
  'logscope-json': 'logscope ingest (json)',
  'logscope-apache': 'logscope ingest (apache)',
  'write-floor': 'Parquet write floor (no parse)',
  'commit-staged': "DuckDB's share: staged rows → store",
  'commit-csv': '… from staging CSV (before)',
  ...DETECT_LABELS,
};

const DuckdbBaselineSchema = z.object({ rows: z.number().int(), elapsedMs: z.number() });
const WriteFloorSchema = z.object({
  rows: z.number().int(),
  loadMs: z.number(),
  copyMs: z.number(),
  copyCpuMs: z.number(),
  stagedMs: z.number(),
  stagedCpuMs: z.number(),
  rollupMs: z.number(),
  rollupCpuMs: z.number(),
  csvMs: z.number(),
  csvCpuMs: z.number(),
  outputBytes: z.number().int(),
});

/** Runs of each start-up command (its table quotes their median). */
const STARTUP_ROUNDS = 10;

async function main(): Promise<void> {
  const lines = readPositiveInt('LOGSCOPE_BENCH_LINES', 10_000_000);
  const rounds = readPositiveInt('LOGSCOPE_BENCH_ROUNDS', 3);
  const parts = readSubset('LOGSCOPE_BENCH_PARTS', BENCH_PARTS);
  const withIngest = parts.includes('ingest');
  const withDetect = parts.includes('detect');
  const formats = withIngest ? readSubset('LOGSCOPE_BENCH_FORMATS', BENCH_FORMATS) : [];
  const ingestSyslog = formats.includes('syslog');
  const needed = [...(ingestSyslog ? [DUCKDB_BASELINE, WRITE_FLOOR] : []), ...(withDetect ? DETECT_SCRIPTS : [])];
  for (const built of [CLI, ...needed]) {
    if (!fs.existsSync(built)) throw new BenchError(`${built} is missing; run \`npx tsc -p tsconfig.json\` first`);
  }
  const inputs = new Map<BenchFormat, BenchInput>();
  for (const format of BENCH_FORMATS) {
    if (formats.includes(format) || (format === 'syslog' && withDetect)) inputs.set(format, await prepareInput(lines, format));
  }
  // After generating, which is our own load, not the machine's.
  const loadStart = os.loadavg();

  say(`# logscope benchmark (${parts.join(', ')})`);
  say('');
  for (const input of inputs.values()) {
    say(`- input (${input.format}): ${path.relative(ROOT, input.file)}: ${formatInt(input.truth.lines)} lines, ${formatInt(input.bytes)} bytes (${(input.bytes / 1e6).toFixed(1)} MB), ${formatInt(input.truth.malformedLines)} malformed`);
  }
  say(`- machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`);
  const order = [
    ...(ingestSyslog ? ['wc -l', 'DuckDB alone'] : []),
    ...formats.map((f) => `logscope ingest (${f})${f === 'syslog' ? ` + the Parquet write floor${withDetect ? ' and z-scores' : ''} over its store` : ''}`),
    ...(withDetect ? ['DuckDB alone z-score', 'logscope anomalies (trailing)', 'logscope anomalies (auto)'] : []),
  ];
  say(`- node ${process.version}; rounds: ${rounds}; order in each round: ${order.join(', ')}`);
  say(`- load average at start (1/5/15 min): ${formatLoad(loadStart)}`);

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-bench-'));
  const results = new Map<string, RunOutcome[]>();
  const warnings: string[] = [];
  const ingestInfo = { workers: 0, batches: 0 };
  try {
    for (const input of inputs.values()) {
      // Untimed: puts the file in the page cache so round 1 does not time the disk, and checks the count.
      const warm = await runChild('wc', ['-l', input.file], tmpRoot);
      checkWcOutput(warm.stdout, input);
    }
    const syslog = inputs.get('syslog');
    const detect = withDetect && syslog !== undefined ? createDetectPart(syslog, warnings) : undefined;
    const contenders: Contender[] = [];
    if (withIngest) contenders.push(...createIngestContenders(inputs, formats, warnings, ingestInfo, detect, results));
    if (detect !== undefined) contenders.push(...detect.contenders);

    let storeDir: string | undefined;
    if (detect !== undefined && !ingestSyslog) {
      // No round ingests the syslog file: one untimed ingest gives the store to time z-scores over.
      storeDir = path.join(tmpRoot, 'store');
      note(`ingesting ${path.relative(ROOT, syslog!.file)} once, untimed, for the z-scores over a store ...`);
      const { child } = await runLogscopeIngest(syslog!, storeDir, tmpRoot, warnings);
      note(`ingested in ${child.seconds.toFixed(1)} s`);
    }

    for (let round = 1; round <= rounds; round++) {
      for (const contender of contenders) {
        const runDir = fs.mkdtempSync(path.join(tmpRoot, `${contender.name}-`));
        try {
          const outcome = await contender.run(runDir);
          results.set(contender.name, [...(results.get(contender.name) ?? []), outcome]);
          note(`round ${round}/${rounds}  ${LABELS[contender.name].padEnd(40)} ${outcome.seconds.toFixed(2).padStart(8)} s`);
          if (contender.afterRun !== undefined) await contender.afterRun(runDir);
        } finally {
          // Before the next run, so disk use stays at one run's output.
          fs.rmSync(runDir, { recursive: true, force: true });
        }
      }
      if (storeDir !== undefined && detect !== undefined) {
        await detect.timeStore(storeDir, tmpRoot);
        note(`round ${round}/${rounds}  z-scores over the store (untimed ingest)`);
      }
    }
    const loadEnd = os.loadavg();
    const result: Record<string, unknown> = { date: new Date().toISOString(), lines: [...inputs.values()][0]?.truth.lines, parts };
    if (withIngest) Object.assign(result, reportIngest({ inputs, results, warnings, ...ingestInfo }));
    if (detect !== undefined) result.detect = detect.report(results);
    if (parts.includes('startup')) result.startup = await benchStartup(tmpRoot, STARTUP_ROUNDS);
    say('');
    say(`- load average at end (1/5/15 min): ${formatLoad(loadEnd)} (shared machine: quote the medians)`);
    for (const w of warnings) say(`- WARNING: ${w}`);
    Object.assign(result, {
      rounds,
      cpus: os.cpus().length,
      node: process.version,
      loadavgStart: loadStart.map(round2),
      loadavgEnd: loadEnd.map(round2),
      formats,
      warnings,
    });
    say('');
    say(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    fs.rmSync(tmpRoot, { recursive: true, force: true });
  }
}

/** wc -l and DuckDB alone on the syslog file (when it is ingested), then logscope ingest on each file. */
function createIngestContenders(
  inputs: Map<BenchFormat, BenchInput>,
  formats: BenchFormat[],
  warnings: string[],
  info: { workers: number; batches: number },
  detect: DetectPart | undefined,
  results: Map<string, RunOutcome[]>,
): Contender[] {
  const contenders: Contender[] = [];
  const syslog = inputs.get('syslog');
  if (syslog !== undefined && formats.includes('syslog')) {
    contenders.push(
      {
        name: 'wc',
        async run(runDir) {
          const child = await runChild('wc', ['-l', syslog.file], runDir);
          checkWcOutput(child.stdout, syslog);
          return outcomeOf(child, 0);
        },
      },
      {
        name: 'duckdb',
        async run(runDir) {
          const outDir = path.join(runDir, 'parquet');
          const child = await runChild(process.execPath, [DUCKDB_BASELINE, syslog.file, outDir], runDir);
          const report = parseJsonOutput(lastLine(child.stdout), DuckdbBaselineSchema, 'duckdb-baseline');
          if (report.rows !== syslog.wellFormed) {
            throw new BenchError(`DuckDB baseline wrote ${report.rows} rows; the file has ${syslog.wellFormed} well-formed lines (${syslog.truth.lines} - ${syslog.truth.malformedLines} malformed)`);
          }
          return outcomeOf(child, measureDir(outDir), report.elapsedMs / 1000);
        },
      },
    );
  }
  for (const format of formats) {
    const input = inputs.get(format)!;
    contenders.push({
      name: LOGSCOPE_CONTENDER[format],
      async run(runDir) {
        const dataDir = path.join(runDir, 'data');
        const { child, summary } = await runLogscopeIngest(input, dataDir, runDir, warnings);
        if (format === 'syslog') {
          info.workers = summary.workers;
          info.batches = summary.batches;
        }
        return outcomeOf(child, measureDir(dataDir), summary.elapsedMs / 1000);
      },
      afterRun:
        format === 'syslog'
          ? async (runDir) => {
              const dataDir = path.join(runDir, 'data');
              const floors = await runWriteFloor(dataDir, runDir, input);
              for (const [name, floor] of Object.entries(floors) as Array<[IngestContenderName, RunOutcome]>) {
                results.set(name, [...(results.get(name) ?? []), floor]);
                note(`           ${LABELS[name]}: ${floor.seconds.toFixed(2)} s, ${floor.cpuSeconds?.toFixed(2)} s CPU (in-process)`);
              }
              if (detect !== undefined) await detect.timeStore(dataDir, runDir);
            }
          : undefined,
    });
    if (format === 'syslog') {
      // The same ingest without template mining: what mining costs. Then, for scaling, with
      // one worker and with two (two only where the default is not already two: one per core).
      const variants: Array<[IngestContenderName, string[]]> = [
        ['logscope-no-mining', ['--no-mining']],
        ['logscope-workers-1', ['--workers', '1']],
        ...(os.cpus().length !== 2 ? [['logscope-workers-2', ['--workers', '2']] as [IngestContenderName, string[]]] : []),
      ];
      for (const [name, args] of variants) {
        contenders.push({
          name,
          async run(runDir) {
            const dataDir = path.join(runDir, 'data');
            const { child, summary } = await runLogscopeIngest(input, dataDir, runDir, warnings, args);
            return outcomeOf(child, measureDir(dataDir), summary.elapsedMs / 1000);
          },
        });
      }
    }
  }
  return contenders;
}

/** A run's outcome: wall time, CPU and peak RSS as the child measured them. */
function outcomeOf(child: ChildResult, outputBytes: number, selfSeconds?: number): RunOutcome {
  return { seconds: child.seconds, outputBytes, selfSeconds, cpuSeconds: child.cpuSeconds, peakRssMB: child.peakRssMB };
}

/**
 * DuckDB alone writing the rows an ingest stored, from memory, nothing to parse
 * (`bench/parquet-write-floor.ts`): the ceiling of any ingest that writes these columns
 * through DuckDB on this machine; and the commit's own work on the rows as the workers stage
 * them (with the rollups), and as they were staged before. Times and CPU are those the child
 * reports for each part, loading excluded.
 */
async function runWriteFloor(dataDir: string, runDir: string, input: BenchInput): Promise<Record<'write-floor' | 'commit-staged' | 'commit-csv', RunOutcome>> {
  const outDir = path.join(runDir, 'floor');
  try {
    const child = await runChild(process.execPath, [WRITE_FLOOR, dataDir, outDir], runDir);
    const report = parseJsonOutput(lastLine(child.stdout), WriteFloorSchema, 'parquet-write-floor');
    if (report.rows !== input.wellFormed) {
      throw new BenchError(`the write floor copied ${report.rows} rows; the store holds ${input.wellFormed} records`);
    }
    return {
      'write-floor': { seconds: report.copyMs / 1000, cpuSeconds: report.copyCpuMs / 1000, outputBytes: report.outputBytes },
      'commit-staged': { seconds: (report.stagedMs + report.rollupMs) / 1000, cpuSeconds: (report.stagedCpuMs + report.rollupCpuMs) / 1000, outputBytes: report.outputBytes },
      'commit-csv': { seconds: (report.csvMs + report.rollupMs) / 1000, cpuSeconds: (report.csvCpuMs + report.rollupCpuMs) / 1000, outputBytes: report.outputBytes },
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

interface IngestReportOptions {
  inputs: Map<BenchFormat, BenchInput>;
  results: Map<string, RunOutcome[]>;
  warnings: string[];
  workers: number;
  batches: number;
}

/**
 * Scaling: the syslog ingest with one worker and with two (the default run when it had two),
 * by wall time and CPU per line.
 */
function reportScaling(stats: Map<IngestContenderName, ContenderStats>, defaultWorkers: number, result: Record<string, unknown>): void {
  const one = stats.get('logscope-workers-1');
  const two = stats.get('logscope-workers-2') ?? (defaultWorkers === 2 ? stats.get('logscope') : undefined);
  if (one === undefined || two === undefined) return;
  const cpu = (s: ContenderStats): string => (s.cpuMicrosPerLine === undefined ? '' : `, ${s.cpuMicrosPerLine.toFixed(2)} CPU µs/line`);
  say(
    `- scaling (syslog, with mining; medians): --workers 1 ${one.median.toFixed(2)} s${cpu(one)}; --workers 2 ${two.median.toFixed(2)} s${cpu(two)}` +
      `${stats.has('logscope-workers-2') ? '' : ' (the default run: one worker per core)'}; speed-up ${(one.median / two.median).toFixed(2)}× by wall time`,
  );
  result.scaling = {
    workers1: { medianSeconds: round3(one.median), cpuMicrosPerLine: one.cpuMicrosPerLine === undefined ? null : round3(one.cpuMicrosPerLine) },
    workers2: { medianSeconds: round3(two.median), cpuMicrosPerLine: two.cpuMicrosPerLine === undefined ? null : round3(two.cpuMicrosPerLine) },
  };
}

/** The file each ingest contender reads. */
function inputOf(name: IngestContenderName, inputs: Map<BenchFormat, BenchInput>): BenchInput {
  const format = name === 'logscope-json' ? 'json' : name === 'logscope-apache' ? 'apache' : 'syslog';
  const input = inputs.get(format);
  if (input === undefined) throw new BenchError(`no ${format} input for ${name}`);
  return input;
}

/** Prints the ingest table; returns the ingest fields of BENCH_RESULT (as before the detect part). */
function reportIngest(o: IngestReportOptions): Record<string, unknown> {
  const stats = new Map<IngestContenderName, ContenderStats>();
  for (const name of INGEST_CONTENDERS) {
    const outcomes = o.results.get(name);
    if (outcomes === undefined) continue;
    const input = inputOf(name, o.inputs);
    stats.set(name, summarize(outcomes, input.truth.lines, input.bytes));
  }
  const get = (name: IngestContenderName): ContenderStats => {
    const s = stats.get(name);
    if (s === undefined) throw new BenchError(`no results for ${name}`);
    return s;
  };

  say('');
  say(`## Ingest`);
  say('');
  say(`| contender | median s | min s | max s | lines/s (median) | MB/s (median) | CPU s (median) | CPU µs/line | peak RSS MiB | output MB |`);
  say(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [name, s] of stats) {
    const out = name === 'wc' ? '–' : (s.outputBytes / 1e6).toFixed(1);
    const cpu = s.cpuMedian === undefined ? '–' : s.cpuMedian.toFixed(2);
    const perLine = s.cpuMicrosPerLine === undefined ? '–' : s.cpuMicrosPerLine.toFixed(2);
    const rss = s.peakRssMB === undefined ? '–' : formatInt(Math.round(s.peakRssMB));
    say(`| ${LABELS[name]} | ${s.median.toFixed(2)} | ${s.min.toFixed(2)} | ${s.max.toFixed(2)} | ${formatInt(Math.round(s.linesPerSecond))} | ${s.megabytesPerSecond.toFixed(1)} | ${cpu} | ${perLine} | ${rss} | ${out} |`);
  }
  if (!CAN_MEASURE_CPU) say(`- CPU and peak RSS not measured: ${'/usr/bin/time'} (GNU time) is missing`);
  say(
    `- CPU is user + sys of the whole child process (all its threads: DuckDB's and the parse workers'), from getrusage via GNU time; the write floor and the commit rows are measured in-process (process.cpuUsage around their COPYs only, start-up excluded)`,
  );
  say('');
  const result: Record<string, unknown> = {};
  if (stats.has('logscope')) {
    const syslog = inputOf('logscope', o.inputs);
    const wc = get('wc');
    const duckdb = get('duckdb');
    const logscope = get('logscope');
    const vsDuckdb = logscope.linesPerSecond / duckdb.linesPerSecond;
    const wcVsLogscope = wc.linesPerSecond / logscope.linesPerSecond;
    say(`- logscope is ${vsDuckdb.toFixed(2)}× DuckDB alone (lines/s, medians, syslog file)`);
    say(`- wc -l is ${wcVsLogscope.toFixed(2)}× faster than logscope`);
    say(`- wall time is spawn to exit, process startup included. Self-reported medians, startup excluded: DuckDB ${duckdb.selfMedian?.toFixed(2)} s, logscope ${logscope.selfMedian?.toFixed(2)} s (${o.workers} workers, ${o.batches} batch${o.batches === 1 ? '' : 'es'})`);
    say(`- DuckDB keeps only rows whose ts parsed (6 columns + dt); logscope also stores source, line, level_raw, attrs, the template signature and the unparsed lines`);
    const plain = get('logscope-no-mining');
    const miningCost = 1 - logscope.linesPerSecond / plain.linesPerSecond;
    say(`- template mining costs ${(100 * miningCost).toFixed(1)}% of ingest throughput (${formatInt(Math.round(logscope.linesPerSecond))} lines/s with it, ${formatInt(Math.round(plain.linesPerSecond))} without; medians); --no-mining is ${(plain.linesPerSecond / duckdb.linesPerSecond).toFixed(2)}× DuckDB alone`);
    result.miningCost = round3(miningCost);
    if (logscope.cpuMicrosPerLine !== undefined && duckdb.cpuMicrosPerLine !== undefined && plain.cpuMicrosPerLine !== undefined) {
      const cpuVsDuckdb = duckdb.cpuMicrosPerLine / logscope.cpuMicrosPerLine;
      const plainCpuVsDuckdb = duckdb.cpuMicrosPerLine / plain.cpuMicrosPerLine;
      const miningCpuShare = 1 - plain.cpuMicrosPerLine / logscope.cpuMicrosPerLine;
      say(
        `- by CPU per line (medians): logscope ${logscope.cpuMicrosPerLine.toFixed(2)} µs, --no-mining ${plain.cpuMicrosPerLine.toFixed(2)} µs, DuckDB alone ${duckdb.cpuMicrosPerLine.toFixed(2)} µs: ` +
          `logscope is ${cpuVsDuckdb.toFixed(2)}× DuckDB alone (target ≥ 1.5), --no-mining ${plainCpuVsDuckdb.toFixed(2)}× (target ≥ 2); ` +
          `template mining is ${(100 * miningCpuShare).toFixed(1)}% of ingest CPU (target ≤ 15%)`,
      );
      Object.assign(result, {
        cpuMicrosPerLine: { duckdb: round3(duckdb.cpuMicrosPerLine), logscope: round3(logscope.cpuMicrosPerLine), noMining: round3(plain.cpuMicrosPerLine) },
        logscopeVsDuckdbCpu: round3(cpuVsDuckdb),
        noMiningVsDuckdbCpu: round3(plainCpuVsDuckdb),
        miningCpuShare: round3(miningCpuShare),
      });
    }
    const peak = Math.max(...[...stats.entries()].filter(([n]) => n.startsWith('logscope')).map(([, st]) => st.peakRssMB ?? 0));
    if (peak > 0) {
      say(`- peak RSS of any logscope ingest: ${formatInt(Math.round(peak))} MiB (limit 1 GiB)`);
      result.ingestPeakRssMB = Math.round(peak);
    }
    reportScaling(stats, o.workers, result);
    result.noMiningLinesPerSecond = Math.round(plain.linesPerSecond);
    const floor = get('write-floor');
    say(
      `- Parquet write floor: DuckDB alone writing the records logscope stored (same columns, zstd, one file per day), from an in-memory table with nothing to parse, ` +
        `runs at ${formatInt(Math.round(floor.linesPerSecond))} input lines/s (median COPY ${floor.median.toFixed(2)} s). No ingest that writes these columns through DuckDB ` +
        `can pass it on these cores: --no-mining reaches ${(plain.linesPerSecond / floor.linesPerSecond).toFixed(2)}× of it, the default ${(logscope.linesPerSecond / floor.linesPerSecond).toFixed(2)}×; ` +
        `at 1.0 M lines/s the write alone would take ${((100 * 1e6) / floor.linesPerSecond).toFixed(0)}% of the machine, leaving ${(Math.max(0, 1 - 1e6 / floor.linesPerSecond) * 2).toFixed(2)} µs of CPU per line (2 cores) to read, parse and hand over each line`,
    );
    result.writeFloorLinesPerSecond = Math.round(floor.linesPerSecond);
    const share = get('commit-staged');
    const before = get('commit-csv');
    if (share.cpuMicrosPerLine !== undefined && before.cpuMicrosPerLine !== undefined && floor.cpuMicrosPerLine !== undefined && duckdb.cpuMicrosPerLine !== undefined && logscope.cpuMicrosPerLine !== undefined) {
      const allowed = duckdb.cpuMicrosPerLine / 1.5;
      say(
        `- DuckDB's share of an ingest: reading the staged rows, writing them as zstd Parquet and counting the rollups takes ${share.cpuMicrosPerLine.toFixed(2)} CPU µs/line ` +
          `(${before.cpuMicrosPerLine.toFixed(2)} from the staging CSV it replaced: ${(share.cpuMicrosPerLine / before.cpuMicrosPerLine).toFixed(2)}×; the write floor from memory ${floor.cpuMicrosPerLine.toFixed(2)}). ` +
          `The rest of the ingest's ${logscope.cpuMicrosPerLine.toFixed(2)} µs, ${Math.max(0, logscope.cpuMicrosPerLine - share.cpuMicrosPerLine).toFixed(2)}, is start-up, reading, parsing, mining, staging and the catalog. ` +
          `At 1.5× DuckDB alone an ingest could spend ${allowed.toFixed(2)} µs/line in all, ${Math.max(0, allowed - share.cpuMicrosPerLine).toFixed(2)} beside DuckDB's share`,
      );
      result.commitCpuMicrosPerLine = { staged: round3(share.cpuMicrosPerLine), csv: round3(before.cpuMicrosPerLine), floor: round3(floor.cpuMicrosPerLine) };
    }
    Object.assign(result, {
      bytes: syslog.bytes,
      medianSeconds: { wc: round3(wc.median), duckdb: round3(duckdb.median), logscope: round3(logscope.median) },
      selfMedianSeconds: { duckdb: round3(duckdb.selfMedian ?? NaN), logscope: round3(logscope.selfMedian ?? NaN) },
      linesPerSecond: { wc: Math.round(wc.linesPerSecond), duckdb: Math.round(duckdb.linesPerSecond), logscope: Math.round(logscope.linesPerSecond) },
      megabytesPerSecond: { wc: round2(wc.megabytesPerSecond), duckdb: round2(duckdb.megabytesPerSecond), logscope: round2(logscope.megabytesPerSecond) },
      logscopeVsDuckdb: round3(vsDuckdb),
      wcVsLogscope: round3(wcVsLogscope),
      logscopeWorkers: o.workers,
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
  // logscope alone on the other generated files, keyed by format.
  result.logscopeByFormat = others;
  return result;
}

main().catch((err: unknown) => {
  if (err instanceof BenchError) process.stderr.write(`bench: FAILED: ${err.message}\n`);
  else process.stderr.write(`bench: FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
