import type { Command } from 'commander';
import { detectAnomalies, detectAnomaliesInFiles, type AnomalyEvent, type Contributor, type DetectResult } from '../../detect/index.js';
import { UsageError } from '../../errors.js';
import { DEFAULT_DETECT_BUCKET, parseDurationSeconds, readTimeParams, type TimeContext } from '../../query/index.js';
import { openStoreReader, type StoreSpan } from '../../store/index.js';
import { assertTimezone, resolveConfig, resolveDataDir, resolveFormat, resolveWorkers, retireShortFlag, type InputFlags } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRows, type OutputFormat, type RowColumn } from '../output.js';
import { writeStdout } from '../stdout.js';
import { chooseDetectBucket, createTimeContext, describeLongRange, describeZonelessTimes, FROM_LAST_HELP, warnEmptyRange } from '../times.js';

interface AnomaliesFlags extends InputFlags {
  bucket?: string;
  by?: string;
  since?: string;
  until?: string;
  fromLast?: boolean;
  window: string;
  baseline: string;
  season: string;
  seasons: string;
  spread: string;
  confirm: string;
  weekly: boolean;
  threshold: string;
  minCount: string;
  minChange: string;
  robust: boolean;
  dayFloor: boolean;
  dayMax: boolean;
  metric?: string;
  direction?: string;
  explain?: boolean;
  top: string;
  perDay?: boolean;
  buckets?: boolean;
  format?: string;
  json?: boolean;
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
/** `--per-day`: also the buckets judged that day and the firings per 1,000 of them. */
const BACKTEST_DAY_COLUMNS: RowColumn[] = [...DAY_COLUMNS, { name: 'judged', numeric: true }, { name: 'per_1000', numeric: true }];
const EVENT_COLUMNS: RowColumn[] = [
  { name: 'start (UTC)' },
  { name: 'end' },
  { name: 'series' },
  { name: 'measure' },
  { name: 'peak z', numeric: true },
  { name: 'observed', numeric: true },
  { name: 'expected (±sd)', numeric: true },
  { name: 'flagged', numeric: true },
  { name: 'severity' },
];

export function registerAnomalies(program: Command): void {
  program
    .command('anomalies')
    .description('buckets whose error count, volume or metric is unusual against a trailing and seasonal baseline (sql/zscore.sql); over the store, or straight from log files')
    .argument('[inputs...]', 'log files, directories, globs or - (stdin) to read directly instead of the store: nothing is stored')
    .option('-b, --bucket <width>', 'bucket width: 1m, 5m, 30m, 1h, ... (default 1m; over a range of more than 100,000 minutes, the smallest wider width within that)')
    .option('--by <field>', 'one series per service, host, level or attrs key (default: all lines as one series)')
    .option('--since <time>', `from: ISO time, or a time ago such as -2h, 30d (history before it still feeds the baseline); ${describeZonelessTimes()}`)
    .option('--until <time>', 'up to (exclusive): ISO time, now, or a time ago')
    .option('--from-last', `${FROM_LAST_HELP} (not with input files)`)
    .option('--window <n>', 'buckets in the trailing baseline', '60')
    .addOption(retireShortFlag('-w', '--window', 'anomalies', '-w is --workers in ingest'))
    .option('--baseline <kind>', 'auto (seasonal where a previous day exists, else trailing), trailing, or seasonal', 'auto')
    .option('--season <width>', 'seasonal period: 1d (time of day) or 7d (hour of the week)', '1d')
    .option('--seasons <n>', 'previous periods in the seasonal sample', '7')
    .option('--spread <n>', 'buckets either side of the same time in the seasonal sample', '5')
    .option('--confirm <z>', 'seasonal, counts (and --no-robust): the trailing z must also pass this, on the same side', '1')
    .option('--no-weekly', 'seasonal: do not also check against the same time in earlier weeks')
    .option('-t, --threshold <z>', '|z| that flags a bucket (at once past twice this; otherwise two buckets in a row)', '3')
    .option('--min-count <n>', 'counts: ignore buckets where both observed and expected are below this', '5')
    .option('--min-change <share>', 'value metrics: ignore changes smaller than this share of the expected value (0.1 = 10%; 0 = any)', '0.1')
    .option('--no-robust', 'value metrics: mean and stddev of the trailing window and the raw seasonal values, without the noise floor (the earlier judgement)')
    .option('--no-day-floor', 'value metrics: judge sustained changes against the trailing spread alone, not also the usual spread at that time of day')
    .option('--no-day-max', 'value metrics: a lone spike in a heavy-tailed series need not exceed the largest distance of a typical earlier day')
    .option('--metric <expr>', 'an aggregate per bucket instead of error count and volume, e.g. "avg(latency_ms)"')
    .option('--direction <dir>', 'with --metric: flag rises (up), drops (down) or both', 'both')
    .option('--explain', 'name the services, hosts and messages that changed most in each anomaly')
    .option('--top <n>', 'contributors shown per dimension with --explain', '5')
    .option('--per-day', 'print only the firings per day (a backtest of the rule), with the buckets judged and the firings per 1,000 of them (per_1000)')
    .option('--buckets', 'table: one row per flagged bucket instead of one per event')
    .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
    .option('--json', JSON_OPTION_HELP)
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--input-format <name>', 'with input files: their format, as ingest --input-format (default auto)')
    .option('--pattern <regex>', 'with input files: a regular expression with named groups')
    .option('--template <template>', 'with input files: a Loghub-style template')
    .option('--time-format <layout>', "with --pattern or --template: the strftime-style layout of the time, e.g. '%d.%m.%Y %H:%M:%S'")
    .option('--workers <n>', 'with input files: parse worker threads (env LOGSCOPE_WORKERS; default one per core)')
    .option('--timezone <zone>', 'with input files: zone of timestamps that carry none (default local)')
    .action(async (inputs: string[], flags: AnomaliesFlags) => {
      const format = resolveOutputFormat(flags);
      if (flags.direction !== 'up' && flags.direction !== 'down' && flags.direction !== 'both') throw new UsageError(`--direction must be up, down or both, got "${flags.direction}"`);
      if (flags.baseline !== 'auto' && flags.baseline !== 'trailing' && flags.baseline !== 'seasonal') throw new UsageError(`--baseline must be auto, trailing or seasonal, got "${flags.baseline}"`);
      // Only a scan of files runs the config's patterns.
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: inputs.length > 0 });
      if (inputs.length > 0 && flags.fromLast === true) throw new UsageError('--from-last needs the stored records: ingest the files, then run anomalies without inputs');
      // Zone-less times in the zone the timestamps were (or, from files, are) read in.
      const timezone = assertTimezone(flags.timezone, config);
      const settings = {
          // Chosen for the range below when not given.
          bucket: flags.bucket ?? DEFAULT_DETECT_BUCKET,
          by: flags.by ?? '',
          window: flags.window,
          baseline: flags.baseline as 'auto' | 'trailing' | 'seasonal',
          season: flags.season,
          seasons: flags.seasons,
          spread: flags.spread,
          confirm: flags.confirm,
          weekly: flags.weekly,
          threshold: flags.threshold,
          min_count: flags.minCount,
          min_change: flags.minChange,
          robust: flags.robust,
          day_floor: flags.dayFloor,
          day_max: flags.dayMax,
      };
      const readRange = (times: TimeContext) => readTimeParams('zscore', { since: flags.since ?? null, until: flags.until ?? null }, times) as { since: string | null; until: string | null };
      let result: DetectResult;
      let span: StoreSpan | null = null;
      let range = readRange(createTimeContext(timezone, null, false));
      if (inputs.length > 0) {
        if (flags.metric !== undefined || flags.explain === true) throw new UsageError('--metric and --explain need the stored records: ingest the files, then run anomalies without inputs');
        let notice: string | undefined;
        const scanned = await detectAnomaliesInFiles({
          inputs,
          format: resolveFormat(flags.inputFormat, flags.pattern, config, flags.template, flags.timeFormat),
          workers: resolveWorkers(flags.workers, config),
          timezone,
          detect: { ...settings, bucket: flags.bucket, ...range },
          bucketFor: (read) => {
            const chosen = chooseDetectBucket(read, range.since, range.until, undefined);
            notice = chosen.notice;
            return chosen.bucket;
          },
        });
        settings.bucket = scanned.bucket;
        if (notice !== undefined) process.stderr.write(`logscope: ${notice}\n`);
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
          span = reader.span;
          range = readRange(createTimeContext(timezone, span, flags.fromLast === true));
          const chosen = chooseDetectBucket(span, range.since, range.until, flags.bucket);
          settings.bucket = chosen.bucket;
          if (chosen.notice !== undefined) process.stderr.write(`logscope: ${chosen.notice}\n`);
          const long = describeLongRange(span, range.since, range.until, settings.bucket, parseDurationSeconds(settings.bucket) ?? 0);
          if (long !== undefined) process.stderr.write(`logscope: ${long}\n`);
          result = await detectAnomalies(reader.connection, {
            counted: true,
            ...settings,
            ...range,
            metric: flags.metric,
            direction: flags.direction,
            explain: flags.explain === true,
            top: Number.parseInt(flags.top, 10) || 5,
            countJudged: flags.perDay === true,
          });
        } finally {
          reader.close();
        }
      }
      await printResult(result, format, flags.perDay === true, flags.buckets === true, settings.bucket);
      if (result.anomalies.length === 0) warnEmptyRange(span, range.since, range.until);
    });
}

async function printResult(result: DetectResult, format: OutputFormat, perDay: boolean, perBucket: boolean, bucket: string): Promise<void> {
  if (perDay) {
    await writeRows(result.firingRate !== undefined ? BACKTEST_DAY_COLUMNS : DAY_COLUMNS, result.firingsPerDay as unknown as Record<string, unknown>[], format, writeStdout);
    const rate = result.firingRate;
    // On stderr, so that csv and json stay one table: the rate a user sees before turning an alert on.
    if (rate !== undefined) {
      process.stderr.write(
        `${rate.firings} firing${rate.firings === 1 ? '' : 's'} in ${rate.judged.toLocaleString('en-US')} judged buckets over ${rate.days} day${rate.days === 1 ? '' : 's'}: ` +
          `${rate.per1000.toFixed(2)} per 1,000 buckets (each a false alarm unless it was a real incident)\n`,
      );
      const bySeries = rate.bySeries ?? [];
      if (bySeries.length > 1) {
        const shown = bySeries.slice(0, 5).map((s) => `${s.series} ${s.per1000.toFixed(2)} (${s.firings} in ${s.judged.toLocaleString('en-US')})`);
        process.stderr.write(`per series, highest first: ${shown.join(', ')}${bySeries.length > 5 ? `, and ${bySeries.length - 5} more` : ''}\n`);
      }
    }
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
  if (perBucket) {
    await writeRows(ANOMALY_COLUMNS, rows, 'table', writeStdout);
  } else {
    await writeRows(EVENT_COLUMNS, result.events.map((e) => describeEventRow(e, unitOf(e.measure, result, bucket))), 'table', writeStdout);
    await writeStdout(
      `observed and expected (±sd) are at the peak bucket, per ${bucket}: errors = error lines, volume = lines, a metric = its value\n` +
        `flagged = buckets past the threshold within the event; --buckets lists each of them\n`,
    );
  }
  for (const event of result.events) {
    if (event.explanation === undefined) continue;
    await writeStdout(`\n${describeEvent(event)}\n`);
    await writeRows(contributorColumns(event.measure), event.explanation.map((c) => describeContributor(c, event.measure)), 'table', writeStdout);
  }
  await writeStdout(`\n${result.events.length} firing${result.events.length === 1 ? '' : 's'} (events) per day:\n`);
  await writeRows(DAY_COLUMNS, result.firingsPerDay as unknown as Record<string, unknown>[], 'table', writeStdout);
}

/** An event as a table row for people: times to the minute, numbers rounded, the unit beside the measure. */
function describeEventRow(event: AnomalyEvent, unit: string): Record<string, unknown> {
  const peak = event.peak;
  const start = formatTime(event.start);
  const end = formatTime(event.end);
  return {
    'start (UTC)': start,
    // The day only when it differs from the start's.
    end: end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end,
    series: event.series,
    measure: unit,
    'peak z': peak.z === null ? 'flat history' : peak.z.toFixed(1),
    observed: formatAmount(peak.observed),
    'expected (±sd)': `${formatAmount(peak.expected)} (±${formatAmount(peak.stddev)})`,
    flagged: event.buckets,
    severity: event.severity,
  };
}

/** What the measure counts per bucket: `errors/5m`, `volume/5m`, or the metric's expression per bucket. */
function unitOf(measure: string, result: DetectResult, bucket: string): string {
  const expression = result.measures.find((m) => m.name === measure && m.name === 'metric')?.expression;
  return expression === undefined ? `${measure}/${bucket}` : `${expression} per ${bucket}`;
}

/** `2026-11-24T18:01:00.000Z` → `2026-11-24 18:01` (seconds only when not zero). */
function formatTime(iso: string): string {
  const text = iso.replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
  return text.endsWith(':00') ? text.slice(0, -3) : text;
}

/** Rounded for reading: 1,234 · 57 · 2.1 · 0.63 · 0.0042; empty when unknown. */
function formatAmount(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return value === null ? '' : String(value);
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  if (abs >= 1) return value.toFixed(1);
  return String(Number(value.toPrecision(2)));
}

/** Contributor column names that say what they count: the whole event's span, before scaled to it. */
function contributorColumns(measure: string): RowColumn[] {
  const what = measure === 'errors' ? 'error lines' : measure === 'volume' ? 'lines' : 'metric';
  return [
    { name: 'dimension' },
    { name: 'value' },
    { name: `${what} before`, numeric: true },
    { name: `${what} during`, numeric: true },
    { name: 'change', numeric: true },
  ];
}

function describeContributor(c: Contributor, measure: string): Record<string, unknown> {
  const [, , before, during] = contributorColumns(measure).map((col) => col.name);
  return { dimension: c.dimension, value: c.value, [before]: formatAmount(c.before), [during]: formatAmount(c.during), change: formatSigned(c.change) };
}

function formatSigned(value: number): string {
  return value > 0 ? `+${formatAmount(value)}` : formatAmount(value);
}

function describeEvent(event: AnomalyEvent): string {
  const z = event.peak.z === null ? 'flat history' : `peak z ${event.peak.z.toFixed(1)}`;
  const span = `${formatTime(event.start)} to ${formatTime(event.end)} UTC`;
  return (
    `${event.measure} of ${event.series} from ${span} (${event.buckets} flagged bucket${event.buckets === 1 ? '' : 's'}, ${z}, ${event.severity}): what changed; ` +
    `during = over the event, before = over the trailing window before it (counts scaled to the event's length)`
  );
}
