import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';

/**
 * How long the checker may look at one pattern. Past it the pattern is let through: the
 * parse workers' chunk timeout (ingest/pool.ts) is the backstop for what is not proven. A cold
 * checker takes 0.6-0.8 s on `(?<message>(\w+\s*)+)$` on a quiet 2-core machine; 1.5 s let
 * that pattern through on a loaded one (load 4-5), so the bound leaves room for a busy machine.
 * Only patterns that may backtrack exponentially (see mayBacktrackExponentially) pay it.
 */
const CHECK_TIMEOUT_MS = 5000;

type Diagnostics =
  | { status: 'safe' }
  | { status: 'unknown'; error?: { kind: string } }
  | { status: 'vulnerable'; complexity: { type: 'exponential' | 'polynomial'; summary: string }; attack: { pattern: string } };
type CheckSync = (source: string, flags: string, params: { timeout: number; randomSeed: number }) => Diagnostics;

let checkSync: CheckSync | undefined;
const verdicts = new Map<string, string | null>();

/**
 * A group repeated at most this many times (`(\d+\.){3}`) multiplies the work by a constant,
 * not by 2^(line length): it is left to the chunk timeout, not sent to the checker.
 */
const MAX_BOUNDED_REPEAT = 10;

/**
 * True when `source` has a group that repeats (`*`, `+`, `{n,}`, `{n,m}` with m > 10) and can
 * itself match in more than one way (it holds a quantifier or a `|`): the only shape in which
 * a backtracking engine takes time exponential in the line's length. False proves the pattern
 * free of it, so the checker (a 5 MB module and up to a second of work) runs only on the
 * patterns that need it.
 * @example mayBacktrackExponentially('(?<ts>\\S+) (?<message>.*)') // false: no repeated group
 * @example mayBacktrackExponentially('(a+)+$') // true
 */
export function mayBacktrackExponentially(source: string): boolean {
  // One entry per open group: whether it can match a text in more than one way so far.
  const ambiguous: boolean[] = [false];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i = skipEscape(source, i);
      i = afterAtom(source, i, ambiguous);
    } else if (c === '[') {
      i = afterAtom(source, skipClass(source, i), ambiguous);
    } else if (c === '(') {
      ambiguous.push(false);
      i = skipGroupOpening(source, i);
    } else if (c === ')') {
      const inner = ambiguous.length > 1 ? (ambiguous.pop() as boolean) : false;
      const q = readQuantifier(source, i + 1);
      if (q !== undefined && q.repeats && inner) return true;
      if (inner || q !== undefined) ambiguous[ambiguous.length - 1] = true;
      i = q === undefined ? i + 1 : q.end;
    } else if (c === '|') {
      ambiguous[ambiguous.length - 1] = true;
      i++;
    } else {
      i = afterAtom(source, i + 1, ambiguous);
    }
  }
  return false;
}

/** Past a quantifier after a single-character atom, which makes the enclosing group ambiguous. */
function afterAtom(source: string, i: number, ambiguous: boolean[]): number {
  const q = readQuantifier(source, i);
  if (q === undefined) return i;
  ambiguous[ambiguous.length - 1] = true;
  return q.end;
}

function readQuantifier(source: string, i: number): { repeats: boolean; end: number } | undefined {
  const c = source[i];
  let repeats: boolean;
  let end: number;
  if (c === '*' || c === '+') {
    repeats = true;
    end = i + 1;
  } else if (c === '?') {
    repeats = false;
    end = i + 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
    if (m === null) return undefined;
    repeats = m[2] === undefined ? Number(m[1]) > MAX_BOUNDED_REPEAT : m[3] === '' || Number(m[3]) > MAX_BOUNDED_REPEAT;
    end = i + m[0].length;
  } else {
    return undefined;
  }
  if (source[end] === '?') end++;
  return { repeats, end };
}

function skipEscape(source: string, i: number): number {
  const k = source[i + 1];
  if ((k === 'p' || k === 'P' || k === 'u') && source[i + 2] === '{') return Math.max(source.indexOf('}', i), i + 2) + 1;
  if (k === 'k' && source[i + 2] === '<') return Math.max(source.indexOf('>', i), i + 2) + 1;
  return i + 2;
}

function skipClass(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === ']') j++;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j + 1;
}

function skipGroupOpening(source: string, i: number): number {
  if (source[i + 1] !== '?') return i + 1;
  if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') return Math.max(source.indexOf('>', i), i + 2) + 1;
  return source[i + 2] === '<' ? i + 4 : i + 3;
}

/**
 * Refuses a user regular expression that can backtrack exponentially (`(a+)+$`, `(\w+\s?)*$`,
 * `(a|a)*$`): one line of a few dozen characters would hang its parse worker. Proven with
 * recheck's analysis, which also gives an attack string. Polynomial patterns (`(.*) (.*)$`, any
 * Loghub template) pass: they are the usual way of writing log patterns and stay fast on
 * lines of ordinary length. `subject` names the pattern in the message (flag or key and text).
 * @example assertNoExponentialBacktracking('(a+)+$', '', '--pattern "(a+)+$"') // throws ConfigError
 */
export function assertNoExponentialBacktracking(source: string, flags: string, subject: string): void {
  if (!mayBacktrackExponentially(source)) return;
  const key = `${flags}/${source}`;
  let problem = verdicts.get(key);
  if (problem === undefined) {
    problem = diagnose(source, flags.replace(/[gy]/g, ''));
    verdicts.set(key, problem);
  }
  if (problem !== null) throw new ConfigError(`${subject} ${problem}`);
}

/** The problem with a pattern as one sentence, or null when none is proven. */
function diagnose(source: string, flags: string): string | null {
  let d: Diagnostics;
  try {
    d = loadChecker()(source, flags, { timeout: CHECK_TIMEOUT_MS, randomSeed: 0 });
  } catch {
    // A checker failure proves nothing: the pattern runs, under the chunk timeout.
    return null;
  }
  if (d.status !== 'vulnerable' || d.complexity.type !== 'exponential') return null;
  return `can backtrack catastrophically: a line such as ${d.attack.pattern} takes exponential time; rewrite it so that no repeated group can match the same text in two ways (e.g. (a+)+ → a+, (\\w+\\s?)* → [\\w\\s]*)`;
}

function loadChecker(): CheckSync {
  if (checkSync === undefined) {
    // In-process, pure JavaScript: no worker thread or native helper process to start at CLI
    // start-up. RECHECK_SYNC_BACKEND=synckit uses recheck's native binary instead (faster).
    process.env.RECHECK_SYNC_BACKEND ??= 'pure';
    checkSync = (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync;
  }
  return checkSync;
}
