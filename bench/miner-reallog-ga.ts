/**
 * `npm run bench:miner-reallog`: grouping accuracy (GA) of the template miner on the hand-labelled
 * real-log files (bench/reallog-labels.ts; data in $LOGSCOPE_REALLOGS), the current build beside a
 * baseline build (`$LOGSCOPE_BASELINE_REF`, default `main`), per file and per half of the fixed split.
 *
 *   npm run bench:miner-reallog             # the GA table
 *   npm run bench:miner-reallog -- --check  # only the labels: unlabelled messages and dead rules, no mining
 */
import fs from 'node:fs';
import path from 'node:path';
import * as current from '../src/detect/miner/index.js';
import { realLogsDir } from './formats-reallogs.js';
import { ROOT, say } from './common.js';
import { loadBaselineMiner } from './miner-baseline.js';
import { groupingAccuracy, mineMessages, realLogMessages } from './miner-eval.js';
import { labelMessages, REALLOG_CAP, REALLOG_HALF_A, REALLOG_HALF_B, REALLOG_LABELS, type LabelledFile } from './reallog-labels.js';

/** The capped messages of one labelled file and their true templates. */
async function loadLabelled(dir: string, file: LabelledFile): Promise<{ messages: string[]; truths: (string | undefined)[]; unlabelled: number[]; dead: number[] }> {
  const messages = (await realLogMessages(path.join(dir, file))).slice(0, REALLOG_CAP);
  const rules = REALLOG_LABELS[file];
  const { truths, unlabelled, ruleHits } = labelMessages(rules, messages);
  const dead = ruleHits.flatMap((n, k) => (n === 0 ? [k] : []));
  return { messages, truths, unlabelled, dead };
}

async function check(dir: string): Promise<void> {
  let problems = 0;
  for (const file of [...REALLOG_HALF_A, ...REALLOG_HALF_B]) {
    const { messages, truths, unlabelled, dead } = await loadLabelled(dir, file);
    say(`${file}: ${messages.length} messages, ${new Set(truths).size} templates, ${unlabelled.length} unlabelled, ${dead.length} dead rules`);
    for (const i of unlabelled) say(`  unlabelled #${i}: ${JSON.stringify(messages[i]).slice(0, 300)}`);
    for (const k of dead) say(`  dead rule ${k}: ${REALLOG_LABELS[file][k].template}`);
    problems += unlabelled.length + dead.length;
  }
  if (problems > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const dir = realLogsDir(ROOT);
  if (!fs.existsSync(dir)) {
    say(`(real-log dev set not found at ${dir}: nothing to score; set LOGSCOPE_REALLOGS)`);
    return;
  }
  if (process.argv.includes('--check')) return check(dir);
}

await main();
