import fs from 'node:fs';
import type { Command } from 'commander';
import { QueryError, UsageError } from '../../errors.js';
import { prepareReadOnly, streamPrepared } from '../../query/index.js';
import { openStoreReader } from '../../store/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { OUTPUT_FORMATS, writeResult, type OutputFormat } from '../output.js';

interface SqlFlags {
  data?: string;
  config?: string;
  file?: string;
  format?: string;
}

/** Writes to stdout, waiting when the pipe is full. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run read-only SQL over the stored logs (views: logs, unparsed, sources, batches)')
    .argument('[query]', 'the SQL text')
    .option('-f, --file <file.sql>', 'read the SQL from a file')
    .option('--format <format>', `output: ${OUTPUT_FORMATS.join(', ')} (default: table on a terminal, csv otherwise)`)
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
      const format = (flags.format ?? (process.stdout.isTTY ? 'table' : 'csv')) as OutputFormat;
      if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${flags.format}"`);
      const config = resolveConfig(flags.config);
      const reader = await openStoreReader(resolveDataDir(flags.data, config));
      try {
        const statements = await prepareReadOnly(reader.connection, sql);
        for (const [i, prepared] of statements.entries()) {
          if (i > 0 && format === 'table') await writeStdout('\n');
          const result = await streamPrepared(prepared);
          try {
            await writeResult(result, format, writeStdout);
          } catch (err) {
            // Errors raised while rows are fetched (a bad cast, a missing file) are DuckDB's too.
            if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
            throw new QueryError((err as Error).message, { cause: err });
          }
        }
      } finally {
        reader.close();
      }
    });
}
