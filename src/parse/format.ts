import type { RowWriter } from './row-writer.js';
import type { ZoneResolver } from './timestamp.js';

/** What a parser knows about the source it reads. */
export interface ParseContext {
  /** Resolves zone-less wall-clock timestamps to UTC. */
  zone: ZoneResolver;
  /** The source's modification time in µs: the reference for year-less timestamps. */
  referenceMicros: number;
}

/** Options a format may take from the command line or config file. */
export interface FormatOptions {
  /** A regular expression with named groups (the `regex` format). */
  pattern?: string;
  /** A Loghub-style template of `<Header>` fields (the `template` format). */
  template?: string;
  /** The template headers whose values, joined by a space, make the timestamp (default: its time headers). */
  timeHeaders?: string[];
  /** A strftime-style layout of the timestamp (`%d/%b/%Y:%H:%M:%S %z`), for `pattern` formats. */
  timestampFormat?: string;
  /** Zone of this format's zone-less timestamps, overriding --timezone: local, UTC or an IANA name. */
  timezone?: string;
  /** Record column → named group of `pattern`, for groups not named like the columns. */
  fields?: Partial<Record<RecordColumn, string>>;
}

/** The record columns a format's fields can be mapped to. */
export const RECORD_COLUMNS = ['ts', 'host', 'service', 'pid', 'level', 'message'] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number];

/**
 * Parses one line. Contract: on success it writes exactly one record to `out`
 * (beginRecord, the seven fields, but not endRecord) and returns null; on failure it
 * writes nothing and returns a short reason ("no timestamp", "not JSON").
 */
export interface LineParser {
  parseLine(buf: Buffer, start: number, end: number, out: RowWriter): string | null;
}

/**
 * A log format. Each lives in its own file under `src/parse/formats/` with a
 * default export of this shape; the registry loads every file there, so adding a
 * format is adding one file.
 */
export interface FormatDefinition {
  name: string;
  description: string;
  /** A typical line, shown by `logscope formats` and used in tests. */
  example: string;
  /**
   * Tie-break for auto-detection: when two formats parse the same share of a sample,
   * the higher specificity wins (a strict shape over a loose one). Default 0.
   */
  specificity?: number;
  /** True for formats that need options from the user (a pattern): never auto-detected. */
  needsOptions?: boolean;
  /** Validates options and compiles what needs compiling; throws ConfigError when they are wrong. */
  create(options: FormatOptions, ctx: ParseContext): LineParser;
}

/** The serializable choice of a format, as sent to a worker with each chunk. */
export interface FormatSpec {
  /** The built-in format that parses (syslog, json, regex, ...). */
  name: string;
  options: FormatOptions;
  /** The name stored in the `format` column when it differs (a config-file format's own name). */
  label?: string;
}
