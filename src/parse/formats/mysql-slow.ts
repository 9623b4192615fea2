import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfText, startsWithAscii, two } from '../line-scan.js';
import { daysFromCivil, epochToMicros, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * MySQL/MariaDB slow query log: one record per query, from its header lines to its statement:
 * ```
 * # Time: 2026-11-25T10:00:00.123456Z
 * # User@Host: app[app] @ web-1 [10.0.0.5]  Id:    42
 * # Query_time: 2.000219  Lock_time: 0.000101 Rows_sent: 1  Rows_examined: 120000
 * use shop;
 * SET timestamp=1795600800;
 * SELECT * FROM orders WHERE note LIKE '%x%';
 * ```
 * The statement (its lines joined) is the message; user, host, ip, id, query_time, lock_time,
 * rows_sent, rows_examined (and MariaDB's other `# Name: value` fields), db and the
 * statement's `SET timestamp` go to attrs. The time is `# Time:` (ISO, or 5.x `yymmdd h:mm:ss`
 * in the file's zone), or `SET timestamp` when MySQL left `# Time:` out. No level is written.
 */
const mysqlSlow: FormatDefinition = {
  name: 'mysql-slow',
  specificity: 7,
  description: 'MySQL/MariaDB slow query log: "# Time:", "# User@Host:", "# Query_time:" headers and the statement, one record per query',
  example: '# Time: 2026-11-25T10:00:00.123456Z',
  create(_options, ctx) {
    return createSlowParser(ctx);
  },
  // What needs no record: every line but an entry's first (`# Time:`, `# User@Host:`) and a
  // restart banner continues the entry, so the chunker never cuts a statement off its headers.
  continuation(buf, start, end) {
    const b = buf as Buffer;
    return !startsWithAscii(b, start, end, '# Time: ') && !startsWithAscii(b, start, end, '# User@Host: ') && !isBannerLine(b, start, end);
  },
};
export default mysqlSlow;

/** A server (re)start's banner line: it ends the entry before it. */
function isBannerLine(buf: Buffer, start: number, end: number): boolean {
  if (startsWithAscii(buf, start, end, 'Tcp port: ') || startsWithAscii(buf, start, end, 'Time    ')) return true;
  const version = indexOfText(buf, ', Version: ', start, end);
  return version >= 0 && indexOfText(buf, ' started with:', version, end) >= 0;
}

const SP = 32;
const LF = 10;
const SET_TIMESTAMP = /^SET timestamp=(\d+);$/;
/** Why a line that starts no entry is not parsed. */
const NO_ENTRY = 'no "# Time:" or "# User@Host:"';

function createSlowParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      let us = NaN;
      let userLine = -1;
      if (startsWithAscii(buf, start, end, '# Time: ')) {
        us = readTime(buf, start + 8, end);
        if (Number.isNaN(us)) return 'bad "# Time:"';
      } else if (startsWithAscii(buf, start, end, '# User@Host: ')) {
        userLine = start;
      } else {
        return NO_ENTRY;
      }
      // The lines after: from the joined continuation, or (detection) left unread.
      const cont = out.pendingContinuation;
      const lines = cont === null ? [] : cont.split('\n');
      if (userLine >= 0) lines.unshift(buf.toString('utf8', start, end));
      const attrs: Record<string, string | number> = {};
      const statement: string[] = [];
      for (const line of lines) {
        if (line.startsWith('# ')) {
          readHeader(line, attrs);
          continue;
        }
        const set = SET_TIMESTAMP.exec(line);
        if (set !== null) {
          attrs.timestamp = Number(set[1]);
          continue;
        }
        if (statement.length === 0 && /^use [^;]+;$/i.test(line)) {
          attrs.db = line.slice(4, -1).replace(/^`|`$/g, '');
          continue;
        }
        statement.push(line);
      }
      if (Number.isNaN(us)) {
        const ts = typeof attrs.timestamp === 'number' ? attrs.timestamp : lookAheadTimestamp(buf, end);
        if (Number.isNaN(ts)) return '"# User@Host:" without a time';
        us = epochToMicros(ts);
      }
      out.clearContinuation();
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.empty();
      out.empty();
      out.empty();
      out.text(statement.join('\n'));
      if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
    refuses(buf, start, end) {
      return startsWithAscii(buf, start, end, '# Time: ') || startsWithAscii(buf, start, end, '# User@Host: ') ? null : NO_ENTRY;
    },
    continues(buf, recordStart, start, end) {
      if (startsWithAscii(buf, start, end, '# Time: ')) return false;
      if (startsWithAscii(buf, start, end, '# User@Host: ')) {
        // Only right after the record's `# Time:` line.
        return startsWithAscii(buf, recordStart, end, '# Time: ') && buf.lastIndexOf(LF, start - 2) < recordStart;
      }
      // A server (re)start's banner ends the entry before it.
      return !isBannerLine(buf, start, end);
    },
  };

  /** `2026-11-25T10:00:00.123456Z` or 5.x `261125 10:00:00` / `261125  9:00:00`. */
  function readTime(buf: Buffer, s: number, end: number): number {
    if (buf[s + 4] === 45) {
      const us = parseIsoBytes(buf, s, end, ctx.zone, at);
      return at.end === end || buf[at.end] === SP ? us : NaN;
    }
    const yy = two(buf, s);
    const mo = two(buf, s + 2);
    const d = two(buf, s + 4);
    if (yy < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || buf[s + 6] !== SP) return NaN;
    const m = /^ ?(\d{1,2}):(\d{2}):(\d{2})$/.exec(buf.toString('latin1', s + 7, end).trimEnd());
    if (m === null) return NaN;
    return ctx.zone(daysFromCivil(2000 + yy, mo, d) * 86_400_000_000 + (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1_000_000);
  }
}

/** `# User@Host: app[app] @ web-1 [10.0.0.5]  Id: 42` and `# Query_time: 2.0  Lock_time: 0.0 ...` into attrs. */
function readHeader(line: string, attrs: Record<string, string | number>): void {
  const uh = /^# User@Host: (\S*)\[[^\]]*\] @ ?(\S*) ?\[([^\]]*)\](?:\s+Id:\s*(\d+))?/.exec(line);
  if (uh !== null) {
    if (uh[1] !== '') attrs.user = uh[1];
    if (uh[2] !== '') attrs.host = uh[2];
    if (uh[3] !== '') attrs.ip = uh[3];
    if (uh[4] !== undefined) attrs.id = Number(uh[4]);
    return;
  }
  for (const m of line.slice(2).matchAll(/(\w+): +(\S+)/g)) {
    const key = m[1].toLowerCase();
    const v = m[2];
    attrs[key] = /^-?\d+(\.\d+)?$/.test(v) && v.length < 16 ? Number(v) : v;
  }
}

/** The `SET timestamp=N;` among the next lines of buf after `from` (detection has no joined text). */
function lookAheadTimestamp(buf: Buffer, from: number): number {
  const text = buf.toString('latin1', from, Math.min(buf.length, from + 4096));
  const m = /\nSET timestamp=(\d+);/.exec(text);
  const next = text.search(/\n# (?:Time|User@Host): /);
  return m !== null && (next < 0 || m.index < next) ? Number(m[1]) : NaN;
}
