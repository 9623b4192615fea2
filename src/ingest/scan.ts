import os from 'node:os';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { continuationOf, createParser, createZone, describeZone, detectFormat, inferTemplateTimeFormat, isAutoFormat, loadFormats, type CountSeries, type FormatSpec, type ParseCounts, type ZoneResolver } from '../parse/index.js';
import { ChunkHeaders } from './chunk-header.js';
import { createOrderedRunner, createWorkerPool } from './pool.js';
import { compressionOf, readHead, sourceChunks } from './source-chunks.js';
import { resolveInputs, type SourceRef } from './sources.js';
import type { ChunkResult, ChunkTask } from './task.js';

/** Options of {@link scanCounts}. */
export interface ScanOptions {
  /** Files, directories, glob patterns, `-` for stdin. */
  inputs: string[];
  format: FormatSpec;
  /** Bucket width in µs. */
  bucketUs: number;
  /** Split the counts by service or host ('' = one series). */
  by: CountSeries;
  workers?: number;
  chunkBytes?: number;
  /** Zone of timestamps that carry none (default 'local'). */
  timezone?: string;
  stdin?: Readable;
}

/** Lines per bucket, series and level over all inputs. */
export interface ScanCounts {
  bucketUs: number[];
  series: string[];
  level: string[];
  count: number[];
}

/** What {@link scanCounts} read. */
export interface ScanResult {
  counts: ScanCounts;
  sources: Array<ParseCounts & { source: string; format: string; bytes: number }>;
  errors: { path: string; message: string }[];
  totals: ParseCounts & { bytes: number };
  workers: number;
  timezone: string;
  elapsedMs: number;
}

const LEVEL_NAMES = ['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'ERROR', 'FATAL', null] as const;

/**
 * Reads the inputs like an ingest — same chunks, same workers, same formats — but keeps no
 * records: each worker counts lines per time bucket and level (and service or host), and the
 * counts are all that comes back. Nothing is written. For `logscope anomalies FILE...`.
 */
export async function scanCounts(options: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  const chunkBytes = options.chunkBytes ?? 8 << 20;
  const workers = Math.max(1, options.workers ?? os.availableParallelism());
  const timezone = options.timezone ?? 'local';
  const zone: ZoneResolver = createZone(options.format.options.timezone ?? timezone);
  if (!isAutoFormat(options.format)) await createParser(options.format, { zone, referenceMicros: Date.now() * 1000 });
  const { sources, errors } = await resolveInputs(options.inputs);
  const counts: ScanCounts = { bucketUs: [], series: [], level: [], count: [] };
  const summaries: ScanResult['sources'] = [];
  const pool = createWorkerPool(workers);
  try {
    const runner = createOrderedRunner(pool, (r: ChunkResult, summary: ScanResult['sources'][number]) => {
      for (const k of ['lines', 'parsed', 'unparsed', 'blank', 'joined'] as const) summary[k] += r.counts[k];
      summary.bytes += r.bytes;
      const t = r.table!;
      for (let i = 0; i < t.count.length; i++) {
        counts.bucketUs.push(t.bucketUs[i]);
        counts.series.push(t.seriesNames[t.series[i]]);
        counts.level.push(LEVEL_NAMES[t.level[i]] as string);
        counts.count.push(t.count[i]);
      }
    });
    let seq = 0;
    for (const ref of sources) {
      const referenceMicros = ref.kind === 'file' ? Math.round(ref.mtimeMs * 1000) : Date.now() * 1000;
      let format = options.format;
      const summary = { source: ref.kind === 'file' ? ref.path : 'stdin', format: format.label ?? format.name, lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0, bytes: 0 };
      summaries.push(summary);
      if (ref.kind === 'file' && ref.size === 0) continue;
      const choose = async (sample: Buffer) => {
        if (format.name === 'template' && format === options.format) {
          const layout = inferTemplateTimeFormat(sample, format.options, { zone, referenceMicros });
          if (layout !== undefined) format = { ...format, options: { ...format.options, timestampFormat: layout } };
          return;
        }
        if (!isAutoFormat(format)) return;
        const detection = await detectFormat(sample, { zone, referenceMicros });
        format = { name: detection.format, options: detection.options };
        summary.format = detection.format;
      };
      if (ref.kind === 'file') await choose(await readHead(ref.path, compressionOf(ref)));
      const headers = await ChunkHeaders.start(format, undefined, 0);
      try {
        const defs = await loadFormats();
        const continues = (buf: Uint8Array, start: number, end: number) => continuationOf(defs.get(format.name))(buf, start, end);
        for await (const chunk of sourceChunks(ref as SourceRef, 0, { chunkBytes, stdin: options.stdin, onStreamChunk: choose, continues, jsonDocuments: format.name === 'json' })) {
          const task: ChunkTask = { seq: seq++, input: chunk.input, source: summary.source, format: await headers.specFor(format, chunk.input), timezone, referenceMicros, stagingDir: '', count: { bucketUs: options.bucketUs, by: options.by } };
          await runner.submit(task, summary);
        }
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        errors.push(err);
      }
    }
    await runner.drain();
  } finally {
    await pool.close();
  }
  const totals = { lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0, bytes: 0 };
  for (const s of summaries) for (const k of ['lines', 'parsed', 'unparsed', 'blank', 'joined', 'bytes'] as const) totals[k] += s[k];
  return {
    counts,
    sources: summaries,
    errors: errors.map((e) => ({ path: e.path, message: e.message })),
    totals,
    workers,
    timezone: describeZone(options.format.options.timezone ?? timezone),
    elapsedMs: Date.now() - started,
  };
}
