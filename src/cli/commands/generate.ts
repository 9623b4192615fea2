import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { ANOMALY_KINDS, generateLogs, generateMetricSeries, METRIC_SERIES_KINDS, type GenerateTruth, type MetricSeriesKind } from '../../generate/index.js';
import { parseCount, resolveDeprecatedAlias } from '../config.js';
import { JSON_OPTION_HELP } from '../output.js';

interface GenerateFlags {
  lines: string;
  logFormat?: string;
  format?: string;
  json?: boolean;
  out: string;
  seed?: string;
  start?: string;
  days?: string;
  series?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write realistic synthetic logs with injected anomalies (error bursts, volume drops, slow ramps, a nightly job), plus FILE.truth.json')
    .option('-n, --lines <n>', 'number of lines (required unless --series)')
    .requiredOption('-o, --out <file>', 'output file')
    .option('--log-format <name>', 'format of the logs written: syslog, json or apache (combined access log) (default syslog)')
    // Deprecated: --format is the output format in every other command.
    .addOption(new Option('--format <name>', 'deprecated: use --log-format').hideHelp())
    .option('--seed <n>', 'random seed: the same seed gives the same file (default 1)')
    .option('--start <iso>', 'first timestamp (default 2026-11-18T00:00:00Z)')
    .option('--days <n>', 'days the timestamps span (default 7; 14 with --series)')
    .option('--series <kinds>', `instead of logs: labelled metric series as JSON lines with a numeric "value", one series per kind and seed (--seed 1,2,3): ${METRIC_SERIES_KINDS.join(', ')} or all`)
    .option('--json', `print the summary as JSON (${JSON_OPTION_HELP} in the other commands)`)
    .action(async (flags: GenerateFlags) => {
      if (flags.series !== undefined) {
        await writeMetricSeries(flags);
        return;
      }
      if (flags.lines === undefined) throw new UsageError('generate needs --lines N (or --series KINDS for labelled metric series)');
      const logFormat = resolveDeprecatedAlias('--log-format', flags.logFormat, 'generate --format', flags.format, `use --log-format ${flags.format ?? 'NAME'}`) ?? 'syslog';
      if (logFormat !== 'syslog' && logFormat !== 'json' && logFormat !== 'apache') throw new UsageError(`--log-format must be syslog, json or apache, got "${logFormat}"`);
      if (flags.start !== undefined && Number.isNaN(Date.parse(flags.start))) throw new UsageError(`--start must be an ISO timestamp, got "${flags.start}"`);
      const started = Date.now();
      const truth = await generateLogs({
        lines: parseCount(flags.lines, '--lines'),
        format: logFormat,
        out: flags.out,
        seed: flags.seed !== undefined ? parseCount(flags.seed, '--seed') : undefined,
        start: flags.start,
        days: flags.days !== undefined ? parseCount(flags.days, '--days') : undefined,
      });
      const secs = (Date.now() - started) / 1000;
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(summarizeTruth(truth, logFormat, flags.out, secs), null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `wrote ${truth.lines.toLocaleString('en-US')} ${logFormat} lines to ${flags.out} in ${secs.toFixed(1)} s ` +
          `(${truth.errorLines.toLocaleString('en-US')} errors, ${truth.malformedLines.toLocaleString('en-US')} malformed)\n` +
          `injected: ${formatAnomalyCounts(truth)}; listed in ${flags.out}.truth.json\n`,
      );
    });
}

/** `generate --series`: labelled metric series and their anomaly windows. */
async function writeMetricSeries(flags: GenerateFlags): Promise<void> {
  const kinds = flags.series === 'all' ? [...METRIC_SERIES_KINDS] : (flags.series ?? '').split(',').map((k) => k.trim());
  const unknown = kinds.find((k) => !(METRIC_SERIES_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined) throw new UsageError(`--series: unknown kind "${unknown}"; write some of ${METRIC_SERIES_KINDS.join(', ')} (comma-separated), or all`);
  const seeds = (flags.seed ?? '1').split(',').map((s) => parseCount(s.trim(), '--seed'));
  const truth = await generateMetricSeries({
    out: flags.out,
    kinds: kinds as MetricSeriesKind[],
    seeds,
    start: flags.start,
    ...(flags.days !== undefined ? { days: parseCount(flags.days, '--days') } : {}),
  });
  const windows = truth.series.reduce((n, s) => n + s.windows.length, 0);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify({ out: flags.out, series: truth.series.length, windows, truth: `${flags.out}.truth.json` }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `wrote ${truth.series.length} labelled metric series (${truth.series.map((s) => s.name).join(', ')}) to ${flags.out}: ${windows} anomaly windows, listed in ${flags.out}.truth.json\n` +
      `try: logscope ingest ${flags.out} && logscope anomalies --metric 'avg(value)' --by service --bucket ${truth.intervalSeconds / 60}m\n`,
  );
}

/** `21 error_burst, 21 volume_drop, 21 slow_ramp, 7 recurring_burst (expected)`: every kind, zeros included. */
function formatAnomalyCounts(truth: GenerateTruth): string {
  return ANOMALY_KINDS.map((kind) => {
    const count = truth.anomalies.filter((a) => a.kind === kind).length;
    return kind === 'recurring_burst' ? `${count} ${kind} (expected)` : `${count} ${kind}`;
  }).join(', ');
}

/** What `generate --json` prints: the counts of the human summary, the anomalies per kind. */
function summarizeTruth(truth: GenerateTruth, format: string, out: string, seconds: number): Record<string, unknown> {
  const anomalies = Object.fromEntries(ANOMALY_KINDS.map((kind) => [kind, truth.anomalies.filter((a) => a.kind === kind).length]));
  return { out, format, lines: truth.lines, errorLines: truth.errorLines, malformedLines: truth.malformedLines, anomalies, truth: `${out}.truth.json`, seconds };
}
