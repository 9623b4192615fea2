import type { FormatDefinition, ParseContext } from '../format.js';
import { FieldCollector, writeFields } from '../fields.js';
import { LogfmtLineScanner, SLOW } from '../logfmt-line.js';
import { afterComposePrefix } from '../multiline.js';
import type { RowWriter } from '../row-writer.js';

const SP = 32;
const TAB = 9;
const DQ = 34;
const BS = 92;
const EQ = 61;

/**
 * logfmt: `time=2026-11-25T10:00:00Z level=error msg="upstream timed out" status=504`.
 * Pairs are separated by spaces; a value may be quoted (`\"`, `\\`, `\n`, `\t`, `\r`,
 * `\uXXXX` escapes); a bare key is `true`. The record's fields are found under the same
 * names as in JSON lines; every other key goes to attrs, a bare value that reads back
 * exactly as a number (`504`, `0.25`, not `007` or `1.10`) as a number, the rest as strings.
 * The line must start with a `key=value` pair and carry a time key. A docker compose prefix
 * (`grafana  | logger=settings t=...`) is skipped, its name the service when the pairs name
 * none. Lines are read by
 * `LogfmtLineScanner` straight from their bytes; the ones it declines by `parseLogfmtLine`.
 */
const logfmt: FormatDefinition = {
  name: 'logfmt',
  description: 'logfmt: key=value pairs (Heroku, Go kit, logrus text); time/level/msg found under their common names',
  example: 'time=2026-11-25T10:00:00Z level=error msg="upstream timed out" service=api host=web-1 duration=1.2s status=504',
  create(_options, ctx) {
    const scanner = new LogfmtLineScanner(ctx.zone, ctx.referenceMicros);
    return {
      parseLine(buf, start, end, out) {
        // A compose prefix ends its name with a blank: a logfmt line's first key ends with `=`.
        const from = afterComposePrefix(buf, start, end);
        if (from < 0) {
          scanner.setFallbackService(-1, -1);
          const fast = scanner.parse(buf, start, end, out);
          return fast !== SLOW ? fast : parseLogfmtLine(buf, start, end, out, ctx);
        }
        const nameEnd = buf.indexOf(32, start);
        scanner.setFallbackService(start, nameEnd);
        const fast = scanner.parse(buf, from, end, out);
        return fast !== SLOW ? fast : parseLogfmtLine(buf, from, end, out, ctx, buf.toString('utf8', start, nameEnd));
      },
    };
  },
};
export default logfmt;

/**
 * The general path: decodes the line, collects the pairs with FieldCollector and writes them with
 * writeFields. Every line `LogfmtLineScanner` declines comes here; its results are the reference
 * the scanner is tested against.
 */
export function parseLogfmtLine(buf: Buffer, start: number, end: number, out: RowWriter, ctx: ParseContext, service?: string): string | null {
  const collector = new FieldCollector();
  // One decode per line, then string slices: a native call per key and value costs more.
  const line = buf.toString('utf8', start, end);
  const n = line.length;
  let i = 0;
  let pairs = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    while (c === SP || c === TAB) c = line.charCodeAt(++i);
    if (i >= n) break;
    const ks = i;
    while (c > SP && c !== EQ && c !== DQ) c = line.charCodeAt(++i);
    if (i === ks || c === DQ) return 'not logfmt';
    const key = line.slice(ks, i);
    let value: unknown;
    if (c !== EQ) {
      if (pairs === 0) return 'not logfmt';
      value = true;
    } else if (line.charCodeAt(++i) === DQ) {
      const vs = ++i;
      let escaped = false;
      while (i < n && (c = line.charCodeAt(i)) !== DQ) {
        if (c === BS) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= n) return 'unclosed quote';
      const raw = line.slice(vs, i);
      value = escaped ? unescape(raw) : raw;
      c = line.charCodeAt(++i);
      if (i < n && c !== SP && c !== TAB) return 'not logfmt';
      pairs++;
    } else {
      const vs = i;
      c = line.charCodeAt(i);
      while (i < n && c !== SP && c !== TAB) c = line.charCodeAt(++i);
      value = toValue(line.slice(vs, i));
      pairs++;
    }
    collector.add(key, value);
  }
  if (pairs === 0) return 'not logfmt';
  const fields = collector.finish();
  if (fields.ts === undefined) return 'no time= field';
  return writeFields(fields, out, ctx.zone, ctx.referenceMicros, { service });
}

/** A bare value: a number when it reads back exactly as written, else the text. */
function toValue(text: string): string | number {
  const c = text.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45) || text.length > 17) return text;
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : text;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '/': '/' };

/** The escapes of a quoted value; an unknown one (`\x`) is kept as written. */
function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (all, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? all;
  });
}
