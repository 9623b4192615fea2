import type { FormatDefinition } from '../format.js';
import { FIELD_ALIASES, writeFields, type RecordFields } from '../fields.js';

/**
 * JSON lines: one object per line. The record's own fields are found under their
 * common names (`time`/`timestamp`/`@timestamp`/`ts`, `level`/`severity`, `msg`/`message`, ...);
 * everything else, nested objects included, goes to `attrs`.
 */
const json: FormatDefinition = {
  name: 'json',
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
        const rest: Record<string, unknown> = { ...(obj as Record<string, unknown>) };
        const fields: RecordFields = { ts: undefined };
        for (const key of Object.keys(FIELD_ALIASES) as (keyof typeof FIELD_ALIASES)[]) {
          for (const alias of FIELD_ALIASES[key]) {
            if (alias in rest) {
              fields[key] = rest[alias];
              delete rest[alias];
              break;
            }
          }
        }
        fields.attrs = rest;
        return writeFields(fields, out, ctx.zone, ctx.referenceMicros);
      },
    };
  },
};
export default json;
