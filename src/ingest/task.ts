import type { FormatSpec, ParseCounts } from '../parse/index.js';
import type { StagedDayFile } from '../store/index.js';

/** Where a chunk's bytes are: a byte range of a file, or bytes carried with the task (.gz, stdin). */
export type ChunkInput = { kind: 'file'; path: string; start: number; end: number } | { kind: 'bytes'; data: Uint8Array };

/**
 * One unit of parsing work: self-contained and serializable (structured clone),
 * so the same unit could be scheduled on another thread, process or machine.
 * Its bytes are whole lines.
 */
export interface ChunkTask {
  seq: number;
  input: ChunkInput;
  format: FormatSpec;
  /** 'local' or 'UTC': the zone of timestamps that carry none. */
  timezone: string;
  /** Reference time (µs) for year-less timestamps: the source's mtime. */
  referenceMicros: number;
  /** Directory the worker writes its staging files into. */
  stagingDir: string;
}

/** What a worker hands back: counts and the staging files it wrote. */
export interface ChunkResult {
  seq: number;
  counts: ParseCounts;
  bytes: number;
  dayFiles: StagedDayFile[];
  unparsedFile?: string;
  unparsedRows: number;
}
