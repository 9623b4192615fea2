import type { Command } from 'commander';
import { loadFormats } from '../../parse/index.js';
import { resolveConfig } from '../config.js';
import { JSON_OPTION_HELP, resolveOutputFormat, writeRecords } from '../output.js';
import { writeStdout } from '../stdout.js';

const FORMAT_COLUMNS = [{ name: 'name' }, { name: 'source' }, { name: 'description' }, { name: 'example' }];

export function registerFormats(program: Command): void {
  program
    .command('formats')
    .description('list the log formats logscope can parse (built-in and from the config file)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .option('--format <format>', 'table, csv, json or ndjson (default: table)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (flags: { config?: string; format?: string; json?: boolean }) => {
      const format = resolveOutputFormat(flags, 'table');
      const formats = await loadFormats();
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      if (format !== 'table') {
        const records = [
          ...[...formats.values()].map((f) => ({ name: f.name, source: 'built-in', description: f.description, example: f.example })),
          ...Object.entries(config.formats).map(([name, f]) => ({ name, source: f.override === true ? 'config (replaces the built-in)' : 'config', description: f.template !== undefined ? `template ${f.template}` : `regex ${f.pattern}`, example: null })),
        ];
        await writeRecords(FORMAT_COLUMNS, records, format, writeStdout);
        return;
      }
      const lines: string[] = [];
      for (const f of formats.values()) lines.push(`${f.name.padEnd(10)} ${f.description}\n${''.padEnd(10)} e.g. ${f.example}`);
      for (const [name, f] of Object.entries(config.formats)) lines.push(`${name.padEnd(10)} (config${f.override === true ? ', replaces the built-in' : ''}) ${f.template !== undefined ? `template ${f.template}` : `regex ${f.pattern}`}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
