import type { FormatDefinition, FormatOptions, FormatSpec, ParseContext } from './format.js';
import { loadFormats, withContinuation } from './registry.js';
import { parseLines } from './parse-chunk.js';
import { RowWriter } from './row-writer.js';
import { suggestTemplate, type TemplateSuggestion } from './suggest-template.js';

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
  /** The chosen format's options read from the sample: a header-driven format's header. */
  options: FormatOptions;
  /** Share of the sample's lines the chosen format parsed, as ingest counts them: continuation lines with their record, its header lines left out. */
  rate: number;
  /** Every candidate's score, best first. */
  scores: FormatScore[];
  /** Non-blank lines sampled. */
  sampled: number;
  /** False when no format parsed MATCH_RATE of the sample: `format` is then only the best of poor matches. */
  matched: boolean;
  /**
   * When no built-in format parsed MATCH_RATE of the sample: the `--template` built from the
   * sample's shape (suggestTemplate), undefined when no line holds a known timestamp. When it
   * reads POOR_MATCH_RATE of the sample, it is the chosen format: `format` is `template`.
   */
  suggestion?: TemplateSuggestion;
}

/** Lines looked at; enough to tell formats apart, few enough to be instant. */
export const DETECT_SAMPLE_LINES = 200;
/** Bytes read from the head of a file for detection. */
export const DETECT_SAMPLE_BYTES = 256 * 1024;
/** Below this parse rate the summary suggests `--input-format` or a template. */
export const POOR_MATCH_RATE = 0.8;

/**
 * The writer a candidate format parses the sample into: only the counts matter, so the lines it
 * cannot read are counted, not copied (a fifth of the CPU of detection went to copying them).
 */
class SampleWriter extends RowWriter {
  private skipped = 0;

  override unparsed(): void {
    this.skipped++;
  }

  override get unparsedCount(): number {
    return this.skipped;
  }
}

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
 * specific format. When even the best parses under MATCH_RATE, a template is built from the
 * shape of the sampled lines (suggestTemplate: the tokens before their timestamp, the timestamp,
 * the level, `<Content>`; `- 1117838570 job 42 done` is `<Field1> <Timestamp> <Content>`); it is
 * chosen when it reads POOR_MATCH_RATE of the sample, else `matched` is false.
 *
 * Formats are tried the most specific first (then by name, the order ties are broken in), and
 * the first that parses every line of the sample wins without the rest being tried, since none
 * can parse more: `scores` then lists only those tried. Pass `all` for every format's score
 * (`logscope detect` shows them).
 */
export async function detectFormat(sample: Buffer, ctx: ParseContext, maxLines = DETECT_SAMPLE_LINES, all = false): Promise<Detection> {
  const lines: [number, number][] = [];
  let pos = 0;
  // Just past the last sampled line: each format reads the sample up to there as ingest would.
  let sampleEnd = 0;
  while (pos < sample.length && lines.length < maxLines) {
    let nl = sample.indexOf(10, pos);
    if (nl < 0) nl = sample.length;
    let end = nl;
    if (end > pos && sample[end - 1] === 13) end--;
    if (!/^\s*$/.test(sample.toString('latin1', pos, Math.min(end, pos + 64)))) {
      lines.push([pos, end]);
      sampleEnd = Math.min(nl + 1, sample.length);
    }
    pos = nl + 1;
  }
  const formats = [...(await loadFormats()).values()]
    .filter(isGuessable)
    .sort((a, b) => (b.specificity ?? 0) - (a.specificity ?? 0) || a.name.localeCompare(b.name));
  const scores: (FormatScore & { specificity: number; options: FormatOptions })[] = [];
  for (const def of formats) {
    let parser;
    const options = def.readHeader?.(sample, 0, sample.length) ?? {};
    try {
      parser = def.create(options, ctx);
    } catch {
      continue; // it needs options after all (a pattern, a template): not guessable
    }
    withContinuation(def, parser);
    // Counted as ingest counts: lines that continue a record (a stack trace, an apt history
    // stanza) are parsed with it, a format's header lines hold no data (they are not its lines).
    const scratch = new SampleWriter(64 * 1024);
    const counts = parseLines(sample, 0, sampleEnd, parser, scratch);
    scratch.release();
    const own = counts.lines - counts.blank;
    scores.push({ format: def.name, parsed: counts.parsed, lines: own, rate: own === 0 ? 0 : counts.parsed / own, specificity: def.specificity ?? 0, options });
    if (!all && counts.parsed > 0 && counts.parsed === counts.lines) break;
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
  const chosen = best === undefined || best.parsed === 0 ? { format: GENERIC_FORMAT, options: generic?.options ?? {} } : best;
  const detection: Detection = {
    // When nothing parses at all, no format is "best": the fallback reads what it can later on.
    format: chosen.format,
    options: chosen.options,
    rate,
    matched: rate >= MATCH_RATE,
    scores: scores.map(({ specificity: _s, options: _o, ...rest }) => rest),
    sampled: lines.length,
  };
  if (detection.matched) return detection;
  const suggestion = await suggestTemplate(sample, ctx, maxLines);
  if (suggestion === undefined || suggestion.rate < POOR_MATCH_RATE || suggestion.rate <= rate) return { ...detection, suggestion };
  return { ...detection, format: 'template', options: { template: suggestion.template }, rate: suggestion.rate, matched: true, suggestion };
}

/** True when the detection chose the template built from the sample's shape. */
export function choseSuggestedTemplate(detection: Detection): boolean {
  return detection.format === 'template' && detection.suggestion !== undefined;
}

/** True when a spec asks for detection. */
export function isAutoFormat(spec: FormatSpec): boolean {
  return spec.name === 'auto';
}

/**
 * The spec a chunk is sent with when the chunk before it was buf[start, end) and was sent with
 * `spec`: for a header-driven format, the header in effect after those bytes (their last header
 * block, else the one `spec` carried); any other spec unchanged. Chunks are parsed in parallel,
 * so the header a file repeats on restart travels with the chunks after it. Without a header
 * known yet (a format given by name), the head of the file gives it: call this on the first
 * chunk with its own bytes before sending it.
 */
export async function withHeaderAfter(spec: FormatSpec, buf: Buffer, start: number, end: number): Promise<FormatSpec> {
  const def = (await loadFormats()).get(spec.name);
  if (def?.readHeader === undefined) return spec;
  const found = def.readHeader(buf, start, end, spec.options);
  return found === undefined ? spec : { ...spec, options: { ...spec.options, ...found } };
}
