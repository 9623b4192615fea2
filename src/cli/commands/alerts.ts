import type { Command } from 'commander';
import { abortOnSignals, backtestRule, evaluateRules, runDaemon, systemClock, type AlertSink, type Firing, type RuleEvaluation } from '../../alerts/index.js';
import type { AlertRule, Config } from '../../config/index.js';
import { UsageError } from '../../errors.js';
import { readTime } from '../../query/index.js';
import { openStoreReader } from '../../store/index.js';
import { findNearest, resolveConfig, resolveDataDir } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRows, type OutputFormat, type RowColumn } from '../output.js';
import { writeStdout } from '../stdout.js';
import { createTimeContext, describeZonelessTimes, FROM_LAST_HELP } from '../times.js';

interface CommonFlags {
  data?: string;
  config?: string;
  format?: string;
  json?: boolean;
}

const FIRING_COLUMNS: RowColumn[] = [
  { name: 'rule' },
  { name: 'severity' },
  { name: 'series' },
  { name: 'event start' },
  { name: 'title' },
  { name: 'status' },
];

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('alert rules of the config file (alerts.rules): evaluate, run on schedule, test, history, backtest');
  const common = (c: Command) =>
    c
      .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
      .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)');

  common(
    alerts
      .command('run')
      .description('evaluate every rule once now, hand the firings to the outbox and send them (for cron or CI)')
      .option('--rule <name>', 'only this rule (repeatable)', collect, [])
      .option('--at <time>', `evaluate as of this time instead of now: ISO time or a time ago; ${describeZonelessTimes()}`)
      .option('--from-last', `--at: ${FROM_LAST_HELP}`)
      .option('--dry-run', 'print what fires; do not store or send anything')
      .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
      .option('--json', JSON_OPTION_HELP),
  ).action(async (flags: CommonFlags & { rule: string[]; at?: string; fromLast?: boolean; dryRun?: boolean }) => {
    const format = resolveOutputFormat(flags);
    const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
    const rules = pickRules(config, flags.rule);
    const dataDir = resolveDataDir(flags.data, config);
    const sink = flags.dryRun === true ? undefined : openDelivery(config, dataDir);
    const reader = await openStoreReader(dataDir);
    let evaluations: RuleEvaluation[];
    try {
      const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
      const at = flags.at === undefined ? times.now() : readTimeFlag('--at', flags.at, times);
      evaluations = await evaluateRules(reader.connection, rules, at);
    } finally {
      reader.close();
    }
    await printEvaluations(evaluations, format);
    reportErrors(evaluations);
    if (sink !== undefined) {
      for (const e of evaluations) if (e.firings.length > 0) await sink.enqueue(e.rule, e.firings);
    }
  });

  common(
    alerts
      .command('daemon')
      .description('run the rules on their schedules until stopped (SIGTERM or Ctrl-C finishes the send under way and exits 0)')
      .option('--rule <name>', 'only this rule (repeatable)', collect, []),
  ).action(async (flags: CommonFlags & { rule: string[] }) => {
    const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
    const rules = pickRules(config, flags.rule);
    const dataDir = resolveDataDir(flags.data, config);
    const sink = openDelivery(config, dataDir);
    const controller = new AbortController();
    const release = abortOnSignals(controller);
    process.stderr.write(`logscope alerts daemon: ${rules.length} rule${rules.length === 1 ? '' : 's'} (${rules.map((r) => `${r.name}: ${r.schedule}`).join('; ')}); data ${dataDir}\n`);
    try {
      const summary = await runDaemon({
        rules,
        sink,
        signal: controller.signal,
        clock: systemClock,
        openStore: () => openStoreReader(dataDir),
        onEvaluation: (e) => process.stderr.write(`${e.at} ${e.rule.name}: ${e.error !== undefined ? `error: ${e.error}` : `${e.firings.length} firing${e.firings.length === 1 ? '' : 's'}${e.belowFloor.length > 0 ? ` (+${e.belowFloor.length} below the floor)` : ''}`}\n`),
        onError: (err, at) => process.stderr.write(`${new Date(at).toISOString()} logscope: ${(err as Error).message}\n`),
      });
      process.stderr.write(`logscope alerts daemon: stopped after ${summary.ticks} tick${summary.ticks === 1 ? '' : 's'}, ${summary.firings} firing${summary.firings === 1 ? '' : 's'}\n`);
    } finally {
      release();
    }
  });

  common(
    alerts
      .command('backtest')
      .description('when a rule would have fired: the rule at each of its scheduled times in the range, against the data before that time')
      .argument('<rule>', 'the rule name')
      .requiredOption('--since <time>', `from: ISO time or a time ago such as 30d; ${describeZonelessTimes()}`)
      .option('--until <time>', 'up to: ISO time, now, or a time ago', 'now')
      .option('--from-last', FROM_LAST_HELP)
      .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
      .option('--json', JSON_OPTION_HELP),
  ).action(async (name: string, flags: CommonFlags & { since: string; until: string; fromLast?: boolean }) => {
    const format = resolveOutputFormat(flags);
    const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
    const [rule] = pickRules(config, [name], true);
    const reader = await openStoreReader(resolveDataDir(flags.data, config));
    try {
      const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
      const from = readTimeFlag('--since', flags.since, times);
      const to = readTimeFlag('--until', flags.until, times);
      if (to < from) throw new UsageError(`--until (${new Date(to).toISOString()}) is before --since (${new Date(from).toISOString()})`);
      const progress = process.stderr.isTTY ? (done: number, total: number) => process.stderr.write(`\r${done} of ${total} scheduled times evaluated`) : undefined;
      const result = await backtestRule(reader.connection, rule, { from, to, onEvaluation: progress });
      if (progress !== undefined) process.stderr.write('\n');
      const rows = result.firings.map((b) => ({
        'evaluated at': b.evaluatedAt,
        'email at': b.belowFloor ? 'below floor' : b.emailAt,
        ...firingRow(b.firing),
      }));
      const columns: RowColumn[] = [{ name: 'evaluated at' }, { name: 'email at' }, ...FIRING_COLUMNS.filter((c) => c.name !== 'status' && c.name !== 'rule')];
      if (format === 'json') {
        await writeStdout(`${JSON.stringify(result, null, 2)}\n`);
      } else if (rows.length === 0 && format === 'table') {
        await writeStdout('no firings\n');
      } else {
        await writeRows(columns, rows, format, writeStdout);
      }
      const sent = result.firings.filter((f) => !f.belowFloor).length;
      process.stderr.write(
        `${rule.name}: ${result.evaluations} scheduled time${result.evaluations === 1 ? '' : 's'} (${rule.schedule}) from ${result.from} to ${result.to}: ` +
          `${sent} firing${sent === 1 ? '' : 's'} in ${result.emails} email${result.emails === 1 ? '' : 's'} (cool-down ${rule.cooldown})` +
          `${result.firings.length > sent ? `, ${result.firings.length - sent} below the floor (${rule.kind === 'digest' ? 'info' : rule.minSeverity})` : ''}\n`,
      );
      for (const e of result.errors.slice(0, 5)) process.stderr.write(`logscope: ${rule.name} at ${e.at}: ${e.message}\n`);
      if (result.errors.length > 0) process.exitCode = 1;
    } finally {
      reader.close();
    }
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The enabled rules, or those named (enabled or not); an unknown name suggests the nearest. */
function pickRules(config: Config, names: readonly string[], one = false): AlertRule[] {
  const all = config.alerts.rules;
  if (all.length === 0) throw new UsageError('no alert rules: add them to the config file under "alerts": {"rules": [...]} (see the README)');
  if (names.length === 0) {
    if (one) throw new UsageError('name a rule');
    const enabled = all.filter((r) => r.enabled);
    if (enabled.length === 0) throw new UsageError('every alert rule is disabled ("enabled": false); name one with --rule to run it anyway');
    return enabled;
  }
  return names.map((name) => {
    const rule = all.find((r) => r.name === name);
    if (rule !== undefined) return rule;
    const nearest = findNearest(name, all.map((r) => r.name));
    throw new UsageError(`no alert rule "${name}"${nearest !== undefined ? ` (did you mean ${nearest}?)` : ''}; rules: ${all.map((r) => r.name).join(', ')}`);
  });
}

function readTimeFlag(flag: string, value: string, times: ReturnType<typeof createTimeContext>): number {
  const ms = readTime(value, times);
  if (ms === undefined) throw new UsageError(`${flag} must be an ISO time (2026-11-25T10:00:00Z), "now", or a time ago such as -2h or 30d; got "${value}"`);
  return ms;
}

function firingRow(f: Firing): Record<string, unknown> {
  return { rule: f.rule, severity: f.severity, series: f.series === '' ? '*' : f.series, 'event start': f.eventStart, title: f.title };
}

async function printEvaluations(evaluations: readonly RuleEvaluation[], format: OutputFormat): Promise<void> {
  const rows = evaluations.flatMap((e) => [
    ...e.firings.map((f) => ({ ...firingRow(f), status: 'fires', key: f.key })),
    ...e.belowFloor.map((f) => ({ ...firingRow(f), status: `below floor (${e.rule.kind === 'digest' ? 'info' : e.rule.minSeverity})`, key: f.key })),
  ]);
  if (format === 'json') {
    await writeStdout(`${JSON.stringify(evaluations.map((e) => ({ rule: e.rule.name, at: e.at, firings: e.firings, belowFloor: e.belowFloor, ...(e.error !== undefined ? { error: e.error } : {}) })), null, 2)}\n`);
    return;
  }
  if (rows.length === 0 && format === 'table') {
    await writeStdout(`nothing fires (${evaluations.length} rule${evaluations.length === 1 ? '' : 's'} evaluated)\n`);
    return;
  }
  await writeRows(format === 'table' ? FIRING_COLUMNS : [...FIRING_COLUMNS, { name: 'key' }], rows, format, writeStdout);
}

/** A rule that could not be evaluated is one line on stderr and exit code 1; the others still ran. */
function reportErrors(evaluations: readonly RuleEvaluation[]): void {
  for (const e of evaluations) {
    if (e.error === undefined) continue;
    process.stderr.write(`logscope: rule ${e.rule.name}: ${e.error}\n`);
    process.exitCode = 1;
  }
}

/**
 * Where firings go to be stored and sent: the outbox and mailer (the other half of issue 14).
 * Not in this build yet: sending is refused rather than pretended.
 */
function openDelivery(_config: Config, _dataDir: string): AlertSink {
  throw new UsageError('sending alerts needs the outbox and mailer, which this build does not have yet; use "logscope alerts run --dry-run" to see what fires');
}
