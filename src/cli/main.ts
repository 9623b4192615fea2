#!/usr/bin/env node
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as duckdbVersion } from '@duckdb/node-api';
import { Argument, Command, CommanderError } from 'commander';
import { LogscopeError } from '../errors.js';
import { findSqlDir } from '../query/index.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAnomalies } from './commands/anomalies.js';
import { registerCluster } from './commands/cluster.js';
import { registerCoverage } from './commands/coverage.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { registerForget } from './commands/forget.js';
import { registerFormats } from './commands/formats.js';
import { registerGenerate } from './commands/generate.js';
import { registerIngest } from './commands/ingest.js';
import { registerPatterns } from './commands/patterns.js';
import { registerServe } from './commands/serve.js';
import { registerSql } from './commands/sql.js';
import { registerTrends } from './commands/trends.js';
import { COMPLETION_SHELLS, createCompletionScript, type CompletionShell } from './completion.js';

/** Builds the command table. */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('logscope')
    .description('log analytics: parallel ingest of raw logs into Parquet, SQL over them')
    .version(describeVersion(), '-V, --version', "print logscope's version and DuckDB's")
    // Before the commands are added: they inherit these. Commander's own errors (unknown
    // option, missing argument) then start like ours, and an unknown option or command is
    // followed by the nearest one.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'logscope: ')) })
    .showSuggestionAfterError(true)
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
  registerAlerts(program);
  registerServe(program);
  registerCluster(program);
  registerCompletion(program);
  return program;
}

/** `logscope 0.1.0 (DuckDB v1.4.1)`: a bug report needs both. */
function describeVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(findSqlDir()), 'package.json'), 'utf8')) as { version: string };
  return `logscope ${pkg.version} (DuckDB ${duckdbVersion()})`;
}

/** `logscope completion bash|zsh`: a script generated from this command table, so it never drifts from it. */
function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(logscope completion bash), or zsh')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      process.stdout.write(createCompletionScript(program, shell));
    });
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
  if (!(await runProgram(argv))) {
    // unref: a process that winds down by itself exits at once. (A thread stuck in native
    // code is not helped: process.exit() waits for it too.)
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
  }
}

/**
 * Runs one command line (`argv` as process.argv: node, script, args...) and reports its
 * failure on stderr; the exit status is left in process.exitCode. Resolves false after a
 * fatal error (the caller should not wait long for the process to wind down). The tests run
 * commands through it in-process.
 */
export async function runProgram(argv: string[]): Promise<boolean> {
  const program = createProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return true;
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return true;
    }
    if (err instanceof LogscopeError) process.stderr.write(`logscope: ${clip(err.message)}\n`);
    else process.stderr.write(`logscope: unexpected error\n${clip((err as Error)?.stack ?? String(err))}\n`);
    process.exitCode = 1;
    return false;
  }
}

/** DuckDB quotes the offending input in its errors; a multi-megabyte line is no help on a terminal. */
function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** Whether this module is the program being run (through the npm bin symlink too), not imported by a test. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && fs.existsSync(script) && fs.realpathSync(script) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) await main(process.argv);
