import type { Command } from 'commander';
import { loadFormats } from '../../parse/index.js';
import { resolveConfig } from '../config.js';

export function registerFormats(program: Command): void {
  program
    .command('formats')
    .description('list the log formats logscope can parse (built-in and from the config file)')
    .option('-c, --config <file>', 'config file (env LOGSCOPE_CONFIG)')
    .action(async (flags: { config?: string }) => {
      const formats = await loadFormats();
      const config = resolveConfig(flags.config, process.env, { checkBacktracking: false });
      const lines: string[] = [];
      for (const f of formats.values()) lines.push(`${f.name.padEnd(10)} ${f.description}\n${''.padEnd(10)} e.g. ${f.example}`);
      for (const [name, f] of Object.entries(config.formats)) lines.push(`${name.padEnd(10)} (config${f.override === true ? ', replaces the built-in' : ''}) ${f.template !== undefined ? `template ${f.template}` : `regex ${f.pattern}`}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
