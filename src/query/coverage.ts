import type { DuckDBConnection } from '@duckdb/node-api';

/** How well one source parsed, and what its unparsed lines look like. */
export interface SourceCoverage {
  source: string;
  format: string;
  lines: number;
  parsed: number;
  unparsed: number;
  blank: number;
  joined: number;
  /** parsed / (lines - blank); 1 for a file of blank lines. */
  parsedShare: number;
  /** The most common shapes of its unparsed lines (digits as 0, space runs as one space). */
  shapes: { shape: string; count: number; firstLine: number; example: string }[];
}

/**
 * Coverage per source from the manifest's line accounting, with the commonest shapes of
 * the unparsed lines: what to fix first (an --input-format, a template, a pattern).
 */
export async function queryCoverage(conn: DuckDBConnection, top = 3): Promise<SourceCoverage[]> {
  const sources = (
    await conn.runAndReadAll(
      `SELECT path, format, lines::BIGINT, parsed::BIGINT, unparsed::BIGINT, blank::BIGINT, joined::BIGINT FROM sources ORDER BY path`,
    )
  ).getRows();
  const shapes = (
    await conn.runAndReadAll(
      `SELECT source, shape, count(*)::BIGINT AS n, min(line)::BIGINT AS first_line, arg_min(raw, line) AS example
       FROM (SELECT source, line, raw, left(regexp_replace(regexp_replace(raw, '[0-9]+', '0', 'g'), '\\s+', ' ', 'g'), 60) AS shape FROM unparsed)
       GROUP BY source, shape
       QUALIFY row_number() OVER (PARTITION BY source ORDER BY count(*) DESC, min(line)) <= $top
       ORDER BY source, n DESC, first_line`,
      { top },
    )
  ).getRows();
  const bySource = new Map<string, SourceCoverage['shapes']>();
  for (const [source, shape, n, firstLine, example] of shapes) {
    const list = bySource.get(String(source)) ?? [];
    list.push({ shape: String(shape), count: Number(n), firstLine: Number(firstLine), example: String(example) });
    bySource.set(String(source), list);
  }
  return sources.map(([path, format, lines, parsed, unparsed, blank, joined]) => {
    const nonBlank = Number(lines) - Number(blank);
    return {
      source: String(path),
      format: String(format),
      lines: Number(lines),
      parsed: Number(parsed),
      unparsed: Number(unparsed),
      blank: Number(blank),
      joined: Number(joined),
      parsedShare: nonBlank === 0 ? 1 : Number(parsed) / nonBlank,
      shapes: bySource.get(String(path)) ?? [],
    };
  });
}
