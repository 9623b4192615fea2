import fs from 'node:fs';
import type { Command } from 'commander';
import type { AlertHistoryEntry } from '../../alerts/history.js';
import type { Firing, RuleEvaluation } from '../../alerts/index.js';
import type { AlertDelivery } from '../../alerts/outbox-delivery.js';
import type { DeliveryReport } from '../../alerts/outbox.js';
import type { AlertRule, Config } from '../../config/index.js';
import { ConfigError, UsageError } from '../../errors.js';
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
    const reader = await openStoreReader(dataDir);
    let evaluations: RuleEvaluation[];
    try {
      const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
      const at = flags.at === undefined ? times.now() : readTimeFlag('--at', flags.at, times);
      const { evaluateRules } = await alertsModule();
      evaluations = await evaluateRules(reader.connection, rules, at, reader.span !== null ? { dataEnd: reader.span.max } : {});
    } finally {
      reader.close();
    }
    await printEvaluations(evaluations, format);
    reportErrors(evaluations);
    if (flags.dryRun === true) return;
    const delivery = await openDelivery(config, dataDir);
    // Every rule's firings are stored before a failed send (no SMTP, say) is reported.
    let unsent: unknown;
    for (const e of evaluations) {
      if (e.firings.length === 0) continue;
      try {
        await delivery.enqueue(e.rule, e.firings);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        unsent ??= err;
      }
    }
    if (unsent !== undefined) throw unsent;
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
    const controller = new AbortController();
    const { abortOnSignals, runDaemon, systemClock } = await alertsModule();
    const release = abortOnSignals(controller);
    const sink = await openDelivery(config, dataDir, controller.signal);
    let lastError = '';
    process.stderr.write(`logscope alerts daemon: ${rules.length} rule${rules.length === 1 ? '' : 's'} (${rules.map((r) => `${r.name}: ${r.schedule}`).join('; ')}); data ${dataDir}\n`);
    try {
      const summary = await runDaemon({
        rules,
        sink,
        signal: controller.signal,
        clock: systemClock,
        openStore: () => openStoreReader(dataDir),
        onEvaluation: (e) => process.stderr.write(`${e.at} ${e.rule.name}: ${e.error !== undefined ? `error: ${e.error}` : `${e.firings.length} firing${e.firings.length === 1 ? '' : 's'}${e.belowFloor.length > 0 ? ` (+${e.belowFloor.length} below the floor)` : ''}`}\n`),
        onError: (err, at) => {
          // The same failure at every flush (no SMTP server, say) is told once until it changes.
          const message = (err as Error).message;
          if (message !== lastError) process.stderr.write(`${new Date(at).toISOString()} logscope: ${message}\n`);
          lastError = message;
        },
      });
      process.stderr.write(`logscope alerts daemon: stopped after ${summary.ticks} tick${summary.ticks === 1 ? '' : 's'}, ${summary.firings} firing${summary.firings === 1 ? '' : 's'}\n`);
    } finally {
      release();
    }
  });

  common(
    alerts
      .command('test')
      .description('render the email a rule would send now, without sending: the text to stdout, the HTML to a file')
      .argument('<rule>', 'the rule name')
      .option('--at <time>', `evaluate as of this time instead of now; ${describeZonelessTimes()}`)
      .option('--from-last', `--at: ${FROM_LAST_HELP}`)
      .option('-o, --out <file.html>', 'where the HTML part goes (charts embedded)', 'logscope-alert.html'),
  ).action(async (name: string, flags: CommonFlags & { at?: string; fromLast?: boolean; out: string }) => {
    const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
    const [rule] = pickRules(config, [name], true);
    const reader = await openStoreReader(resolveDataDir(flags.data, config));
    let evaluation: RuleEvaluation;
    try {
      const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
      const at = flags.at === undefined ? times.now() : readTimeFlag('--at', flags.at, times);
      const { evaluateRule } = await alertsModule();
      evaluation = await evaluateRule(reader.connection, rule, at, reader.span !== null ? { dataEnd: reader.span.max } : {});
    } finally {
      reader.close();
    }
    if (evaluation.error !== undefined) throw new ConfigError(`rule ${rule.name}: ${evaluation.error}`);
    const firings = evaluation.firings.length > 0 ? evaluation.firings : evaluation.belowFloor;
    if (firings.length === 0) {
      await writeStdout(`rule ${rule.name} does not fire at ${evaluation.at}: no email. Try --at TIME, or "logscope alerts backtest ${rule.name} --since 7d" to find when it would have fired.\n`);
      return;
    }
    if (evaluation.firings.length === 0) process.stderr.write(`logscope: every firing of ${rule.name} is below its floor (${rule.kind === 'digest' ? 'info' : rule.minSeverity}): this email would not be sent; shown anyway\n`);
    const { renderEmail } = await import('../../alerts/email.js');
    const email = renderEmail(firings, { ...(process.env.LOGSCOPE_PUBLIC_URL ? { publicUrl: process.env.LOGSCOPE_PUBLIC_URL } : {}), ...(config.smtp?.from !== undefined ? { from: config.smtp.from } : {}) });
    // A file opened in a browser cannot resolve cid: links: the charts go in as data: URLs.
    let html = email.html;
    for (const a of email.attachments) if (a.cid !== undefined) html = html.split(`cid:${a.cid}`).join(`data:${a.contentType};base64,${a.content.toString('base64')}`);
    fs.writeFileSync(flags.out, html);
    await writeStdout(`To: ${rule.recipients.join(', ')}\nSubject: ${email.subject}\nMessage-ID: ${email.messageId}\n\n${email.text}${email.text.endsWith('\n') ? '' : '\n'}`);
    process.stderr.write(`HTML part written to ${flags.out} (${email.attachments.length} chart${email.attachments.length === 1 ? '' : 's'} embedded); nothing was sent\n`);
  });

  common(
    alerts
      .command('history')
      .description('what fired and what was sent, newest first (the alert_history view of logscope sql)')
      .option('--rule <name>', 'only this rule')
      .option('--status <status>', 'pending, sending, failed, sent, or unsent (all but sent)')
      .option('--since <time>', `only firings since: ISO time or a time ago; ${describeZonelessTimes()}`)
      .option('--limit <n>', 'rows at most', '100')
      .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
      .option('--json', JSON_OPTION_HELP),
  ).action(async (flags: CommonFlags & { rule?: string; status?: string; since?: string; limit: string }) => {
    const format = resolveOutputFormat(flags);
    const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
    const statuses = ['pending', 'sending', 'failed', 'sent', 'unsent'] as const;
    if (flags.status !== undefined && !(statuses as readonly string[]).includes(flags.status)) throw new UsageError(`--status must be one of ${statuses.join(', ')}, got "${flags.status}"`);
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${flags.limit}"`);
    const since = flags.since === undefined ? undefined : readTimeFlag('--since', flags.since, createTimeContext(config.ingest.timezone, null, false));
    const { listHistory } = await import('../../alerts/history.js');
    const entries = await listHistory(resolveDataDir(flags.data, config), {
      ...(flags.rule !== undefined ? { rule: flags.rule } : {}),
      ...(flags.status !== undefined ? { status: flags.status as (typeof statuses)[number] } : {}),
      ...(since !== undefined ? { since } : {}),
      limit,
    });
    if (format === 'json' || format === 'ndjson') {
      await writeStdout(format === 'json' ? `${JSON.stringify(entries, null, 2)}\n` : entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      return;
    }
    if (entries.length === 0 && format === 'table') {
      await writeStdout('no alerts have fired yet\n');
      return;
    }
    await writeRows(HISTORY_COLUMNS, entries.map(historyRow), format, writeStdout);
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
      const { backtestRule } = await alertsModule();
      const result = await backtestRule(reader.connection, rule, { from, to, onEvaluation: progress, ...(reader.span !== null ? { dataEnd: reader.span.max } : {}) });
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
      if (result.firingRate !== undefined) {
        const r = result.firingRate;
        process.stderr.write(`${rule.name}: ${r.per1000.toFixed(2)} firings per 1,000 judged buckets (${r.firings} in ${r.judged.toLocaleString('en-US')}): the false-alarm rate, but for real incidents\n`);
      }
      for (const e of result.errors.slice(0, 5)) process.stderr.write(`logscope: ${rule.name} at ${e.at}: ${e.message}\n`);
      if (result.errors.length > 0) process.exitCode = 1;
    } finally {
      reader.close();
    }
  });
}

const HISTORY_COLUMNS: RowColumn[] = [
  { name: 'fired at' },
  { name: 'rule' },
  { name: 'severity' },
  { name: 'series' },
  { name: 'title' },
  { name: 'status' },
  { name: 'attempts', numeric: true },
  { name: 'sent at / next try' },
  { name: 'message id' },
];

function historyRow(e: AlertHistoryEntry): Record<string, unknown> {
  const when = e.status === 'sent' ? e.sentAt : e.nextAttemptAt;
  return {
    'fired at': e.firedAt,
    rule: e.rule,
    severity: e.severity,
    series: e.series === '' ? '*' : e.series,
    title: e.title,
    status: e.status === 'failed' && e.lastError !== null ? `failed: ${e.lastError}` : e.status,
    attempts: e.attempts,
    'sent at / next try': when ?? '',
    'message id': e.messageId ?? '',
  };
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
 * Where firings go: the outbox of the data directory (stored before any send, each key once,
 * grouped by the rule's cool-down) and the SMTP mailer of the config. Each send attempt is one
 * line on stderr.
 */
/** The outbox and mailer of the config, reporting each send on stderr. */
export async function openDelivery(config: Config, dataDir: string, signal?: AbortSignal): Promise<AlertDelivery> {
  const { openAlertDelivery } = await import('../../alerts/outbox-delivery.js');
  return openAlertDelivery({ dataDir, smtp: config.smtp, onReport: reportDelivery, ...(signal !== undefined ? { signal } : {}) });
}

function reportDelivery(r: DeliveryReport): void {
  const what = `${r.rule}: ${r.firings} firing${r.firings === 1 ? '' : 's'} to ${r.recipients.join(', ')} (${r.messageId}, attempt ${r.attempt})`;
  process.stderr.write(r.status === 'sent' ? `sent ${what}\n` : `logscope: not sent ${what}: ${r.error ?? 'failed'}; next try at ${r.nextAttemptAt ?? '?'}\n`);
}

/**
 * The alerting code (rules, detectors, mailer, PNG charts), loaded when an alerts command runs:
 * imported at the top, nodemailer and resvg would be start-up time of every logscope command.
 */
function alertsModule(): Promise<typeof import('../../alerts/index.js')> {
  return import('../../alerts/index.js');
}
