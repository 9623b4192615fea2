import type { FormatDefinition, LineParser, ParseContext } from '../format.js';

/**
 * strace output, with or without `-f` pids and `-t`/`-tt`/`-ttt` times:
 * `open("/etc/passwd", O_RDONLY) = 3`, `12345 10:58:13.123456 openat(AT_FDCWD, "/x", O_RDONLY) = -1
 * ENOENT (No such file or directory)`, `[pid 12345] 10:58:13 read(3,  <unfinished ...>`, `<... read
 * resumed>"data", 4096) = 10`, `1795600800.123456 close(3) = 0 <0.000011>` (`-T`), signals `---
 * SIGCHLD {si_signo=SIGCHLD, ...} ---` and exits `+++ exited with 0 +++`, `+++ killed by SIGKILL +++`.
 * ts is the time: `-ttt` epoch seconds, or a time of day on the UTC day of the file's
 * modification time read in --timezone (as logback's time-only lines); a line without a time gets
 * the file's modification time, and `ts_from: "file mtime"` in attrs. pid is the `-f` pid; the
 * message is the call as written; level ERROR for a call that failed (`= -1 ERRNO`, the errno as
 * level_raw) and a process killed by a signal. attrs: `syscall`, `ret`, `errno`, `duration_s`,
 * `signal`, `unfinished`/`resumed`. Any other line is rejected.
 */
const strace: FormatDefinition = {
  name: 'strace',
  specificity: 8,
  description: 'strace output: syscalls with -f pids and -t/-tt/-ttt times, signals, exits; failed calls as ERROR',
  example: '12345 10:58:13.123456 openat(AT_FDCWD, "/etc/app.conf", O_RDONLY) = -1 ENOENT (No such file or directory)',
  create(_options, ctx) {
    return createStraceParser(ctx);
  },
};
export default strace;

const PREFIX = /^(?:\[pid +(\d+)\] |(\d+) +)?(?:(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? |(\d{9,11})\.(\d{1,6}) )?/;
const CALL = /^([a-z_][a-z0-9_]*)\(/;
const RESUMED = /^<\.\.\. ([a-z_][a-z0-9_]*) resumed>/;
const RETURN = /\) += (\?|-?\d+|0x[0-9a-fA-F]+)(?:<[^>]*>)?(?: ([A-Z][A-Z0-9_]+) \([^)]*\))?(?: \(.*\))?(?: <(\d+\.\d+)>)?$/;
const DAY_US = 86_400_000_000;

function createStraceParser(ctx: ParseContext): LineParser {
  return {
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end);
      const p = PREFIX.exec(line) as RegExpExecArray;
      const body = line.slice(p[0].length);
      const attrs: Record<string, string | number | boolean> = {};
      let level: string | undefined;
      let raw: string | undefined;
      let m: RegExpExecArray | null;
      if (body.startsWith('--- SIG') && body.endsWith(' ---')) {
        attrs.signal = body.slice(4, body.indexOf(' ', 4) < 0 ? undefined : body.indexOf(' ', 4));
      } else if (body.startsWith('+++ ') && body.endsWith(' +++')) {
        if (!/^\+\+\+ (exited with -?\d+|killed by SIG[A-Z0-9]+( \(core dumped\))?) \+\+\+$/.test(body)) return 'not an strace exit line';
        if (body.startsWith('+++ killed by ')) {
          attrs.signal = body.slice(14).split(' ')[0];
          level = 'ERROR';
          raw = attrs.signal;
        }
      } else if ((m = RESUMED.exec(body) ?? CALL.exec(body)) !== null) {
        attrs.syscall = m[1];
        if (body.startsWith('<...')) attrs.resumed = true;
        if (body.endsWith(' <unfinished ...>')) {
          attrs.unfinished = true;
        } else {
          const r = RETURN.exec(body);
          if (r === null) return 'no "= result" after the call';
          attrs.ret = r[1];
          if (r[2] !== undefined) {
            attrs.errno = r[2];
            level = 'ERROR';
            raw = r[2];
          }
          if (r[3] !== undefined) attrs.duration_s = Number(r[3]);
        }
      } else {
        return 'not an strace line';
      }
      let us: number;
      if (p[3] !== undefined) {
        const tod = ((Number(p[3]) * 60 + Number(p[4])) * 60 + Number(p[5])) * 1e6 + Number((p[6] ?? '').padEnd(6, '0'));
        if (Number(p[3]) > 23 || Number(p[4]) > 59 || Number(p[5]) > 60) return 'bad time of day';
        us = ctx.zone(Math.floor(ctx.referenceMicros / DAY_US) * DAY_US + tod);
      } else if (p[7] !== undefined) {
        us = Number(p[7]) * 1e6 + Number(p[8].padEnd(6, '0'));
      } else {
        us = ctx.referenceMicros;
        attrs.ts_from = 'file mtime';
      }
      const pid = p[1] ?? p[2];
      out.beginRecord(us);
      out.empty();
      out.empty();
      if (pid !== undefined) out.int(Number(pid));
      else out.empty();
      if (level !== undefined) {
        out.ascii(level);
        out.text(raw as string);
      } else {
        out.empty();
        out.empty();
      }
      out.text(body);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
