import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { parseIsoString } from '../timestamp.js';

/**
 * `/var/log/apt/history.log`: one stanza per apt run, stanzas separated by a blank line, local
 * time with two spaces between date and time:
 * ```
 * Start-Date: 2026-11-25  10:00:00
 * Commandline: apt-get install -y nginx
 * Requested-By: deploy (1000)
 * Install: nginx:amd64 (1.22.1-9), nginx-common:amd64 (1.22.1-9, automatic)
 * End-Date: 2026-11-25  10:00:04
 * ```
 * One record per stanza: the `Start-Date:` line starts it (its time is the record's), the
 * stanza's other lines (`Commandline:`, `Requested-By:`, `Install:`, `Upgrade:`, `Remove:`,
 * `Purge:`, `Downgrade:`, `Reinstall:`, `Error:`, `End-Date:`) continue it and make its message,
 * one per line. service is `apt`. A stanza line without its `Start-Date:` is rejected.
 */
const aptHistory: FormatDefinition = {
  name: 'apt-history',
  specificity: 8,
  description: 'apt history.log: one record per apt run (Start-Date stanza: command line, packages, End-Date)',
  example: 'Start-Date: 2026-11-25  10:00:00',
  continuation: isStanzaLine,
  create(_options, ctx) {
    return createAptHistoryParser(ctx);
  },
};
export default aptHistory;

const STANZA_KEYS = ['Commandline: ', 'Requested-By: ', 'Install: ', 'Upgrade: ', 'Remove: ', 'Purge: ', 'Downgrade: ', 'Reinstall: ', 'Error: ', 'End-Date: '].map((k) => Buffer.from(k));

/** A stanza line after `Start-Date:`. */
function isStanzaLine(buf: Uint8Array, start: number, end: number): boolean {
  const c = buf[start];
  for (const k of STANZA_KEYS) {
    if (c === k[0] && end - start >= k.length && Buffer.compare(k, buf.subarray(start, start + k.length)) === 0) return true;
  }
  return false;
}

const START = /^Start-Date: (\d{4}-\d{2}-\d{2}) +(\d{2}:\d{2}:\d{2})$/;

function createAptHistoryParser(ctx: ParseContext): LineParser {
  return {
    parseLine(buf, start, end, out) {
      const m = START.exec(buf.toString('latin1', start, Math.min(end, start + 48)));
      if (m === null || end - start > 48) return isStanzaLine(buf, start, end) ? 'apt history stanza line without its Start-Date:' : 'not an apt history line';
      const us = parseIsoString(`${m[1]}T${m[2]}`, ctx.zone);
      if (Number.isNaN(us)) return 'bad Start-Date';
      out.beginRecord(us);
      out.empty();
      out.ascii('apt');
      out.empty();
      out.empty();
      out.empty();
      // The stanza's other lines, joined by parseLines, are the message.
      out.empty();
      out.empty();
      return null;
    },
  };
}
