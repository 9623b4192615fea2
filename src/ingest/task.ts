import type { ChunkSignature, CountSeries, CountTable, FormatSpec, ParseCounts } from '../parse/index.js';
import type { StagedDayFile, StagedParquet } from '../store/index.js';

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
  /**
   * Count instead of store: the worker keeps no records, only lines per time bucket and level
   * (and per service or host), and writes no staging files. For anomaly scans of files.
   */
  count?: { bucketUs: number; by: CountSeries };
  /** The source's name (path, or `stdin`), for messages about a chunk of bytes. */
  source?: string;
  /** Mine templates: compute each record's signature, with these extra masks (regex sources). */
  mining?: { masks: string[] };
  /**
   * The source's lines taken when the task was made: for its first chunk, the line number its
   * lines follow (a cluster job numbers its rows itself; see src/cluster).
   */
  linesBefore?: number;
}

/** A signature of a chunk's records, with its text (stage 1 of template mining). */
export interface ChunkMinedSignature extends ChunkSignature {
  text: string;
  tokens: number;
}

/** What a worker hands back: counts and the staging files it wrote. */
export interface ChunkResult {
  seq: number;
  counts: ParseCounts;
  bytes: number;
  dayFiles: StagedDayFile[];
  unparsedFile?: string;
  unparsedRows: number;
  /** With `ChunkTask.count`: the counts, in place of staging files. */
  table?: CountTable;
  /** With `ChunkTask.mining`: the chunk's signatures. */
  signatures?: ChunkMinedSignature[];
  /** Parquet files already written for the chunk (by a cluster worker), in place of staging files. */
  parquet?: StagedParquet[];
}
