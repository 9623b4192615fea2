import type { Command } from 'commander';
import type { LiveAlerts } from '../../alerts/index.js';
import { UsageError } from '../../errors.js';
import { watchFiles, type WatchBatch } from '../../ingest/index.js';
import { parseDurationSeconds } from '../../query/index.js';
import type { RunningServer } from '../../serve/index.js';
import { assertTimezone, parseCount, resolveConfig, resolveDataDir, resolveFormat, resolveWorkers, type InputFlags } from '../config.js';
import { openDelivery } from './alerts.js';
import { compactStore, pruneStore } from '../../store/index.js';
import { formatPruneSummary, parseAge } from './prune.js';
import { parsePort } from './serve.js';

interface WatchFlags extends InputFlags {
  interval: string;
  multilineWait?: string;
  chunkSize?: string;
  batchSize?: string;
  mining?: boolean;
  alerts?: boolean;
  serve?: boolean;
  port: string;
  host: string;
  token?: string;
  quiet?: boolean;
  retain?: string;
}

/** How often a watcher prunes with --retain (and at its first look). */
const PRUNE_EVERY_MS = 3_600_000;

/** A duration flag in ms: `500ms`, `5s`, `2m`, `1.5s`. */
export function parseDurationMs(text: string, option: string): number {
  const ms = /^\s*(\d+)\s*ms\s*$/i.exec(text);
  const value = ms !== null ? Number(ms[1]) : (parseDurationSeconds(text) ?? NaN) * 1000;
  if (!Number.isFinite(value) || value < 10) throw new UsageError(`${option} must be a duration of at least 10ms such as 500ms, 5s or 1m, got "${text}"`);
  return Math.round(value);
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('follow growing log files as tail -F does: store new lines every interval, run the alert rules on them, merge small files between looks (as logscope compact does), optionally serve the dashboard')
    .argument('<inputs...>', 'files, directories, quoted globs (files matching later are picked up); rotated files are followed to their end')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG; default ./logscope.config.json if present)')
    .option('--input-format <name>', 'auto (detect per file), syslog, json, regex, ..., or a format named in the config file (config ingest.format; default auto)')
    .option('--pattern <regex>', 'a regular expression with named groups (implies --input-format regex)')
    .option('--template <template>', 'a Loghub-style template of <Header> fields (implies --input-format template)')
    .option('--time-format <layout>', 'with --pattern or --template: the strftime-style layout of the time')
    .option('-w, --workers <n>', 'parse worker threads (env LOGSCOPE_WORKERS; default: one per core)')
    .option('--timezone <zone>', 'zone of timestamps that carry none: local, UTC or an IANA name (default local)')
    .option('--interval <duration>', 'commit new lines this often: 500ms, 5s, 1m', '5s')
    .option('--multiline-wait <duration>', 'how long a file must be idle before the record at its end is stored (its next lines may still come); default half the interval, 100ms to 1s')
    .option('--chunk-size <bytes>', 'bytes per parse chunk (default 4M)')
    .option('--batch-size <bytes>', 'commit sooner when this many input bytes wait (default 64M)')
    .option('--no-mining', 'do not mine log templates (config mining.enabled)')
    .option('--no-alerts', 'do not run the alert rules of the config after each batch')
    .option('--serve', 'serve the dashboard from this process too (updated live)')
    .option('--port <port>', 'with --serve: TCP port (0: any free port)', '7070')
    .option('--host <address>', 'with --serve: address to listen on; anything but loopback needs --token', '127.0.0.1')
    .option('--token <secret>', 'with --serve: require this secret on every request; env LOGSCOPE_TOKEN')
    .option('--retain <age>', 'drop what is older than this (30d, 12h, 2w: whole UTC days, as logscope prune does), at start and every hour')
    .option('-q, --quiet', 'no line per batch on stderr')
    .action(async (inputs: string[], flags: WatchFlags) => {
      if (inputs.includes('-')) throw new UsageError('logscope watch follows files; standard input (-) has no position to resume from: pipe it to "logscope ingest -" instead');
      const config = resolveConfig(flags.config);
      const dataDir = resolveDataDir(flags.data, config);
      const intervalMs = parseDurationMs(flags.interval, '--interval');
      const retainMs = flags.retain !== undefined ? parseAge(flags.retain, '--retain') : undefined;
      const controller = new AbortController();
      const stop = (signal: string) => {
        if (!controller.signal.aborted) process.stderr.write(`logscope watch: ${signal}: committing the batch under way, then stopping\n`);
        controller.abort();
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      let server: RunningServer | undefined;
      let lastPrune = -Infinity;
      let live: LiveAlerts | undefined;
      const say = (line: string) => process.stderr.write(`${line}\n`);
      try {
        const rules = flags.alerts === false ? [] : config.alerts.rules;
        const alerts = await import('../../alerts/index.js');
        if (alerts.liveRules(rules).length > 0) {
          let lastError = '';
          live = alerts.createLiveAlerts({
            dataDir,
            rules,
            delivery: await openDelivery(config, dataDir, controller.signal),
            onEvaluation: (e) => {
              if (e.error !== undefined) say(`logscope watch: alert rule ${e.rule.name}: ${e.error}`);
            },
            onError: (err) => {
              // The same failure after every batch (no SMTP server, say) is told once until it changes.
              const message = (err as Error).message;
              if (message !== lastError) say(`logscope watch: ${message}`);
              lastError = message;
            },
          });
        }
        const summary = await watchFiles({
          inputs,
          dataDir,
          format: resolveFormat(flags.inputFormat, flags.pattern, config, flags.template, flags.timeFormat),
          workers: resolveWorkers(flags.workers, config),
          timezone: assertTimezone(flags.timezone, config),
          intervalMs,
          holdMs: flags.multilineWait !== undefined ? parseDurationMs(flags.multilineWait, '--multiline-wait') : undefined,
          chunkBytes: flags.chunkSize !== undefined ? parseCount(flags.chunkSize, '--chunk-size', true) : undefined,
          batchBytes: flags.batchSize !== undefined ? parseCount(flags.batchSize, '--batch-size', true) : undefined,
          mining: flags.mining === false ? { ...config.mining, enabled: false } : config.mining,
          progressFile: true,
          signal: controller.signal,
          onNotice: (message) => say(`logscope watch: ${message}`),
          onStart: async () => {
            say(`logscope watch: following ${inputs.join(' ')} into ${dataDir} every ${flags.interval}${live !== undefined ? ', with the alert rules' : ''}; Ctrl-C or SIGTERM stops it`);
            if (flags.serve !== true) return;
            const { startServer } = await import('../../serve/index.js');
            server = await startServer({ dataDir, port: parsePort(flags.port), host: flags.host, token: flags.token ?? (process.env.LOGSCOPE_TOKEN || undefined) });
            process.stdout.write(`${server.url}\n`);
          },
          onBatch: async (batch: WatchBatch) => {
            if (flags.quiet !== true) say(`${new Date(batch.committedAt).toISOString()} batch ${batch.id}: ${batch.lines.toLocaleString('en-US')} lines, ${batch.bytes.toLocaleString('en-US')} bytes (${batch.sources.join(', ')}) in ${batch.elapsedMs} ms`);
            live?.afterBatch();
          },
          // Background maintenance between looks, never racing a commit: due alert emails, then
          // the micro-batches merged as their size tiers fill (compactStore plans that cheaply
          // when there is nothing to merge), then --retain's prune at start and every hour.
          maintain: async (store, now) => {
            await live?.flushDue();
            try {
              const compacted = await compactStore(store.dataDir, { writer: store });
              const merged = compacted.groups.filter((g) => !g.skipped);
              if (merged.length > 0 && flags.quiet !== true) {
                say(`${new Date(now).toISOString()} compacted ${merged.reduce((n, g) => n + g.files, 0)} files into ${merged.length} (${compacted.filesAfter} live files)`);
              }
              if (retainMs !== undefined && now - lastPrune >= PRUNE_EVERY_MS) {
                lastPrune = now;
                const pruned = await pruneStore(store.dataDir, { olderThan: retainMs, now, writer: store });
                if (pruned.days.length > 0 || pruned.unparsed.files > 0) say(`logscope watch: --retain ${flags.retain}: ${formatPruneSummary(pruned).trimEnd()}`);
              }
            } catch (err) {
              // The store is as before a failed compaction or prune: say so, keep watching.
              say(`logscope watch: store maintenance failed (the store is unchanged, watching goes on): ${(err as Error).message}`);
            }
          },
        });
        await live?.idle();
        say(`logscope watch: stopped: ${summary.lines.toLocaleString('en-US')} lines in ${summary.batches} batches over ${(summary.elapsedMs / 1000).toFixed(1)} s`);
      } finally {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        await server?.close();
      }
    });
}
