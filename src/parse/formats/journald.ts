import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { writeLevelAndMessage } from '../level.js';
import { indexOfByte, parseIntRange } from '../line-scan.js';
import { parseIsoBytes, parseRfc3164Bytes, type ParsedAt } from '../timestamp.js';

/**
 * `journalctl` text output, exactly as journalctl writes it:
 * - `-o short` `Nov 25 10:00:00 web-1 sshd[1234]: msg` (year inferred) and `-o short-precise`
 *   (`.123456`: always six digits),
 * - `-o short-iso` `2026-11-25T10:00:00+0100 web-1 sshd[1234]: msg` (older systemd: `+0100`,
 *   newer: `+01:00`) and `-o short-iso-precise` (`.123456`).
 * journalctl pads the day with a zero (`Nov 05`), always writes a numeric offset (never `Z`),
 * no `<PRI>`, and `identifier[pid]: `. Lines outside those rules are rejected. Auto-detection
 * does not choose it over syslog (specificity 4 under syslog's 5): an rsyslog file
 * (`Nov 25 ...` or `...T...+02:00`) cannot be told from journalctl output line by line, and
 * the records are the same either way; pass `--input-format journald` to label them so.
 * Marker lines (`-- Boot 1a2b... --`, `-- Logs begin at ... --`, `-- No entries --`) are
 * rejected with their own reason. Fields are syslog's: host, identifier as service, pid, a
 * level word leading the message as level.
 */
const journald: FormatDefinition = {
  name: 'journald',
  specificity: 4,
  description: 'journalctl output: -o short, short-precise, short-iso, short-iso-precise',
  example: '2026-11-25T10:00:00+0100 web-1 sshd[1234]: Accepted publickey for deploy from 203.0.113.9 port 52144 ssh2',
  create(_options, ctx) {
    return createJournaldParser(ctx);
  },
};
export default journald;

const SP = 32;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const LB = 91;
const RB = 93;

function createJournaldParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (buf[start] === DASH && buf[start + 1] === DASH && buf[start + 2] === SP) return 'journalctl marker line';
      let us: number;
      if (buf[start] >= 48 && buf[start] <= 57) {
        us = parseIsoBytes(buf, start, end, ctx.zone, at);
        if (Number.isNaN(us) || !isJournalIso(buf, start, at.end)) return 'no journalctl timestamp';
      } else {
        us = parseRfc3164Bytes(buf, start, end, ctx.referenceMicros, ctx.zone, at);
        // Zero-padded day; no fraction or exactly six digits.
        if (Number.isNaN(us) || buf[start + 4] === SP || (at.end !== start + 15 && at.end !== start + 22)) return 'no journalctl timestamp';
      }
      let i = at.end;
      if (buf[i] !== SP) return 'no space after timestamp';
      const hs = ++i;
      while (i < end && buf[i] !== SP) i++;
      const he = i;
      if (he === hs || i >= end) return 'no host';
      const ts = ++i;
      while (i < end && buf[i] !== COLON && buf[i] !== LB && buf[i] !== SP) i++;
      const te = i;
      if (te === ts) return 'no identifier';
      let pid = -1;
      if (buf[i] === LB && i < end) {
        const pe = indexOfByte(buf, RB, i + 1, end);
        if (pe < 0) return 'unclosed [pid]';
        pid = parseIntRange(buf, i + 1, pe);
        if (pid < 0) return 'bad [pid]';
        i = pe + 1;
      }
      if (i >= end || buf[i] !== COLON || (i + 1 < end && buf[i + 1] !== SP)) return 'no "identifier:"';
      out.beginRecord(us);
      out.bytes(buf, hs, he);
      out.bytes(buf, ts, te);
      if (pid >= 0) out.int(pid);
      else out.empty();
      writeLevelAndMessage(out, buf, Math.min(i + 2, end), end);
      out.empty();
      return null;
    },
  };
}

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]±HHMM` or `±HH:MM`, ending at e: what journalctl writes. */
function isJournalIso(buf: Buffer, s: number, e: number): boolean {
  if (buf[s + 10] !== 84) return false;
  let o = s + 19;
  if (buf[o] === DOT) o += 7;
  if (buf[o] !== 43 && buf[o] !== DASH) return false;
  const len = e - o;
  return len === 5 || (len === 6 && buf[o + 3] === COLON);
}
