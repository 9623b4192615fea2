import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, indexOfText } from '../line-scan.js';
import type { Level } from '../level.js';
import type { RowWriter } from '../row-writer.js';
import { parseIsoBytes, utcZone, type ParsedAt } from '../timestamp.js';
import { zoneOffsetMinutes } from '../zone-abbrev.js';

/**
 * PostgreSQL's stderr log with a `log_line_prefix` that starts with the time (`%m` or `%t`):
 * the default `%m [%p] ` (`2026-11-25 10:00:00.123 UTC [1234] LOG:  checkpoint starting: time`),
 * Debian's `%m [%p] %q%u@%d `, pgBadger's `%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h `
 * and the like. The severity (`LOG`, `ERROR`, `FATAL`, `DEBUG1`, ...) fills level; `[pid]`
 * pid; `user@db`, `user=`, `db=`, `app=`, `client=` and the session line go to attrs. The
 * `DETAIL:`, `HINT:`, `CONTEXT:`, `QUERY:`, `STATEMENT:` and `LOCATION:` lines that follow a
 * message, and the later lines of a multi-line statement, are joined to its record.
 */
const postgres: FormatDefinition = {
  name: 'postgres',
  specificity: 7,
  description: 'PostgreSQL stderr log: "time zone [pid] [user@db] SEVERITY:  message", DETAIL/HINT/STATEMENT lines joined',
  example: '2026-11-25 10:00:00.123 UTC [1234] postgres@shop ERROR:  duplicate key value violates unique constraint "orders_pkey"',
  create(_options, ctx) {
    return createPostgresParser(ctx);
  },
  // Needs no record (a companion line or a statement's later line), so the chunker knows it too
  // and never cuts a record's HINT/STATEMENT lines off it.
  continuation(buf, start, end) {
    probe ??= createPostgresParser({ zone: utcZone, referenceMicros: 0 });
    return probe.isContinued(buf as Buffer, start, end);
  },
};
export default postgres;

/** A parser used only for its continuation rule (its zone does not matter to it). */
let probe: ReturnType<typeof createPostgresParser> | undefined;

const SP = 32;
const SEVERITIES: Record<string, Level> = {
  DEBUG1: 'DEBUG', DEBUG2: 'DEBUG', DEBUG3: 'DEBUG', DEBUG4: 'DEBUG', DEBUG5: 'DEBUG', DEBUG: 'DEBUG',
  LOG: 'INFO', INFO: 'INFO', NOTICE: 'NOTICE', WARNING: 'WARN', ERROR: 'ERROR', FATAL: 'FATAL', PANIC: 'FATAL',
};
const COMPANIONS = new Set(['DETAIL', 'HINT', 'CONTEXT', 'QUERY', 'STATEMENT', 'LOCATION']);

/** Where a line's prefix and severity are: filled by readHead. */
interface Head {
  us: number;
  /** [start, end) of the prefix between the time and the severity. */
  ps: number;
  pe: number;
  /** The severity word. */
  ws: number;
  we: number;
  word: string;
  /** Where the message starts. */
  ms: number;
}

function createPostgresParser(ctx: ParseContext): LineParser & { isContinued(buf: Buffer, start: number, end: number): boolean } {
  const at: ParsedAt = { end: 0 };
  const head: Head = { us: 0, ps: 0, pe: 0, ws: 0, we: 0, word: '', ms: 0 };
  let zoneless = false;
  const markZoneless = (wall: number): number => {
    zoneless = true;
    return wall;
  };

  /** Reads `time [zone] prefix SEVERITY:  ` at buf[start]; false when the line is not one. */
  function readHead(buf: Buffer, start: number, end: number): boolean {
    zoneless = false;
    const wall = parseIsoBytes(buf, start, end, markZoneless, at);
    if (Number.isNaN(wall) || buf[start + 10] !== SP) return false;
    let i = at.end;
    let us = wall;
    if (zoneless) {
      // A zone written as a name or offset after a space (`UTC`, `EDT`, `+03`); or none.
      const ze = buf[i] === SP ? indexOfByte(buf, SP, i + 1, Math.min(end, i + 8)) : -1;
      const off = ze < 0 ? undefined : zoneOffsetMinutes(buf.toString('latin1', i + 1, ze));
      if (off !== undefined) {
        us = wall - off * 60_000_000;
        i = ze;
      } else {
        us = ctx.zone(wall);
      }
    }
    // The severity: the first `WORD:  ` (two spaces) after the prefix.
    const sev = indexOfText(buf, ':  ', i, Math.min(end, i + 300));
    if (sev < 0) return false;
    let ws = sev;
    while (ws > i && buf[ws - 1] >= 65 && buf[ws - 1] <= 90 || (ws > i && buf[ws - 1] >= 49 && buf[ws - 1] <= 53)) ws--;
    if (ws === sev || (ws > i && buf[ws - 1] !== SP && buf[ws - 1] !== 58)) return false;
    const word = buf.toString('latin1', ws, sev);
    if (SEVERITIES[word] === undefined && !COMPANIONS.has(word)) return false;
    head.us = us;
    head.ps = i;
    head.pe = ws;
    head.word = word;
    head.ws = ws;
    head.we = sev;
    head.ms = sev + 3;
    return true;
  }

  return {
    parseLine(buf, start, end, out) {
      if (!readHead(buf, start, end)) return 'no "time ... SEVERITY:  "';
      const level = SEVERITIES[head.word];
      if (level === undefined) return `${head.word} line without the message before it`;
      const attrs = readPrefix(buf.toString('utf8', head.ps, head.pe));
      const pid = attrs.pid;
      delete attrs.pid;
      const cont = out.pendingContinuation;
      out.beginRecord(head.us);
      out.empty();
      out.empty();
      if (typeof pid === 'number') out.int(pid);
      else out.empty();
      out.ascii(level);
      out.bytes(buf, head.ws, head.we);
      if (cont === null) {
        out.bytes(buf, head.ms, end);
      } else {
        // The companion lines without their prefixes: `DETAIL:  Key (id)=(1) already exists.`
        const first = buf.toString('utf8', head.ms, end);
        const lines = cont.split('\n').map((l) => {
          const b = Buffer.from(l, 'utf8');
          return readHead(b, 0, b.length) ? `${head.word}:  ${b.toString('utf8', head.ms)}` : l;
        });
        out.clearContinuation();
        out.text(`${first}\n${lines.join('\n')}`);
      }
      if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
    isContinued(buf: Buffer, start: number, end: number): boolean {
      // A companion line, or a line that does not start with a date (a statement's later lines).
      // (A line of only spaces or tabs is inside a statement; an empty one ends the record.)
      if (end === start) return false;
      const c = buf[start];
      if (!(c >= 48 && c <= 57 && buf[start + 4] === 45)) return true;
      return readHead(buf, start, end) && COMPANIONS.has(head.word);
    },
  };
}

/** `[1234] postgres@shop `, `[1234]: [3-1] user=u,db=d,app=psql,client=10.0.0.1 ` → attrs. */
function readPrefix(text: string): Record<string, string | number> {
  const attrs: Record<string, string | number> = {};
  for (const token of text.split(/[\s:]+/)) {
    if (token === '') continue;
    let m = /^\[(\d+)\]$/.exec(token);
    if (m !== null && attrs.pid === undefined) {
      attrs.pid = Number(m[1]);
      continue;
    }
    m = /^\[(\d+-\d+)\]$/.exec(token);
    if (m !== null) {
      attrs.session_line = m[1];
      continue;
    }
    if (token.includes('=')) {
      for (const pair of token.split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0 && eq < pair.length - 1) attrs[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      continue;
    }
    m = /^([^@[\]]*)@([^@[\]]*)$/.exec(token);
    if (m !== null) {
      if (m[1] !== '' && m[1] !== '[unknown]') attrs.user = m[1];
      if (m[2] !== '' && m[2] !== '[unknown]') attrs.db = m[2];
      continue;
    }
    m = /^(\d+)$/.exec(token);
    if (m !== null && attrs.pid === undefined) attrs.pid = Number(m[1]);
  }
  return attrs;
}
