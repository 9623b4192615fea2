#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { LogscopeError } from '../errors.js';
import { registerAnomalies } from './commands/anomalies.js';
import { registerCoverage } from './commands/coverage.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { registerForget } from './commands/forget.js';
import { registerFormats } from './commands/formats.js';
import { registerGenerate } from './commands/generate.js';
import { registerIngest } from './commands/ingest.js';
import { registerPatterns } from './commands/patterns.js';
import { registerSql } from './commands/sql.js';
import { registerTrends } from './commands/trends.js';

/** Builds the command table. */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('logscope')
    .description('log analytics: parallel ingest of raw logs into Parquet, SQL over them')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerIngest(program);
  registerSql(program);
  registerTrends(program);
  registerAnomalies(program);
  registerPatterns(program);
  registerGenerate(program);
  registerFormats(program);
  registerDetect(program);
  registerCoverage(program);
  registerDemo(program);
  registerForget(program);
  return program;
}

/**
 * After a fatal error is reported, how long the process may take to wind down before it
 * exits anyway: a handle left open (a timer, a socket, a worker) must not keep a failed run
 * alive beside the next one.
 */
const EXIT_GRACE_MS = 2_000;

/**
 * The one place that reports: a known error prints one line and exits non-zero
 * (1); an unknown one prints its stack. Either way the process ends within EXIT_GRACE_MS.
 */
async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = createProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof LogscopeError) process.stderr.write(`logscope: ${clip(err.message)}\n`);
    else process.stderr.write(`logscope: unexpected error\n${clip((err as Error)?.stack ?? String(err))}\n`);
    process.exitCode = 1;
    // unref: a process that winds down by itself exits at once. (A thread stuck in native
    // code is not helped: process.exit() waits for it too.)
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  }
}

/** DuckDB quotes the offending input in its errors; a multi-megabyte line is no help on a terminal. */
function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

await main(process.argv);
