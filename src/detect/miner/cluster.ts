import { WILDCARD } from './mask.js';

/** Options of the clustering, resolved (see `TemplateCatalogOptions`). */
export interface ClusterOptions {
  st: number;
  depth: number;
  minValues: number;
  siblings: number;
}

/**
 * Interned tokens: signatures are compared as runs of small integers, all kept in one pool
 * (one typed array rather than one per signature, for the garbage collector's sake). Tokens
 * are found by a hash of their characters in an open-addressing table, so that a known token
 * costs no substring.
 */
export class TokenTable {
  readonly texts: string[] = [];
  /** 1 when the token holds a wildcard (`<*>`, `rhost=<*>`). */
  wild = new Uint8Array(1024);
  /** EVENT_WORD and KEY_MARK bits of each token (see `wordShape`). */
  shape = new Uint8Array(1024);
  /** Token runs of all signatures, see `append`. */
  pool = new Int32Array(4096);
  /** Entries of `pool` in use. */
  used = 0;
  /** Open addressing: token id + 1 per slot (0: empty), and the token's hash. */
  private slots = new Int32Array(2048);
  private hashes = new Int32Array(2048);

  /** Interns the space-separated tokens of a text into the pool; returns where they start. */
  append(text: string): number {
    const off = this.used;
    let used = off;
    let start = 0;
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 32;
      if (c !== 32) {
        h = Math.imul(h ^ c, 0x01000193);
        continue;
      }
      if (i > start) {
        if (used === this.pool.length) {
          const pool = new Int32Array(this.pool.length * 2);
          pool.set(this.pool);
          this.pool = pool;
        }
        this.pool[used++] = this.find(text, start, i, h);
      }
      start = i + 1;
      h = 0x811c9dc5 | 0;
    }
    this.used = used;
    return off;
  }

  /** The id of text[s, e), whose hash is h, interning it when new. */
  private find(text: string, s: number, e: number, h: number): number {
    const mask = this.slots.length - 1;
    let slot = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const id = this.slots[slot] - 1;
      if (id < 0) break;
      if (this.hashes[slot] === h && sameChars(this.texts[id], text, s, e)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.texts.length;
    const token = text.slice(s, e);
    this.texts.push(token);
    if (id === this.wild.length) {
      const wild = new Uint8Array(id * 2);
      wild.set(this.wild);
      this.wild = wild;
      const shape = new Uint8Array(id * 2);
      shape.set(this.shape);
      this.shape = shape;
    }
    this.wild[id] = token.includes(WILDCARD) ? 1 : 0;
    this.shape[id] = wordShape(token);
    this.slots[slot] = id + 1;
    this.hashes[slot] = h;
    if (this.texts.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const hashes = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i] === 0) continue;
      const h = this.hashes[i];
      let slot = (h ^ (h >>> 15)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = this.slots[i];
      hashes[slot] = h;
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

/** A capitalised or upper-case word (see EVENT_WORD_TEXT). */
const EVENT_WORD = 2;
/** A token that names the value after it: ends with `:` or `=` (`EventType:`, `user=`). */
const KEY_MARK = 4;

/**
 * A dotted name of three or more parts, with nothing but a `:` after it (`com.apple.xyz.daily:`,
 * `org.example.Worker`), or a word in square brackets that is not a capitalised event word
 * (`[.kibana]`, `[mpm_event:notice]`, not `[ERROR]`): a leading one routes as a variable, since
 * such names (of a job, a logger, a host, an index, a module) are many and name the source or
 * the object more often than the event.
 */
export const LEAD_NAME = 8;
const DOTTED_NAME = /^[A-Za-z][\w-]*(?:\.[\w-]+){2,}:?$/;

/** A capitalised word of letters only, with quotes or brackets around it: `Started`, `"GET`, `[ERROR]`, not `Report-2.xlsx`. */
const EVENT_WORD_TEXT = /^["'([{<]*[A-Z][A-Za-z]*["')\]}>,;:.]*$/;

/** EVENT_WORD, KEY_MARK and LEAD_NAME bits of a token. */
function wordShape(token: string): number {
  const last = token.charCodeAt(token.length - 1);
  const event = EVENT_WORD_TEXT.test(token);
  return (event ? EVENT_WORD : 0) | (last === 0x3a || last === 0x3d ? KEY_MARK : 0) | (DOTTED_NAME.test(token) || (!event && BRACKETED.test(token)) ? LEAD_NAME : 0);
}

function sameChars(token: string, text: string, s: number, e: number): boolean {
  if (token.length !== e - s) return false;
  for (let i = 0; i < token.length; i++) if (token.charCodeAt(i) !== text.charCodeAt(s + i)) return false;
  return true;
}

/** What clustering needs of a signature. */
export interface ClusterInput {
  /** Signature id; the canonical order of a group is the order of these ids. */
  id: number;
  /** Masked text: the tokens joined by one space. */
  text: string;
  /** Where its tokens start in the pool of the table. */
  off: number;
}

/** One cluster of a group: its template text and members (by ascending id). */
export interface ClusterOutput<S extends ClusterInput> {
  text: string;
  members: S[];
}

/** A template position that differed between merged members. */
const GEN = -1;
/** Credit of a position where the template has learned a wildcard and the signature does not match it. */
const GEN_CREDIT = 0.5;
/** Up to this many clusters, each signature is compared with all of them rather than looking up postings. */
const SCAN_ALL = 8;
/** Posting lists longer than this are not read: their token says little about the cluster. */
const MAX_POSTINGS = 32;
/** Credit of a position where either token holds a wildcard (`rhost=<*>` / `rhost=example.org`, `<*>` / `<*>$Type`). */
const WILD_CREDIT = 0.5;

/**
 * Clusters the signatures of one group (same token count, same leading tokens) into templates.
 * The result is a function of the SET of signatures: they are taken in the order of their
 * ids, whatever order they came in.
 *
 * 1. Greedy, Drain-style: each signature joins the most similar cluster so far when the
 *    similarity (credit / token count) is at least `st`, else starts one. A position scores 1
 *    when the tokens are equal, or when the signature's token varies among its siblings
 *    (signatures equal to it everywhere else, at least `siblings` of them, first position
 *    excepted); 0.5 when the cluster has already generalised the position, or when either token
 *    holds a wildcard; else 0. Ties go to the older cluster.
 * 2. Each cluster is then split at a position where its members differ, all in constant
 *    words (no wildcard among them), in fewer than `minValues` distinct values: two values
 *    are taken as two templates (`stored as bytes` / `stored as values`), three or more as
 *    a variable (`user root` / `user news` / `user test`).
 * 3. The template keeps the tokens all members share and writes `<*>` for the others;
 *    clusters with the same template text are one.
 */
export function clusterGroup<S extends ClusterInput>(input: readonly S[], n: number, table: TokenTable, options: ClusterOptions): ClusterOutput<S>[] {
  if (input.length === 0) return [];
  if (input.length === 1) return [{ text: input[0].text, members: [input[0]] }];
  const sigs = [...input].sort(byId);
  const pool = table.pool;
  const varying = options.siblings > 0 && sigs.length >= options.siblings ? siblingPositions(sigs, n, pool, table.wild, table.shape, options.siblings) : null;
  const wild = table.wild;
  const maxLoss = n * (1 - options.st) + 1e-9;

  // Exact matches a cluster needs among a signature's non-varying positions: every other
  // position costs at least 1 - max(GEN_CREDIT, WILD_CREDIT) = 0.5.
  const maxMisses = Math.floor(maxLoss / 0.5 + 1e-9);
  const templates: Int32Array[] = [];
  const members: S[][] = [];
  // Once there are more than SCAN_ALL clusters: which clusters hold token t at position p,
  // found by key t * 1024 + p (position taken modulo 1024: a clash only adds candidates,
  // each checked). Lists only grow: a position a cluster has generalised stays listed and is
  // checked when read.
  let postings: Map<number, number[]> | null = null;
  const post = (c: number): void => {
    const tmpl = templates[c];
    for (let p = 0; p < n; p++) {
      if (tmpl[p] === GEN) continue;
      const key = tmpl[p] * 1024 + (p & 1023);
      const list = postings!.get(key);
      if (list === undefined) postings!.set(key, [c]);
      else list.push(c);
    }
  };
  let hits = new Int32Array(64);
  const touched: number[] = [];
  const candidates: number[] = [];
  for (let i = 0; i < sigs.length; i++) {
    const off = sigs[i].off;
    const base = i * n;
    // Count, per cluster, the exact matches at selective positions (short posting lists).
    let varyingCount = 0;
    let skipped = 0;
    if (postings === null && templates.length > SCAN_ALL) {
      postings = new Map();
      for (let c = 0; c < templates.length; c++) post(c);
    }
    for (let p = 0; p < n && postings !== null; p++) {
      if (varying !== null && varying[base + p] === 1) {
        varyingCount++;
        continue;
      }
      const list = postings.get(pool[off + p] * 1024 + (p & 1023));
      if (list === undefined) continue;
      if (list.length > MAX_POSTINGS) {
        skipped++;
        continue;
      }
      for (const c of list) {
        if (templates[c][p] !== pool[off + p]) continue;
        if (hits[c]++ === 0) touched.push(c);
      }
    }
    const needed = postings === null ? 0 : n - varyingCount - maxMisses - skipped;
    let scan: ArrayLike<number> | null = null;
    if (needed > 0) {
      for (const c of touched) if (hits[c] >= needed) candidates.push(c);
      candidates.sort((a, b) => a - b);
      scan = candidates;
    }
    for (const c of touched) hits[c] = 0;
    touched.length = 0;

    let best = -1;
    let bestLoss = maxLoss;
    const count = scan === null ? templates.length : scan.length;
    for (let k = 0; k < count; k++) {
      const c = scan === null ? k : scan[k];
      const tmpl = templates[c];
      let loss = 0;
      for (let p = 0; p < n && loss <= bestLoss; p++) {
        const x = tmpl[p];
        const y = pool[off + p];
        if (x === y || (varying !== null && varying[base + p] === 1)) continue;
        if (x === GEN) loss += 1 - GEN_CREDIT;
        else if ((wild[x] | wild[y]) !== 0) loss += 1 - WILD_CREDIT;
        else loss += 1;
      }
      if (loss < bestLoss || (best < 0 && loss <= bestLoss)) {
        best = c;
        bestLoss = loss;
      }
    }
    candidates.length = 0;
    if (best < 0) {
      const c = templates.length;
      templates.push(pool.slice(off, off + n));
      members.push([sigs[i]]);
      if (c === hits.length) {
        const grown = new Int32Array(c * 2);
        grown.set(hits);
        hits = grown;
      }
      if (postings !== null) post(c);
    } else {
      const tmpl = templates[best];
      for (let p = 0; p < n; p++) if (tmpl[p] !== pool[off + p]) tmpl[p] = GEN;
      members[best].push(sigs[i]);
    }
  }

  const clusters: S[][] = [];
  for (const m of members) splitConstants(m, n, table, options.minValues, clusters);

  const byText = new Map<string, S[]>();
  for (const m of clusters) {
    const text = templateText(m, n, pool, table);
    const same = byText.get(text);
    if (same === undefined) byText.set(text, m);
    else same.push(...m);
  }
  const out: ClusterOutput<S>[] = [];
  for (const [text, m] of byText) {
    m.sort(byId);
    out.push({ text, members: m });
  }
  return out;
}

/** The template of a cluster: shared tokens kept, others `<*>`, joined by one space. */
function templateText(m: readonly ClusterInput[], n: number, pool: Int32Array, table: TokenTable): string {
  if (m.length === 1) return m[0].text;
  const parts: string[] = [];
  for (let p = 0; p < n; p++) {
    const t = pool[m[0].off + p];
    let same = true;
    for (let i = 1; i < m.length && same; i++) same = pool[m[i].off + p] === t;
    parts.push(same ? table.texts[t] : WILDCARD);
  }
  return parts.join(' ');
}

/** Most distinct event words (capitalised, see `wordShape`) a position may hold and still be a constant. */
const HANDFUL = 6;

/**
 * Splits a cluster, recursively, at the first position whose members differ, all in
 * constant words, and where those words are constants that name the event rather than values
 * of a variable — one part per word. The constant test:
 * - a word right after a key (the token before ends with `:` or `=`, as in `EventType: X`) or
 *   in `key=value` form with one key is a value: never split;
 * - fewer than `minValues` distinct words (two by default): constants (`stored as bytes` /
 *   `stored as values`), unless all are words in square brackets (`[main]` / `[ftdc]`: a
 *   thread, context or component, which names where the line came from, not the event);
 * - a handful (up to HANDFUL) of capitalised or upper-case words, after any leading quote or
 *   bracket: constants that name the event (`"GET` / `"POST` / `"DELETE`, `VM Started` /
 *   `Paused` / `Resumed`); names of things (users, hosts) are most often lower case, and a
 *   variable of many values is more than a handful;
 * - otherwise a variable (`user root` / `user news` / `user test`).
 * The test is taken over the whole cluster: a position found a variable there stays one in the
 * parts of a split at another position (`inherited`), even where a part holds fewer values.
 * The result depends on the set of members only, as the clustering does.
 */
function splitConstants<S extends ClusterInput>(m: S[], n: number, table: TokenTable, minValues: number, out: S[][], inherited: Uint8Array | null = null): void {
  const { pool } = table;
  if (m.length > 1) {
    // What judgePosition found at each position looked at so far.
    const verdicts = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      if (inherited !== null && inherited[p] !== 0) continue;
      verdicts[p] = judgePosition(m, p, table, minValues);
      if (verdicts[p] !== SPLIT) continue;
      // A position whose words are a variable over the whole cluster stays one in each part,
      // where fewer of its values may be left (`authenticating user root` / `... user bin`
      // beside `invalid user admin` / `pi` / `test`).
      const variables = new Uint8Array(n);
      for (let q = 0; q < n; q++) {
        const inheritedHere = inherited !== null && inherited[q] !== 0;
        variables[q] = inheritedHere || (q !== p && (q < p ? verdicts[q] : judgePosition(m, q, table, minValues)) === WORDS) ? 1 : 0;
      }
      // Members are in id order, so the parts come out in a fixed order too.
      const parts = new Map<number, S[]>();
      for (const s of m) {
        const t = pool[s.off + p];
        const part = parts.get(t);
        if (part === undefined) parts.set(t, [s]);
        else part.push(s);
      }
      for (const part of parts.values()) splitConstants(part, n, table, minValues, out, variables);
      return;
    }
  }
  out.push(m);
}

/** What `judgePosition` finds at a position: the members agree, or hold masked values. */
const AGREE = 0;
/** Constant words that name the event: the cluster is split there. */
const SPLIT = 1;
/** Constant words that are values of a variable. */
const WORDS = 2;

/** How the members of a cluster differ at position p: AGREE, SPLIT or WORDS (the constant test of `splitConstants`). */
function judgePosition(m: readonly ClusterInput[], p: number, table: TokenTable, minValues: number): number {
  const { pool, wild, shape } = table;
  const limit = Math.max(minValues, HANDFUL + 1);
  const values = new Set<number>();
  let wilds = 0;
  let events = 0;
  let bare = false;
  for (const s of m) {
    const t = pool[s.off + p];
    if (!values.has(t)) {
      values.add(t);
      wilds += wild[t];
      events += shape[t] & EVENT_WORD;
      if (table.texts[t] === WILDCARD) bare = true;
    }
    if (values.size >= limit && wilds === 0) break;
  }
  const k = values.size;
  if (k < 2) return AGREE;
  // Variables (some values masked, or one the wildcard alone: `<*>` / `http:<*>`) are not
  // split; values that all hold a wildcard with a word of their own (`rhost=<*>` /
  // `user=<*>`, different keys) are tested as words.
  if (wilds > 0 && (wilds < k || bare)) return AGREE;
  const handful = wilds === 0 && k <= HANDFUL && events === k * EVENT_WORD;
  const constant = handful || (k < minValues && !allBracketed(values, table));
  if (!constant || keyedValues(m, p, values, table)) return WORDS;
  return SPLIT;
}

/** A word in square brackets, alone in its token but for one closing punctuation mark: `[main]`, `[ftdc]`, `[worker-pool]:`, `[.ds-.<*>],`. */
const BRACKETED = /^\[[^\s[\]]+\][,;:.]?$/;

/** True when every value is a word in square brackets (see BRACKETED): the name of a thread, a context or a component. */
function allBracketed(values: ReadonlySet<number>, table: TokenTable): boolean {
  for (const t of values) if (!BRACKETED.test(table.texts[t])) return false;
  return true;
}

/** True when the words at position p are values of a key: one `key:`/`key=` token before them in all members, or all `key=value` with one key. */
function keyedValues(m: readonly ClusterInput[], p: number, values: ReadonlySet<number>, table: TokenTable): boolean {
  const { pool, shape, texts } = table;
  if (p > 0) {
    const before = pool[m[0].off + p - 1];
    if ((shape[before] & KEY_MARK) !== 0 && m.every((s) => pool[s.off + p - 1] === before)) return true;
  }
  let key: string | null = null;
  for (const t of values) {
    const text = texts[t];
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) return false;
    const k = text.slice(0, eq);
    if (key === null) key = k;
    else if (k !== key) return false;
  }
  return true;
}

/**
 * Marks (1 in a flat sigs.length x n array) the positions where a signature varies among at
 * least `min` siblings: signatures equal to it at every other position, where at least one
 * token is a constant (`<*> started` / `<*> stopped` are no evidence). The first position is
 * marked only when it holds a LEAD_NAME (`com.apple.xyz.daily:`, `[.kibana]`): other leading words are
 * most often constants (Drain's observation).
 */
function siblingPositions(sigs: readonly ClusterInput[], n: number, pool: Int32Array, wild: Uint8Array, shape: Uint8Array, min: number): Uint8Array {
  const out = new Uint8Array(sigs.length * n);
  if (n < 2) return out;
  // Two 32-bit hashes of the tokens before and after each position; the pair of a prefix and
  // a suffix is looked up in an open-addressing table of counts.
  const pre1 = new Int32Array(n + 1);
  const pre2 = new Int32Array(n + 1);
  const suf1 = new Int32Array(n + 1);
  const suf2 = new Int32Array(n + 1);
  let cap = 16;
  while (cap < sigs.length * (n - 1) * 2) cap *= 2;
  const mask = cap - 1;
  const key1 = new Int32Array(cap);
  const key2 = new Int32Array(cap);
  const counts = new Int32Array(cap);
  const slots = new Int32Array(sigs.length * n);
  for (let i = 0; i < sigs.length; i++) {
    const off = sigs[i].off;
    pre1[0] = 0x3c6ef372;
    pre2[0] = 0x1b873593;
    for (let p = 0; p < n; p++) {
      pre1[p + 1] = Math.imul(pre1[p] ^ pool[off + p], 0x01000193) + 0x7f4a7c15;
      pre2[p + 1] = Math.imul((pre2[p] << 5) ^ (pre2[p] >>> 27) ^ pool[off + p], 0x5bd1e995);
    }
    suf1[n] = 0x6a09e667;
    suf2[n] = 0x510e527f;
    for (let p = n - 1; p >= 0; p--) {
      suf1[p] = Math.imul(suf1[p + 1] ^ pool[off + p], 0x2c1b3c6d) + 0x165667b1;
      suf2[p] = Math.imul((suf2[p + 1] << 7) ^ (suf2[p + 1] >>> 25) ^ pool[off + p], 0x297a2d39);
    }
    for (let p = 0; p < n; p++) {
      let h1 = Math.imul(pre1[p] ^ Math.imul(suf1[p + 1], 0x85ebca6b) ^ p, 0xc2b2ae35);
      h1 ^= h1 >>> 15;
      const h2 = Math.imul(pre2[p] + suf2[p + 1] + Math.imul(p, 0x9e3779b1), 0x27d4eb2f) | 1;
      let slot = h1 & mask;
      while (counts[slot] !== 0 && (key1[slot] !== h1 || key2[slot] !== h2)) slot = (slot + 1) & mask;
      key1[slot] = h1;
      key2[slot] = h2;
      counts[slot]++;
      slots[i * n + p] = slot;
    }
  }
  for (let i = 0; i < sigs.length; i++) {
    const off = sigs[i].off;
    let constants = 0;
    for (let p = 0; p < n; p++) constants += 1 - wild[pool[off + p]];
    for (let p = (shape[pool[off]] & LEAD_NAME) !== 0 ? 0 : 1; p < n; p++) {
      if (counts[slots[i * n + p]] >= min && constants - (1 - wild[pool[off + p]]) > 0) out[i * n + p] = 1;
    }
  }
  return out;
}

function byId(a: ClusterInput, b: ClusterInput): number {
  return a.id - b.id;
}
