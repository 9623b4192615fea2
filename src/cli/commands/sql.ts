import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
// Modules one by one, not the stages' index.js: a plain query then loads neither the parsers,
// the store's writer nor zod (issue 17: start-up under 0.25 s); a named query loads its
// parameter schemas when it runs, a config file the config schema.
import { findSqlDir, isQueryName, QUERY_FILES } from '../../query/names.js';
import { prepareReadOnly } from '../../query/run.js';
import { openStoreReader, relationsNamedIn } from '../../store/reader.js';
import { resolveDataDir, resolveReaderSettings } from '../config-file.js';
import { JSON_OPTION_HELP, OUTPUT_FORMATS, resolveOutputFormat, writeStatement } from '../output.js';
import { writeStdout } from '../stdout.js';
import { createTimeContext, describeZonelessTimes, FROM_LAST_HELP, warnEmptyRange } from '../times.js';

interface SqlFlags {
  data?: string;
  config?: string;
  file?: string;
  format?: string;
  json?: boolean;
  param: string[];
  fromLast?: boolean;
}

/** `-p name=value`, repeatable. */
function collectParam(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `['bucket=5m', 'by=service']` → `{ bucket: '5m', by: 'service' }`. */
function parseParams(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`-p takes name=value, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description(`run read-only SQL over the stored logs (views: logs, unparsed, templates, sources, batches, alert_history), or a query of sql/ by name (${Object.keys(QUERY_FILES).join(', ')})`)
    .argument('[query]', 'the SQL text, or the name of a query in sql/')
    .option('-p, --param <name=value>', `a parameter of a named query (repeatable), e.g. -p bucket=5m, -p since=2h; ${describeZonelessTimes()}`, collectParam, [])
    .option('--from-last', `-p times: ${FROM_LAST_HELP}`)
    .option('-f, --file <file.sql>', 'read the SQL from a file')
    .option('--format <format>', `output: ${OUTPUT_FORMATS.join(', ')} (default: table on a terminal, csv otherwise)`)
    .option('--json', JSON_OPTION_HELP)
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .action(async (query: string | undefined, flags: SqlFlags) => {
      if ((query === undefined) === (flags.file === undefined)) throw new UsageError('give the SQL either as an argument or with -f FILE (one of them)');
      let sql: string;
      if (flags.file !== undefined) {
        try {
          sql = fs.readFileSync(flags.file, 'utf8');
        } catch (err) {
          throw new UsageError(`cannot read ${flags.file}: ${(err as Error).message}`);
        }
      } else {
        sql = query as string;
      }
      const format = resolveOutputFormat(flags);
      // A registered query by name, or its file from sql/ (which needs its parameters bound).
      const byFile = flags.file !== undefined ? Object.entries(QUERY_FILES).find(([, file]) => path.resolve(flags.file as string) === path.join(findSqlDir(), file))?.[0] : undefined;
      const named = byFile ?? (flags.file === undefined && isQueryName(sql.trim()) ? sql.trim() : undefined);
      if (named === undefined && flags.param.length > 0) throw new UsageError(`-p is for the named queries of sql/ (${Object.keys(QUERY_FILES).join(', ')})`);
      if (named === undefined && flags.fromLast === true) throw new UsageError(`--from-last is for the time parameters of the named queries of sql/ (${Object.keys(QUERY_FILES).join(', ')})`);
      const params = parseParams(flags.param);
      const settings = await resolveReaderSettings(flags.config);
      // A plain statement defines only the views it names; a named query, all of them.
      const reader = await openStoreReader(resolveDataDir(flags.data, settings), named === undefined ? { relations: relationsNamedIn(sql), span: false } : {});
      try {
        if (named !== undefined && isQueryName(named)) {
          const { prepareQuery, readTimeParams } = await import('../../query/registry.js');
          const times = createTimeContext(settings.timezone, reader.span, flags.fromLast === true);
          const values = readTimeParams(named, params, times);
          const written = await writeStatement(await prepareQuery(reader.connection, named, values), format, writeStdout);
          if (written === 0) warnEmptyRange(reader.span, timeOf(values.since ?? values.new_since), timeOf(values.until));
          return;
        }
        for (const [i, prepared] of (await prepareReadOnly(reader.connection, sql)).entries()) {
          if (i > 0 && format === 'table') await writeStdout('\n');
          await writeStatement(prepared, format, writeStdout);
        }
      } finally {
        reader.close();
      }
    });
}

/** A parameter value as an ISO time, when it is one (readTimeParams has read it), else null. */
function timeOf(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}
