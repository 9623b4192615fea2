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
  /**
   * For a header-driven format (W3C `#Fields:`, Zeek `#fields`): the header lines in effect
   * where a chunk starts, as the file wrote them. Detection reads them from the file's head
   * (`FormatDefinition.readHeader`) and ingest passes on, with each chunk, the last header met
   * before it: a chunk cut from the middle of a file does not hold the header it is read by.
   */
  header?: string[];
}

/** The record columns a format's fields can be mapped to. */
export const RECORD_COLUMNS = ['ts', 'host', 'service', 'pid', 'level', 'message'] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number];

/**
 * What parseLine returns for a header line it has read (W3C `#Fields:`, Zeek `#fields`): no
 * record, no data lost; parseLines counts it, and the lines that continue it (a header block),
 * with the blank lines (none is stored).
 */
export const HEADER_LINE = 'header line';

/**
 * Parses one line. Contract: on success it writes exactly one record to `out`
 * (beginRecord, the seven fields, but not endRecord) and returns null; on failure it
 * writes nothing and returns a short reason ("no timestamp", "not JSON").
 */
/** Whether the line buf[start, end) continues the record before it (see `FormatDefinition.continuation`). */
export type ContinuationTest = (buf: Uint8Array, start: number, end: number) => boolean;

export interface LineParser {
  /**
   * Called by parseLines before the first line of each chunk: a parser that keeps state
   * between lines (the columns of the last header line met) goes back to its options.
   */
  beginChunk?(): void;
  /**
   * `completed` is true when buf[start, end) is a line that parseLines joined from pieces
   * (see `piece`) up to the piece that ends it; a format that marks pieces (CRI's `partial`)
   * leaves the mark off then.
   */
  parseLine(buf: Buffer, start: number, end: number, out: RowWriter, completed?: boolean): string | null;
  /**
   * For a format whose writer splits long lines into pieces, one line each (CRI `P` lines):
   * describes the line buf[start, end) in `piece` and returns true, or returns false for a
   * line that is no piece. parseLines then joins a `continued` piece with the next pieces of
   * the same key up to one that is not continued, and parses them as ONE line: the first
   * piece's bytes followed by the contents of the others, no separator. It must agree with
   * `readLinePiece` (multiline.ts), which the chunker uses to never cut inside such a run.
   * Formats without it pay nothing.
   */
  piece?(buf: Buffer, start: number, end: number, piece: LinePiece): boolean;
  /**
   * For a format whose records span lines that the shared rules (`isContinuation`) do not
   * join — a MySQL slow-log entry is header lines then the statement: true when the line
   * buf[start, end) continues the record whose first line starts at `recordStart`. Asked for
   * each line after that first one, in order, until it says false; such lines are joined
   * and counted as `isContinuation`'s are. parseLine may read them (`out.pendingContinuation`)
   * and write a message of its own from them (after `out.clearContinuation()`). The chunker does not
   * know this rule: a chunk may be cut inside such a record, whose tail is then unparsed. (A rule
   * that needs no record context belongs in `FormatDefinition.continuation`, which the chunker
   * knows; `withContinuation` makes it part of this one.)
   */
  continues?(buf: Buffer, recordStart: number, start: number, end: number): boolean;
  /**
   * True when `continues` reads only the line it is given (and those after it), never
   * `recordStart` or the parser's state (klog: a line that is no klog header): a run of such lines after a line that did not parse is then looked
   * through once, not once per line of it (see parseLines). `withContinuation` keeps it true
   * for a format's `continuation`, which reads only the line.
   */
  continuesByLine?: boolean;
  /**
   * The reason the line buf[start, end) begins no record whatever lines follow it, or null when
   * it may: what parseLine would return for it, found without looking through the lines that
   * would continue it. For a format whose records continue over almost any line (a MySQL slow
   * log's statement), so that a foreign file's lines are not each joined to the rest of the
   * file only to be refused (detection tries every format on every file).
   */
  refuses?(buf: Buffer, start: number, end: number): string | null;
  /**
   * For a format whose records are told by how their first line starts (the `generic`
   * format: a timestamp): false for a non-blank line that starts no record, which parseLines
   * then joins to the record before it, as it joins a stack frame (see `isContinuation`).
   * Formats without it join only the lines `isContinuation` names. The chunker does not know
   * it: a chunk may start with such a line, which is then unparsed.
   */
  startsRecord?(buf: Buffer, start: number, end: number): boolean;
}

/**
 * One line's place in a line its writer split into pieces: see `LineParser.piece`.
 * @example `2016-10-06T00:17:09.669794202Z stdout P hello wo` → { key: 1, contentStart: 40, continued: true }
 */
export interface LinePiece {
  /** Pieces with different keys belong to different lines, however they interleave (CRI: the stream). */
  key: number;
  /** Where the piece's own bytes start: what joining appends to the pieces before. */
  contentStart: number;
  /** True when the next piece of the same key continues this line (CRI `P`); false for its last piece (`F`). */
  continued: boolean;
}

/**
 * A log format. Each lives in its own file under `src/parse/formats/` with a
 * default export of this shape; the registry loads every file there, so adding a
 * format is adding one file — plus its examples, `test/fixtures/formats/<name>/<case>.log`
 * with `<case>.expect.json`, which `test/parse/format-corpus.test.ts` requires of every
 * guessable format and checks (detection, share parsed, records, no other format reading them).
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
  /**
   * For a header-driven format: the options (`header`) in effect after buf[start, end) when
   * `before` were in effect at its start (a header may be cut between chunks), or undefined when
   * the range holds no header line. Detection calls it on the file's head; ingest on each chunk,
   * to send the header in effect with the next one.
   */
  readHeader?(buf: Buffer, start: number, end: number, before?: FormatOptions): FormatOptions | undefined;
  /**
   * For a format whose records span lines that `isContinuation` does not know (an apt history
   * stanza's `Commandline:`, `Install:`, ... after its `Start-Date:`): true for such a line. The
   * chunker never cuts before one, and the parser's `continues` must be this same test.
   */
  continuation?: ContinuationTest;
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
