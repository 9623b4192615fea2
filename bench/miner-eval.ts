/**
 * What the template-miner quality bench and tests share: the Loghub samples and their ground
 * truth, grouping accuracy, the fixed split of the dev samples into two halves, and mining a
 * whole real-log file (parsed as ingest parses it) into templates.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Miner from '../src/detect/miner/index.js';
import { parseCsv } from './loghub-csv.js';

/** The miner's public surface, as the current build or a baseline build exports it. */
export type MinerModule = Pick<typeof Miner, 'createSignatureMiner' | 'createTemplateCatalog'>;

/**
 * The cross-check split of the eight dev samples, fixed before any result was looked at
 * (every other name in the order the samples' README lists them): every mining rule is
 * developed on half A and kept only when half B does not get worse.
 */
export const LOGHUB_HALF_A = ['Apache', 'Hadoop', 'Linux', 'Spark'] as const;
export const LOGHUB_HALF_B = ['BGL', 'HDFS', 'OpenSSH', 'Zookeeper'] as const;
export const LOGHUB_DEV = [...LOGHUB_HALF_A, ...LOGHUB_HALF_B] as const;

/** One Loghub sample: its messages (`Content`) in file order and their true templates. */
export interface LoghubSample {
  contents: string[];
  truths: string[];
}

/** Reads `<DS>_2k.log_structured_corrected.csv` of one sample under `datasets`. */
export function loadLoghubSample(datasets: string, name: string): LoghubSample {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(datasets, name, `${name}_2k.log_structured_corrected.csv`), 'utf8'));
  const content = header.indexOf('Content');
  const template = header.indexOf('EventTemplate');
  const ok = rows.filter((r) => r.length === header.length);
  return { contents: ok.map((r) => r[content]), truths: ok.map((r) => r[template]) };
}

/** Grouping accuracy: the share of lines whose predicted group is exactly the set of lines of their true group. */
export function groupingAccuracy(truths: readonly string[], predicted: readonly unknown[]): number {
  const byTruth = new Map<string, number>();
  for (const t of truths) byTruth.set(t, (byTruth.get(t) ?? 0) + 1);
  const byPrediction = new Map<unknown, number[]>();
  predicted.forEach((p, i) => {
    const lines = byPrediction.get(p);
    if (lines === undefined) byPrediction.set(p, [i]);
    else lines.push(i);
  });
  let correct = 0;
  for (const lines of byPrediction.values()) {
    const t = truths[lines[0]];
    if (lines.every((i) => truths[i] === t) && byTruth.get(t) === lines.length) correct += lines.length;
  }
  return correct / truths.length;
}

/** Mines messages in one pass with default options; returns each message's template id and the template count. */
export function mineMessages(miner: MinerModule, messages: Iterable<string>): { templates: number[]; count: number; texts: Map<number, string> } {
  const signer = miner.createSignatureMiner();
  const signatures: number[] = [];
  for (const m of messages) signatures.push(signer.signature(m));
  const catalog = miner.createTemplateCatalog({}, signer.drain());
  const texts = new Map<number, string>();
  for (const t of catalog.templates()) texts.set(t.id, t.text);
  return { templates: signatures.map((s) => catalog.templateOf(s)!), count: texts.size, texts };
}

/** What a baseline miner and the current one make of the same messages, each mined with default options, and their GA. */
export interface MinerComparison {
  before: ReturnType<typeof mineMessages>;
  after: ReturnType<typeof mineMessages>;
  gaBefore: number;
  gaAfter: number;
}

/** Mines `messages` with both miners and scores each against `truths` (one true template per message). */
export function compareMiners(baseline: MinerModule, current: MinerModule, messages: readonly string[], truths: readonly string[]): MinerComparison {
  const before = mineMessages(baseline, messages);
  const after = mineMessages(current, messages);
  return { before, after, gaBefore: groupingAccuracy(truths, before.templates), gaAfter: groupingAccuracy(truths, after.templates) };
}

/**
 * The messages of a real-log file, as ingest parses them: its format detected from the head,
 * each record's message field (continuation lines joined), in file order.
 */
export async function realLogMessages(file: string): Promise<string[]> {
  const { jsonDocumentLines, readHead } = await import('../src/ingest/index.js');
  const { createParser, detectFormat, parseLines, RowWriter, SignatureTally, utcZone } = await import('../src/parse/index.js');
  const ctx = { zone: utcZone, referenceMicros: Math.round(fs.statSync(file).mtimeMs * 1000) };
  const detection = await detectFormat(await readHead(file, undefined), ctx);
  const buf = detection.format === 'json' ? await jsonDocumentLines(file) : fs.readFileSync(file);
  const parser = await createParser({ name: detection.format, options: detection.options }, ctx);
  const messages: string[] = [];
  // A signer that keeps the messages the row writer hands to the miner.
  const keep = {
    refOfText(message: string): number {
      messages.push(message);
      return 0;
    },
    refOf(b: Buffer, start: number, end: number): number {
      messages.push(b.toString('utf8', start, end));
      return 0;
    },
    idOfRef: (): number => 1,
  };
  const out = new RowWriter(1 << 20, new SignatureTally(keep));
  parseLines(buf, 0, buf.length, parser, out);
  out.finish();
  return messages;
}
