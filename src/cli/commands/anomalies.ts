import type { Command } from 'commander';
import { detectAnomalies, detectAnomaliesInFiles, type AnomalyEvent, type DetectResult } from '../../detect/index.js';
import { UsageError } from '../../errors.js';
import { openStoreReader } from '../../store/index.js';
import { assertTimezone, resolveConfig, resolveDataDir, resolveFormat, resolveWorkers, retireShortFlag } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRows, type OutputFormat, type RowColumn } from '../output.js';
import { writeStdout } from '../stdout.js';

interface AnomaliesFlags {
  bucket: string;
  by?: string;
  since?: string;
  until?: string;
  window: string;
  baseline: string;
  season: string;
  seasons: string;
  spread: string;
  confirm: string;
  weekly: boolean;
  threshold: string;
  minCount: string;
  metric?: string;
  direction?: string;
  explain?: boolean;
  top: string;
  perDay?: boolean;
  format?: string;
  json?: boolean;
  data?: string;
  config?: string;
  inputFormat?: string;
  pattern?: string;
  template?: string;
  workers?: string;
  timezone?: string;
}

const ANOMALY_COLUMNS: RowColumn[] = [
  { name: 'bucket' },
  { name: 'series' },
  { name: 'measure' },
  { name: 'observed', numeric: true },
  { name: 'expected', numeric: true },
  { name: 'stddev', numeric: true },
  { name: 'z', numeric: true },
  { name: 'severity' },
  { name: 'baseline' },
];
const DAY_COLUMNS: RowColumn[] = [{ name: 'day' }, { name: 'firings', numeric: true }, { name: 'buckets', numeric: true }];
const CONTRIBUTOR_COLUMNS: RowColumn[] = [
  { name: 'dimension' },
  { name: 'value' },
  { name: 'before', numeric: true },
  { name: 'during', numeric: true },
  { name: 'change', numeric: true },
];

export function registerAnomalies(program: Command): void {
  program
    .command('anomalies')
    .description('buckets whose error count, volume or metric is unusual against a trailing and seasonal baseline (sql/zscore.sql); over the store, or straight from log files')
    .argument('[inputs...]', 'log files, directories, globs or - (stdin) to read directly instead of the store: nothing is stored')
    .option('-b, --bucket <width>', 'bucket width: 1m, 5m, 30m, 1h, ...', '1m')
    .option('--by <field>', 'one series per service, host, level or attrs key (default: all lines as one series)')
    .option('--since <time>', 'from: ISO time, or a time ago such as -2h, 30d (history before it still feeds the baseline)')
    .option('--until <time>', 'up to (exclusive): ISO time, now, or a time ago')
    .option('--window <n>', 'buckets in the trailing baseline', '60')
    .addOption(retireShortFlag('-w', '--window', 'anomalies', '-w is --workers in ingest'))
    .option('--baseline <kind>', 'auto (seasonal where a previous day exists, else trailing), trailing, or seasonal', 'auto')
    .option('--season <width>', 'seasonal period: 1d (time of day) or 7d (hour of the week)', '1d')
    .option('--seasons <n>', 'previous periods in the seasonal sample', '7')
    .option('--spread <n>', 'buckets either side of the same time in the seasonal sample', '5')
    .option('--confirm <z>', 'seasonal: the trailing z must also pass this, on the same side', '1')
    .option('--no-weekly', 'seasonal: do not also check against the same time in earlier weeks')
    .option('-t, --threshold <z>', '|z| that flags a bucket (at once past twice this; otherwise two buckets in a row)', '3')
    .option('--min-count <n>', 'counts: ignore buckets where both observed and expected are below this', '5')
    .option('--metric <expr>', 'an aggregate per bucket instead of error count and volume, e.g. "avg(latency_ms)"')
    .option('--direction <dir>', 'with --metric: flag rises (up), drops (down) or both', 'both')
    .option('--explain', 'name the services, hosts and messages that changed most in each anomaly')
    .option('--top <n>', 'contributors shown per dimension with --explain', '5')
    .option('--per-day', 'print only the firings per day (a backtest of the rule)')
    .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
    .option('--json', JSON_OPTION_HELP)
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--input-format <name>', 'with input files: their format, as ingest --input-format (default auto)')
    .option('--pattern <regex>', 'with input files: a regular expression with named groups')
    .option('--template <template>', 'with input files: a Loghub-style template')
    .option('--workers <n>', 'with input files: parse worker threads (env LOGSCOPE_WORKERS; default one per core)')
    .option('--timezone <zone>', 'with input files: zone of timestamps that carry none (default local)')
    .action(async (inputs: string[], flags: AnomaliesFlags) => {
      const format = resolveOutputFormat(flags);
      if (flags.direction !== 'up' && flags.direction !== 'down' && flags.direction !== 'both') throw new UsageError(`--direction must be up, down or both, got "${flags.direction}"`);
      if (flags.baseline !== 'auto' && flags.baseline !== 'trailing' && flags.baseline !== 'seasonal') throw new UsageError(`--baseline must be auto, trailing or seasonal, got "${flags.baseline}"`);
      // Only a scan of files runs the config's patterns.
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: inputs.length > 0 });
      const settings = {
          bucket: flags.bucket,
          by: flags.by ?? '',
          since: flags.since ?? null,
          until: flags.until ?? null,
          window: flags.window,
          baseline: flags.baseline as 'auto' | 'trailing' | 'seasonal',
          season: flags.season,
          seasons: flags.seasons,
          spread: flags.spread,
          confirm: flags.confirm,
          weekly: flags.weekly,
          threshold: flags.threshold,
          min_count: flags.minCount,
      };
      let result: DetectResult;
      if (inputs.length > 0) {
        if (flags.metric !== undefined || flags.explain === true) throw new UsageError('--metric and --explain need the stored records: ingest the files, then run anomalies without inputs');
        const scanned = await detectAnomaliesInFiles({
          inputs,
          format: resolveFormat(flags.inputFormat, flags.pattern, config, flags.template),
          workers: resolveWorkers(flags.workers, config),
          timezone: assertTimezone(flags.timezone, config),
          detect: settings,
        });
        for (const e of scanned.scan.errors) process.stderr.write(`logscope: ${e.message}\n`);
        const t = scanned.scan.totals;
        process.stderr.write(
          `read ${t.lines.toLocaleString('en-US')} lines (${t.parsed.toLocaleString('en-US')} parsed, ${t.unparsed.toLocaleString('en-US')} unparsed, ${t.blank.toLocaleString('en-US')} blank) ` +
            `from ${scanned.scan.sources.length} source${scanned.scan.sources.length === 1 ? '' : 's'} in ${(scanned.scan.elapsedMs / 1000).toFixed(1)} s (${scanned.scan.sources.map((x) => x.format).filter((f, i, a) => a.indexOf(f) === i).join(', ')}); nothing stored\n`,
        );
        if (scanned.scan.errors.length > 0) process.exitCode = 1;
        result = scanned;
      } else {
        const reader = await openStoreReader(resolveDataDir(flags.data, config));
        try {
          result = await detectAnomalies(reader.connection, {
            ...settings,
            metric: flags.metric,
            direction: flags.direction,
            explain: flags.explain === true,
            top: Number.parseInt(flags.top, 10) || 5,
          });
        } finally {
          reader.close();
        }
      }
      await printResult(result, format, flags.perDay === true);
    });
}

async function printResult(result: DetectResult, format: OutputFormat, perDay: boolean): Promise<void> {
  if (perDay) {
    await writeRows(DAY_COLUMNS, result.firingsPerDay as unknown as Record<string, unknown>[], format, writeStdout);
    return;
  }
  if (format === 'json') {
    await writeStdout(`${JSON.stringify({ anomalies: result.anomalies, events: result.events, firingsPerDay: result.firingsPerDay }, null, 2)}\n`);
    return;
  }
  const rows = result.anomalies as unknown as Record<string, unknown>[];
  if (format !== 'table') {
    await writeRows([...ANOMALY_COLUMNS, { name: 'z_trailing', numeric: true }, { name: 'samples', numeric: true }], rows, format, writeStdout);
    return;
  }
  if (result.anomalies.length === 0) {
    await writeStdout('no anomalies\n');
    return;
  }
  await writeRows(ANOMALY_COLUMNS, rows, 'table', writeStdout);
  for (const event of result.events) {
    if (event.explanation === undefined) continue;
    await writeStdout(`\n${describeEvent(event)}\n`);
    await writeRows(CONTRIBUTOR_COLUMNS, event.explanation as unknown as Record<string, unknown>[], 'table', writeStdout);
  }
  await writeStdout(`\n${result.events.length} firing${result.events.length === 1 ? '' : 's'} (runs of flagged buckets) per day:\n`);
  await writeRows(DAY_COLUMNS, result.firingsPerDay as unknown as Record<string, unknown>[], 'table', writeStdout);
}

function describeEvent(event: AnomalyEvent): string {
  const z = event.peak.z === null ? 'flat history' : `peak z ${event.peak.z.toFixed(1)}`;
  return `${event.measure} of ${event.series} from ${event.start} to ${event.end} (${event.buckets} bucket${event.buckets === 1 ? '' : 's'}, ${z}, ${event.severity}): what changed`;
}
