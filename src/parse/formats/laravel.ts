import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { normalizeLevel } from '../level.js';
import { startsWithAscii } from '../line-scan.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Laravel (Monolog's line format): `[2026-11-25 10:00:00] production.ERROR: message {"exception":"[object] (...)`
 * then `[stacktrace]`, `#0 /var/www/...` frames and the `"}` that closes the context, all
 * joined into one record, `[previous exception]` blocks (after their empty line) included. The channel (the environment, `production`) goes to attrs; the
 * level word (`DEBUG` ... `EMERGENCY`) fills level. The time has no zone unless written.
 */
const laravel: FormatDefinition = {
  name: 'laravel',
  specificity: 7,
  description: 'Laravel / Monolog: "[time] channel.LEVEL: message {context}" with multi-line stack traces',
  example: '[2026-11-25 10:00:00] production.ERROR: SQLSTATE[HY000] [2002] Connection refused {"exception":"[object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70)"}',
  create(_options, ctx) {
    return createLaravelParser(ctx);
  },
};
export default laravel;

const SP = 32;

function createLaravelParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] !== 91) return 'no [time]';
      const us = parseIsoBytes(buf, start + 1, end, ctx.zone, at);
      if (Number.isNaN(us) || buf[at.end] !== 93 || buf[at.end + 1] !== SP) return 'no [time]';
      const cs = at.end + 2;
      let i = cs;
      while (i < end && buf[i] !== 46 && buf[i] !== SP && buf[i] !== 58) i++;
      if (i === cs || buf[i] !== 46) return 'no "channel.LEVEL: "';
      const ce = i;
      const ls = i + 1;
      i = ls;
      while (i < end && buf[i] >= 65 && buf[i] <= 90) i++;
      if (buf[i] !== 58 || (i + 1 < end && buf[i + 1] !== SP)) return 'no "channel.LEVEL: "';
      const level = normalizeLevel(buf.toString('latin1', ls, i));
      if (level === undefined) return 'no level';
      const le = i;
      let me = end;
      while (me > le + 2 && buf[me - 1] === SP) me--;
      out.beginRecord(us);
      out.empty();
      out.empty();
      out.empty();
      out.ascii(level);
      out.bytes(buf, ls, le);
      out.bytes(buf, Math.min(le + 2, end), me);
      out.text(JSON.stringify({ channel: buf.toString('utf8', cs, ce) }));
      return null;
    },
    continuesByLine: true,
    continues(buf, _recordStart, start, end) {
      // Monolog ends a stack trace with a newline and starts the previous exception's with
      // one: the empty line between them is inside the record.
      if (end !== start) return false;
      const nl = buf.indexOf(10, start);
      return nl >= 0 && startsWithAscii(buf, nl + 1, buf.length, '[previous exception] ');
    },
  };
}
