import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { ANOMALY_KINDS, generateLogs, type GenerateTruth } from '../../generate/index.js';
import { parseCount } from '../config.js';

interface GenerateFlags {
  lines: string;
  format: string;
  out: string;
  seed?: string;
  start?: string;
  days?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write realistic synthetic logs with injected anomalies (error bursts, volume drops, slow ramps, a nightly job), plus FILE.truth.json')
    .requiredOption('-n, --lines <n>', 'number of lines')
    .requiredOption('-o, --out <file>', 'output file')
    .option('--format <format>', 'syslog, json or apache (combined access log)', 'syslog')
    .option('--seed <n>', 'random seed: the same seed gives the same file (default 1)')
    .option('--start <iso>', 'first timestamp (default 2026-11-18T00:00:00Z)')
    .option('--days <n>', 'days the timestamps span (default 7)')
    .action(async (flags: GenerateFlags) => {
      if (flags.format !== 'syslog' && flags.format !== 'json' && flags.format !== 'apache') throw new UsageError(`--format must be syslog, json or apache, got "${flags.format}"`);
      if (flags.start !== undefined && Number.isNaN(Date.parse(flags.start))) throw new UsageError(`--start must be an ISO timestamp, got "${flags.start}"`);
      const started = Date.now();
      const truth = await generateLogs({
        lines: parseCount(flags.lines, '--lines'),
        format: flags.format,
        out: flags.out,
        seed: flags.seed !== undefined ? parseCount(flags.seed, '--seed') : undefined,
        start: flags.start,
        days: flags.days !== undefined ? parseCount(flags.days, '--days') : undefined,
      });
      const secs = (Date.now() - started) / 1000;
      process.stdout.write(
        `wrote ${truth.lines.toLocaleString('en-US')} ${flags.format} lines to ${flags.out} in ${secs.toFixed(1)} s ` +
          `(${truth.errorLines.toLocaleString('en-US')} errors, ${truth.malformedLines.toLocaleString('en-US')} malformed)\n` +
          `injected: ${formatAnomalyCounts(truth)}; listed in ${flags.out}.truth.json\n`,
      );
    });
}

/** `21 error_burst, 21 volume_drop, 21 slow_ramp, 7 recurring_burst (expected)`: every kind, zeros included. */
function formatAnomalyCounts(truth: GenerateTruth): string {
  return ANOMALY_KINDS.map((kind) => {
    const count = truth.anomalies.filter((a) => a.kind === kind).length;
    return kind === 'recurring_burst' ? `${count} ${kind} (expected)` : `${count} ${kind}`;
  }).join(', ');
}
