import type { FormatDefinition } from '../format.js';
import { FIELD_ALIASES, writeFields, type RecordFields } from '../fields.js';

type FieldName = keyof typeof FIELD_ALIASES;

/** key → which field it names and how preferred that name is (lower first). */
const ALIAS_INDEX = new Map<string, { field: FieldName; rank: number }>();
for (const field of Object.keys(FIELD_ALIASES) as FieldName[]) {
  FIELD_ALIASES[field].forEach((alias, rank) => {
    if (!ALIAS_INDEX.has(alias)) ALIAS_INDEX.set(alias, { field, rank });
  });
}

/**
 * JSON lines: one object per line. The record's own fields are found under their
 * common names (`time`/`timestamp`/`@timestamp`/`ts`, `level`/`severity`, `msg`/`message`, ...);
 * everything else, nested objects included, goes to `attrs`.
 */
const json: FormatDefinition = {
  name: 'json',
  specificity: 10,
  description: 'JSON lines: one object per line; time/level/message found under their common names',
  example: '{"ts":"2026-11-25T10:00:00.123Z","level":"error","service":"api","msg":"upstream timed out","status":504}',
  create(_options, ctx) {
    return {
      parseLine(buf, start, end, out) {
        if (buf[start] !== 123) return 'not a JSON object';
        let obj: unknown;
        try {
          obj = JSON.parse(buf.toString('utf8', start, end));
        } catch {
          return 'invalid JSON';
        }
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
        // One pass over the keys: the first alias found (in FIELD_ALIASES order) fills a field.
        const fields: RecordFields = { ts: undefined };
        const rank: Partial<Record<FieldName, number>> = {};
        const attrs: Record<string, unknown> = {};
        const record = obj as Record<string, unknown>;
        for (const key in record) {
          const hit = ALIAS_INDEX.get(key);
          if (hit !== undefined && (rank[hit.field] === undefined || hit.rank < (rank[hit.field] as number))) {
            if (rank[hit.field] !== undefined) attrs[FIELD_ALIASES[hit.field][rank[hit.field] as number]] = fields[hit.field];
            fields[hit.field] = record[key];
            rank[hit.field] = hit.rank;
          } else {
            attrs[key] = record[key];
          }
        }
        fields.attrs = attrs;
        return writeFields(fields, out, ctx.zone, ctx.referenceMicros);
      },
    };
  },
};
export default json;
