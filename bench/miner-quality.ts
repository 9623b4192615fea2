/**
 * `npm run bench:miner-quality`: how well the template miner groups data, the current build
 * beside a baseline build (`$LOGSCOPE_BASELINE_REF`, default `main`) in one run.
 *
 * 1. Grouping accuracy (GA) on each Loghub-2k dev sample ($LOGSCOPE_DATASETS), default
 *    options, messages in file order, per half of the fixed cross-check split (half A: where
 *    rules are developed; half B: where they are checked before being kept).
 * 2. Templates per file of the real-log dev set ($LOGSCOPE_REALLOGS), messages as ingest parses
 *    them; `--show FILE` (a path under the set, repeatable) prints the templates that differ.
 *
 *   npm run bench:miner-quality
 *   npm run bench:miner-quality -- --show web/some_access.log
 */
import fs from 'node:fs';
import path from 'node:path';
import * as current from '../src/detect/miner/index.js';
import { listRealLogs, realLogsDir } from './formats-reallogs.js';
import { ROOT, say } from './common.js';
import { loadBaselineMiner } from './miner-baseline.js';
import { compareMiners, LOGHUB_HALF_A, LOGHUB_HALF_B, loadLoghubSample, mineMessages, realLogMessages, type MinerModule } from './miner-eval.js';

const DATASETS = path.resolve(ROOT, process.env.LOGSCOPE_DATASETS ?? '../shared/datasets/loghub-2k');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const show = args.flatMap((a, i) => (args[i - 1] === '--show' ? [a] : []));
  const { miner: baseline, commit } = await loadBaselineMiner(ROOT);
  say(`# Template miner quality: baseline ${commit.slice(0, 12)} vs this build`);
  if (fs.existsSync(DATASETS)) loghub(baseline);
  else say(`(Loghub samples not found at ${DATASETS}: GA skipped)`);
  const dir = realLogsDir(ROOT);
  if (fs.existsSync(dir)) await realLogs(baseline, dir, show);
  else say(`(real-log dev set not found at ${dir}: skipped)`);
}

function loghub(baseline: MinerModule): void {
  say('');
  say('| half | dataset | GA baseline | GA now | templates baseline | templates now | true templates |');
  say('|---|---|---|---|---|---|---|');
  const sums = { A: [0, 0], B: [0, 0] };
  for (const [half, names] of [['A', LOGHUB_HALF_A], ['B', LOGHUB_HALF_B]] as const) {
    for (const name of names) {
      const { contents, truths } = loadLoghubSample(DATASETS, name);
      const { before, after, gaBefore: ga0, gaAfter: ga1 } = compareMiners(baseline, current, contents, truths);
      sums[half][0] += ga0;
      sums[half][1] += ga1;
      say(`| ${half} | ${name} | ${ga0.toFixed(4)} | ${ga1.toFixed(4)} | ${before.count} | ${after.count} | ${new Set(truths).size} |`);
    }
  }
  for (const half of ['A', 'B'] as const) say(`| ${half} | average | ${(sums[half][0] / 4).toFixed(4)} | ${(sums[half][1] / 4).toFixed(4)} | | | |`);
  say(`| all | average | ${((sums.A[0] + sums.B[0]) / 8).toFixed(4)} | ${((sums.A[1] + sums.B[1]) / 8).toFixed(4)} | | | |`);
}

async function realLogs(baseline: MinerModule, dir: string, show: string[]): Promise<void> {
  say('');
  say('| file | messages | templates baseline | templates now | ratio |');
  say('|---|---|---|---|---|');
  let total0 = 0;
  let total1 = 0;
  for (const file of listRealLogs(dir)) {
    const rel = path.relative(dir, file);
    let messages: string[];
    try {
      messages = await realLogMessages(file);
    } catch (err) {
      say(`| ${rel} | (not parsed: ${(err as Error).message.split('\n')[0]}) | | | |`);
      continue;
    }
    const before = mineMessages(baseline, messages);
    const after = mineMessages(current, messages);
    total0 += before.count;
    total1 += after.count;
    const flag = after.count !== before.count ? (after.count > before.count ? ' ▲' : ' ▼') : '';
    say(`| ${rel} | ${messages.length} | ${before.count} | ${after.count}${flag} | ${(after.count / Math.max(1, before.count)).toFixed(2)} |`);
    if (show.includes(rel)) showDifferences(before.texts, after.texts, rel);
  }
  say(`| all | | ${total0} | ${total1} | ${(total1 / Math.max(1, total0)).toFixed(2)} |`);
}

function showDifferences(before: Map<number, string>, after: Map<number, string>, rel: string): void {
  const b = new Set(before.values());
  const a = new Set(after.values());
  say(`\n${rel}: templates only in the baseline`);
  for (const t of b) if (!a.has(t)) say(`  - ${t.slice(0, 200)}`);
  say(`${rel}: templates only now`);
  for (const t of a) if (!b.has(t)) say(`  + ${t.slice(0, 200)}`);
  say('');
}

await main();
