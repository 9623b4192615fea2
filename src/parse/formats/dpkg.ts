import type { FormatDefinition, LineParser, ParseContext } from '../format.js';
import { parseIsoBytes, type ParsedAt } from '../timestamp.js';

/**
 * `/var/log/dpkg.log`, as dpkg writes it (local time, no zone):
 * - `2026-11-25 10:00:00 startup archives unpack` (or `packages configure`, ...),
 * - `2026-11-25 10:00:00 install|upgrade|remove|purge|configure|trigproc <pkg> <old-version> <new-version>`,
 * - `2026-11-25 10:00:00 status <state> <pkg> <version>` (not-installed, config-files,
 *   half-installed, unpacked, half-configured, triggers-awaited, triggers-pending, installed),
 * - `2026-11-25 10:00:00 conffile <file> install|keep`.
 * service is `dpkg`, the message what follows the time; attrs holds `action` and, by action,
 * `package` (`name:arch` as written), `arch`, `old_version`, `version`, `state`, `conffile`,
 * `decision`. Any other shape is rejected: a line must be fully one of these.
 */
const dpkg: FormatDefinition = {
  name: 'dpkg',
  specificity: 8,
  description: 'dpkg.log: package installs, upgrades, removals and status changes (Debian, Ubuntu)',
  example: '2026-11-25 10:00:00 status installed libssl3:amd64 3.0.11-1~deb12u2',
  create(_options, ctx) {
    return createDpkgParser(ctx);
  },
};
export default dpkg;

const PACKAGE_ACTIONS = new Set(['install', 'upgrade', 'remove', 'purge', 'configure', 'trigproc']);
const STATES = new Set(['not-installed', 'config-files', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending', 'installed']);

function createDpkgParser(ctx: ParseContext): LineParser {
  const at: ParsedAt = { end: 0 };
  return {
    parseLine(buf, start, end, out) {
      if (end - start < 21 || buf[start + 10] !== 32 || buf[start + 19] !== 32) return 'not a dpkg.log line';
      const us = parseIsoBytes(buf, start, start + 19, ctx.zone, at);
      if (Number.isNaN(us) || at.end !== start + 19) return 'no dpkg.log time';
      const message = buf.toString('utf8', start + 20, end);
      const w = message.split(' ');
      const attrs: Record<string, string> = { action: w[0] };
      if (w[0] === 'startup' && w.length === 3) {
        attrs.scope = w[1];
        attrs.operation = w[2];
      } else if (PACKAGE_ACTIONS.has(w[0]) && w.length === 4) {
        setPackage(attrs, w[1]);
        attrs.old_version = w[2];
        attrs.version = w[3];
      } else if (w[0] === 'status' && w.length === 4 && STATES.has(w[1])) {
        attrs.state = w[1];
        setPackage(attrs, w[2]);
        attrs.version = w[3];
      } else if (w[0] === 'conffile' && w.length === 3 && (w[2] === 'install' || w[2] === 'keep')) {
        attrs.conffile = w[1];
        attrs.decision = w[2];
      } else {
        return 'not a dpkg.log action';
      }
      out.beginRecord(us);
      out.empty();
      out.ascii('dpkg');
      out.empty();
      out.empty();
      out.empty();
      out.text(message);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}

function setPackage(attrs: Record<string, string>, pkg: string): void {
  attrs.package = pkg;
  const colon = pkg.indexOf(':');
  if (colon > 0) attrs.arch = pkg.slice(colon + 1);
}
