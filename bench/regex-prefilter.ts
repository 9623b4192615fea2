/**
 * Checks the backtracking pre-check against the checker: random small regexes (seeded), each
 * sent to recheck whatever `mayBacktrackExponentially` says; a pattern recheck proves
 * exponential that the pre-check let through is a miss, and the run fails. Prints how many
 * of each. COUNT patterns (default 300).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/regex-prefilter.js
 */
import { createRequire } from 'node:module';
import { mayBacktrackExponentially } from '../src/parse/index.js';
import { readPositiveInt, say } from './common.js';

type Check = (source: string, flags: string, params: object) => { status: string; complexity?: { type: string } };

const COUNT = readPositiveInt('COUNT', 300);
process.env.RECHECK_SYNC_BACKEND ??= 'pure';
const checkSync = (createRequire(import.meta.url)('recheck') as { checkSync: Check }).checkSync;

const ATOMS = ['a', 'b', '.', '\\d', '\\w', '\\s', '[ab]', 'ab'];
const QUANTIFIERS = ['', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '{1,40}', '*?', '+?'];
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(a: T[]): T => a[Math.floor(random() * a.length)];

/** A random sequence of atoms and groups (with alternatives), each maybe quantified. */
function generate(depth: number): string {
  let s = '';
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    if (depth < 3 && random() < 0.35) s += `(${generate(depth + 1)}${random() < 0.3 ? `|${generate(depth + 1)}` : ''})${pick(QUANTIFIERS)}`;
    else s += pick(ATOMS) + pick(QUANTIFIERS);
  }
  return s;
}

let candidates = 0;
let candidatesExponential = 0;
let cleared = 0;
const missed: string[] = [];
for (let done = 0; done < COUNT; ) {
  const pattern = `^${generate(0)}${random() < 0.5 ? '$' : 'c'}`;
  try {
    new RegExp(pattern);
  } catch {
    continue;
  }
  done++;
  const d = checkSync(pattern, '', { timeout: 1000, randomSeed: 0 });
  const exponential = d.status === 'vulnerable' && d.complexity?.type === 'exponential';
  if (mayBacktrackExponentially(pattern)) {
    candidates++;
    if (exponential) candidatesExponential++;
  } else {
    cleared++;
    if (exponential) missed.push(pattern);
  }
}
say(`${COUNT} random patterns: ${cleared} cleared by the pre-check, of which recheck proves ${missed.length} exponential; ${candidates} sent to the checker, of which ${candidatesExponential} exponential`);
if (missed.length > 0) {
  say(`missed: ${missed.join('  ')}`);
  process.exitCode = 1;
}
