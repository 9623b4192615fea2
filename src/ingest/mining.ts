import type { MiningConfig, MiningSettings } from '../config/index.js';
import { createTemplateCatalog, type TemplateCatalog } from '../detect/miner/index.js';
import type { BatchMining, SignatureStat, StoreWriter } from '../store/index.js';
import type { ChunkMinedSignature } from './task.js';

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

  private constructor(private readonly config: MiningConfig) {}

  /** Loads the store's signatures into per-format catalogs. */
  static async start(store: StoreWriter, config: MiningConfig): Promise<TemplateMining> {
    const mining = new TemplateMining(config);
    const byFormat = new Map<string, Array<{ id: number; text: string; count: number }>>();
    for (const s of await store.readSignatures()) byFormat.set(s.format, [...(byFormat.get(s.format) ?? []), s]);
    for (const [format, signatures] of byFormat) mining.catalogs.set(format, mining.createCatalog(format, signatures));
    return mining;
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
    const byFormat = new Map<string, SignatureStat[]>();
    for (const s of signatures) byFormat.set(s.format, [...(byFormat.get(s.format) ?? []), s]);
    const assignments: BatchMining['assignments'] = [];
    // The templates this batch's assignments point to (new or generalised): the others in the
    // catalog are already stored, and the store drops those no signature points to any more.
    const templates = new Map<number, { id: number; text: string; tokens: number }>();
    for (const [format, list] of byFormat) {
      let catalog = this.catalogs.get(format);
      if (catalog === undefined) this.catalogs.set(format, (catalog = this.createCatalog(format)));
      for (const change of catalog.add(list.map((s) => ({ id: s.signature, text: s.text, count: s.count })))) {
        assignments.push({ signature: change.signature, template: change.template });
        if (templates.has(change.template)) continue;
        const t = catalog.template(change.template);
        if (t !== undefined) templates.set(t.id, { id: t.id, text: t.text, tokens: t.tokens });
      }
    }
    return { signatures, assignments, templates: [...templates.values()] };
  }
}
