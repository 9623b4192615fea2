import { HEADER_LINE, type FormatDefinition, type FormatOptions, type LineParser } from '../format.js';
import { readHeaderLines } from '../header-lines.js';

/**
 * Zeek (Bro) TSV logs: a header `#separator \x09`, `#set_separator ,`, `#empty_field (empty)`,
 * `#unset_field -`, `#path conn`, `#open ...`, `#fields ts uid id.orig_h ...`, `#types time
 * string addr ...`, then one record per line, its fields split by the separator, and `#close
 * ...` at the end. The columns are mapped by the `#fields` names (and typed by `#types`); a
 * new header block (a log rotated into the same file, or concatenated files) re-maps them from
 * there. Chunks after the first get the header in effect at their start with their options.
 *
 * ts is the `ts` field (epoch seconds with a fraction, kept to the µs); service is the log's
 * `#path` (conn, dns, http, ...); host, pid and level stay empty (Zeek logs what it saw on the
 * wire, not events of its own); the message is the record's set values after ts and uid, joined
 * by spaces. Every field but ts goes to attrs under its Zeek name: counts, ports, intervals and
 * doubles as numbers, bools as true/false, sets and vectors as arrays; unset fields are left out.
 * A line whose field count is not the header's, or that comes before any `#fields`, is rejected.
 */
const zeek: FormatDefinition = {
  name: 'zeek',
  specificity: 9,
  description: 'Zeek/Bro TSV logs mapped by their #fields/#types header (conn, dns, http, ...); ts epoch seconds',
  example: '1795600800.123456\tCHhAvVGS1DHFjwGM9\t192.168.1.10\t52341\t93.184.216.34\t443\ttcp\tssl\t0.482113\t517\t5231\tSF\t-\t-\t0\tShADadFf\t9\t889\t8\t5563\t(empty)',
  readHeader(buf, start, end, before) {
    return readHeaderLines(buf, start, end, directiveOf, before);
  },
  create(options) {
    return createZeekParser(options);
  },
};
export default zeek;

const KEPT = new Set(['separator', 'set_separator', 'empty_field', 'unset_field', 'path', 'fields', 'types']);
const ALL = new Set([...KEPT, 'open', 'close']);

/** `#separator \x09` holds its value after a space; the others after the separator. */
function nameOf(line: string): string | undefined {
  const m = /^#([a-z_]+)[ \t\x1f|,;]/.exec(line);
  return m !== null && ALL.has(m[1]) ? m[1] : undefined;
}

function directiveOf(line: string): string | undefined {
  const name = nameOf(line);
  return name !== undefined && KEPT.has(name) ? name : undefined;
}

const NUMBER_TYPES = new Set(['count', 'int', 'port', 'double', 'interval']);

interface Header {
  separator: string;
  setSeparator: string;
  empty: string;
  unset: string;
  path: string | undefined;
  fields: string[] | undefined;
  types: string[];
}

function createZeekParser(options: FormatOptions): LineParser {
  let h: Header;
  let ts = -1;
  let uid = -1;
  const apply = (line: string): boolean => {
    const name = nameOf(line);
    if (name === undefined) return false;
    if (name === 'separator') {
      h.separator = line.slice('#separator '.length).replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return true;
    }
    const values = line.slice(name.length + 2).split(h.separator);
    if (name === 'set_separator') h.setSeparator = values[0];
    else if (name === 'empty_field') h.empty = values[0];
    else if (name === 'unset_field') h.unset = values[0];
    else if (name === 'path') h.path = values[0];
    else if (name === 'fields') {
      h.fields = values;
      ts = values.indexOf('ts');
      uid = values.indexOf('uid');
    } else if (name === 'types') h.types = values;
    return true;
  };
  const reset = () => {
    h = { separator: '\t', setSeparator: ',', empty: '(empty)', unset: '-', path: undefined, fields: undefined, types: [] };
    ts = -1;
    uid = -1;
    for (const line of options.header ?? []) apply(line);
  };
  reset();
  return {
    beginChunk: reset,
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end);
      if (buf[start] === 35) return apply(line) ? HEADER_LINE : 'not a Zeek header line';
      const fields = h.fields;
      if (fields === undefined) return 'no #fields header before this line';
      const f = line.split(h.separator);
      if (f.length !== fields.length) return `${f.length} fields where #fields names ${fields.length}`;
      if (ts < 0) return 'no ts field';
      const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(f[ts]);
      if (m === null) return 'ts is not epoch seconds';
      const us = Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
      const attrs: Record<string, unknown> = {};
      const words: string[] = [];
      for (let i = 0; i < f.length; i++) {
        const v = f[i];
        if (i === ts || v === h.unset) continue;
        const type = h.types[i] ?? 'string';
        if (i !== uid && v !== h.empty) words.push(v);
        if (type.startsWith('set[') || type.startsWith('vector[')) attrs[fields[i]] = v === h.empty ? [] : v.split(h.setSeparator);
        else if (NUMBER_TYPES.has(type) && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(v)) attrs[fields[i]] = Number(v);
        else if (type === 'bool' && (v === 'T' || v === 'F')) attrs[fields[i]] = v === 'T';
        else attrs[fields[i]] = v === h.empty ? '' : v;
      }
      out.beginRecord(us);
      out.empty();
      if (h.path !== undefined) out.text(h.path);
      else out.empty();
      out.empty();
      out.empty();
      out.empty();
      out.text(words.join(' '));
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
