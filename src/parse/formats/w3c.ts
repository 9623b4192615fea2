import { HEADER_LINE, type FormatDefinition, type FormatOptions, type LineParser } from '../format.js';
import { readHeaderLines } from '../header-lines.js';
import { parseIsoString, utcZone } from '../timestamp.js';

/**
 * W3C extended log format (IIS, CloudFront, other W3C writers): directive lines `#Version:`,
 * `#Software:`, `#Date:`, `#Remark:`, `#Fields: date time s-ip cs-method cs-uri-stem ...`, then
 * one line per request with the fields in that order, separated by spaces (IIS, which writes `+`
 * for a space inside cs(User-Agent)) or tabs (CloudFront); `-` is an empty field. A writer that
 * restarts writes the directives again, maybe with other fields: each `#Fields:` line re-maps the
 * columns from there. Chunks after the first get the header in effect at their start with their
 * options (`readHeader`, `FormatOptions.header`).
 *
 * ts is `date` + `time`, UTC as the format defines it (the `#Date:` directive's day when there is
 * no `date` field); host `s-computername` (else CloudFront's `x-edge-location`, else `s-ip`);
 * service `s-sitename` (else `cs(Host)`); level from `sc-status` as for access logs (5xx ERROR,
 * 4xx WARN, else INFO; the status in level_raw); message the request line `cs-method
 * cs-uri-stem[?cs-uri-query] [cs-version]`. Every other field goes to attrs under its W3C name,
 * the counts and status codes as numbers. A line whose field count is not the header's, or that
 * comes before any `#Fields:`, is rejected.
 */
const w3c: FormatDefinition = {
  name: 'w3c',
  specificity: 9,
  description: 'W3C extended log format with its #Fields: header (IIS, CloudFront); restarts re-map the columns',
  example: '2026-11-25 10:00:00 W3SVC1 WEB01 203.0.113.5 GET /default.aspx id=7 443 - 198.51.100.7 HTTP/1.1 Mozilla/5.0+(Windows+NT+10.0) - 500 0 0 5120 412 187',
  readHeader(buf, start, end, before) {
    return readHeaderLines(buf, start, end, directiveOf, before);
  },
  create(options) {
    return createW3cParser(options);
  },
};
export default w3c;

const DIRECTIVE = /^#(Version|Fields|Software|Start-Date|End-Date|Date|Remark):/;

/** The directives a header keeps: the fields and the day of time-only lines. */
function directiveOf(line: string): string | undefined {
  const m = DIRECTIVE.exec(line);
  return m !== null && (m[1] === 'Fields' || m[1] === 'Date') ? m[1] : undefined;
}

/** Fields written as numbers in attrs. */
const NUMERIC = new Set(['sc-status', 'sc-substatus', 'sc-win32-status', 'sc-bytes', 'cs-bytes', 'time-taken', 's-port', 'c-port', 'time-to-first-byte']);
const OWN = new Set(['date', 'time']);

interface Columns {
  names: string[];
  date: number;
  time: number;
  method: number;
  stem: number;
  query: number;
  version: number;
  status: number;
  host: number;
  service: number;
  agent: number;
}

function mapColumns(names: string[]): Columns {
  const at = (...n: string[]) => {
    for (const x of n) {
      const i = names.indexOf(x);
      if (i >= 0) return i;
    }
    return -1;
  };
  return {
    names,
    date: at('date'),
    time: at('time'),
    method: at('cs-method'),
    stem: at('cs-uri-stem'),
    query: at('cs-uri-query'),
    version: at('cs-version'),
    status: at('sc-status'),
    host: at('s-computername', 'x-edge-location', 's-ip'),
    service: at('s-sitename', 'cs(Host)', 'cs-host'),
    agent: at('cs(User-Agent)'),
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

function createW3cParser(options: FormatOptions): LineParser {
  let cols: Columns | undefined;
  let day: string | undefined;
  const apply = (line: string): boolean => {
    const m = DIRECTIVE.exec(line);
    if (m === null) return false;
    const value = line.slice(m[0].length).trim();
    if (m[1] === 'Fields') cols = mapColumns(value.split(/\s+/).filter((x) => x !== ''));
    else if (m[1] === 'Date' && DATE.test(value.slice(0, 10))) day = value.slice(0, 10);
    return true;
  };
  const reset = () => {
    cols = undefined;
    day = undefined;
    for (const line of options.header ?? []) apply(line);
  };
  reset();
  return {
    beginChunk: reset,
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end);
      if (buf[start] === 35) return apply(line) ? HEADER_LINE : 'not a W3C directive';
      if (cols === undefined) return 'no #Fields: header before this line';
      const f = line.includes('\t') ? line.split('\t') : line.split(' ');
      if (f.length !== cols.names.length) return `${f.length} fields where #Fields: names ${cols.names.length}`;
      const d = cols.date >= 0 ? f[cols.date] : day;
      const t = cols.time >= 0 ? f[cols.time] : undefined;
      if (d === undefined || t === undefined || !DATE.test(d) || !TIME.test(t)) return 'no W3C date and time';
      const us = parseIsoString(`${d}T${t}Z`, utcZone);
      if (Number.isNaN(us)) return 'bad W3C date or time';
      const value = (i: number): string | undefined => (i < 0 || f[i] === '-' || f[i] === '' ? undefined : f[i]);
      const status = value(cols.status);
      if (status !== undefined && !/^\d{3}$/.test(status)) return 'bad sc-status';
      const method = value(cols.method);
      const stem = value(cols.stem);
      let message: string;
      if (method !== undefined || stem !== undefined) {
        const query = value(cols.query);
        const version = value(cols.version);
        message = `${method ?? '-'} ${stem ?? '-'}${query !== undefined ? `?${query}` : ''}${version !== undefined ? ` ${version}` : ''}`;
      } else {
        message = f.filter((_x, i) => i !== cols?.date && i !== cols?.time).join(' ');
      }
      const attrs: Record<string, string | number> = {};
      for (let i = 0; i < f.length; i++) {
        const name = cols.names[i];
        const v = value(i);
        if (v === undefined || OWN.has(name)) continue;
        if (i === cols.agent && f.length > 1 && !line.includes('\t')) attrs[name] = v.replace(/\+/g, ' ');
        else attrs[name] = NUMERIC.has(name) && /^-?\d+(\.\d+)?$/.test(v) && v.length < 16 ? Number(v) : v;
      }
      out.beginRecord(us);
      const host = value(cols.host);
      const service = value(cols.service);
      if (host !== undefined) out.text(host);
      else out.empty();
      if (service !== undefined) out.text(service);
      else out.empty();
      out.empty();
      if (status !== undefined) {
        out.ascii(status[0] === '5' ? 'ERROR' : status[0] === '4' ? 'WARN' : 'INFO');
        out.ascii(status);
      } else {
        out.empty();
        out.empty();
      }
      out.text(message);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
