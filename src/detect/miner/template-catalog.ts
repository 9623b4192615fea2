import { ConfigError } from '../../errors.js';
import { clusterGroup, LEAD_NAME, TokenTable, type ClusterOptions } from './cluster.js';
import { createLengthMemo, mergeAcrossLengths, type LengthCluster, type LengthMemo } from './lengths.js';
import { templateIdOfText } from './hash.js';
import { WILDCARD } from './mask.js';

/** Options of {@link createTemplateCatalog}. The defaults suit logs in general; see the README. */
export interface TemplateCatalogOptions {
  /**
   * Similarity threshold in (0, 1]: a signature joins a template when at least this share
   * of its tokens agree with it (default 0.8). Lower merges more.
   */
  st?: number;
  /**
   * Leading tokens that must be equal for two signatures to be compared at all, as in
   * Drain's prefix tree (default 1; 0: only the token count must be equal). A leading
   * token holding a wildcard, a dotted name like `com.apple.xyz.daily:` or a bracketed name like `[.kibana]`, routes as `<*>`.
   */
  depth?: number;
  /**
   * Distinct constant words a position needs before it may become `<*>` (default 3): with
   * fewer, the template is split, one per word (`stored as bytes` / `stored as values`).
   */
  minValues?: number;
  /**
   * Siblings (signatures equal but at one position) that make that position count as a
   * variable when comparing, however short the message (default 4; 0 turns it off).
   */
  siblings?: number;
}

/** A signature as the catalog stores and exports it: the rows of a signatures table. */
export interface CatalogSignature {
  /** The stage-1 id (see `SignatureMiner`). */
  id: number;
  /** Its masked text. */
  text: string;
  /** Lines seen with it, summed over all `add` calls (0 when never given). */
  count?: number;
}

/** A template: a cluster of signatures. */
export interface Template {
  /** 53-bit hash of `text` (`templateIdOfText`): the same text always has the same id. */
  id: number;
  /** Shared tokens, `<*>` for the others, joined by one space. */
  text: string;
  /** Token count. */
  tokens: number;
  /** Member signature ids, ascending. */
  signatures: number[];
  /** Lines of all members. */
  count: number;
}

/** A signature whose template is new or different after an `add`. */
export interface TemplateChange {
  signature: number;
  template: number;
  /** Its template before, absent for a signature new to the catalog. */
  previous?: number;
}

/**
 * Stage 2 of template mining, in the main thread: the signatures of all workers and runs,
 * clustered into templates. The clustering of each group (same token count, same `depth`
 * leading tokens) is recomputed from the group's SET of signatures whenever one joins, so
 * the result does not depend on the order or batches in which signatures arrive. A template
 * led by a constant word joins one led by the wildcard alone with the same rest (see
 * `valueRest`), in whatever order the two come.
 */
export interface TemplateCatalog {
  /**
   * Adds signatures (known ids only add their counts) and returns the signatures whose
   * template changed, new ones included, in ascending signature order.
   */
  add(signatures: Iterable<CatalogSignature>): TemplateChange[];
  /** The template id of a signature, or undefined for an unknown one. */
  templateOf(signature: number): number | undefined;
  /** A template by id, or undefined. */
  template(id: number): Template | undefined;
  /** All templates, by ascending id. */
  templates(): Template[];
  /** The catalog's state, to save and give back to `createTemplateCatalog`: all signatures by ascending id. */
  signatures(): CatalogSignature[];
}

/** The template of a signature not clustered yet (ids are never negative). */
const NONE = -1;

interface SignatureRecord {
  id: number;
  text: string;
  /** Where its tokens start in the token pool. */
  off: number;
  tokens: number;
  count: number;
  group: Group;
  /** The template of its family's cluster. */
  own: number;
  /** Its template: `own`, or the template led by a value that `own` joins (see `valueRest`). */
  template: number;
}

interface Group {
  /** Token count. */
  tokens: number;
  members: SignatureRecord[];
  /** The clusters of its members (see `clusterGroup`), before merging across lengths. */
  clusters: LengthCluster<SignatureRecord>[];
  family: Family;
}

/** The groups of the same leading tokens, of any token count: templates merge across them (see `mergeAcrossLengths`). */
interface Family {
  groups: Group[];
  /** Ids of the templates the family has now. */
  templates: number[];
  memo: LengthMemo;
}

interface TemplateRecord {
  id: number;
  text: string;
  tokens: number;
  members: SignatureRecord[];
  /** Its text after the first token, when that token is a constant word, or the wildcard alone with two or more constant tokens after it (see `valueRest`); else null. */
  rest: string | null;
  /** The template led by a value that this one joins, or NONE. */
  into: number;
}

/**
 * For a template text, the text after its first token, and whether that token is the wildcard
 * alone (`<*> zone: <*> pages used for memmap`) or a constant word (`DMA zone: ...`); null when
 * the first token is neither, or is the wildcard with fewer than two constant tokens after it
 * (`<*> [<*>]` is too little to go by: `RAMDISK: [<*>]` is another event). A template led
 * by a constant word joins the template of its family-less twin led by a value: where a value
 * was seen at the first token (`DMA32` masked), the other first words there (`DMA`, `Normal`)
 * are values too, though the first token routes them to families of their own.
 */
function valueRest(text: string): { rest: string; valueLed: boolean } | null {
  const sp = text.indexOf(' ');
  if (sp <= 0) return null;
  const valueLed = sp === WILDCARD.length && text.startsWith(WILDCARD);
  if (!valueLed && text.lastIndexOf(WILDCARD, sp - 1) >= 0) return null;
  const rest = text.slice(sp + 1);
  // The rest is the same text in both: its constants are counted for the value-led one only.
  return !valueLed || constantTokens(rest) >= 2 ? { rest, valueLed } : null;
}

/** How many of the space-separated tokens of a text hold no wildcard. */
function constantTokens(text: string): number {
  let constants = 0;
  for (const t of text.split(' ')) if (t !== '' && !t.includes(WILDCARD)) constants++;
  return constants;
}

/** Deletes id from the set at key, and the set once empty. */
function dropFrom<K>(sets: Map<K, Set<number>>, key: K, id: number): void {
  const ids = sets.get(key);
  if (ids === undefined) return;
  ids.delete(id);
  if (ids.size === 0) sets.delete(key);
}

/** Checks the options and fills in the defaults; throws a ConfigError naming a bad one. */
export function resolveCatalogOptions(options: TemplateCatalogOptions = {}): ClusterOptions {
  const st = options.st ?? 0.8;
  if (!(st > 0 && st <= 1)) throw new ConfigError(`miner st ${st}: write a similarity threshold above 0 and at most 1, e.g. 0.8`);
  const depth = options.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 0) throw new ConfigError(`miner depth ${depth}: write a whole number of leading tokens, 0 or more`);
  const minValues = options.minValues ?? 3;
  if (!Number.isInteger(minValues) || minValues < 2) throw new ConfigError(`miner minValues ${minValues}: write a whole number of at least 2`);
  const siblings = options.siblings ?? 4;
  if (!Number.isInteger(siblings) || siblings < 0) throw new ConfigError(`miner siblings ${siblings}: write a whole number, 0 to turn sibling evidence off`);
  return { st, depth, minValues, siblings };
}

/**
 * Creates a template catalog, optionally from saved signatures (see `signatures()`).
 * @example
 * const catalog = createTemplateCatalog({}, savedRows);
 * for (const change of catalog.add(chunkResult.signatures)) upsert(change.signature, change.template);
 */
export function createTemplateCatalog(options: TemplateCatalogOptions = {}, signatures: Iterable<CatalogSignature> = []): TemplateCatalog {
  const resolved = resolveCatalogOptions(options);
  const table = new TokenTable();
  const bySignature = new Map<number, SignatureRecord>();
  const groups = new Map<string, Group>();
  const families = new Map<string | number, Family>();
  const byTemplate = new Map<number, TemplateRecord>();
  /** Templates led by the wildcard alone, by the rest of their text (see `valueRest`). */
  const valueLed = new Map<string, number>();
  /** Templates led by a constant word, by the rest of their text. */
  const constantLed = new Map<string, Set<number>>();
  /** Per template led by a value, the templates that join it. */
  const joined = new Map<number, Set<number>>();

  /** The family key: the leading tokens (`depth` of them; 0: none). */
  function familyKey(off: number, n: number): string | number {
    const pool = table.pool;
    if (resolved.depth === 0 || n === 0) return -2;
    // A leading dotted name or bracketed name routes as a variable (see LEAD_NAME).
    const lead = table.wild[pool[off]] === 1 || (table.shape[pool[off]] & LEAD_NAME) !== 0 ? -1 : pool[off];
    if (resolved.depth === 1) return lead;
    let key = `${lead}`;
    for (let i = 1; i < resolved.depth && i < n; i++) key += ' ' + (table.wild[pool[off + i]] === 1 ? -1 : pool[off + i]);
    return key;
  }

  /** Re-clusters a family: each group whose members changed, then the templates across lengths. Notes the templates made in `made` and the rests of value-led templates gone or made in `rests`. */
  function recluster(family: Family, dirty: ReadonlySet<Group>, made: TemplateRecord[], rests: Set<string>): void {
    for (const id of family.templates) {
      const old = byTemplate.get(id);
      byTemplate.delete(id);
      if (old === undefined || old.rest === null) continue;
      if (old.text.startsWith(WILDCARD + ' ')) {
        valueLed.delete(old.rest);
        rests.add(old.rest);
      } else {
        dropFrom(constantLed, old.rest, id);
        if (old.into !== NONE) dropFrom(joined, old.into, id);
      }
    }
    family.templates = [];
    const all: LengthCluster<SignatureRecord>[] = [];
    for (const group of family.groups) {
      if (dirty.has(group)) group.clusters = clusterGroup(group.members, group.tokens, table, resolved).map((c) => ({ ...c, tokens: group.tokens }));
      all.push(...group.clusters);
    }
    for (const cluster of mergeAcrossLengths(all, family.memo)) {
      const id = templateIdOfText(cluster.text);
      const existing = byTemplate.get(id);
      if (existing !== undefined) {
        // Another cluster with the same text (or, improbably, hash) in another family: one template.
        existing.members.push(...cluster.members);
        made.push(existing);
      } else {
        const vr = resolved.depth > 0 ? valueRest(cluster.text) : null;
        const rec: TemplateRecord = { id, text: cluster.text, tokens: cluster.tokens, members: cluster.members, rest: vr?.rest ?? null, into: NONE };
        byTemplate.set(id, rec);
        made.push(rec);
        if (vr !== null && vr.valueLed) {
          valueLed.set(vr.rest, id);
          rests.add(vr.rest);
        } else if (vr !== null) {
          let ids = constantLed.get(vr.rest);
          if (ids === undefined) constantLed.set(vr.rest, (ids = new Set()));
          ids.add(id);
        }
      }
      family.templates.push(id);
      for (const s of cluster.members) s.own = id;
    }
  }

  /** Joins each template led by a constant word whose value-led twin came or went (or that is new) to that twin, and notes the signatures whose template changed. */
  function joinValueLed(made: readonly TemplateRecord[], rests: ReadonlySet<string>, changes: TemplateChange[]): void {
    const check = new Set<TemplateRecord>(made);
    for (const rest of rests) for (const id of constantLed.get(rest) ?? []) check.add(byTemplate.get(id)!);
    for (const rec of check) {
      if (byTemplate.get(rec.id) !== rec) continue;
      const into = rec.rest === null || rec.text.startsWith(WILDCARD + ' ') ? NONE : (valueLed.get(rec.rest) ?? NONE);
      if (rec.into !== NONE) dropFrom(joined, rec.into, rec.id);
      rec.into = into;
      if (into !== NONE) {
        let ids = joined.get(into);
        if (ids === undefined) joined.set(into, (ids = new Set()));
        ids.add(rec.id);
      }
      for (const s of rec.members) {
        const id = into === NONE ? s.own : into;
        if (s.template !== id) {
          changes.push(s.template === NONE ? { signature: s.id, template: id } : { signature: s.id, template: id, previous: s.template });
          s.template = id;
        }
      }
    }
  }

  function add(input: Iterable<CatalogSignature>): TemplateChange[] {
    const dirty = new Set<Group>();
    for (const sig of input) {
      const known = bySignature.get(sig.id);
      if (known !== undefined) {
        known.count += sig.count ?? 0;
        continue;
      }
      const off = table.append(sig.text);
      const n = table.used - off;
      const fkey = familyKey(off, n);
      const key = `${n} ${fkey}`;
      let group = groups.get(key);
      if (group === undefined) {
        let family = families.get(fkey);
        if (family === undefined) families.set(fkey, (family = { groups: [], templates: [], memo: createLengthMemo() }));
        group = { tokens: n, members: [], clusters: [], family };
        family.groups.push(group);
        groups.set(key, group);
      }
      const rec: SignatureRecord = { id: sig.id, text: sig.text, off, tokens: n, count: sig.count ?? 0, group, own: NONE, template: NONE };
      bySignature.set(sig.id, rec);
      group.members.push(rec);
      dirty.add(group);
    }
    const made: TemplateRecord[] = [];
    const rests = new Set<string>();
    for (const family of new Set([...dirty].map((g) => g.family))) recluster(family, dirty, made, rests);
    const changes: TemplateChange[] = [];
    joinValueLed(made, rests, changes);
    changes.sort((a, b) => a.signature - b.signature);
    return changes;
  }

  function toTemplate(t: TemplateRecord): Template {
    let count = 0;
    const ids: number[] = [];
    const parts = [t, ...[...(joined.get(t.id) ?? [])].map((id) => byTemplate.get(id)!)];
    for (const part of parts) {
      for (const s of part.members) {
        count += s.count;
        ids.push(s.id);
      }
    }
    ids.sort((a, b) => a - b);
    return { id: t.id, text: t.text, tokens: t.tokens, signatures: ids, count };
  }

  add(signatures);
  return {
    add,
    templateOf(signature) {
      return bySignature.get(signature)?.template;
    },
    template(id) {
      const t = byTemplate.get(id);
      return t === undefined || t.into !== NONE ? undefined : toTemplate(t);
    },
    templates() {
      return [...byTemplate.values()]
        .filter((t) => t.into === NONE)
        .map(toTemplate)
        .sort((a, b) => a.id - b.id);
    },
    signatures() {
      return [...bySignature.values()].map((s) => ({ id: s.id, text: s.text, count: s.count })).sort((a, b) => a.id - b.id);
    },
  };
}
