import type { FormatOptions } from './format.js';

/**
 * The header of a header-driven format (W3C `#Fields:`, Zeek `#fields`) in effect after
 * buf[start, end): for each directive the last line that set it, in the order last met, as
 * the file wrote them, on top of those of `before` (the header in effect at `start`); undefined
 * when the range holds none. `directive` returns the directive
 * a line sets (`Fields`, `separator`) or undefined for any other line; only lines starting
 * with `#` are looked at, found with a native byte search.
 */
export function readHeaderLines(buf: Buffer, start: number, end: number, directive: (line: string) => string | undefined, before?: FormatOptions): FormatOptions | undefined {
  const last = new Map<string, string>();
  let found = false;
  let pos = buf[start] === 35 ? start : buf.indexOf('\n#', start);
  while (pos >= 0 && pos < end) {
    const ls = buf[pos] === 35 ? pos : pos + 1;
    let nl = buf.indexOf(10, ls);
    if (nl < 0 || nl > end) nl = end;
    let le = nl;
    if (le > ls && buf[le - 1] === 13) le--;
    const line = buf.toString('utf8', ls, le);
    const name = directive(line);
    if (name !== undefined) {
      if (!found) for (const old of before?.header ?? []) last.set(directive(old) ?? old, old);
      found = true;
      last.delete(name);
      last.set(name, line);
    }
    pos = nl >= end ? -1 : buf.indexOf('\n#', nl);
  }
  return found ? { header: [...last.values()] } : undefined;
}
