import type { Command } from 'commander';
import { queryCoverage } from '../../query/index.js';
import { openStoreReader } from '../../store/index.js';
import { resolveConfig, resolveDataDir } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRecords } from '../output.js';
import { writeStdout } from '../stdout.js';
import { percent } from '../summary.js';

const COVERAGE_COLUMNS = ['source', 'format', 'lines', 'parsed', 'unparsed', 'blank', 'joined', 'parsedShare'].map((name) => ({ name, numeric: name !== 'source' && name !== 'format' }));

export function registerCoverage(program: Command): void {
  program
    .command('coverage')
    .description('per source: the format, the share of lines parsed, and the commonest shapes of the unparsed lines')
    .option('-d, --data <dir>', 'data directory (env LOGSCOPE_DATA; default ./logscope-data)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--top <n>', 'shapes shown per source', '3')
    .option('--format <format>', 'table, csv, json or ndjson (default: table; csv leaves out the shapes)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (flags: { data?: string; config?: string; top: string; format?: string; json?: boolean }) => {
      const format = resolveOutputFormat(flags, 'table');
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const reader = await openStoreReader(resolveDataDir(flags.data, config));
      try {
        const coverage = await queryCoverage(reader.connection, Math.max(0, Number.parseInt(flags.top, 10) || 0));
        if (format !== 'table') {
          await writeRecords(COVERAGE_COLUMNS, coverage, format, writeStdout);
          return;
        }
        const out: string[] = [];
        for (const c of coverage) {
          out.push(`${c.source}  ${c.format}  ${percent(c.parsedShare)} parsed  (${c.lines.toLocaleString('en-US')} lines: ${c.parsed.toLocaleString('en-US')} parsed, ${c.unparsed.toLocaleString('en-US')} unparsed, ${c.blank.toLocaleString('en-US')} blank)`);
          for (const s of c.shapes) out.push(`    ${String(s.count).padStart(8)} × ${JSON.stringify(s.shape)}  (first at line ${s.firstLine})`);
        }
        if (coverage.length === 0) out.push('no sources ingested yet');
        process.stdout.write(out.join('\n') + '\n');
      } finally {
        reader.close();
      }
    });
}
