import { WILDCARD } from './mask.js';

/** A cluster of signatures, its template text and that text's token count. */
export interface LengthCluster<S> {
  text: string;
  tokens: number;
  members: S[];
}

/** Most tokens by which two templates merged across lengths may differ in count. */
const MAX_SPAN = 3;
/** Fewest constant tokens of a template that stands for others. */
const MIN_CONSTANTS = 2;
/** Most tokens one variable of the more general template may stand for. */
const MAX_RUN = 4;
/** Templates of one family (same leading tokens) above which no merging across lengths is tried: the cost is quadratic. */
const MAX_FAMILY = 2000;

export interface Shape {
  tokens: string[];
  /** The tokens of the cluster's first member's signature: what the template's variables were. */
  member: string[];
  /** Per token: 0 a constant, 1 the wildcard alone, 2 a token holding a wildcard (`<*>:`, `[<*>]`). */
  kinds: Uint8Array;
  /** Per token of kind 2: its text as a pattern (the wildcard matching one or more characters). */
  patterns: (RegExp | null)[];
  constants: number;
  /** The constant tokens, to rule out most pairs before matching: p's must all be among q's tokens. */
  words: Set<string>;
}

function shapeOf(text: string, member: string): Shape {
  const tokens = text.split(' ');
  const kinds = new Uint8Array(tokens.length);
  const patterns: (RegExp | null)[] = tokens.map(() => null);
  let constants = 0;
  tokens.forEach((t, i) => {
    if (t === WILDCARD) kinds[i] = 1;
    else if (t.includes(WILDCARD)) {
      kinds[i] = 2;
      patterns[i] = new RegExp(`^${t.split(WILDCARD).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`, 's');
    } else constants++;
  });
  return { tokens, member: member.split(' '), kinds, patterns, constants, words: new Set(tokens.filter((_, i) => kinds[i] === 0)) };
}

/**
 * True when q's tokens j..j+k may be one value of several words: all constant words (a name:
 * `garbage collector`) or all variables, none a key in q's first member (`user=root`, `port:`,
 * which the template may show as `<*>`), so that a phrase with a value of its own
 * (`invalid user <*>`) or a further key=value pair is not taken for part of a value.
 */
function runOk(q: Shape, j: number, k: number): boolean {
  let wild = 0;
  for (let x = j; x < j + k; x++) {
    const t = q.member[x];
    if (t.includes('=') || (t.endsWith(':') && x < j + k - 1)) return false;
    if (q.kinds[x] !== 0) wild++;
  }
  return wild === 0 || wild === k;
}

/**
 * True when template p stands for template q as well: q's tokens, in order, are p's, where a
 * token of p that is the wildcard alone may stand for a run of none to MAX_RUN tokens of q (an
 * empty value, or a value of several words: `Caches are synced for <*>` /
 * `Caches are synced for garbage collector`), a token holding a wildcard for a run of one to
 * MAX_RUN tokens that fits it (`<*>:` / `Fixed MDIO bus.0:`), and any other token for an
 * equal one.
 */
function generalises(p: Shape, q: Shape): boolean {
  for (const w of p.words) if (!q.words.has(w)) return false;
  const m = p.tokens.length;
  const n = q.tokens.length;
  // reach[j]: p's first i tokens can stand for q's first j tokens.
  let reach = new Uint8Array(n + 1);
  reach[0] = 1;
  for (let i = 0; i < m; i++) {
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let j = 0; j <= n; j++) {
      if (reach[j] === 0) continue;
      const kind = p.kinds[i];
      if (kind === 0) {
        if (j < n && q.kinds[j] === 0 && q.tokens[j] === p.tokens[i]) next[j + 1] = 1;
      } else if (kind === 1) {
        // None only between two constants (`Invalid user  from`), not at an end or next to another variable.
        const empty = i > 0 && i < m - 1 && p.kinds[i - 1] === 0 && p.kinds[i + 1] === 0;
        for (let k = empty ? 0 : 1; k <= MAX_RUN && j + k <= n && (k < 2 || runOk(q, j, k)); k++) next[j + k] = 1;
      } else {
        for (let k = 1; k <= MAX_RUN && j + k <= n && (k < 2 || runOk(q, j, k)); k++) {
          if (k === 1 && q.tokens[j] === p.tokens[i]) next[j + 1] = 1;
          else if (p.patterns[i]!.test(q.tokens.slice(j, j + k).join(' '))) next[j + k] = 1;
        }
      }
    }
    for (let j = 0; j <= n; j++) any ||= next[j] === 1;
    if (!any) return false;
    reach = next;
  }
  return reach[n] === 1;
}

/** What `mergeAcrossLengths` keeps of one family between calls, so that a call compares only what is new. */
export interface LengthMemo {
  /** Per cluster (its text and first member's text): the text of the one it was merged into, `''` for none. */
  parents: Map<string, string>;
  /** The cluster texts of the last call. */
  texts: Set<string>;
  shapes: Map<string, Shape>;
}

export function createLengthMemo(): LengthMemo {
  return { parents: new Map(), texts: new Set(), shapes: new Map() };
}

/**
 * Merges the templates of one family (the same leading tokens, any token count) where one
 * stands for another of a different token count (see `generalises`): a variable of several
 * words or of none, whose signatures the per-length clustering cannot compare. A template is
 * merged into the most specific one that stands for it (most constant tokens, then the first
 * text), and chains are followed to the most general; the result keeps that one's text. Only
 * a template with at least two constant tokens, and at least as many constants as variables,
 * stands for others. Like the clustering, the result is a function of the set of clusters.
 */
export function mergeAcrossLengths<S extends { id: number; text: string }>(clusters: LengthCluster<S>[], memo: LengthMemo = createLengthMemo()): LengthCluster<S>[] {
  if (clusters.length < 2 || clusters.length > MAX_FAMILY) return clusters;
  const sorted = [...clusters].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const keys = sorted.map((c) => `${c.text}\u0000${c.members[0].text}`);
  const shapes = sorted.map((c, i) => memo.shapes.get(keys[i]) ?? shapeOf(c.text, c.members[0].text));
  const byLength = new Map<number, number[]>();
  const byText = new Map<string, number>();
  shapes.forEach((s, i) => {
    byText.set(sorted[i].text, i);
    const list = byLength.get(s.tokens.length);
    if (list === undefined) byLength.set(s.tokens.length, [i]);
    else list.push(i);
  });
  if (byLength.size < 2) return clusters;
  const parent = sorted.map((_, i) => i);
  const parents = new Map<string, string>();
  for (let q = 0; q < sorted.length; q++) {
    const n = shapes[q].tokens.length;
    let best = -1;
    // What this template was merged into last time, when it and that one are still here: only
    // templates new since then can be better (the result is the same as comparing with all).
    const before = memo.parents.get(keys[q]);
    const known = before !== undefined && (before === '' || byText.has(before));
    if (known && before !== '') best = byText.get(before)!;
    for (let d = -MAX_SPAN; d <= MAX_SPAN; d++) {
      if (d === 0) continue;
      for (const p of byLength.get(n + d) ?? []) {
        if (known && memo.texts.has(sorted[p].text)) continue;
        const sp = shapes[p];
        if (sp.constants < MIN_CONSTANTS || sp.constants * 2 < sp.tokens.length) continue;
        if (best >= 0 && (sp.constants < shapes[best].constants || (sp.constants === shapes[best].constants && p > best))) continue;
        if (!generalises(sp, shapes[q])) continue;
        // Two that stand for each other: the first text is the one kept.
        if (p > q && generalises(shapes[q], sp)) continue;
        best = p;
      }
    }
    if (best >= 0) parent[q] = best;
    parents.set(keys[q], best >= 0 ? sorted[best].text : '');
  }
  memo.parents = parents;
  memo.texts = new Set(byText.keys());
  memo.shapes = new Map(keys.map((k, i) => [k, shapes[i]]));
  const root = (i: number): number => {
    const seen = new Set<number>();
    while (parent[i] !== i && !seen.has(i)) {
      seen.add(i);
      i = parent[i];
    }
    return i;
  };
  const merged = new Map<number, S[]>();
  sorted.forEach((c, i) => {
    const r = root(i);
    const list = merged.get(r);
    if (list === undefined) merged.set(r, [...c.members]);
    else list.push(...c.members);
  });
  const out: LengthCluster<S>[] = [];
  for (const [r, members] of merged) {
    members.sort((a, b) => a.id - b.id);
    out.push({ text: sorted[r].text, tokens: sorted[r].tokens, members });
  }
  return out;
}
