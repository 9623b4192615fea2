import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { parseDurationSeconds } from '../../query/index.js';
import { pruneStore, type PruneSummary } from '../../store/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { formatBytes, formatCount } from '../summary.js';

/** `logscope prune --older-than 30d`: drop what is older than an age, by whole days. */
export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('drop stored records older than an age, by whole UTC days (the day the cutoff falls in stays until all of it is old), with the manifest entries of files gone and their lines; template counts and first/last seen are recomputed')
    .requiredOption('--older-than <age>', 'age such as 30d, 12h, 2w')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--dry-run', 'say what would be dropped, change nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: { olderThan: string; data?: string; config?: string; dryRun?: boolean; json?: boolean }) => {
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const olderThan = parseAge(flags.olderThan, '--older-than');
      const summary = await pruneStore(resolveDataDir(flags.data, config), { olderThan, dryRun: flags.dryRun === true });
      process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatPruneSummary(summary));
    });
}

/** An age given on the command line (`30d`, `12h`, `2 weeks`), in ms; a UsageError naming the option otherwise. */
export function parseAge(text: string, option: string): number {
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw new UsageError(`${option} must be an age such as 30d, 12h or 2w, got "${text}"`);
  return seconds * 1000;
}

/** The human-readable prune summary. */
export function formatPruneSummary(s: PruneSummary): string {
  const verb = s.dryRun ? 'would drop' : 'dropped';
  const out = s.days.map((d) => `${verb} ${d.day}: ${formatCount(d.files)} files, ${formatCount(d.rows)} rows, ${formatBytes(d.bytes)}`);
  if (s.unparsed.files > 0) out.push(`${verb} unparsed lines ingested before the cutoff: ${formatCount(s.unparsed.files)} files, ${formatCount(s.unparsed.rows)} lines`);
  if (s.days.length === 0 && s.unparsed.files === 0) out.push(`nothing older than ${s.cutoff} to drop in ${s.dataDir}`);
  if (s.keptPartialDay !== null) out.push(`kept ${s.keptPartialDay} whole: the cutoff ${s.cutoff} falls in it (it goes once all of it is older)`);
  for (const e of s.entries) out.push(`${s.dryRun ? 'would forget' : 'forgot'} manifest entry ${e} (no line left, file gone)`);
  if (!s.dryRun && (s.signaturesUpdated > 0 || s.signaturesRemoved > 0)) {
    out.push(`templates: ${formatCount(s.signaturesUpdated)} signatures recounted from the rows left, ${formatCount(s.signaturesRemoved)} with no row left removed (${formatCount(s.templatesRemoved)} templates)`);
  }
  out.push(`${s.dataDir}${s.dryRun ? ': dry run, nothing changed' : ''}${s.waiting > 0 ? `; ${s.waiting} dropped files kept on disk until the readers open on them close` : ''} · ${s.seconds.toFixed(2)} s`);
  return out.join('\n') + '\n';
}
