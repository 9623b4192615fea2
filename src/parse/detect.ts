import type { FormatDefinition, FormatSpec, ParseContext } from './format.js';
import { loadFormats } from './registry.js';
import { parseLines } from './parse-chunk.js';
import { RowWriter } from './row-writer.js';

/** How well one format parses a sample. */
export interface FormatScore {
  format: string;
  parsed: number;
  lines: number;
  rate: number;
}

/** The format chosen for a source, and why. */
export interface Detection {
  format: string;
  /** Share of the sample's non-blank lines the chosen format parsed. */
  rate: number;
  /** Every candidate's score, best first. */
  scores: FormatScore[];
  /** Non-blank lines sampled. */
  sampled: number;
  /** False when no format parsed MATCH_RATE of the sample: `format` is then only the best of poor matches. */
  matched: boolean;
}

/** Lines looked at; enough to tell formats apart, few enough to be instant. */
export const DETECT_SAMPLE_LINES = 200;
/** Bytes read from the head of a file for detection. */
export const DETECT_SAMPLE_BYTES = 256 * 1024;
/** Below this parse rate the summary suggests `--input-format` or a template. */
export const POOR_MATCH_RATE = 0.8;

/** Formats that cannot be guessed: they need a pattern or template from the user. */
function isGuessable(def: FormatDefinition): boolean {
  return def.needsOptions !== true;
}

/** Below this parse rate no format matched: detect and ingest say so and suggest a template. */
export const MATCH_RATE = 0.5;
/**
 * A specific format is chosen over the generic one when it leaves at most this share more of
 * the sample unparsed: its fields (host, logger, pid) are worth a few lines.
 */
export const GENERIC_MARGIN = 0.03;
/** The fallback format, chosen only when no specific one reads nearly as many lines. */
export const GENERIC_FORMAT = 'generic';

/**
 * Tries every built-in format on the first lines of `sample` and picks the one that
 * parses the most, counting lines as ingest does (continuation lines joined to a record are
 * parsed); ties go to the more specific format (`FormatDefinition.specificity`). The generic
 * format wins only when it parses more than GENERIC_MARGIN of the sample more than the best
 * specific format. `matched` is false when even the best parses under MATCH_RATE.
 */
export async function detectFormat(sample: Buffer, ctx: ParseContext, maxLines = DETECT_SAMPLE_LINES): Promise<Detection> {
  let pos = 0;
  let taken = 0;
  let cut = 0;
  while (pos < sample.length && taken < maxLines) {
    let nl = sample.indexOf(10, pos);
    if (nl < 0) nl = sample.length;
    let end = nl;
    if (end > pos && sample[end - 1] === 13) end--;
    if (!/^\s*$/.test(sample.toString('latin1', pos, Math.min(end, pos + 64)))) taken++;
    cut = Math.min(nl + 1, sample.length);
    pos = nl + 1;
  }
  const formats = [...(await loadFormats()).values()].filter(isGuessable);
  const scores: (FormatScore & { specificity: number })[] = [];
  for (const def of formats) {
    let parser;
    try {
      parser = def.create({}, ctx);
    } catch {
      continue; // it needs options after all (a pattern, a template): not guessable
    }
    const scratch = new RowWriter(64 * 1024);
    const counts = parseLines(sample, 0, cut, parser, scratch);
    scratch.release();
    const lines = counts.parsed + counts.unparsed;
    scores.push({ format: def.name, parsed: counts.parsed, lines, rate: lines === 0 ? 0 : counts.parsed / lines, specificity: def.specificity ?? 0 });
  }
  scores.sort((a, b) => b.parsed - a.parsed || b.specificity - a.specificity || a.format.localeCompare(b.format));
  const generic = scores.find((x) => x.format === GENERIC_FORMAT);
  const specific = scores.find((x) => x.format !== GENERIC_FORMAT);
  if (generic !== undefined && specific !== undefined && scores[0] === generic && specific.parsed > 0 && specific.rate >= generic.rate - GENERIC_MARGIN) {
    scores.splice(scores.indexOf(specific), 1);
    scores.unshift(specific);
  }
  const best = scores[0];
  const rate = best?.rate ?? 0;
  return {
    // When nothing parses at all, no format is "best": the fallback reads what it can later on.
    format: best === undefined || best.parsed === 0 ? GENERIC_FORMAT : best.format,
    rate,
    matched: rate >= MATCH_RATE,
    scores: scores.map(({ specificity: _s, ...rest }) => rest),
    sampled: best?.lines ?? taken,
  };
}

/** True when a spec asks for detection. */
export function isAutoFormat(spec: FormatSpec): boolean {
  return spec.name === 'auto';
}
