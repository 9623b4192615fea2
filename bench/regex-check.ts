/**
 * What the backtracking check of user regexes costs at CLI start, for configs that hold no
 * user regex, ordinary patterns, the Loghub masks, and a hostile mask (refused): `loadConfig`
 * in a fresh process with and without the check (the difference is the check, recheck's
 * loading included), and the wall time of `logscope ingest` of a one-line file. Medians of
 * RUNS (default 5).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/regex-check.js
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mayBacktrackExponentially } from '../src/parse/index.js';
import { CLI, median, readPositiveInt, ROOT, say } from './common.js';

/** ms of one cold `loadConfig` of the file, in a fresh process. */
function timeLoadConfig(cfg: string, checkBacktracking: boolean): number {
  const module = path.join(ROOT, 'dist', 'src', 'config', 'index.js');
  const script = `const { readConfigFile } = await import(${JSON.stringify(module)}); const t = performance.now(); try { readConfigFile(${JSON.stringify(cfg)}, { checkBacktracking: ${checkBacktracking} }); } catch {} console.log(performance.now() - t);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

const RUNS = readPositiveInt('RUNS', 5);
const LOGHUB_MASKS = [String.raw`(\d+\.){3}\d+`, String.raw`core\.\d+`, String.raw`blk_-?\d+`, String.raw`(\d+\.){3}\d+(:\d+)?`, String.raw`\d{2}:\d{2}:\d{2}`, String.raw`([\w-]+\.){2,}[\w-]+`, String.raw`\b[KGTM]?B\b`, String.raw`(/|)(\d+\.){3}\d+(:\d+)?`];

const CASES: { name: string; config: object; expectStatus: number }[] = [
  { name: 'no user regex', config: {}, expectStatus: 0 },
  { name: 'ordinary pattern + Loghub template (no checker run)', config: { formats: { app: { pattern: String.raw`^(?<ts>\S+) (?<level>\w+) (?<message>.*)$` }, hdfs: { template: '<Date> <Time> <Pid> <Level> <Component>: <Content>' } } }, expectStatus: 0 },
  { name: `the 8 Loghub Drain masks (${LOGHUB_MASKS.filter(mayBacktrackExponentially).length} go to the checker)`, config: { mining: { masks: LOGHUB_MASKS } }, expectStatus: 0 },
  { name: 'hostile mask (a+)+$ (refused)', config: { mining: { masks: ['(a+)+$'] } }, expectStatus: 1 },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-regex-bench-'));
try {
  const file = path.join(dir, 'one.log');
  fs.writeFileSync(file, '2026-01-01T00:00:00Z INFO hello\n');
  say(`median of ${RUNS} runs: loadConfig in a fresh process without / with the check (ms), logscope ingest of one line (wall ms)`);
  for (const c of CASES) {
    const cfg = path.join(dir, 'config.json');
    fs.writeFileSync(cfg, JSON.stringify(c.config));
    const without: number[] = [];
    const withCheck: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      without.push(timeLoadConfig(cfg, false));
      withCheck.push(timeLoadConfig(cfg, true));
    }
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const data = path.join(dir, `data-${i}`);
      const started = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'ingest', file, '--data', data, '--config', cfg, '--input-format', 'syslog', '-q'], { encoding: 'utf8' });
      times.push(performance.now() - started);
      if (r.status !== c.expectStatus) throw new Error(`${c.name}: exit ${r.status}, expected ${c.expectStatus}: ${r.stderr}`);
      fs.rmSync(data, { recursive: true, force: true });
    }
    const ms = (v: number[]) => Math.round(median(v)).toString().padStart(6);
    say(`  ${c.name.padEnd(52)} ${ms(without)} / ${ms(withCheck)} ms   ingest ${ms(times)} ms`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
