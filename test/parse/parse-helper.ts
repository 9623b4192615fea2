import { createParser, parseLines, RowWriter, RECORD_STAGING_COLUMNS, utcZone, type FormatSpec, type ZoneResolver } from '../../src/parse/index.js';

export interface Parsed {
  records: Record<string, string | null>[];
  unparsed: { line: number; raw: string; reason: string }[];
  counts: { lines: number; parsed: number; unparsed: number; blank: number };
}

/** Splits staging text into rows of fields: US between fields, LF between rows, RS quotes (RS doubled inside). */
function decodeStaging(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '\x1e') {
      i++;
      for (;;) {
        const j = text.indexOf('\x1e', i);
        field += text.slice(i, j);
        if (text[j + 1] === '\x1e') {
          field += '\x1e';
          i = j + 2;
        } else {
          i = j + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== '\x1f' && text[j] !== '\n') j++;
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    if (text[i] === '\x1f') i++;
    else {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

function named(fields: string[], names: string[]): Record<string, string | null> {
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
  const records = done.days.flatMap((d) => decodeStaging(d.data.toString('utf8')).map((f) => named(f, names)));
  records.sort((a, b) => Number(a.rel_line) - Number(b.rel_line));
  const unparsed = decodeStaging(done.unparsed.toString('utf8')).map(([line, raw, reason]) => ({ line: Number(line), raw, reason }));
  return { records, unparsed, counts };
}

/** µs since epoch of an ISO string, as the staging text writes it. */
export function us(iso: string): string {
  return String(Date.parse(iso) * 1000);
}
