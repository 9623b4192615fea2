import type { MiningConfig, MiningSettings } from '../config/index.js';
import { createSignatureMiner, createTemplateCatalog, MINER_RULES, type TemplateCatalog } from '../detect/miner/index.js';
import { EXAMPLE_CHARS } from '../parse/signature-tally.js';
import type { BatchMining, SignatureStat, StoredSignature, StoreWriter } from '../store/index.js';
import type { ChunkMinedSignature } from './task.js';

/**
 * What the store's catalog must agree with: the miner's rules and the mining settings. When the
 * store noted something else, its signatures are re-masked and re-clustered at the next ingest.
 */
function minerStamp(config: MiningConfig): string {
  return JSON.stringify({ rules: MINER_RULES, masks: config.masks ?? [], similarity: config.similarity, depth: config.depth, formats: config.formats });
}

/** A template as a batch stores it. */
type StoredTemplate = BatchMining['templates'][number];

/** Items grouped by their `format`, in the order first seen. */
function byFormatOf<T extends { format: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.format);
    if (list === undefined) out.set(item.format, [item]);
    else list.push(item);
  }
  return out;
}

/** Adds template `id` of `catalog` to `templates`, once. */
function noteTemplate(templates: Map<number, StoredTemplate>, catalog: TemplateCatalog, id: number): void {
  if (templates.has(id)) return;
  const t = catalog.template(id);
  if (t !== undefined) templates.set(t.id, { id: t.id, text: t.text, tokens: t.tokens });
}

/** The settings of one format: the defaults, with the format's own over them. */
export function miningSettingsFor(format: string, config: MiningConfig): Required<Pick<MiningSettings, 'masks'>> & MiningSettings {
  const own = config.formats[format] ?? {};
  return {
    masks: [...(config.masks ?? []), ...(own.masks ?? [])],
    similarity: own.similarity ?? config.similarity,
    depth: own.depth ?? config.depth,
  };
}

/**
 * Stage 2 of template mining during an ingest, in the main thread: one template catalog per
 * format, started from every signature the store already has, fed each batch's signatures
 * before the batch commits. The catalog's clustering depends on the set of signatures only,
 * so the templates are the same whatever the worker count or the number of runs.
 */
export class TemplateMining {
  private readonly catalogs = new Map<string, TemplateCatalog>();
  private batch = new Map<number, SignatureStat>();
  /** An upgrade of the stored catalog, written with the first batch (see `start`). */
  private upgrade: Required<Pick<BatchMining, 'retexts' | 'assignments' | 'templates' | 'minerRules'>> | null = null;

  private constructor(private readonly config: MiningConfig) {}

  /**
   * Loads the store's signatures into per-format catalogs. When the store's catalog was made by
   * other miner rules or settings (an upgrade, a changed `mining` config), each signature is
   * first re-masked from its stored example by the current rules, and every signature whose
   * text or template comes out different is updated with the first batch committed, so that old
   * and new records of one event share one template (and a new-pattern rule does not take an
   * old event for a new one).
   */
  static async start(store: StoreWriter, config: MiningConfig): Promise<TemplateMining> {
    const mining = new TemplateMining(config);
    const stamp = minerStamp(config);
    const { rules, signatures } = await store.readSignatures(stamp);
    // Also for an empty store: its first batch notes the rules it is mined with.
    const upgrade = rules !== stamp;
    const retexts: NonNullable<BatchMining['retexts']> = [];
    const assignments: BatchMining['assignments'] = [];
    const templates = new Map<number, StoredTemplate>();
    for (const [format, list] of byFormatOf(signatures)) {
      if (upgrade) retexts.push(...mining.remask(format, list));
      const catalog = mining.createCatalog(format, list);
      mining.catalogs.set(format, catalog);
      if (!upgrade) continue;
      for (const s of list) {
        const template = catalog.templateOf(s.id);
        if (template === undefined || template === s.template) continue;
        assignments.push({ signature: s.id, template });
        noteTemplate(templates, catalog, template);
      }
    }
    if (upgrade) mining.upgrade = { retexts, assignments, templates: [...templates.values()], minerRules: stamp };
    return mining;
  }

  /**
   * Re-masks stored signatures from their examples with the current rules: each one whose text
   * changes gets the new text (in `list`, for the catalog) and is returned, to be stored. An
   * example cut at EXAMPLE_CHARS may not be the whole message: such a signature keeps its text.
   */
  private remask(format: string, list: StoredSignature[]): Array<{ signature: number; text: string; tokens: number }> {
    const signer = createSignatureMiner({ masks: miningSettingsFor(format, this.config).masks });
    const newIds = list.map((s) => (s.example !== '' && s.example.length < EXAMPLE_CHARS ? signer.signature(s.example) : null));
    const texts = new Map(signer.drain().map((e) => [e.id, e]));
    const out: Array<{ signature: number; text: string; tokens: number }> = [];
    list.forEach((s, i) => {
      const entry = newIds[i] === null ? undefined : texts.get(newIds[i]!);
      if (entry === undefined || entry.text === s.text) return;
      s.text = entry.text;
      out.push({ signature: s.id, text: entry.text, tokens: entry.tokens });
    });
    return out;
  }

  private createCatalog(format: string, signatures: Iterable<{ id: number; text: string; count: number }> = []): TemplateCatalog {
    const settings = miningSettingsFor(format, this.config);
    return createTemplateCatalog({ st: settings.similarity, depth: settings.depth }, signatures);
  }

  /** Adds one chunk's signatures to the open batch. `base` is the chunk's first line number minus one. */
  addChunk(signatures: readonly ChunkMinedSignature[], format: string, source: string, base: number): void {
    for (const c of signatures) {
      const s = this.batch.get(c.id);
      if (s === undefined) {
        this.batch.set(c.id, {
          signature: c.id, format, text: c.text, tokens: c.tokens, count: c.count, firstUs: c.firstUs, lastUs: c.lastUs,
          example: c.example, exampleSource: source, exampleLine: base + c.exampleLine, levels: [...c.levels],
        });
        continue;
      }
      s.count += c.count;
      if (c.firstUs < s.firstUs) {
        s.firstUs = c.firstUs;
        s.example = c.example;
        s.exampleSource = source;
        s.exampleLine = base + c.exampleLine;
      }
      if (c.lastUs > s.lastUs) s.lastUs = c.lastUs;
      for (let i = 0; i < s.levels.length; i++) s.levels[i] += c.levels[i];
    }
  }

  /** Clusters the open batch's signatures into the catalogs and returns what the commit stores. */
  takeBatch(): BatchMining {
    const signatures = [...this.batch.values()];
    this.batch = new Map();
    const upgrade = this.upgrade;
    this.upgrade = null;
    // One assignment per signature: the batch's own (made later) win over the upgrade's.
    const assigned = new Map<number, number>();
    for (const a of upgrade?.assignments ?? []) assigned.set(a.signature, a.template);
    // The templates this batch's assignments point to (new or generalised): the others in the
    // catalog are already stored, and the store drops those no signature points to any more.
    const templates = new Map<number, StoredTemplate>();
    for (const t of upgrade?.templates ?? []) templates.set(t.id, t);
    for (const [format, list] of byFormatOf(signatures)) {
      let catalog = this.catalogs.get(format);
      if (catalog === undefined) this.catalogs.set(format, (catalog = this.createCatalog(format)));
      for (const change of catalog.add(list.map((s) => ({ id: s.signature, text: s.text, count: s.count })))) {
        assigned.set(change.signature, change.template);
        noteTemplate(templates, catalog, change.template);
      }
    }
    const assignments = [...assigned].map(([signature, template]) => ({ signature, template }));
    // A template the upgrade listed that a later change moved every signature off is not stored.
    const used = new Set(assigned.values());
    const stored = [...templates.values()].filter((t) => used.has(t.id));
    const mining: BatchMining = { signatures, assignments, templates: stored };
    if (upgrade !== null) {
      mining.retexts = upgrade.retexts;
      mining.minerRules = upgrade.minerRules;
    }
    return mining;
  }
}
