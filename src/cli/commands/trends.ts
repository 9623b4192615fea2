import type { Command } from 'commander';
import { countedSlots, prepareQuery, readTimeParams } from '../../query/index.js';
import { openStoreReader } from '../../store/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeStatement } from '../output.js';
import { writeStdout } from '../stdout.js';
import { createTimeContext, describeZonelessTimes, FROM_LAST_HELP, warnEmptyRange } from '../times.js';

interface TrendsFlags {
  bucket: string;
  by?: string;
  since?: string;
  until?: string;
  fromLast?: boolean;
  format?: string;
  json?: boolean;
  data?: string;
  config?: string;
}

export function registerTrends(program: Command): void {
  program
    .command('trends')
    .description('lines per time bucket and level, zero-filled, with the error rate (sql/trends.sql)')
    .option('-b, --bucket <width>', 'bucket width: 1m, 5m, 1h, 1d, ...', '1h')
    .option('--by <field>', 'one series per service, host, level or attrs key')
    .option('--since <time>', `from: ISO time, or a time ago such as -2h, 30d; ${describeZonelessTimes()}`)
    .option('--until <time>', 'up to (exclusive): ISO time, now, or a time ago')
    .option('--from-last', FROM_LAST_HELP)
    .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
    .option('--json', JSON_OPTION_HELP)
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .action(async (flags: TrendsFlags) => {
      const format = resolveOutputFormat(flags);
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const reader = await openStoreReader(resolveDataDir(flags.data, config));
      try {
        const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
        const range = readTimeParams('trends', { since: flags.since ?? null, until: flags.until ?? null }, times) as { since: string | null; until: string | null };
        const prepared = await prepareQuery(reader.connection, 'trends', {
          bucket: flags.bucket,
          by: flags.by ?? '',
          ...range,
        }, countedSlots({ ...range, by: flags.by ?? '', bucket: flags.bucket }));
        if ((await writeStatement(prepared, format, writeStdout)) === 0) warnEmptyRange(reader.span, range.since, range.until);
      } finally {
        reader.close();
      }
    });
}
