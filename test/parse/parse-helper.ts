import { createParser, parseLines, RowWriter, RECORD_STAGING_COLUMNS, utcZone, type FormatSpec, type ZoneResolver } from '../../src/parse/index.js';

export interface Parsed {
  records: Record<string, string | null>[];
  unparsed: { line: number; raw: string; reason: string }[];
  counts: { lines: number; parsed: number; unparsed: number; blank: number };
}

/** Decodes one staging line (unquoted fields only: test inputs avoid control bytes). */
function decode(line: string, names: string[]): Record<string, string | null> {
  const fields = line.split('\x1f');
  const out: Record<string, string | null> = {};
  names.forEach((n, i) => (out[n] = fields[i] === '' ? null : fields[i]));
  return out;
}

/** Parses text with a format and returns the records as the staging text carries them. */
export async function parseText(text: string, spec: FormatSpec, opts: { zone?: ZoneResolver; referenceMicros?: number } = {}): Promise<Parsed> {
  const parser = await createParser(spec, { zone: opts.zone ?? utcZone, referenceMicros: opts.referenceMicros ?? Date.UTC(2026, 10, 25) * 1000 });
  const buf = Buffer.from(text, 'utf8');
  const out = new RowWriter(1024);
  const counts = parseLines(buf, 0, buf.length, parser, out);
  const done = out.finish();
  const names = Object.keys(RECORD_STAGING_COLUMNS);
  const records = done.days.flatMap((d) => d.data.toString('utf8').split('\n').filter((l) => l !== '').map((l) => decode(l, names)));
  records.sort((a, b) => Number(a.rel_line) - Number(b.rel_line));
  const unparsed = done.unparsed
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [line, raw, reason] = l.split('\x1f');
      return { line: Number(line), raw, reason };
    });
  return { records, unparsed, counts };
}

/** µs since epoch of an ISO string, as the staging text writes it. */
export function us(iso: string): string {
  return String(Date.parse(iso) * 1000);
}
