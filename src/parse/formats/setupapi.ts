import { HEADER_LINE, type FormatDefinition, type LineParser, type ParseContext } from '../format.js';
import { parseIsoString } from '../timestamp.js';

/**
 * Windows SetupAPI text logs (`setupapi.dev.log`, `setupapi.app.log`), as Microsoft documents
 * them: a log header (`[Device Install Log]` and its indented `OS Version = ...` lines,
 * `[BeginLog]`), `[Boot Session: 2026/11/25 09:55:01.500]` lines, and sections:
 * ```
 * >>>  [Device Install (Hardware initiated) - USB\VID_046D&PID_C52B\5&2f3c8d9&0&2]
 * >>>  Section start 2026/11/25 10:58:13.877
 *      ump: Creating Install Process: DrvInst.exe 10:58:13.877
 * !    dvi: Selected driver has no signer...
 * !!!  ndv: Driver package failed signature validation. Error = 0xE0000242
 * <<<  Section end 2026/11/25 10:58:14.102
 * <<<  [Exit status: FAILURE(0xe0000242)]
 * ```
 * One record per section: it starts at the `>>>  [title]` line, whose time is the `Section start`
 * line's (local time: --timezone), and holds the section's lines down to its exit status (the
 * lines after the title continue it). level: ERROR for an exit status other than SUCCESS or an
 * `!!!` (error) entry, else WARN for an `!` (warning) entry, else INFO; level_raw the exit status.
 * The message is the title, then the section's lines as written; attrs: `section` (the title),
 * `exit_status`. A boot session line is a record of its own; the log header is no record.
 */
const setupapi: FormatDefinition = {
  name: 'setupapi',
  specificity: 8,
  description: 'Windows SetupAPI logs (setupapi.dev.log): one record per >>> section, its time from Section start',
  example: '>>>  [Device Install (Hardware initiated) - USB\\VID_046D&PID_C52B\\5&2f3c8d9&0&2]',
  continuation: isSectionLine,
  create(_options, ctx) {
    return createSetupapiParser(ctx);
  },
};
export default setupapi;

const SECTION_LINE = ['>>>  Section start ', '<<<  ', '!!!  ', '!    '].map((p) => Buffer.from(p));

/** A line of a section after its `>>>  [title]` line. */
function isSectionLine(buf: Uint8Array, start: number, end: number): boolean {
  const c = buf[start];
  if (c !== 62 && c !== 60 && c !== 33) return false;
  for (const p of SECTION_LINE) if (end - start >= p.length && Buffer.compare(p, buf.subarray(start, start + p.length)) === 0) return true;
  return false;
}

const TITLE = /^>>> {2}\[(.+)\]$/;
const BOOT = /^\[Boot Session: (\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\]$/;
const START = /^>>> {2}Section start (\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)$/m;
const EXIT = /^<<< {2}\[Exit status: ([^\]]+)\]$/m;

function createSetupapiParser(ctx: ParseContext): LineParser {
  return {
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end);
      if (line === '[Device Install Log]' || line === '[BeginLog]' || line === '[Setup Install Log]') return HEADER_LINE;
      const boot = BOOT.exec(line);
      if (boot !== null) {
        const us = parseIsoString(`${boot[1]}-${boot[2]}-${boot[3]}T${boot[4]}`, ctx.zone);
        if (Number.isNaN(us)) return 'bad boot session time';
        out.beginRecord(us);
        out.empty();
        out.ascii('setupapi');
        out.empty();
        out.empty();
        out.empty();
        out.ascii('Boot Session');
        out.empty();
        return null;
      }
      const title = TITLE.exec(line);
      if (title === null) return 'not a setupapi section or header line';
      const body = out.continuationText() ?? '';
      const s = START.exec(body);
      if (s === null) return 'no ">>>  Section start" line after the section title';
      const us = parseIsoString(`${s[1]}-${s[2]}-${s[3]}T${s[4]}`, ctx.zone);
      if (Number.isNaN(us)) return 'bad Section start time';
      const exit = EXIT.exec(body)?.[1];
      const errors = /^!!! {2}/m.test(body);
      const level = (exit !== undefined && !exit.startsWith('SUCCESS')) || errors ? 'ERROR' : /^! {4}/m.test(body) ? 'WARN' : 'INFO';
      out.beginRecord(us);
      out.empty();
      out.ascii('setupapi');
      out.empty();
      out.ascii(level);
      if (exit !== undefined) out.text(exit);
      else out.empty();
      out.text(title[1]);
      out.text(JSON.stringify(exit !== undefined ? { section: title[1], exit_status: exit } : { section: title[1] }));
      return null;
    },
  };
}
