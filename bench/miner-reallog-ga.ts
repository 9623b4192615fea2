/**
 * `npm run bench:miner-reallog`: grouping accuracy (GA) of the template miner on the hand-labelled
 * real-log files (bench/reallog-labels.ts; data in $LOGSCOPE_REALLOGS), the current build beside a
 * baseline build (`$LOGSCOPE_BASELINE_REF`, default `main`), per file and per half of the fixed split.
 *
 *   npm run bench:miner-reallog             # the GA table
 *   npm run bench:miner-reallog -- --check  # only the labels: unlabelled messages and dead rules, no mining
 *   npm run bench:miner-reallog -- --errors # also, per file of halves A, B and D, the true templates the current build splits or merges
 *   npm run bench:miner-reallog -- --errors-c # the same for half C too: for checking its labels, never for tuning on it
 *   npm run bench:miner-reallog -- --errors-e # the same for half E too: for checking its labels, never for tuning on it
 *
 * GA is Loghub's grouping accuracy: the share of messages whose predicted group is exactly the
 * set of messages of their true template. Each file's first REALLOG_CAP messages, mined in one
 * pass with default options; half A is where mining rules may be developed, half B is held out,
 * half C is held out from both (develop on A, check on B, then check once more on C). Halves D
 * and E are a second such pair: rules may be developed on D, E is held out (like C, its
 * mistakes are listed only on request, `--errors-e`, and never used to tune).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as current from '../src/detect/miner/index.js';
import { realLogsDir } from './formats-reallogs.js';
import { ROOT, say } from './common.js';
import { loadBaselineMiner } from './miner-baseline.js';
import { compareMiners, realLogMessages } from './miner-eval.js';
import {
  labelMessages,
  REALLOG_CAP,
  REALLOG_HALF_A,
  REALLOG_HALF_B,
  REALLOG_HALF_C,
  REALLOG_HALF_D,
  REALLOG_HALF_E,
  REALLOG_LABELS,
  type LabelledFile,
} from './reallog-labels.js';

const HALVES = [
  ['A', REALLOG_HALF_A],
  ['B', REALLOG_HALF_B],
  ['C', REALLOG_HALF_C],
  ['D', REALLOG_HALF_D],
  ['E', REALLOG_HALF_E],
] as const;

type Half = (typeof HALVES)[number][0];

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
  for (const file of HALVES.flatMap(([, files]) => files)) {
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
  await score(dir, { errorHalves: errorHalves(process.argv) });
}

/**
 * Which halves' mistakes to list after the table: `--errors` the halves rules are developed and
 * checked on (A, B, D); `--errors-c` and `--errors-e` add a held-out half each (and imply `--errors`).
 */
function errorHalves(argv: readonly string[]): Half[] {
  const withC = argv.includes('--errors-c');
  const withE = argv.includes('--errors-e');
  if (!withC && !withE && !argv.includes('--errors')) return [];
  return HALVES.map(([half]) => half).filter((half) => (half === 'C' ? withC : half === 'E' ? withE : true));
}

/** Which halves' mistakes to list after the table (the held-out C's and E's only on request: they are not for tuning). */
interface ScoreOptions {
  errorHalves: readonly Half[];
}

async function score(dir: string, options: ScoreOptions): Promise<void> {
  const { miner: baseline, commit } = await loadBaselineMiner(ROOT);
  say(`# Template miner GA on hand-labelled real logs: baseline ${commit.slice(0, 12)} vs this build`);
  say('');
  say('| half | file | messages | true templates | GA baseline | GA now | templates baseline | templates now |');
  say('|---|---|---|---|---|---|---|---|');
  const sums = { A: [0, 0], B: [0, 0], C: [0, 0], D: [0, 0], E: [0, 0] };
  const errors: string[] = [];
  for (const [half, files] of HALVES) {
    for (const file of files) {
      const { messages, truths, unlabelled } = await loadLabelled(dir, file);
      if (unlabelled.length > 0) throw new Error(`${file}: ${unlabelled.length} messages have no label (run with --check)`);
      const labels = truths as string[];
      const { before, after, gaBefore: ga0, gaAfter: ga1 } = compareMiners(baseline, current, messages, labels);
      sums[half][0] += ga0;
      sums[half][1] += ga1;
      say(`| ${half} | ${file.length > 60 ? `${file.slice(0, 57)}...` : file} | ${messages.length} | ${new Set(labels).size} | ${ga0.toFixed(4)} | ${ga1.toFixed(4)} | ${before.count} | ${after.count} |`);
      if (options.errorHalves.includes(half)) errors.push(...describeErrors(file, labels, after.templates, after.texts));
    }
  }
  for (const [half, files] of HALVES) say(`| ${half} | average | | | ${(sums[half][0] / files.length).toFixed(4)} | ${(sums[half][1] / files.length).toFixed(4)} | | |`);
  const ab = REALLOG_HALF_A.length + REALLOG_HALF_B.length;
  say(`| A+B | average | | | ${((sums.A[0] + sums.B[0]) / ab).toFixed(4)} | ${((sums.A[1] + sums.B[1]) / ab).toFixed(4)} | | |`);
  const de = REALLOG_HALF_D.length + REALLOG_HALF_E.length;
  say(`| D+E | average | | | ${((sums.D[0] + sums.E[0]) / de).toFixed(4)} | ${((sums.D[1] + sums.E[1]) / de).toFixed(4)} | | |`);
  for (const line of errors) say(line);
}

/**
 * The miner's mistakes on one file: a true template whose messages land in several mined
 * templates (split), and a mined template that holds messages of several true ones (merged).
 */
function describeErrors(file: string, truths: string[], predicted: number[], texts: Map<number, string>): string[] {
  const byTruth = new Map<string, Map<number, number>>();
  const byPrediction = new Map<number, Map<string, number>>();
  truths.forEach((t, i) => {
    const p = predicted[i];
    const a = byTruth.get(t) ?? new Map<number, number>();
    a.set(p, (a.get(p) ?? 0) + 1);
    byTruth.set(t, a);
    const b = byPrediction.get(p) ?? new Map<string, number>();
    b.set(t, (b.get(t) ?? 0) + 1);
    byPrediction.set(p, b);
  });
  const out = ['', `## ${file}`];
  for (const [t, groups] of byTruth) {
    if (groups.size < 2) continue;
    out.push(`split (${groups.size} mined templates): ${t.slice(0, 160)}`);
    for (const [p, n] of groups) out.push(`    ${n} x ${(texts.get(p) ?? '?').slice(0, 160)}`);
  }
  for (const [p, ts] of byPrediction) {
    if (ts.size < 2) continue;
    out.push(`merged (${ts.size} true templates): ${(texts.get(p) ?? '?').slice(0, 160)}`);
    for (const [t, n] of ts) out.push(`    ${n} x ${t.slice(0, 160)}`);
  }
  return out;
}

await main();
