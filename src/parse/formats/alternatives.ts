import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * `/var/log/alternatives.log`, as update-alternatives writes it (local time, no zone):
 * `update-alternatives 2026-11-25 10:00:00: run with --install /usr/bin/editor editor /usr/bin/vim.basic 30`,
 * `update-alternatives 2026-11-25 10:00:00: link group editor updated to point to /usr/bin/vim.basic`.
 * service is `update-alternatives`; the message is what follows the time and its `: `.
 */
const alternatives: FormatDefinition = {
  name: 'alternatives',
  specificity: 8,
  description: 'alternatives.log: update-alternatives runs and link changes (Debian, Ubuntu)',
  example: 'update-alternatives 2026-11-25 10:00:00: run with --install /usr/bin/editor editor /usr/bin/vim.basic 30',
  create(_options, ctx) {
    return createAlternativesParser(ctx);
  },
};
export default alternatives;

const PREFIX = Buffer.from('update-alternatives ');

function createAlternativesParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      const t = start + PREFIX.length;
      if (end - t < 21 || buf.compare(PREFIX, 0, PREFIX.length, start, t) !== 0) return 'not an alternatives.log line';
      if (buf[t + 10] !== 32 || buf[t + 19] !== 58 || buf[t + 20] !== 32) return 'no "date time: " after update-alternatives';
      const us = parseIsoBytes(buf, t, t + 19, ctx.zone, at);
      if (Number.isNaN(us) || at.end !== t + 19) return 'bad alternatives.log time';
      out.beginRecord(us);
      out.empty();
      out.ascii('update-alternatives');
      out.empty();
      out.empty();
      out.empty();
      out.bytes(buf, t + 21, end);
      out.empty();
      return null;
    },
  };
}
