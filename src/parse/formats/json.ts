import type { FormatDefinition } from '../format.js';
import { FieldCollector, writeFields } from '../fields.js';
import { JsonLineScanner, SLOW } from '../json-line.js';

/**
 * JSON lines: one object per line. The record's own fields are found under their
 * common names (`time`/`timestamp`/`@timestamp`/`ts`, `level`/`severity`, `msg`/`message`, ...);
 * everything else, nested objects included, goes to `attrs`. Lines are read by
 * `JsonLineScanner` straight from their bytes; the few it declines (a repeated key, an escaped
 * key, deep nesting, anything not valid JSON) go through JSON.parse here, which has the last word.
 */
const json: FormatDefinition = {
  name: 'json',
  specificity: 10,
  description: 'JSON lines: one object per line; time/level/message found under their common names',
  example: '{"ts":"2026-11-25T10:00:00.123Z","level":"error","service":"api","msg":"upstream timed out","status":504}',
  create(_options, ctx) {
    const scanner = new JsonLineScanner(ctx.zone, ctx.referenceMicros);
    return {
      parseLine(buf, start, end, out) {
        if (buf[start] !== 123) return 'not a JSON object';
        const fast = scanner.parse(buf, start, end, out);
        if (fast !== SLOW) return fast;
        let obj: unknown;
        try {
          obj = JSON.parse(buf.toString('utf8', start, end));
        } catch {
          return 'invalid JSON';
        }
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
        const collector = new FieldCollector();
        const record = obj as Record<string, unknown>;
        for (const key in record) collector.add(key, record[key]);
        const fields = collector.finish();
        return writeFields(fields, out, ctx.zone, ctx.referenceMicros);
      },
    };
  },
};
export default json;
