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
 * the result does not depend on the order or batches in which signatures arrive.
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

  /** Re-clusters a family: each group whose members changed, then the templates across lengths. */
  function recluster(family: Family, dirty: ReadonlySet<Group>, changes: TemplateChange[]): void {
    for (const id of family.templates) byTemplate.delete(id);
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
      } else {
        byTemplate.set(id, { id, text: cluster.text, tokens: cluster.tokens, members: cluster.members });
      }
      family.templates.push(id);
      for (const s of cluster.members) {
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
      const rec: SignatureRecord = { id: sig.id, text: sig.text, off, tokens: n, count: sig.count ?? 0, group, template: NONE };
      bySignature.set(sig.id, rec);
      group.members.push(rec);
      dirty.add(group);
    }
    const changes: TemplateChange[] = [];
    for (const family of new Set([...dirty].map((g) => g.family))) recluster(family, dirty, changes);
    changes.sort((a, b) => a.signature - b.signature);
    return changes;
  }

  function toTemplate(t: TemplateRecord): Template {
    let count = 0;
    const ids: number[] = [];
    for (const s of t.members) {
      count += s.count;
      ids.push(s.id);
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
      return t === undefined ? undefined : toTemplate(t);
    },
    templates() {
      return [...byTemplate.values()].map(toTemplate).sort((a, b) => a.id - b.id);
    },
    signatures() {
      return [...bySignature.values()].map((s) => ({ id: s.id, text: s.text, count: s.count })).sort((a, b) => a.id - b.id);
    },
  };
}
