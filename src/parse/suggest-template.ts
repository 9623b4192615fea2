import type { Detection } from './detect.js';
import type { ParseContext } from './format.js';
import { normalizeLevel } from './level.js';
import { parseLines } from './parse-chunk.js';
import { createParser } from './registry.js';
import { RowWriter } from './row-writer.js';
import { TIME_LAYOUTS, TimestampScanner, type ScannedTime } from './timestamp-scan.js';

/** A `--template` built from the shape of sampled lines, and how much of them it reads. */
export interface TemplateSuggestion {
  template: string;
  /** An example of the timestamp layout found (`2026-11-25 10:00:00,123`). */
  layout: string;
  /** Share of the sample's non-blank lines the template parses (continuations counted). */
  rate: number;
}

/** How far into a line a timestamp is looked for. */
const SEARCH_BYTES = 128;

interface Shape {
  /** Tokens before the timestamp, each `[x]`-bracketed (true) or plain (false). */
  before: boolean[];
  /** The timestamp is inside `[...]`. */
  bracketed: boolean;
  layout: number;
  /** The level token after the timestamp: 'level', '[level]' or ''. */
  level: string;
  /** Tokens between the timestamp and the level (0: the level follows the timestamp). */
  skip: number;
}

/**
 * How many tokens after the timestamp a level may stand: BGL's `... 2005-06-03-15.42.50.675872
 * R02-M1-N0-C:J12-U11 RAS KERNEL INFO ...` has six header fields between the two.
 */
const LEVEL_DEPTH = 8;

/**
 * Builds a Loghub template from the commonest shape of the sample's lines: the tokens before
 * the first timestamp found (within SEARCH_BYTES), the timestamp's headers (TIME_LAYOUTS), a
 * `<Level>` when a level word follows it, then `<Content>`; and measures it on the sample with
 * the `template` format. Undefined when no line holds a timestamp.
 */
export async function suggestTemplate(sample: Buffer, ctx: ParseContext, maxLines = 200): Promise<TemplateSuggestion | undefined> {
  const scanner = new TimestampScanner(ctx);
  const ts: ScannedTime = { us: 0, end: 0, layout: 0, klogLevel: 0 };
  const counts = new Map<string, { n: number; shape: Shape }>();
  let pos = 0;
  let lines = 0;
  let cut = 0;
  while (pos < sample.length && lines < maxLines) {
    let nl = sample.indexOf(10, pos);
    if (nl < 0) nl = sample.length;
    let end = nl;
    if (end > pos && sample[end - 1] === 13) end--;
    cut = Math.min(nl + 1, sample.length);
    if (end > pos && sample.subarray(pos, end).some((b) => b !== 32 && b !== 9)) {
      lines++;
      const shape = shapeOf(sample, pos, end, scanner, ts);
      if (shape !== undefined) {
        const key = JSON.stringify(shape);
        const hit = counts.get(key);
        if (hit === undefined) counts.set(key, { n: 1, shape });
        else hit.n++;
      }
    }
    pos = nl + 1;
  }
  let best: Shape | undefined;
  let bestN = 0;
  for (const { n, shape } of counts.values()) if (n > bestN) [best, bestN] = [shape, n];
  if (best === undefined) return undefined;
  const template = templateOf(best);
  let rate = 0;
  try {
    const parser = await createParser({ name: 'template', options: { template } }, ctx);
    const out = new RowWriter(64 * 1024);
    const c = parseLines(sample, 0, cut, parser, out);
    out.release();
    rate = c.parsed + c.unparsed === 0 ? 0 : c.parsed / (c.parsed + c.unparsed);
  } catch {
    rate = 0;
  }
  return { template, layout: TIME_LAYOUTS[best.layout].example, rate };
}

function shapeOf(buf: Buffer, start: number, end: number, scanner: TimestampScanner, ts: ScannedTime): Shape | undefined {
  const limit = Math.min(end, start + SEARCH_BYTES);
  const before: boolean[] = [];
  let i = start;
  while (i < limit) {
    const bracketed = buf[i] === 91;
    if (scanner.scan(buf, bracketed ? i + 1 : i, end, ts) && ts.klogLevel === 0) {
      let j = ts.end;
      if (bracketed) {
        if (buf[j] !== 93) return undefined;
        j++;
      }
      while (j < end && (buf[j] === 32 || buf[j] === 9)) j++;
      for (let skip = 0; skip < LEVEL_DEPTH && j < end; skip++) {
        const level = levelTokenAt(buf, j, end, skip === 0);
        if (level !== '') return { before, bracketed, layout: ts.layout, level, skip };
        while (j < end && buf[j] !== 32 && buf[j] !== 9) j++;
        while (j < end && (buf[j] === 32 || buf[j] === 9)) j++;
      }
      return { before, bracketed, layout: ts.layout, level: '', skip: 0 };
    }
    // next token
    const tb = buf[i] === 91;
    while (i < limit && buf[i] !== 32 && buf[i] !== 9) i++;
    before.push(tb && buf[i - 1] === 93);
    while (i < limit && (buf[i] === 32 || buf[i] === 9)) i++;
  }
  return undefined;
}

/**
 * Whether the token at buf[start] is a level word, bare or in square brackets: 'level',
 * '[level]' or ''. Right after the timestamp (`first`) in any case (`INFO`, `info`, `[warn]`);
 * further on only in capitals of three letters or more (`INFO`, `FATAL`), as header fields write
 * it, so that a word of the message (`failed: error reading`) is not taken for one.
 */
function levelTokenAt(buf: Buffer, start: number, end: number, first: boolean): string {
  const lb = buf[start] === 91;
  let k = lb ? start + 1 : start;
  const ws = k;
  while (k < end && ((buf[k] | 32) >= 97 && (buf[k] | 32) <= 122) && (first || (buf[k] >= 65 && buf[k] <= 90))) k++;
  if (k === ws || (!first && k - ws < 3)) return '';
  if (!(lb ? buf[k] === 93 : k >= end || buf[k] === 32 || buf[k] === 9)) return '';
  if (normalizeLevel(buf.toString('latin1', ws, k)) === undefined) return '';
  return lb ? '[level]' : 'level';
}

function templateOf(s: Shape): string {
  const parts: string[] = [];
  s.before.forEach((bracketed, k) => parts.push(bracketed ? `\\[<Field${k + 1}>\\]` : `<Field${k + 1}>`));
  const time = TIME_LAYOUTS[s.layout].headers;
  parts.push(s.bracketed ? `\\[${time}\\]` : time);
  for (let k = 1; k <= s.skip; k++) parts.push(`<Field${s.before.length + k}>`);
  if (s.level === 'level') parts.push('<Level>');
  else if (s.level === '[level]') parts.push('\\[<Level>\\]');
  parts.push('<Content>');
  return parts.join(' ');
}

/** A share as a percentage rounded down to a tenth: 0.9996 is `99.9%`, never `100%`. */
function pct(r: number): string {
  return `${Math.floor(r * 1000) / 10}%`;
}

/** `text` quoted for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * What detect and ingest say when no format matched a source: the best reading's share, a
 * ready-to-paste `--template` built from the sample (with the share of it that it reads) or
 * why there is none, and where to look next.
 * @example noMatchAdvice('app.log', detection, suggestion)
 * // ['no format matched (the best, generic, parsed 12% of 200 sampled lines)', "try: logscope ingest app.log --template '<Date> <Time> <Level> <Content>' (it reads 96% of the sample ...)", ...]
 */
export function noMatchAdvice(source: string, best: { format: string; rate: number; sampled: number }, suggestion: TemplateSuggestion | undefined): string[] {
  const out = [best.rate === 0 ? `no format matched (none parsed any of ${best.sampled} sampled lines)` : `no format matched (the best, ${best.format}, parsed ${pct(best.rate)} of ${best.sampled} sampled lines)`];
  if (suggestion !== undefined && suggestion.rate === 0) {
    out.push(`timestamps like ${suggestion.layout} were found, but no template of the sampled lines' shape reads them (${shellQuote(suggestion.template)} reads none): pass --pattern '(?<ts>...) (?<message>.*)'`);
  } else if (suggestion !== undefined) {
    out.push(`try: logscope ingest ${shellQuote(source)} --template ${shellQuote(suggestion.template)}  (built from the sampled lines' shape, timestamps like ${suggestion.layout}; it reads ${pct(suggestion.rate)} of the sample)`);
  } else {
    out.push(`no sampled line holds a timestamp in a known layout in its first ${SEARCH_BYTES} bytes: each record needs a time; pass --pattern '(?<ts>...) (?<message>.*)' with the time's layout (--input-format NAME if a built-in reads it)`);
  }
  out.push(`after ingesting, logscope coverage lists the commonest shapes of the lines that did not parse`);
  return out;
}

/**
 * What detect and ingest say when no built-in format matched a source and the template built
 * from its lines' shape was chosen instead: which template, so that it can be pinned or changed.
 * @example suggestedTemplateNotice(detection)
 * // "no built-in format matched (none parsed any of 200 sampled lines); read with a template built from the sampled lines' shape: --template '<Field1> <Timestamp> <Content>' (timestamps like 1764064800.123; it reads 100% of the sample); pass --template or --input-format to read it otherwise"
 */
export function suggestedTemplateNotice(detection: Pick<Detection, 'scores' | 'sampled' | 'suggestion'>): string {
  const best = detection.scores[0];
  const builtin = best === undefined || best.parsed === 0 ? `none parsed any of ${detection.sampled} sampled lines` : `the best, ${best.format}, parsed ${pct(best.rate)}`;
  const s = detection.suggestion;
  if (s === undefined) return `no built-in format matched (${builtin})`;
  return `no built-in format matched (${builtin}); read with a template built from the sampled lines' shape: --template ${shellQuote(s.template)} (timestamps like ${s.layout}; it reads ${pct(s.rate)} of the sample); pass --template or --input-format to read it otherwise`;
}
