import { Option, type Command } from 'commander';
import { ingest } from '../../ingest/index.js';
import { assertTimezone, parseCount, resolveConfig, resolveDataDir, resolveDeprecatedAlias, resolveFormat, resolveWorkers } from '../config.js';
import { createProgressReporter } from '../progress.js';
import { resolveRedisUrl } from './cluster.js';
import { formatIngestSummary, formatUnparsedShapes } from '../summary.js';

interface IngestFlags {
  data?: string;
  config?: string;
  inputFormat?: string;
  format?: string;
  pattern?: string;
  template?: string;
  timeFormat?: string;
  workers?: string;
  timezone?: string;
  chunkSize?: string;
  batchSize?: string;
  quiet?: boolean;
  json?: boolean;
  mining?: boolean;
  reingest?: boolean;
  redis?: string | boolean;
}

/** Tries of a cluster chunk job whose worker threw: $LOGSCOPE_CLUSTER_ATTEMPTS, default 3. */
function clusterAttempts(env = process.env): number | undefined {
  const v = env.LOGSCOPE_CLUSTER_ATTEMPTS;
  return v === undefined || v === '' ? undefined : parseCount(v, 'LOGSCOPE_CLUSTER_ATTEMPTS');
}

/** Chunk jobs in flight of a cluster ingest, halved: $LOGSCOPE_CLUSTER_WINDOW, default 64 (128 jobs queued or running). */
function clusterWindow(env = process.env): number | undefined {
  const v = env.LOGSCOPE_CLUSTER_WINDOW;
  return v === undefined || v === '' ? undefined : parseCount(v, 'LOGSCOPE_CLUSTER_WINDOW');
}

/** Exit code when some inputs failed and the others were ingested. */
export const EXIT_PARTIAL = 2;

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('parse log files (or - for stdin) in parallel and store them as Parquet')
    .argument('<inputs...>', 'files, directories (recursive), quoted globs, .gz files, or - for stdin')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG; default ./logscope.config.json if present)')
    .option('--input-format <name>', 'auto (detect per file), syslog, json, regex, ..., or a format named in the config file (config ingest.format; default auto)')
    // Deprecated: --format is the output format in every other command. Kept as the input
    // format (not the summary's format) because `--format json` is what existing scripts pass
    // to read JSON logs; hidden so that new users learn --input-format.
    .addOption(new Option('--format <name>', 'deprecated: use --input-format').hideHelp())
    .option('--pattern <regex>', 'a regular expression with named groups (implies --input-format regex)')
    .option('--template <template>', "a Loghub-style template of <Header> fields, e.g. '<Date> <Time> <Level> <Component>: <Content>' (implies --input-format template)")
    .option('--time-format <layout>', "with --pattern or --template: the strftime-style layout of the time, e.g. '%d.%m.%Y %H:%M:%S' (a template's is inferred from the lines when the built-in layouts do not read it)")
    .option('-w, --workers <n>', 'parse worker threads (env LOGSCOPE_WORKERS; default: one per core)')
    .option('--timezone <zone>', 'zone of timestamps that carry none: local, UTC or an IANA name such as Europe/Paris (default local)')
    .option('--chunk-size <bytes>', 'bytes per parse chunk, e.g. 8M (default 8M)')
    .option('--batch-size <bytes>', 'input bytes per atomic batch, e.g. 256M (default 256M)')
    .option('--reingest', 'replace what is stored of these inputs (read with another --format, --pattern or --template): the old rows stay visible until the new ones commit')
    .option('--redis [url]', 'a cluster ingest: chunks go as jobs to `logscope worker`s through this Redis (default: env LOGSCOPE_REDIS); inputs and --data must be on a filesystem every worker mounts at the same path')
    .option('--no-mining', 'do not mine log templates (config mining.enabled)')
    .option('-q, --quiet', 'no progress bar')
    .option('--json', 'print the summary as JSON (ingest has no other output format yet: --format is still the deprecated --input-format)')
    .action(async (inputs: string[], flags: IngestFlags) => {
      const inputFormat = resolveDeprecatedAlias('--input-format', flags.inputFormat, 'ingest --format', flags.format, `use --input-format ${flags.format ?? 'NAME'} for the format of the logs (and --json for the summary)`);
      const config = resolveConfig(flags.config);
      const progress = createProgressReporter({ stream: process.stderr, quiet: flags.quiet === true || flags.json === true });
      const redisUrl = resolveRedisUrl(flags.redis);
      const dataDir = resolveDataDir(flags.data, config);
      const pool = redisUrl !== undefined ? await (await import('../../cluster/index.js')).createClusterPool({ redisUrl, dataDir, attempts: clusterAttempts(), window: clusterWindow(), onQuiet: (m) => process.stderr.write(`\nlogscope: warning: ${m}\n`) }) : undefined;
      let summary;
      try {
        summary = await ingest({
          inputs,
          dataDir,
          pool,
          format: resolveFormat(inputFormat, flags.pattern, config, flags.template, flags.timeFormat),
          workers: resolveWorkers(flags.workers, config),
          timezone: assertTimezone(flags.timezone, config),
          chunkBytes: flags.chunkSize !== undefined ? parseCount(flags.chunkSize, '--chunk-size', true) : config.ingest.chunkBytes,
          batchBytes: flags.batchSize !== undefined ? parseCount(flags.batchSize, '--batch-size', true) : config.ingest.batchBytes,
          onProgress: (p) => progress.update(p),
          progressFile: true,
          mining: flags.mining === false ? { ...config.mining, enabled: false } : config.mining,
          reingest: flags.reingest,
        });
      } finally {
        progress.stop();
      }
      process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatIngestSummary(summary));
      if (!flags.json && summary.totals.unparsed > 0) process.stdout.write(await formatUnparsedShapes(summary));
      if (flags.json) for (const w of summary.warnings) process.stderr.write(`logscope: warning: ${w.message}\n`);
      if (summary.errors.length > 0) {
        for (const e of summary.errors) process.stderr.write(`logscope: ${e.message}\n`);
        process.exitCode = EXIT_PARTIAL;
      }
    });
}
