import { createParser, parseLines, RowWriter, utcZone, type FormatSpec, type ZoneResolver } from '../../src/parse/index.js';
import { STAGED_COLUMNS } from '../../src/parse/staging-parquet.js';

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

/**
 * The records of a staged Parquet file, from its parts (RowWriter.finish): every value as text
 * (integers as their digits), NULL as null. Reads the definition levels as the writer lays
 * them out (one RLE run, or one bit-packed run); DuckDB reads the files in row-writer.test.ts.
 */
function decodeStaged(parts: Uint8Array[]): Record<string, string | null>[] {
  const view = (a: Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.length);
  let i = 1;
  const columns = STAGED_COLUMNS.map((col) => {
    i++;
    const levels = col.optional ? view(parts[i++]) : null;
    return { col, levels, values: view(parts[i++]) };
  });
  const rows = columns[0].values.length / 8;
  const out: Record<string, string | null>[] = Array.from({ length: rows }, () => ({}));
  for (const { col, levels, values } of columns) {
    const present = new Array<boolean>(rows).fill(true);
    if (levels !== null) {
      let p = 4;
      let header = 0;
      for (let shift = 0; ; shift += 7) {
        const b = levels[p++];
        header += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
      }
      if (header % 2 === 0) present.fill(levels[p] === 1);
      else for (let r = 0; r < rows; r++) present[r] = ((levels[p + (r >> 3)] >> (r & 7)) & 1) === 1;
    }
    let at = 0;
    for (let r = 0; r < rows; r++) {
      if (!present[r]) {
        out[r][col.name] = null;
      } else if (col.kind === 'int') {
        out[r][col.name] = String(values.readInt32LE(at + 4) * 4294967296 + values.readUInt32LE(at));
        at += 8;
      } else {
        const len = values.readUInt32LE(at);
        out[r][col.name] = values.toString('utf8', at + 4, at + 4 + len);
        at += 4 + len;
      }
    }
  }
  return out;
}

/** Parses text with a format and returns the records as the staging text carries them. */
export async function parseText(text: string, spec: FormatSpec, opts: { zone?: ZoneResolver; referenceMicros?: number } = {}): Promise<Parsed> {
  const parser = await createParser(spec, { zone: opts.zone ?? utcZone, referenceMicros: opts.referenceMicros ?? Date.UTC(2026, 10, 25) * 1000 });
  const buf = Buffer.from(text, 'utf8');
  const out = new RowWriter(1024);
  const counts = parseLines(buf, 0, buf.length, parser, out);
  const done = out.finish();
  const records = done.days.flatMap((d) => decodeStaged(d.data));
  records.sort((a, b) => Number(a.rel_line) - Number(b.rel_line));
  const unparsed = decodeStaging(done.unparsed.toString('utf8')).map(([line, raw, reason]) => ({ line: Number(line), raw, reason }));
  return { records, unparsed, counts };
}

/** µs since epoch of an ISO string, as the staging text writes it. */
export function us(iso: string): string {
  return String(Date.parse(iso) * 1000);
}
