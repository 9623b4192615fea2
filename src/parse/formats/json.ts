import type { FormatDefinition } from '../format.js';
import { FieldCollector, writeFields } from '../fields.js';
import { JsonLineScanner, SLOW } from '../json-line.js';

/**
 * JSON lines: one object per line. The record's own fields are found under their common names
 * (see FIELD_ALIASES: `time`/`timestamp`/`@timestamp`/`ts`/`@t`/`timeUnixNano`..., `level`/
 * `severity`/`severityText`/`log.level` or a numeric severity, `msg`/`message`/`@m`/`body`...),
 * also inside nested objects (`{"log":{"level":"info"}}`); everything else, nested objects
 * included, goes to `attrs`. A line with no time is a record at the file's modification time,
 * marked `"time_from":"file_mtime"` in attrs. A docker compose prefix (`web-1  | {...}`) is
 * skipped, its name the service when the object names none. Lines are read by
 * `JsonLineScanner` straight from their bytes; the few it declines (a repeated key, an escaped
 * key, deep nesting, a nested object that may hold fields, anything not valid JSON) go through
 * JSON.parse here, which has the last word.
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
        let from = start;
        let service: string | undefined;
        scanner.setFallbackService(-1, -1);
        if (buf[start] !== 123) {
          const prefix = composePrefix(buf, start, end);
          if (prefix < 0) return 'not a JSON object';
          from = prefix;
          scanner.setFallbackService(start, nameEnd);
        }
        const fast = scanner.parse(buf, from, end, out);
        if (fast !== SLOW) return fast;
        let obj: unknown;
        try {
          obj = JSON.parse(buf.toString('utf8', from, end));
        } catch {
          return 'invalid JSON';
        }
        if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return 'not a JSON object';
        if (from !== start) service = buf.toString('utf8', start, nameEnd);
        const collector = new FieldCollector();
        collector.addObject(obj as Record<string, unknown>);
        const fields = collector.finish();
        return writeFields(fields, out, ctx.zone, ctx.referenceMicros, { noTimeFromMtime: true, service, levelKey: collector.levelKey });
      },
    };
  },
};
export default json;

/** Set by composePrefix: where the container name ends. */
let nameEnd = 0;

/**
 * A docker compose log prefix at buf[start]: a container name (letters, digits, `_.-`), spaces,
 * `|`, a space, then `{`. Returns where the `{` is (and sets nameEnd), or -1.
 */
function composePrefix(buf: Buffer, start: number, end: number): number {
  let i = start;
  const limit = Math.min(end, start + 128);
  while (i < limit && isNameByte(buf[i])) i++;
  if (i === start) return -1;
  const ne = i;
  while (i < limit && buf[i] === 0x20) i++;
  if (i >= limit || buf[i] !== 0x7c) return -1;
  i++;
  while (i < limit && buf[i] === 0x20) i++;
  if (i >= limit || buf[i] !== 0x7b) return -1;
  nameEnd = ne;
  return i;
}

function isNameByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d || c === 0x2e;
}
