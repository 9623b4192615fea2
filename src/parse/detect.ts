import type { FormatDefinition, FormatSpec, LineParser, ParseContext } from './format.js';
import { isContinuation } from './multiline.js';
import { loadFormats } from './registry.js';
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

/**
 * Tries every built-in format on the first lines of `sample` and picks the one that
 * parses the most; ties go to the more specific format (`FormatDefinition.specificity`).
 */
export async function detectFormat(sample: Buffer, ctx: ParseContext, maxLines = DETECT_SAMPLE_LINES): Promise<Detection> {
  const lines: [number, number][] = [];
  let pos = 0;
  while (pos < sample.length && lines.length < maxLines) {
    let nl = sample.indexOf(10, pos);
    if (nl < 0) nl = sample.length;
    let end = nl;
    if (end > pos && sample[end - 1] === 13) end--;
    if (!/^\s*$/.test(sample.toString('latin1', pos, Math.min(end, pos + 64)))) lines.push([pos, end]);
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
    let parsed = 0;
    for (let k = 0; k < lines.length; k++) {
      const [s, e] = lines[k];
      if (parser.parseLine(sample, s, e, scratch) !== null) continue;
      parsed++;
      scratch.endRecord(0);
      // The lines that continue this record (a stack trace, the statement of a slow-log
      // entry) are parsed lines too, as parseLines counts them.
      while (k + 1 < lines.length && continuesRecord(parser, sample, s, lines[k + 1][0], lines[k + 1][1], lines[k][1])) {
        parsed++;
        k++;
      }
    }
    scratch.release();
    scores.push({ format: def.name, parsed, lines: lines.length, rate: lines.length === 0 ? 0 : parsed / lines.length, specificity: def.specificity ?? 0 });
  }
  scores.sort((a, b) => b.parsed - a.parsed || b.specificity - a.specificity || a.format.localeCompare(b.format));
  const best = scores[0];
  return {
    format: best?.format ?? 'syslog',
    rate: best?.rate ?? 0,
    scores: scores.map(({ specificity: _s, ...rest }) => rest),
    sampled: lines.length,
  };
}

/**
 * Whether the sample line [start, end) continues the record begun at `recordStart`, as
 * parseLines decides: only when it follows the line before directly (no blank line between).
 */
function continuesRecord(parser: LineParser, sample: Buffer, recordStart: number, start: number, end: number, prevEnd: number): boolean {
  let nl = prevEnd;
  if (sample[nl] === 13) nl++;
  if (nl + 1 !== start) return false;
  return isContinuation(sample, start, end) || (parser.continues !== undefined && parser.continues(sample, recordStart, start, end));
}

/** True when a spec asks for detection. */
export function isAutoFormat(spec: FormatSpec): boolean {
  return spec.name === 'auto';
}
