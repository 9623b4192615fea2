import type { Command } from 'commander';
import { listPatterns, type Pattern } from '../../detect/index.js';
import { UsageError } from '../../errors.js';
import { readTimeParams } from '../../query/index.js';
import { openStoreReader } from '../../store/index.js';
import { resolveConfig, resolveDataDir, retireShortFlag } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRows, type RowColumn } from '../output.js';
import { writeStdout } from '../stdout.js';
import { createTimeContext, describeZonelessTimes, FROM_LAST_HELP, warnEmptyRange } from '../times.js';

interface PatternsFlags {
  level?: string;
  since?: string;
  newSince?: string;
  fromLast?: boolean;
  sort: string;
  limit: string;
  format?: string;
  json?: boolean;
  data?: string;
  config?: string;
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL'] as const;

export function registerPatterns(program: Command): void {
  program
    .command('patterns')
    .description('the log templates mined at ingest: count, first/last seen, level mix, first line (sql/patterns.sql)')
    .option('--level <level>', 'only templates with lines at this level, e.g. ERROR')
    .option('--since <time>', `only templates seen since (ISO time or a time ago such as 1h); counts their lines since; ${describeZonelessTimes()}`)
    .option('--new-since <time>', 'only templates first seen since: new patterns')
    .option('--from-last', FROM_LAST_HELP)
    .option('--sort <key>', 'count, first_seen (newest first) or last_seen', 'count')
    .option('--limit <n>', 'rows at most', '50')
    .addOption(retireShortFlag('-n', '--limit', 'patterns', '-n is --lines in generate and demo'))
    .option('--format <format>', 'table, csv, json or ndjson (default: table on a terminal, csv otherwise)')
    .option('--json', JSON_OPTION_HELP)
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .action(async (flags: PatternsFlags) => {
      const format = resolveOutputFormat(flags);
      const level = flags.level?.toUpperCase() ?? '';
      if (level !== '' && !(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}, got "${flags.level}"`);
      if (!['count', 'first_seen', 'last_seen'].includes(flags.sort)) throw new UsageError(`--sort must be count, first_seen or last_seen, got "${flags.sort}"`);
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const reader = await openStoreReader(resolveDataDir(flags.data, config));
      let patterns: Pattern[];
      try {
        const times = createTimeContext(config.ingest.timezone, reader.span, flags.fromLast === true);
        const range = readTimeParams('patterns', { since: flags.since ?? null, new_since: flags.newSince ?? null }, times) as { since: string | null; new_since: string | null };
        patterns = await listPatterns(reader.connection, {
          level: level as (typeof LEVELS)[number] | '',
          ...range,
          sort: flags.sort as 'count',
          limit: flags.limit,
        });
        if (patterns.length === 0) warnEmptyRange(reader.span, latestOf(range.since, range.new_since), null);
      } finally {
        reader.close();
      }
      const columns: RowColumn[] = [
        { name: 'id' },
        { name: 'count', numeric: true },
        ...(flags.since !== undefined ? [{ name: 'recent', numeric: true }] : []),
        { name: 'errors', numeric: true },
        { name: 'first_seen' },
        { name: 'last_seen' },
        { name: 'text' },
        ...(format === 'table' ? [] : [{ name: 'levels' }, { name: 'example' }, { name: 'example_source' }, { name: 'example_line', numeric: true }]),
      ];
      const rows = patterns.map((p) => ({ ...p, id: String(p.id), errors: (p.levels.ERROR ?? 0) + (p.levels.FATAL ?? 0) }));
      if (format === 'json' || format === 'ndjson') {
        const out = patterns.map((p) => ({ ...p, id: String(p.id) }));
        await writeStdout(format === 'json' ? `${JSON.stringify(out, null, 2)}\n` : out.map((p) => JSON.stringify(p) + '\n').join(''));
        return;
      }
      if (rows.length === 0) {
        await writeStdout(format === 'table' ? 'no templates\n' : `${columns.map((c) => c.name).join(',')}\n`);
        return;
      }
      await writeRows(columns, rows, format, writeStdout);
    });
}

/** The later of two ISO times, either maybe missing. */
function latestOf(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
