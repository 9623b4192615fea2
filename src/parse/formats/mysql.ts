import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { indexOfByte, parseIntRange, startsWithAscii, two } from '../line-scan.js';
import { daysFromCivil, parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * MySQL/MariaDB error log:
 * - 8.0 `2026-11-25T10:00:00.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.`,
 * - 5.7 `2026-11-25T10:00:00.123456Z 0 [Note] InnoDB: Buffer pool(s) load completed`,
 * - 5.6 and MariaDB `2026-11-25 10:00:00 1234 [Note] ...` (MariaDB 10: `2026-11-25 10:00:00 0 [Note] ...`),
 * - 5.5 `261125 10:00:00 [Note] ...` (`yymmdd h:mm:ss`, the hour space-padded).
 * `[System]`/`[Note]` are INFO, `[Warning]` WARN, `[ERROR]` ERROR. The subsystem (`[Server]`,
 * `[InnoDB]`, `[Repl]`) fills service, the thread id and the error code (`MY-010068`) go to attrs.
 * `mysqld_safe` lines fill service with `mysqld_safe`. The `Version: '...'  socket: ...` line
 * mysqld writes after `ready for connections` is joined to it.
 */
const mysql: FormatDefinition = {
  name: 'mysql',
  specificity: 7,
  description: 'MySQL/MariaDB error log: "time thread [Level] [MY-code] [Subsystem] message" (8.0) and the 5.x forms',
  example: '2026-11-25T10:00:00.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.',
  create(_options, ctx) {
    return createMysqlParser(ctx);
  },
};
export default mysql;

const SP = 32;
const LB = 91;
const RB = 93;
const LEVELS: Record<string, string> = { System: 'INFO', Note: 'INFO', Warning: 'WARN', Warn: 'WARN', ERROR: 'ERROR', Error: 'ERROR' };

function createMysqlParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      let us: number;
      let i: number;
      if (buf[start + 4] === 45) {
        us = parseIsoBytes(buf, start, end, ctx.zone, at);
        if (Number.isNaN(us)) return 'no timestamp';
        i = at.end;
      } else {
        // 5.5: yymmdd h:mm:ss
        const yy = two(buf, start);
        const mo = two(buf, start + 2);
        const d = two(buf, start + 4);
        if (yy < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || buf[start + 6] !== SP) return 'no timestamp';
        let ts = start + 7;
        if (buf[ts] === SP) ts++;
        const hs = ts;
        let h = 0;
        while (ts < end && ts - hs < 2 && buf[ts] >= 48 && buf[ts] <= 57) h = h * 10 + buf[ts++] - 48;
        const mi = two(buf, ts + 1);
        const se = two(buf, ts + 4);
        if (ts === hs || h > 23 || buf[ts] !== 58 || buf[ts + 3] !== 58 || mi < 0 || mi > 59 || se < 0 || se > 60) return 'no timestamp';
        i = ts + 6;
        const tod = (h * 3600 + mi * 60 + se) * 1_000_000;
        us = ctx.zone(daysFromCivil(2000 + yy, mo, d) * 86_400_000_000 + tod);
      }
      if (buf[i] !== SP) return 'no space after the timestamp';
      i++;
      const attrs: Record<string, string | number> = {};
      let svc: string | undefined;
      if (buf[i] !== LB) {
        // The thread id, or `mysqld_safe` / `mysqld`.
        const ts = i;
        while (i < end && buf[i] !== SP) i++;
        const thread = parseIntRange(buf, ts, i);
        if (thread >= 0) attrs.thread = thread;
        else {
          const word = buf.toString('latin1', ts, i);
          if (word !== 'mysqld_safe' && word !== 'mysqld') return 'no thread id';
          svc = word;
        }
        i++;
      }
      let level: string | undefined;
      let ls = -1;
      let le = -1;
      if (buf[i] === LB) {
        ls = i + 1;
        le = indexOfByte(buf, RB, ls, Math.min(end, ls + 10));
        level = le < 0 ? undefined : LEVELS[buf.toString('latin1', ls, le)];
        if (level === undefined) return 'no [Level]';
        i = le + 1;
        // 8.0: [MY-010068] [Server]
        if (buf[i] === SP && buf[i + 1] === LB && buf[i + 2] === 77 && buf[i + 3] === 89 && buf[i + 4] === 45) {
          const ce = indexOfByte(buf, RB, i + 2, end);
          if (ce < 0) return 'unclosed [MY-code]';
          attrs.code = buf.toString('latin1', i + 2, ce);
          i = ce + 1;
          if (buf[i] === SP && buf[i + 1] === LB) {
            const se = indexOfByte(buf, RB, i + 2, Math.min(end, i + 40));
            if (se > i + 2) {
              svc = buf.toString('latin1', i + 2, se);
              i = se + 1;
            }
          }
        }
        if (buf[i] === SP) i++;
      } else if (svc === undefined) {
        return 'no [Level]';
      }
      out.beginRecord(us);
      out.empty();
      if (svc !== undefined) out.text(svc);
      else out.empty();
      out.empty();
      if (level !== undefined) {
        out.ascii(level);
        out.bytes(buf, ls, le);
      } else {
        out.empty();
        out.empty();
      }
      out.bytes(buf, Math.min(i, end), end);
      if (Object.keys(attrs).length > 0) out.text(JSON.stringify(attrs));
      else out.empty();
      return null;
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      // mysqld's `Version: '8.0.36'  socket: '...'  port: 3306  MySQL Community Server - GPL.`
      // after `ready for connections.`
      return startsWithAscii(buf, start, end, "Version: '");
    },
  };
}
