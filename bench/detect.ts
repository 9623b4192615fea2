/**
 * The detection part of `npm run bench` (run by `bench/ingest.ts`, in the same rounds):
 *
 * 1. the seed's whole job on the generated syslog file — parse it and report the minutes whose
 *    error z-score exceeds 3 — three ways, each a child process timed from spawn to exit:
 *    - `logscope anomalies FILE --baseline trailing --format csv` (trailing z per minute);
 *    - `logscope anomalies FILE --format csv` (default settings: seasonal where a previous day
 *      exists), for information;
 *    - DuckDB alone doing the same job in SQL (`bench/duckdb-zscore-baseline.ts`);
 * 2. z-scores over an ingested store of the same file: `bench/zscore-store.ts` runs
 *    `detectAnomalies` ZSCORE_CALLS times in-process, default settings and trailing, one child
 *    process each, and reports the milliseconds of each call.
 * Every run is checked against the generator's truth: the lines read and parsed, the error
 * lines (DuckDB), and that some minutes are flagged.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  addWarning,
  BenchError,
  CLI,
  formatInt,
  formatMillions,
  lastLine,
  median,
  note,
  parseJsonOutput,
  ROOT,
  round2,
  round3,
  runChild,
  say,
  summarize,
  type BenchInput,
  type Contender,
  type RunOutcome,
} from './common.js';

const DUCKDB_ZSCORE_BASELINE = path.join(ROOT, 'dist', 'bench', 'duckdb-zscore-baseline.js');
const ZSCORE_STORE = path.join(ROOT, 'dist', 'bench', 'zscore-store.js');

/** The scripts this part runs, for the driver to check they are built. */
export const DETECT_SCRIPTS = [DUCKDB_ZSCORE_BASELINE, ZSCORE_STORE];

/** detectAnomalies calls per zscore-store child. */
const ZSCORE_CALLS = 3;
/** The throughput the detection straight from a file is held to (lines/s). */
const FILE_TARGET_LINES_PER_SECOND = 3_000_000;
/** The time z-scores over a store of 10 M rows are held to. */
const STORE_TARGET_MS = 1000;

export type DetectContenderName = 'duckdb-zscore' | 'anomalies-trailing' | 'anomalies-auto';

export const DETECT_LABELS: Record<DetectContenderName, string> = {
  'duckdb-zscore': 'DuckDB alone (SQL)',
  'anomalies-trailing': 'logscope anomalies --baseline trailing',
  'anomalies-auto': 'logscope anomalies (default: auto)',
};

type StoreBaseline = 'auto' | 'trailing';
const STORE_BASELINES: StoreBaseline[] = ['auto', 'trailing'];

const DuckdbZscoreSchema = z.object({
  parsed: z.number().int(),
  errors: z.number().int(),
  minutes: z.number().int(),
  flagged: z.number().int(),
  flaggedMinutes: z.array(z.string()),
  elapsedMs: z.number(),
});

const ZscoreStoreSchema = z.object({
  baseline: z.enum(['auto', 'trailing']),
  openMs: z.number(),
  callsMs: z.array(z.number()),
  records: z.number().int(),
  flagged: z.object({ errors: z.number().int(), volume: z.number().int() }),
});
type ZscoreStoreReport = z.infer<typeof ZscoreStoreSchema>;

/** `read 10,000,000 lines (9,934,799 parsed, 65,201 unparsed, 0 blank) from 1 source in 3.6 s (syslog); nothing stored` */
const SCAN_SUMMARY = /read ([\d,]+) lines \(([\d,]+) parsed, ([\d,]+) unparsed, ([\d,]+) blank\) from \d+ sources? in ([\d.]+) s \(([^)]*)\)/;

/** What `logscope anomalies FILE` printed, checked. */
interface AnomaliesRun {
  scanSeconds: number;
  flaggedErrors: string[];
  flaggedVolume: number;
}

/** The detection part: its contenders for the rounds, the store timing, and its report. */
export interface DetectPart {
  contenders: Contender<DetectContenderName>[];
  /** Times z-scores over the store in dataDir (an ingest of the syslog file): one child per setting. */
  timeStore(dataDir: string, cwd: string): Promise<void>;
  /** Prints the part's tables and returns its share of BENCH_RESULT. */
  report(results: Map<string, RunOutcome[]>): Record<string, unknown>;
}

export function createDetectPart(syslog: BenchInput, warnings: string[]): DetectPart {
  const scanSeconds: Record<'anomalies-trailing' | 'anomalies-auto', number[]> = { 'anomalies-trailing': [], 'anomalies-auto': [] };
  const flagged: Record<DetectContenderName, number[]> = { 'duckdb-zscore': [], 'anomalies-trailing': [], 'anomalies-auto': [] };
  let duckdbMinutes: string[] = [];
  let trailingErrorMinutes: string[] = [];
  let trailingVolume = 0;
  const store: Record<StoreBaseline, ZscoreStoreReport[]> = { auto: [], trailing: [] };
  const storeWall: Record<StoreBaseline, number[]> = { auto: [], trailing: [] };

  const duckdb: Contender<DetectContenderName> = {
    name: 'duckdb-zscore',
    async run(runDir) {
      const child = await runChild(process.execPath, [DUCKDB_ZSCORE_BASELINE, syslog.file], runDir);
      const report = parseJsonOutput(lastLine(child.stdout), DuckdbZscoreSchema, 'duckdb-zscore-baseline');
      if (report.parsed !== syslog.wellFormed) {
        throw new BenchError(`DuckDB z-score baseline took ${report.parsed} lines as records; the file has ${syslog.wellFormed} well-formed lines (${syslog.truth.lines} - ${syslog.truth.malformedLines} malformed)`);
      }
      if (report.errors !== syslog.truth.errorLines) {
        throw new BenchError(`DuckDB z-score baseline counted ${report.errors} ERROR/FATAL lines; the generator wrote ${syslog.truth.errorLines}`);
      }
      if (report.flagged === 0) throw new BenchError('DuckDB z-score baseline flagged no minute');
      flagged['duckdb-zscore'].push(report.flagged);
      duckdbMinutes = report.flaggedMinutes;
      return { seconds: child.seconds, outputBytes: 0, selfSeconds: report.elapsedMs / 1000 };
    },
  };

  const anomalies = (name: 'anomalies-trailing' | 'anomalies-auto', extra: string[]): Contender<DetectContenderName> => ({
    name,
    async run(runDir) {
      const child = await runChild(process.execPath, [CLI, 'anomalies', syslog.file, ...extra, '--format', 'csv'], runDir);
      const checked = checkAnomaliesRun(child.stdout, child.stderr, syslog, warnings);
      scanSeconds[name].push(checked.scanSeconds);
      flagged[name].push(checked.flaggedErrors.length);
      if (name === 'anomalies-trailing') {
        trailingErrorMinutes = checked.flaggedErrors;
        trailingVolume = checked.flaggedVolume;
      }
      return { seconds: child.seconds, outputBytes: 0 };
    },
  });

  return {
    contenders: [duckdb, anomalies('anomalies-trailing', ['--baseline', 'trailing']), anomalies('anomalies-auto', [])],

    async timeStore(dataDir, cwd) {
      for (const baseline of STORE_BASELINES) {
        const child = await runChild(process.execPath, [ZSCORE_STORE, dataDir, baseline, String(ZSCORE_CALLS)], cwd);
        const report = parseJsonOutput(lastLine(child.stdout), ZscoreStoreSchema, 'zscore-store');
        if (report.records !== syslog.wellFormed) {
          addWarning(warnings, `the store holds ${report.records} records; the syslog file has ${syslog.wellFormed} well-formed lines`);
        }
        if (report.flagged.errors === 0) throw new BenchError(`detectAnomalies (${baseline}) over the store flagged no error minute`);
        store[baseline].push(report);
        storeWall[baseline].push(child.seconds);
        note(`           z-scores over the store (${baseline}): ${report.callsMs.map((ms) => ms.toFixed(0)).join(', ')} ms per call, process ${child.seconds.toFixed(2)} s`);
      }
    },

    report(results) {
      const out: Record<string, unknown> = {};
      const stats = new Map<DetectContenderName, ReturnType<typeof summarize>>();
      for (const name of Object.keys(DETECT_LABELS) as DetectContenderName[]) {
        const outcomes = results.get(name);
        if (outcomes !== undefined) stats.set(name, summarize(outcomes, syslog.truth.lines, syslog.bytes));
      }
      if (stats.size > 0) {
        say('');
        say(`## Detection straight from the syslog file: error z-score per minute`);
        say('');
        say(`| contender | median s | min s | max s | lines/s (median) | in-process s (median) | error minutes flagged |`);
        say(`|---|---:|---:|---:|---:|---:|---:|`);
        for (const [name, s] of stats) {
          const self = name === 'duckdb-zscore' ? s.selfMedian : median(scanSeconds[name]);
          const selfText = self === undefined ? '–' : `${self.toFixed(2)}${name === 'duckdb-zscore' ? '' : ' (scan)'}`;
          say(`| ${DETECT_LABELS[name]} | ${s.median.toFixed(2)} | ${s.min.toFixed(2)} | ${s.max.toFixed(2)} | ${formatMillions(s.linesPerSecond)} | ${selfText} | ${distinct(flagged[name])} |`);
        }
        say('');
        const trailing = stats.get('anomalies-trailing');
        const duck = stats.get('duckdb-zscore');
        if (trailing !== undefined) {
          const reached = trailing.linesPerSecond >= FILE_TARGET_LINES_PER_SECOND;
          say(`- target ≥ ${formatMillions(FILE_TARGET_LINES_PER_SECOND)} lines/s for \`logscope anomalies FILE --baseline trailing\`: ${reached ? 'reached' : 'not reached'} (median ${formatMillions(trailing.linesPerSecond)} lines/s, ${trailing.median.toFixed(2)} s for ${formatInt(syslog.truth.lines)} lines)`);
          const scan = median(scanSeconds['anomalies-trailing']);
          say(`- of its wall time, the scan it reports (format detection, worker start, parsing and counting in the workers) is ${scan.toFixed(1)} s (${formatMillions(syslog.truth.lines / scan)} lines/s); the other ${(trailing.median - scan).toFixed(2)} s are process start (module loading, DuckDB's native library), the in-memory DuckDB, the z-score SQL over the counts, the output and exit`);
        }
        if (trailing !== undefined && duck !== undefined) {
          const ratio = trailing.linesPerSecond / duck.linesPerSecond;
          say(`- logscope (trailing) is ${ratio.toFixed(2)}× DuckDB alone (lines/s, medians)`);
          out.logscopeVsDuckdb = round3(ratio);
        }
        if (duck !== undefined) {
          say(`- DuckDB alone: \`read_csv\` of whole lines, \`try_cast\` of the 24-byte ISO prefix, \`strpos\` for the tag's \`: \`, per-minute counts, zero-fill, \`avg\`/\`stddev_samp\` over the 60 minutes before; it takes ${formatInt(syslog.wellFormed)} lines as records and ${formatInt(syslog.truth.errorLines)} ERROR/FATAL, as the generator wrote`);
        }
        if (duckdbMinutes.length > 0 && stats.has('anomalies-trailing')) {
          const inDuckdb = new Set(duckdbMinutes);
          const missing = trailingErrorMinutes.filter((m) => !inDuckdb.has(m));
          say(`- flagged error minutes: DuckDB alone (z > 3, no other rule) ${duckdbMinutes.length}; logscope trailing ${trailingErrorMinutes.length} (it also wants two minutes in a row past 3σ or one past 6σ, ≥ 5 errors, ≥ 15 minutes of history), ${trailingErrorMinutes.length - missing.length} of them among DuckDB's; logscope also flags ${trailingVolume} volume minutes`);
          if (missing.length > 0) addWarning(warnings, `logscope (trailing) flagged error minutes DuckDB alone did not: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
        }
        out.file = {
          lines: syslog.truth.lines,
          bytes: syslog.bytes,
          medianSeconds: Object.fromEntries([...stats].map(([n, s]) => [n, round3(s.median)])),
          linesPerSecond: Object.fromEntries([...stats].map(([n, s]) => [n, Math.round(s.linesPerSecond)])),
          scanMedianSeconds: Object.fromEntries(Object.entries(scanSeconds).filter(([, v]) => v.length > 0).map(([n, v]) => [n, round3(median(v))])),
          duckdbSelfMedianSeconds: duck?.selfMedian === undefined ? undefined : round3(duck.selfMedian),
          flaggedErrorMinutes: Object.fromEntries(Object.entries(flagged).filter(([, v]) => v.length > 0).map(([n, v]) => [n, v[v.length - 1]])),
        };
      }

      if (store.auto.length > 0 || store.trailing.length > 0) {
        say('');
        say(`## Z-scores over the ingested store (detectAnomalies in-process, ${ZSCORE_CALLS} calls per process, one process per setting and round)`);
        say('');
        say(`| settings | records | first call ms (median) | all calls ms: median | min | max | open ms (median) | process s (median) | flagged error / volume minutes |`);
        say(`|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
        const storeOut: Record<string, unknown> = {};
        for (const baseline of STORE_BASELINES) {
          const reports = store[baseline];
          if (reports.length === 0) continue;
          const all = reports.flatMap((r) => r.callsMs);
          const first = median(reports.map((r) => r.callsMs[0]));
          const last = reports[reports.length - 1];
          const label = baseline === 'auto' ? 'default (auto: seasonal)' : '`baseline: trailing`';
          say(`| ${label} | ${formatInt(last.records)} | ${first.toFixed(0)} | ${median(all).toFixed(0)} | ${Math.min(...all).toFixed(0)} | ${Math.max(...all).toFixed(0)} | ${median(reports.map((r) => r.openMs)).toFixed(0)} | ${median(storeWall[baseline]).toFixed(2)} | ${last.flagged.errors} / ${last.flagged.volume} |`);
          storeOut[baseline] = {
            records: last.records,
            firstCallMedianMs: round2(first),
            callMedianMs: round2(median(all)),
            callMinMs: round2(Math.min(...all)),
            callMaxMs: round2(Math.max(...all)),
            openMedianMs: round2(median(reports.map((r) => r.openMs))),
            processMedianSeconds: round3(median(storeWall[baseline])),
            flagged: last.flagged,
          };
        }
        say('');
        for (const baseline of STORE_BASELINES) {
          const reports = store[baseline];
          if (reports.length === 0) continue;
          const all = median(reports.flatMap((r) => r.callsMs));
          const first = median(reports.map((r) => r.callsMs[0]));
          const verdict = (ms: number) => (ms < STORE_TARGET_MS ? 'under' : 'over');
          say(`- ${baseline}: median call ${all.toFixed(0)} ms, ${verdict(all)} the ${STORE_TARGET_MS} ms target (set for 10 M rows; this store holds ${formatInt(reports[0].records)}); first call in a process ${first.toFixed(0)} ms, ${verdict(first)} it`);
        }
        out.store = storeOut;
      }
      return out;
    },
  };
}

/** Checks `logscope anomalies FILE --format csv` against the truth; returns its scan time and flagged minutes. */
function checkAnomaliesRun(stdout: string, stderr: string, input: BenchInput, warnings: string[]): AnomaliesRun {
  const m = SCAN_SUMMARY.exec(stderr);
  if (m === null) throw new BenchError(`logscope anomalies printed no "read N lines (...)" summary on stderr: ${JSON.stringify(stderr.slice(0, 500))}`);
  const [lines, parsed, unparsed, blank] = m.slice(1, 5).map((t) => Number(t.replaceAll(',', '')));
  if (lines !== input.truth.lines) throw new BenchError(`logscope anomalies read ${lines} lines; the generator wrote ${input.truth.lines}`);
  if (parsed + unparsed + blank !== lines) throw new BenchError(`logscope anomalies totals do not add up: ${m[0]}`);
  if (parsed !== input.expectedParsed) {
    addWarning(warnings, `logscope anomalies parsed ${parsed} lines; the generator wrote ${input.wellFormed} well-formed ones and ${input.truth.continuationLineNumbers.length} stack-trace lines to join (${input.expectedParsed})`);
  }
  if (m[6] !== input.format) addWarning(warnings, `logscope anomalies detected ${m[6]} for the ${input.format} file`);
  const rows = stdout.trim().split('\n');
  const header = rows.shift()?.split(',') ?? [];
  const bucket = header.indexOf('bucket');
  const measure = header.indexOf('measure');
  if (bucket < 0 || measure < 0) throw new BenchError(`logscope anomalies --format csv printed no bucket/measure header: ${JSON.stringify(stdout.slice(0, 300))}`);
  const flaggedErrors: string[] = [];
  let flaggedVolume = 0;
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[measure] === 'errors') flaggedErrors.push(cells[bucket]);
    else if (cells[measure] === 'volume') flaggedVolume++;
  }
  if (flaggedErrors.length === 0) throw new BenchError('logscope anomalies flagged no error minute');
  return { scanSeconds: Number(m[5]), flaggedErrors, flaggedVolume };
}

/** `112`, or `110–112` when runs disagreed. */
function distinct(values: number[]): string {
  if (values.length === 0) return '–';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}
