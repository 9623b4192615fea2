import { z } from 'zod';
import type { ServeContext } from '../context.js';
import { ParamError } from '../params.js';
import type { TimeRange } from '../range.js';
import { msOf, num, runQuery } from './common.js';

/** Lines per page of the Logs page, by default and at most. */
export const LOG_PAGE = 50;
export const LOG_PAGE_MAX = 500;

/**
 * The Logs page's own parameters (besides the range and one `attr.KEY=VALUE`): `level`
 * (comma-separated), `service`, `host`, `template` (an id), `q` (text the message contains),
 * `re` (an RE2 regular expression), `after` (the cursor of the next page), `page` (its number,
 * shown), `limit`.
 */
export const logParams = {
  level: z
    .string()
    .regex(/^((TRACE|DEBUG|INFO|NOTICE|WARN|ERROR|FATAL|NONE)(,(TRACE|DEBUG|INFO|NOTICE|WARN|ERROR|FATAL|NONE))*)?$/i, 'comma-separated levels among TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, FATAL, NONE')
    .optional(),
  service: z.string().max(500).optional(),
  host: z.string().max(500).optional(),
  template: z.union([z.literal(''), z.coerce.number({ message: 'must be a template id (a whole number)' }).int('must be a template id (a whole number)')]).optional(),
  q: z.string().max(1000).optional(),
  re: z.string().max(1000).optional(),
  after: z.string().regex(/^-?\d+~\d+~.+$/s, 'must be a cursor from a "next page" link').optional(),
  page: z.coerce.number({ message: 'must be a page number' }).int().min(1).max(10_000_000).optional(),
  limit: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(1).max(LOG_PAGE_MAX).optional(),
};

/** The Logs page's filters as read from its parameters. */
export interface LogFilters {
  levels: string[];
  service: string;
  host: string;
  template: number | null;
  q: string;
  re: string;
  attr: { key: string; value: string } | null;
}

/** One stored log line. */
export interface LogLine {
  ts: string;
  level: string | null;
  host: string | null;
  service: string | null;
  pid: number | null;
  message: string;
  source: string;
  line: number;
  format: string;
  template: number | null;
}

/** What the Logs page shows; also `GET /api/logs`. */
export interface LogsData {
  filters: LogFilters;
  lines: LogLine[];
  /** The cursor of the next (older) page, or null on the last page. */
  next: string | null;
  page: number;
  limit: number;
}

/** The filters from the page's parameters; `attr` from an `attr.KEY=VALUE` parameter. */
export function readLogFilters(p: z.output<z.ZodObject<typeof logParams>>, attr: LogFilters['attr']): LogFilters {
  return {
    levels: (p.level ?? '').toUpperCase().split(',').filter((l) => l !== ''),
    service: p.service ?? '',
    host: p.host ?? '',
    template: p.template === undefined || p.template === '' ? null : p.template,
    q: p.q ?? '',
    re: p.re ?? '',
    attr,
  };
}

/** `after` as the query's keyset: the last line's µs, line and source. */
function readCursor(after: string | undefined): { after_us: number | null; after_line: number; after_source: string } {
  if (after === undefined) return { after_us: null, after_line: 0, after_source: '' };
  const [us, line, ...source] = after.split('~');
  return { after_us: Number(us), after_line: Number(line), after_source: source.join('~') };
}

/** The cursor that starts the page after `line`. */
function cursorOf(tsUs: number, line: LogLine): string {
  return `${tsUs}~${line.line}~${line.source}`;
}

/**
 * A page of the range's log lines, newest first, filtered (`sql/log_lines.sql`). Keyset
 * pagination: `after` is the last line of the page before, so every page costs the same.
 * A regular expression DuckDB cannot compile is a ParamError naming `re`.
 */
export async function loadLogs(ctx: ServeContext, range: TimeRange, filters: LogFilters, p: { after?: string; page?: number; limit?: number }): Promise<LogsData> {
  const limit = p.limit ?? LOG_PAGE;
  const cursor = readCursor(p.after);
  // The page's newest possible line: the range's end, or just after the cursor's millisecond.
  const top = cursor.after_us === null ? range.to : Math.min(range.to, Math.floor(cursor.after_us / 1000) + 1);
  let rows: Record<string, unknown>[] = [];
  try {
    // Newest lines first: look back a short window, then a longer one, until the page is full or
    // the range is done. A window reads only the Parquet row groups whose times overlap it (the
    // files are in time order), so a page of recent lines, or page 1,000, reads a few row groups
    // instead of every one of the range.
    for (const windowMs of LOOKBACK_MS) {
      const from = windowMs === Infinity ? range.from : Math.max(range.from, top - windowMs);
      rows = await ctx.read((reader) =>
        runQuery(reader.connection, 'log_lines', {
          since: new Date(from).toISOString(),
          until: new Date(top).toISOString(),
          levels: filters.levels.join(','),
          service: filters.service,
          host: filters.host,
          template: filters.template,
          contains: filters.q,
          regex: filters.re,
          attr_key: filters.attr?.key ?? '',
          attr_value: filters.attr?.value ?? '',
          ...cursor,
          limit: limit + 1,
        }),
      );
      if (rows.length > limit || from <= range.from) break;
    }
  } catch (err) {
    // RE2 compiles the expression when the query runs: its complaint is about `re`.
    if (filters.re !== '' && err instanceof Error && /^(Invalid Input Error|Parser Error)/.test(err.message)) {
      throw new ParamError('re', `not a regular expression DuckDB (RE2) reads: ${err.message.split('\n')[0].replace(/^Invalid Input Error: /, '')}`);
    }
    throw err;
  }
  const lines = rows.slice(0, limit).map(toLogLine);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { filters, lines, next: last === undefined ? null : cursorOf(Number(last.ts_us), toLogLine(last)), page: p.page ?? 1, limit };
}

/** How far back the Logs page looks for a page of lines, window after window (the last: the whole range). */
const LOOKBACK_MS = [3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000, Infinity];

function toLogLine(r: Record<string, unknown>): LogLine {
  return {
    ts: new Date(msOf(r.ts)).toISOString(),
    level: (r.level as string | null) ?? null,
    host: (r.host as string | null) ?? null,
    service: (r.service as string | null) ?? null,
    pid: num(r.pid),
    message: String(r.message ?? ''),
    source: String(r.source),
    line: Number(r.line),
    format: String(r.format ?? ''),
    template: num(r.template_id),
  };
}

/** The Logs page's context view: `source` and `line`, and how many lines `around`. */
export const contextParams = {
  source: z.string({ message: 'is required: the source file of the line' }).min(1, 'is required: the source file of the line'),
  line: z.coerce.number({ message: 'must be a line number' }).int('must be a line number').positive('must be a line number'),
  around: z.coerce.number({ message: 'must be a whole number' }).int().min(0).max(500).optional(),
};

/** A line around the one asked for: parsed (with its record's fields) or not (its raw text and why). */
export interface ContextLine {
  line: number;
  ts: string | null;
  level: string | null;
  host: string | null;
  service: string | null;
  message: string;
  unparsed: boolean;
  reason: string | null;
}

/** What the context view shows; also `GET /api/logs/context`. */
export interface LogContextData {
  source: string;
  line: number;
  around: number;
  lines: ContextLine[];
}

/** The lines of `source` around `line`, parsed or not, in file order (`sql/log_context.sql`). */
export async function loadLogContext(ctx: ServeContext, p: { source: string; line: number; around?: number }): Promise<LogContextData> {
  const around = p.around ?? 10;
  const rows = await ctx.read((reader) => runQuery(reader.connection, 'log_context', { source: p.source, line: p.line, around }));
  return {
    source: p.source,
    line: p.line,
    around,
    lines: rows.map((r) => ({
      line: Number(r.line),
      ts: r.ts === null ? null : new Date(msOf(r.ts)).toISOString(),
      level: (r.level as string | null) ?? null,
      host: (r.host as string | null) ?? null,
      service: (r.service as string | null) ?? null,
      message: String(r.message ?? ''),
      unparsed: r.unparsed === true,
      reason: (r.reason as string | null) ?? null,
    })),
  };
}
