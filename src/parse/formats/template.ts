import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { createTimestampReader } from '../loghub-timestamps.js';
import type { RowWriter } from '../row-writer.js';
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

const PID = /^\d{1,10}$/;

function createTemplateParser(options: TemplateOptions, ctx: ParseContext): LineParser {
  const { compiled, mapping } = prepareTemplate(options);
  const re = compiled.regex;
  const readTime = createTimestampReader(ctx.zone, ctx.referenceMicros);
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
    if (!Number.isNaN(us) || mapping.timeGiven || time.length < 2) return us;
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
        return text === '' ? 'no timestamp' : `unreadable timestamp ${JSON.stringify(text).slice(0, 60)}`;
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
