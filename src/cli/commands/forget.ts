import type { Command } from 'commander';
import { forgetSources } from '../../ingest/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { formatForgetSummary } from '../summary.js';

/** `logscope forget FILE...`: remove a source's rows and manifest entry, so it can be ingested afresh. */
export function registerForget(program: Command): void {
  program
    .command('forget')
    .description('remove the stored rows, unparsed rows and manifest entry of ingested files (or stdin), so that they can be ingested afresh')
    .argument('<sources...>', 'paths of ingested files, as ingested (relative to here or absolute), or stdin')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--json', 'print the summary as JSON')
    .action(async (sources: string[], flags: { data?: string; config?: string; json?: boolean }) => {
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const summary = await forgetSources({ names: sources, dataDir: resolveDataDir(flags.data, config) });
      process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatForgetSummary(summary));
    });
}
