import { ConfigError } from '../../errors.js';
import type { FormatDefinition } from '../format.js';
import { FIELD_ALIASES, writeFields, type RecordFields } from '../fields.js';
import { compileTimeLayout } from '../time-layout.js';

/**
 * A custom regular expression with named groups. Groups named like the record's
 * fields (`ts`/`time`/`timestamp`, `host`, `service`/`program`, `pid`, `level`, `message`/`msg`)
 * fill them; every other named group goes to `attrs`. A `ts` group is required.
 */
const regex: FormatDefinition = {
  name: 'regex',
  description: 'a custom regular expression with named groups (--pattern or a format in the config file)',
  example: String.raw`(?<ts>\S+) (?<level>\w+) (?<message>.*)`,
  needsOptions: true,
  create(options, ctx) {
    const re = compilePattern(options.pattern, options.fields);
    const readTime = options.timestampFormat !== undefined ? compileTimeLayout(options.timestampFormat) : undefined;
    const groups = groupNames(options.pattern ?? '');
    // Explicit mapping first (config `fields`), then groups named like the columns.
    const fieldOf = new Map<string, keyof typeof FIELD_ALIASES>();
    for (const [column, group] of Object.entries(options.fields ?? {})) if (group !== undefined) fieldOf.set(group, column as keyof typeof FIELD_ALIASES);
    for (const key of Object.keys(FIELD_ALIASES) as (keyof typeof FIELD_ALIASES)[]) {
      if ([...fieldOf.values()].includes(key)) continue;
      for (const alias of FIELD_ALIASES[key]) {
        if (groups.includes(alias) && !fieldOf.has(alias) && ![...fieldOf.values()].includes(key)) fieldOf.set(alias, key);
      }
    }
    return {
      parseLine(buf, start, end, out) {
        const line = buf.toString('utf8', start, end);
        const m = re.exec(line);
        if (m === null || m.groups === undefined) return 'pattern did not match';
        const fields: RecordFields = { ts: undefined };
        const attrs: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(m.groups)) {
          if (value === undefined) continue;
          const key = fieldOf.get(name);
          if (key !== undefined) fields[key] = value;
          else attrs[name] = value;
        }
        fields.attrs = attrs;
        if (readTime !== undefined && typeof fields.ts === 'string') {
          const us = readTime(fields.ts, ctx.zone, ctx.referenceMicros);
          if (Number.isNaN(us)) return `timestamp ${JSON.stringify(fields.ts.slice(0, 60))} does not fit the layout ${JSON.stringify(options.timestampFormat)}`;
          fields.ts = us;
        }
        return writeFields(fields, out, ctx.zone, ctx.referenceMicros);
      },
    };
  },
};
export default regex;

/** Compiles and checks a user pattern (and its field mapping); the error names what is wrong. */
export function compilePattern(pattern: string | undefined, fields?: Partial<Record<string, string>>): RegExp {
  if (pattern === undefined || pattern === '') throw new ConfigError('format "regex" needs a pattern: pass --pattern \'(?<ts>...) (?<message>.*)\' or set "pattern" in the config file');
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new ConfigError(`invalid --pattern ${JSON.stringify(pattern)}: ${(err as Error).message}`, { cause: err });
  }
  const groups = groupNames(pattern);
  for (const [column, group] of Object.entries(fields ?? {})) {
    if (group !== undefined && !groups.includes(group)) throw new ConfigError(`fields.${column} names the group "${group}", which pattern ${JSON.stringify(pattern)} does not have (groups: ${groups.join(', ') || 'none'})`);
  }
  if (fields?.ts === undefined && !groups.some((g) => (FIELD_ALIASES.ts as readonly string[]).includes(g))) {
    throw new ConfigError(`pattern ${JSON.stringify(pattern)} has no timestamp group: name one of ${FIELD_ALIASES.ts.map((n) => `(?<${n}>...)`).join(', ')}`);
  }
  return re;
}

function groupNames(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]);
}
