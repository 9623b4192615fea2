import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { createTimestampReader } from '../loghub-timestamps.js';
import { compileTimeLayout } from '../time-layout.js';
import { RowWriter } from '../row-writer.js';
import { ConfigError } from '../../errors.js';
import { inferTimeLayout } from '../infer-time-layout.js';
import { prepareTemplate, type TemplateOptions } from '../template.js';

/**
 * A Loghub-style template of `<Header>` fields, as in Loghub's `log_format`:
 * `<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`. See `compileTemplate` for
 * the notation, `mapHeaders` for which header fills which column, and `loghub-timestamps.ts`
 * for the timestamp layouts read. As logparser does, a line is matched with its leading and
 * trailing whitespace removed.
 */
const template: FormatDefinition = {
  name: 'template',
  description: 'a Loghub-style template of <Header> fields (--template or a format in the config file)',
  example: String.raw`<Date> <Time> <Level> \[<Process>\] <Component>: <Content>`,
  needsOptions: true,
  create(options, ctx) {
    return createTemplateParser(options as TemplateOptions, ctx);
  },
};
export default template;

/**
 * The time layout a template format should read a source with, from a sample of its first
 * lines: undefined when the built-in layouts read the time of most lines the template matches
 * (or it matches none, or a layout is given); otherwise the layout inferred from their time
 * texts (see inferTimeLayout), which must then read more of them. Throws a ConfigError that
 * shows a sample value and asks for --time-format when no layout can be inferred.
 */
export function inferTemplateTimeFormat(sample: Buffer, options: TemplateOptions, ctx: ParseContext): string | undefined {
  if (options.timestampFormat !== undefined) return undefined;
  const { compiled, mapping } = prepareTemplate(options);
  const parser = createTemplateParser(options, ctx);
  const scratch = new RowWriter(64 * 1024);
  const unread: string[] = [];
  let matched = 0;
  let read = 0;
  try {
    for (const line of sampleLines(sample)) {
      const m = compiled.regex.exec(line.trim());
      if (m === null) continue;
      matched++;
      const buf = Buffer.from(line);
      if (parser.parseLine(buf, 0, buf.length, scratch) === null) {
        scratch.endRecord(0);
        read++;
        continue;
      }
      const g = m.groups as Record<string, string | undefined>;
      const text = mapping.time.map((h) => g[h] ?? '').join(' ').trim();
      if (text !== '') unread.push(text);
    }
  } finally {
    scratch.release();
  }
  if (matched === 0 || read >= matched / 2 || unread.length === 0) return undefined;
  const layout = inferTimeLayout(unread);
  const reader = compileTimeLayout(layout);
  const fits = unread.filter((t) => !Number.isNaN(reader(t, ctx.zone, ctx.referenceMicros))).length;
  if (fits <= read) throw new ConfigError(`cannot infer the timestamp layout of ${JSON.stringify(unread[0])} (the layout ${JSON.stringify(layout)} reads only ${fits} of ${unread.length} such values): pass --time-format with its strftime-style layout`);
  return layout;
}

/** The first non-blank lines of a sample. */
function sampleLines(sample: Buffer, max = 200): string[] {
  const text = sample.toString('utf8');
  // The sample may end inside a line: that piece is left out.
  const end = text.lastIndexOf('\n');
  return (end < 0 ? text : text.slice(0, end))
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(0, max);
}

const PID = /^\d{1,10}$/;

function createTemplateParser(options: TemplateOptions, ctx: ParseContext): LineParser {
  const { compiled, mapping } = prepareTemplate(options);
  const re = compiled.regex;
  const layout = options.timestampFormat !== undefined ? compileTimeLayout(options.timestampFormat) : undefined;
  const readTime = layout !== undefined ? (text: string) => layout(text, ctx.zone, ctx.referenceMicros) : createTimestampReader(ctx.zone, ctx.referenceMicros);
  const { host, service, pid, process, level, message } = mapping;
  const time = mapping.time;
  /** Index in `time` of the header that alone gave the timestamp, or -1 when all of them did. */
  let timeFrom = -1;

  const resolveTime = (g: Record<string, string | undefined>): number => {
    timeFrom = -1;
    let joined = '';
    for (const h of time) {
      const v = g[h];
      if (v !== undefined && v !== '') joined = joined === '' ? v : `${joined} ${v}`;
    }
    const us = readTime(joined);
    if (!Number.isNaN(us) || mapping.timeGiven || time.length < 2 || layout !== undefined) return us;
    // BGL has an epoch <Timestamp>, a <Date> and a full <Time>: their join is no stamp,
    // so each is tried alone, the longest (the most complete) first.
    const order = time.map((_, k) => k).sort((a, b) => (g[time[b]] ?? '').length - (g[time[a]] ?? '').length);
    for (const k of order) {
      const v = g[time[k]];
      if (v === undefined || v === '') continue;
      const one = readTime(v);
      if (!Number.isNaN(one)) {
        timeFrom = k;
        return one;
      }
    }
    return NaN;
  };

  return {
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end).trim();
      const m = re.exec(line);
      if (m === null) return 'template did not match';
      const g = m.groups as Record<string, string | undefined>;
      const us = resolveTime(g);
      if (Number.isNaN(us)) {
        const text = time.map((h) => g[h] ?? '').join(' ').trim();
        if (text === '') return 'no timestamp';
        return layout !== undefined ? `timestamp ${JSON.stringify(text).slice(0, 60)} does not fit the layout ${JSON.stringify(options.timestampFormat)}` : `unreadable timestamp ${JSON.stringify(text).slice(0, 60)}`;
      }
      const attrs: Record<string, string> = {};
      let nAttrs = 0;
      for (const h of mapping.attrs) {
        const v = g[h];
        if (v !== undefined) {
          attrs[h] = v;
          nAttrs++;
        }
      }
      if (timeFrom >= 0) {
        // The time headers that did not give the timestamp are kept.
        for (let k = 0; k < time.length; k++) {
          const v = g[time[k]];
          if (k !== timeFrom && v !== undefined) {
            attrs[time[k]] = v;
            nAttrs++;
          }
        }
      }
      let pidText = pid === undefined ? undefined : g[pid];
      let serviceText = service === undefined ? undefined : g[service];
      if (process !== undefined) {
        const v = g[process];
        if (v !== undefined && pid === undefined && PID.test(v)) {
          pidText = v;
          if (service === process) serviceText = undefined;
        } else if (v !== undefined && service !== process) {
          attrs[process] = v;
          nAttrs++;
        }
      }
      if (pidText !== undefined && pidText !== '' && !PID.test(pidText)) {
        attrs[pid as string] = pidText;
        nAttrs++;
        pidText = undefined;
      }
      out.beginRecord(us);
      writeText(out, host === undefined ? undefined : g[host]);
      writeText(out, serviceText);
      if (pidText !== undefined && pidText !== '') out.int(Number(pidText));
      else out.empty();
      const levelRaw = level === undefined ? undefined : g[level];
      const normalized = levelRaw === undefined ? undefined : normalizeLevel(levelRaw.trim());
      if (normalized !== undefined) out.ascii(normalized);
      else out.empty();
      writeText(out, levelRaw);
      writeText(out, message === undefined ? undefined : g[message]);
      writeText(out, nAttrs > 0 ? JSON.stringify(attrs) : undefined);
      return null;
    },
  };
}

/** A text field; undefined and '' are NULL. */
function writeText(out: RowWriter, v: string | undefined): void {
  if (v === undefined || v === '') out.empty();
  else out.text(v);
}
