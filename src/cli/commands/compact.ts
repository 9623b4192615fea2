import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { compactStore, DEFAULT_MIN_FILES, type CompactionSummary } from '../../store/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { formatBytes, formatCount } from '../summary.js';

/** `logscope compact`: merge a store's small Parquet files (micro-batches, many small ingests) into bigger ones. */
export function registerCompact(program: Command): void {
  program
    .command('compact')
    .description('merge the small Parquet files of each day partition (micro-batches of watch, many small ingests) into bigger ones; queries running meanwhile see every line once')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--dry-run', 'say what would be merged, change nothing')
    .option('--min-files <n>', `merge a size tier of a partition once it holds this many files (default ${DEFAULT_MIN_FILES}; 2 merges nearly everything)`)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: { data?: string; config?: string; dryRun?: boolean; minFiles?: string; json?: boolean }) => {
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const minFiles = flags.minFiles === undefined ? undefined : Number(flags.minFiles);
      if (minFiles !== undefined && !(Number.isInteger(minFiles) && minFiles >= 2)) throw new UsageError(`--min-files must be a whole number of 2 or more, got "${flags.minFiles}"`);
      const summary = await compactStore(resolveDataDir(flags.data, config), { dryRun: flags.dryRun === true, ...(minFiles === undefined ? {} : { minFiles }) });
      process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatCompactionSummary(summary));
    });
}

/** The human-readable compaction summary: one line per merge, then the totals. */
export function formatCompactionSummary(s: CompactionSummary): string {
  const verb = s.dryRun ? 'would merge' : 'merged';
  const out = s.groups.map((g) =>
    g.skipped
      ? `skipped ${g.partition}: ${g.files} files (another rewrite replaced one of them meanwhile)`
      : `${verb} ${g.partition}: ${formatCount(g.files)} files, ${formatCount(g.rows)} rows, ${formatBytes(g.bytesBefore)}${g.bytesAfter === null ? '' : ` → 1 file, ${formatBytes(g.bytesAfter)}`}`,
  );
  if (s.groups.length === 0) out.push(`nothing to merge in ${s.dataDir}: no partition holds ${s.dryRun ? '' : 'enough '}small files of one size`);
  out.push(
    `${s.dataDir}: ${formatCount(s.filesBefore)} → ${formatCount(s.filesAfter)} Parquet files${s.dryRun ? ' (dry run: nothing changed)' : ''}` +
      (s.waiting > 0 ? `; ${s.waiting} replaced file${s.waiting === 1 ? '' : 's'} kept until the readers open on them close` : '') +
      ` · ${s.seconds.toFixed(2)} s`,
  );
  return out.join('\n') + '\n';
}
