import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { readLevelWord, skipSpaces } from '../line-scan.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * Python `logging` lines with a time, in the three shapes most configs use:
 * - `%(asctime)s - %(name)s - %(levelname)s - %(message)s`: `2026-11-25 10:00:00,123 - myapp.db - WARNING - slow query`,
 * - `%(asctime)s %(levelname)s %(name)s: %(message)s`: `2026-11-25 10:00:00,123 ERROR myapp.db: failed`,
 * - Flask's `[%(asctime)s] %(levelname)s in %(module)s: %(message)s`.
 * The logger name (Flask: the module) fills service. The default `%(levelname)s:%(name)s:%(message)s`
 * carries no time and is not read. The second shape also reads as syslog (host `ERROR`,
 * tag `myapp.db`); the level word where syslog has its host makes this the more specific reading.
 */
const python: FormatDefinition = {
  name: 'python',
  specificity: 6,
  description: 'Python logging: "asctime - name - levelname - message", "asctime levelname name: message", Flask',
  example: '2026-11-25 10:00:00,123 - myapp.db - WARNING - slow query: SELECT * FROM orders took 2.3s',
  create(_options, ctx) {
    return createPythonParser(ctx);
  },
};
export default python;

const SP = 32;
const DASH = 45;
const COLON = 58;
const LB = 91;
const RB = 93;

function createPythonParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      const flask = buf[start] === LB;
      const us = parseIsoBytes(buf, flask ? start + 1 : start, end, ctx.zone, at);
      if (Number.isNaN(us)) return 'no timestamp';
      let i = at.end;
      if (flask) {
        if (buf[i] !== RB) return 'no "]" after timestamp';
        i++;
      }
      if (buf[i] !== SP) return 'no space after timestamp';
      i++;
      let ns: number;
      let ne: number;
      let ls: number;
      let le: number;
      let level;
      if (!flask && i + 2 <= end && buf[i] === DASH && buf[i + 1] === SP) {
        // - name - LEVEL - message
        ns = i + 2;
        i = ns;
        while (i < end && buf[i] !== SP) i++;
        ne = i;
        if (ne === ns || i + 3 > end || buf[i + 1] !== DASH || buf[i + 2] !== SP) return 'no " - " after logger name';
        ls = i + 3;
        level = readLevelWord(buf, ls, end, SP);
        if (level === undefined) return 'no level after logger name';
        le = level.end;
        if (le + 2 > end || buf[le + 1] !== DASH || (le + 2 < end && buf[le + 2] !== SP)) return 'no " - " after level';
        i = le + 3;
      } else {
        // LEVEL name: message — Flask: LEVEL in module: message
        ls = i;
        level = readLevelWord(buf, ls, end, SP);
        if (level === undefined) return 'no level after timestamp';
        le = level.end;
        i = skipSpaces(buf, le, end);
        if (flask) {
          if (i + 3 > end || buf[i] !== 105 || buf[i + 1] !== 110 || buf[i + 2] !== SP) return 'no "in" after level';
          i += 3;
        }
        ns = i;
        if (buf[ns] === LB) return 'bracket where the logger name should be';
        // A logger name is dotted words: `tag[pid]:` is syslog's tag, not a logger.
        while (i < end && buf[i] !== SP && buf[i] !== COLON && buf[i] !== LB) i++;
        ne = i;
        if (ne === ns || buf[i] !== COLON || (i + 1 < end && buf[i + 1] !== SP)) return 'no "name:" after level';
        i += 2;
      }
      out.beginRecord(us);
      out.empty();
      out.bytes(buf, ns, ne);
      out.empty();
      out.ascii(level.level);
      out.bytes(buf, ls, le);
      out.bytes(buf, Math.min(i, end), end);
      out.empty();
      return null;
    },
  };
}
