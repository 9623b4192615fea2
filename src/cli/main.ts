#!/usr/bin/env node
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument, Command, CommanderError } from 'commander';
import { openMemoryDatabaseEarly } from '../duckdb-early.js';
import { LogscopeError } from '../errors.js';
import { COMPLETION_SHELLS, createCompletionScript, type CompletionShell } from './completion.js';
import { expandLocalZone } from './local-zone.js';

/**
 * Each command's module, loaded only when it is needed: `logscope --version` then loads
 * neither DuckDB nor zod, and `logscope sql` only what sql needs (issue 17: start-up under
 * 0.25 s). In the order of the help.
 */
const COMMAND_MODULES: Record<string, () => Promise<(program: Command) => void>> = {
  ingest: async () => (await import('./commands/ingest.js')).registerIngest,
  sql: async () => (await import('./commands/sql.js')).registerSql,
  trends: async () => (await import('./commands/trends.js')).registerTrends,
  anomalies: async () => (await import('./commands/anomalies.js')).registerAnomalies,
  patterns: async () => (await import('./commands/patterns.js')).registerPatterns,
  generate: async () => (await import('./commands/generate.js')).registerGenerate,
  formats: async () => (await import('./commands/formats.js')).registerFormats,
  detect: async () => (await import('./commands/detect.js')).registerDetect,
  coverage: async () => (await import('./commands/coverage.js')).registerCoverage,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  forget: async () => (await import('./commands/forget.js')).registerForget,
  compact: async () => (await import('./commands/compact.js')).registerCompact,
  prune: async () => (await import('./commands/prune.js')).registerPrune,
  alerts: async () => (await import('./commands/alerts.js')).registerAlerts,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
  // One module registers both cluster commands.
  worker: async () => (await import('./commands/cluster.js')).registerCluster,
  cluster: async () => (await import('./commands/cluster.js')).registerCluster,
};

/**
 * The commands an argument vector needs registered: none for a lone `--version`/`-V`, the
 * one it names, or (for help, completion, no command, or a word that is no command, which
 * gets the nearest one suggested) all of them.
 */
function commandsFor(argv: readonly string[] | undefined): string[] {
  const all = Object.keys(COMMAND_MODULES);
  if (argv === undefined) return all;
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return [];
  const first = args.find((a) => !a.startsWith('-'));
  if (first !== undefined && first in COMMAND_MODULES && !args.includes('--help') && !args.includes('-h')) return [first];
  return all;
}

/**
 * Builds the command table: every command, or (given the argument vector to run) only those it
 * needs, so that a command does not load the modules of the others.
 */
export async function createProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('logscope')
    .description('log analytics: parallel ingest of raw logs into Parquet, SQL over them')
    .version(describeVersion(), '-V, --version', "print logscope's version and DuckDB's")
    // Before the commands are added: they inherit these. Commander's own errors (unknown
    // option, missing argument) then start like ours, and an unknown option or command is
    // followed by the nearest one.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'logscope: ')) })
    .configureHelp({ styleOptionDescription: (text) => expandLocalZone(text) })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)');
  const names = commandsFor(argv);
  // DuckDB opens the reader's database while sql's modules load (see duckdb-early.ts).
  if (names.length === 1 && names[0] === 'sql') openMemoryDatabaseEarly();
  const registers = await Promise.all(names.map((name) => COMMAND_MODULES[name]()));
  for (const register of new Set(registers)) register(program);
  if (names.length > 1) registerCompletion(program);
  return program;
}

/**
 * `logscope 0.1.0 (DuckDB v1.4.1)`: a bug report needs both. DuckDB's version is read from
 * the version of @duckdb/node-api (`1.4.1-r.2`: DuckDB 1.4.1, its second release of the
 * bindings) rather than by loading DuckDB, which alone takes longer than the start-up target.
 */
function describeVersion(): string {
  const require = createRequire(import.meta.url);
  const own = readPackage(findPackageRoot());
  const nodeApi = readPackage(path.dirname(require.resolve('@duckdb/node-api')));
  return `logscope ${own.version} (DuckDB v${nodeApi.version.replace(/-r\.\d+$/, '')})`;
}

/** The nearest folder at or above `from` with a package.json (the package's root). */
function findPackageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

function readPackage(dir: string): { version: string } {
  return JSON.parse(fs.readFileSync(path.join(findPackageRoot(dir), 'package.json'), 'utf8')) as { version: string };
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
  const program = await createProgram(argv);
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
