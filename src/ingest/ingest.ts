import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type { Readable } from 'node:stream';
import type { MiningConfig } from '../config/index.js';
import { ConfigError, InputError, LogscopeError, RefusedInputError } from '../errors.js';
import { choseSuggestedTemplate, continuationOf, createParser, createZone, describeZone, detectFormat, inferTemplateTimeFormat, isAutoFormat, loadFormats, noMatchAdvice, POOR_MATCH_RATE, suggestedTemplateNotice, type Detection, type FormatSpec, type ParseCounts, type ZoneResolver } from '../parse/index.js';
import { createBatchId, describeWriteFailure, StoreWriter, type SourceEntry, type SourcesToRemove, type StagedChunk, type StdinInput } from '../store/index.js';
import { hashBytes, hashTail, readContentHeadOf, readGzipSize } from './fingerprint.js';
import { estimateGunzipSize } from './gzip-estimate.js';
import { matchSource } from './identify.js';
import { createOrderedRunner, createWorkerPool, type WorkerPool } from './pool.js';
import { createProgressFile, type ProgressFile } from './progress-file.js';
import { miningSettingsFor, TemplateMining } from './mining.js';
import { ChunkHeaders } from './chunk-header.js';
import { compressionOf, readHead, sourceChunks, type SourceChunk } from './source-chunks.js';
import { resolveInputs, type SourceRef } from './sources.js';
import type { ChunkInput, ChunkResult, ChunkTask } from './task.js';

/** Options of one ingest run. */
export interface IngestOptions {
  /** Files, directories, glob patterns, `-` for stdin. */
  inputs: string[];
  dataDir: string;
  format: FormatSpec;
  /** Parse workers; default one per core. */
  workers?: number;
  /** Target size of a parse chunk in bytes (default 8 MiB). */
  chunkBytes?: number;
  /** Input bytes per atomic batch (default 256 MiB). */
  batchBytes?: number;
  /** Zone of timestamps that carry none: 'local' (default), 'UTC' or an IANA name. */
  timezone?: string;
  /** Standard input, for `-` (default process.stdin). */
  stdin?: Readable;
  onProgress?: (progress: IngestProgress) => void;
  /**
   * Write the run's progress to `<data>/.progress/ingest-<pid>.json` (see `createProgressFile`)
   * for the dashboard, removed when the run ends. The CLI turns it on.
   */
  progressFile?: boolean;
  /** Template mining settings (the config's `mining`); off when absent or not enabled. */
  mining?: MiningConfig;
  /**
   * Replace what is stored of the inputs (`--reingest`): they are read again from their first
   * line, in one batch whose commit also removes their old rows and manifest entries.
   */
  reingest?: boolean;
  /**
   * Runs the chunk tasks in place of a pool of worker threads (the cluster's queue, see
   * src/cluster): the same planning, batches and commits, the parsing elsewhere. Closed at the end.
   */
  pool?: WorkerPool;
}

/** Progress so far, reported after each parsed chunk. */
export interface IngestProgress {
  /** Bytes read so far (uncompressed for .gz). */
  bytesDone: number;
  /** Bytes to read in all (uncompressed for .gz: estimated); undefined when stdin is among the inputs. */
  bytesTotal: number | undefined;
  /** Whether bytesTotal is an estimate (a .gz is among the inputs). */
  estimated: boolean;
  lines: number;
  elapsedMs: number;
}

/** What happened to one source. */
export interface SourceSummary extends ParseCounts {
  source: string;
  format: string;
  bytes: number;
  /**
   * ingested | unchanged (nothing new) | resumed (grew, was renamed or compressed, or an earlier run stopped) | empty | duplicate
   * | truncated (damaged .gz: the lines before the damage are kept) | restarted (truncated in place: read again, lines numbered on)
   */
  status: 'ingested' | 'unchanged' | 'resumed' | 'empty' | 'duplicate' | 'truncated' | 'refused' | 'restarted' | 'reingested' | 'skipped';
  /** With --reingest: the lines stored before that this run's rows replace. */
  replacedLines?: number;
  /** First line number read in this run. */
  fromLine: number;
  /** Its lines are numbered after those stored before under the same name (a reused path, stdin again). */
  numberedOn?: boolean;
  /** When the file was known under another path (rotated/renamed). */
  previousPath?: string;
  /** With --input-format auto: the share of sampled lines the chosen format parsed, and the runners-up. */
  detection?: Detection;
  /** A hint when the chosen format parsed few lines of the sample, or says what was inferred. */
  hint?: string;
  /** With a template and no --time-format: the time layout inferred from the sampled lines. */
  timeFormat?: string;
}

/** The result of an ingest run. */
export interface IngestSummary {
  dataDir: string;
  sources: SourceSummary[];
  errors: { path: string; message: string }[];
  /** Inputs skipped on purpose or read in a way not asked for (a FIFO in a directory, a `.gz` that is text). */
  warnings: { path: string; message: string }[];
  totals: ParseCounts & { bytes: number };
  batches: number;
  workers: number;
  timezone: string;
  elapsedMs: number;
  linesPerSecond: number;
  megabytesPerSecond: number;
  /** Peak resident memory of this process so far (all threads, DuckDB included), MB. */
  peakRssMB: number;
}

interface SourceState {
  ref: SourceRef;
  name: string;
  /** The format this source is parsed with (auto resolved). */
  format: FormatSpec;
  entry?: SourceEntry;
  summary: SourceSummary;
  lines: number;
  offset: number;
  complete: boolean;
  /** Standard input's first bytes (at most 1 KiB), to tell the same input read again. */
  head?: Buffer;
}

/** What a chunk in flight is: where its source will stand once its result is taken. */
interface ChunkContext {
  state: SourceState;
  endOffset: number;
  /** The source's last chunk: once taken, the source is complete. */
  last: boolean;
}

/**
 * Ingests the inputs into the data directory: resolve inputs, skip what the manifest
 * says is already stored, cut the rest into chunks parsed by a pool of worker threads,
 * and commit batches of about `batchBytes` atomically. Missing inputs are reported
 * in `errors` while the others ingest.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const chunkBytes = options.chunkBytes ?? 8 << 20;
  // A reingest replaces the old rows in the commit that lists the new ones: one batch.
  const batchBytes = options.reingest === true ? Infinity : (options.batchBytes ?? 256 << 20);
  const workers = Math.max(1, options.workers ?? os.availableParallelism());
  const timezone = options.timezone ?? 'local';
  const zone: ZoneResolver = createZone(options.format.options.timezone ?? timezone);
  // Fail on a bad format or pattern before touching the store.
  if (!isAutoFormat(options.format)) await createParser(options.format, { zone, referenceMicros: Date.now() * 1000 });

  const { sources, errors, warnings } = await resolveInputs(options.inputs);
  const store = await StoreWriter.open(options.dataDir);
  const summaries: SourceSummary[] = [];
  const pool = options.pool ?? createWorkerPool(workers);
  let batches = 0;
  let progressFile: ProgressFile | undefined;
  try {
    const manifest = await store.readManifest();
    const miningConfig = options.mining?.enabled ? options.mining : undefined;
    const mining = miningConfig !== undefined ? await TemplateMining.start(store, miningConfig) : undefined;
    const plan: Plan = { reingest: options.reingest === true, replace: { names: [], sourceIds: [] }, warnings };
    const heads = new Map<SourceRef, Buffer>();
    for (const ref of sources) if (ref.kind === 'file' && ref.size > 0) heads.set(ref, await readContentHeadOf(ref.path, compressionOf(ref)));
    const states = planSources(sources, heads, manifest, options.format, summaries, await store.readSourceLines(), plan);
    let replace: SourcesToRemove | undefined = plan.replace.names.length + plan.replace.sourceIds.length > 0 ? plan.replace : undefined;
    // A reingest of stdin replaces what was read from it before: no repeat to warn of.
    const stdinBefore = sources.some((s) => s.kind === 'stdin') && !plan.reingest ? await store.readStdinInputs() : [];
    let stdinInput: StdinInput | undefined;
    // A template's time layout is inferred before anything is read, so that one it cannot infer
    // stops the run with nothing stored; a file's format is detected when its turn comes (below),
    // while the workers parse the files before it.
    for (const state of states) {
      if (state.ref.kind === 'file' && state.format.name === 'template') inferTimeFormat(state, await readHead(state.ref.path, compressionOf(state.ref)), zone);
    }
    // A .gz counts its uncompressed bytes, against an estimate refined as it is read.
    const isizes = new Map(states.map((s) => [s, s.ref.kind === 'file' && compressionOf(s.ref) === 'gzip' ? readGzipSize(s.ref.path, s.ref.size) : -1]));
    const gunzipTotals = new Map(states.map((s) => [s, s.ref.kind === 'file' && s.ref.compressed ? estimateGunzipSize(isizes.get(s) ?? -1, s.ref.size) : 0]));
    const estimated = states.some((s) => s.ref.kind === 'file' && s.ref.compressed);
    let bytesTotal = sources.some((s) => s.kind === 'stdin') ? undefined : states.reduce((n, s) => n + (s.ref.kind === 'file' ? (s.ref.compressed ? (gunzipTotals.get(s) ?? 0) : s.ref.size) - s.offset : 0), 0);
    let bytesDone = 0;
    let linesDone = 0;
    if (options.progressFile === true) {
      progressFile = createProgressFile({ dataDir: store.dataDir, inputs: options.inputs, sample: () => ({ bytesDone, bytesTotal, estimated, lines: linesDone, workers: pool.activity() }) });
    }

    let batchId = createBatchId();
    // One staging directory for the run: a chunk is parsed before it is known which batch takes it.
    const stagingDir = store.createStagingDir(`run-${batchId}`);
    let batch: StagedChunk[] = [];
    let batchCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, bytes: 0 };
    let batchSources = new Map<string, SourceState>();
    let batchLastLines = new Map<string, number>();
    let commit: Promise<void> = Promise.resolve();
    let seq = 0;

    const flush = async () => {
      if (batch.length === 0) return;
      const toCommit = {
        id: batchId,
        chunks: batch,
        counts: batchCounts,
        mining: mining?.takeBatch(),
        lastLines: [...batchLastLines].map(([source, line]) => ({ source, line })),
        sources: [...batchSources.values()].map(entryAt),
        replace,
        stdinInput,
      };
      replace = undefined;
      stdinInput = undefined;
      await commit;
      commit = store.commitBatch(toCommit);
      commit.catch(() => undefined);
      batches++;
      batchId = createBatchId();
      batch = [];
      batchCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, bytes: 0 };
      batchSources = new Map();
      batchLastLines = new Map();
    };

    const take = async (r: ChunkResult, p: ChunkContext) => {
      const st = p.state;
      batch.push({ source: st.name, format: st.format.label ?? st.format.name, base: st.lines, dayFiles: r.dayFiles, unparsedFile: r.unparsedFile, unparsedRows: r.unparsedRows, parquet: r.parquet });
      if (r.signatures !== undefined) mining?.addChunk(r.signatures, st.format.label ?? st.format.name, st.name, st.lines);
      st.lines += r.counts.lines;
      batchLastLines.set(st.name, st.lines);
      st.offset = p.endOffset;
      if (p.last) st.complete = true;
      if (p.last && st.head !== undefined) stdinInput = { fingerprint: hashBytes(st.head), fpLen: st.head.length, fromLine: st.summary.fromLine, lines: st.summary.lines + r.counts.lines };
      const sum = st.summary;
      sum.lines += r.counts.lines;
      sum.parsed += r.counts.parsed;
      sum.unparsed += r.counts.unparsed;
      sum.blank += r.counts.blank;
      sum.joined += r.counts.joined;
      sum.bytes += r.bytes;
      for (const k of ['lines', 'parsed', 'unparsed', 'blank'] as const) batchCounts[k] += r.counts[k];
      batchCounts.bytes += r.bytes;
      if (st.entry !== undefined) {
        for (const k of ['parsed', 'unparsed', 'blank', 'joined'] as const) st.entry.counts[k] += r.counts[k];
        batchSources.set(st.entry.sourceId, st);
      }
      linesDone += r.counts.lines;
      if (st.ref.kind === 'file') bytesDone += r.bytes;
      options.onProgress?.({ bytesDone, bytesTotal, estimated, lines: linesDone, elapsedMs: Date.now() - started });
      progressFile?.touch();
      if (batchCounts.bytes >= batchBytes) await flush();
    };
    const runner = createOrderedRunner(pool, take);

    const submit = async (state: SourceState, headers: ChunkHeaders, input: ChunkInput, endOffset: number, last = false) => {
      const task: ChunkTask = {
        seq: seq++,
        input,
        source: state.name,
        linesBefore: state.lines,
        format: await headers.specFor(state.format, input),
        timezone,
        referenceMicros: state.ref.kind === 'file' ? Math.round(state.ref.mtimeMs * 1000) : Date.now() * 1000,
        stagingDir,
        mining: miningConfig !== undefined ? { masks: miningSettingsFor(state.format.label ?? state.format.name, miningConfig).masks } : undefined,
      };
      await runner.submit(task, { state, endOffset, last });
    };

    const formatDefs = await loadFormats();
    for (const state of states) {
      const ref = state.ref;
      if (ref.kind === 'file' && isAutoFormat(state.format)) await chooseFormat(state, await readHead(ref.path, compressionOf(ref)), zone);
      const chunks = sourceChunks(ref, state.offset, {
        chunkBytes,
        // Read at each cut: a stream's format is known only from its first chunk on.
        continues: (buf, start, end) => continuationOf(formatDefs.get(state.format.name))(buf, start, end),
        jsonDocuments: state.format.name === 'json',
        stdin: options.stdin,
        onCompressedBytes: (read, decompressed) => {
          if (ref.kind !== 'file' || bytesTotal === undefined) return;
          const before = gunzipTotals.get(state) ?? 0;
          const after = estimateGunzipSize(isizes.get(state) ?? -1, ref.size, read, decompressed);
          gunzipTotals.set(state, after);
          bytesTotal += after - before;
        },
        onStreamChunk: async (sample) => {
          if (ref.kind === 'stdin' && state.head === undefined) state.head = Buffer.from(sample.subarray(0, STDIN_FP_BYTES));
          if (isAutoFormat(state.format)) await chooseFormat(state, sample, zone);
          else if (ref.kind === 'stdin' && state.format.name === 'template' && state.summary.lines === 0 && state.summary.timeFormat === undefined) inferTimeFormat(state, sample, zone);
        },
      });
      const failedBefore = errors.length;
      const headers = await ChunkHeaders.start(state.format, ref.kind === 'file' && !ref.compressed ? ref.path : undefined, state.offset);
      try {
        for (let chunk = await readNextChunk(chunks, errors); chunk !== undefined; chunk = await readNextChunk(chunks, errors)) await submit(state, headers, chunk.input, chunk.endOffset, chunk.last);
      } finally {
        await chunks.return(undefined);
      }
      // A corrupt or truncated .gz: the whole lines read before the damage are kept; the
      // source is reported and the others go on. The manifest stays short of complete.
      // A stream refused at its first bytes (a compression logscope cannot read) was not read at all.
      if (errors.length > failedBefore) state.summary.status = errors.slice(failedBefore).some((e) => e instanceof RefusedInputError) ? 'refused' : 'truncated';
    }
    await runner.drain();
    await flush();
    await commit;
    for (const state of states) if (state.head !== undefined) warnStdinAgain(state, stdinBefore, options.dataDir, warnings);
    fs.rmSync(stagingDir, { recursive: true, force: true });
  } catch (err) {
    throw describeFailure(err, store.dataDir);
  } finally {
    progressFile?.remove();
    // Workers first, so nothing more is parsed; store.close() then waits for a commit in flight.
    await pool.close();
    await store.close();
  }

  const totals = { lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0, bytes: 0 };
  for (const s of summaries) for (const k of ['lines', 'parsed', 'unparsed', 'blank', 'joined', 'bytes'] as const) totals[k] += s[k];
  const elapsedMs = Date.now() - started;
  return {
    dataDir: store.dataDir,
    sources: summaries,
    errors: errors.map((e) => ({ path: e.path, message: e.message })),
    warnings: warnings.map((e) => ({ path: e.path, message: e.message })),
    totals,
    batches,
    workers,
    timezone: describeZone(options.format.options.timezone ?? timezone),
    elapsedMs,
    linesPerSecond: totals.lines / Math.max(elapsedMs / 1000, 1e-3),
    megabytesPerSecond: totals.bytes / 1e6 / Math.max(elapsedMs / 1000, 1e-3),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/**
 * The next chunk of a source, or undefined at its end. A corrupt or truncated .gz ends its
 * source: the whole lines read before the damage are kept, the damage is reported in `errors`
 * and the other sources go on (the manifest stays short of complete). Only the reading of the
 * source is caught here: a failed parse task is fatal.
 */
async function readNextChunk(chunks: AsyncGenerator<SourceChunk>, errors: InputError[]): Promise<SourceChunk | undefined> {
  try {
    const next = await chunks.next();
    return next.done === true ? undefined : next.value;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    errors.push(err);
    return undefined;
  }
}

/**
 * The error that ends an ingest, as the user should read it: a full disk names the data
 * directory; an input file that a worker could no longer open or read (deleted, replaced)
 * is an InputError naming it. Anything else is returned as it is.
 */
function describeFailure(err: unknown, dataDir: string): unknown {
  const described = describeWriteFailure(err, dataDir);
  if (described !== err || err instanceof LogscopeError) return described;
  const { code, path } = err as NodeJS.ErrnoException;
  if (code !== undefined && path !== undefined && !path.startsWith(dataDir)) {
    return new InputError(path, `could not be read any more (${code}); was it deleted or replaced during the ingest? Nothing after the last committed batch was stored; run the ingest again`, { cause: err });
  }
  return err;
}

/** The size the manifest records: the file's size once it is fully read; for .gz, -1 until then. */
function sizeAt(s: SourceState): number {
  if (s.ref.kind !== 'file') return 0;
  if (!s.ref.compressed) return s.ref.size;
  return s.complete ? s.ref.size : -1;
}

/** A source's manifest entry as it stands after the chunks taken so far. */
function entryAt(s: SourceState): SourceEntry {
  const entry = s.entry as SourceEntry;
  // A plain file's last stored bytes, to tell next time whether it only grew (see matchSource).
  // A .gz cannot change in place: its tail is not kept.
  const tail = s.ref.kind === 'file' && !s.ref.compressed ? hashTail(s.ref.path, s.offset) : { tailHash: '', tailLen: 0 };
  return { ...entry, counts: { ...entry.counts }, offset: s.offset, lines: s.lines, size: sizeAt(s), ...tail };
}

/**
 * Decides, per source, where to start reading, from the manifest (see matchSource): a file
 * whose content is stored reads on from where its entry stopped, a file truncated in place
 * reads as a new entry whose lines are numbered after the old one's, anything else from the start.
 */
function planSources(sources: SourceRef[], heads: Map<SourceRef, Buffer>, manifest: SourceEntry[], format: FormatSpec, summaries: SourceSummary[], lastLines: Map<string, number>, plan: Plan): SourceState[] {
  const label = format.label ?? format.name;
  const states: SourceState[] = [];
  const claimed = new Map<string, string>();
  for (const ref of sources) {
    const summary: SourceSummary = { source: ref.kind === 'file' ? ref.path : 'stdin', format: label, lines: 0, parsed: 0, unparsed: 0, blank: 0, joined: 0, bytes: 0, status: 'ingested', fromLine: 1 };
    summaries.push(summary);
    if (ref.kind === 'stdin') {
      if (plan.reingest) markReplaced(summary, ['stdin'], [], lastLines, plan.replace);
      states.push(numberOn({ ref, name: 'stdin', format, summary, lines: 0, offset: 0, complete: false }, lastLines));
      continue;
    }
    const head = heads.get(ref) ?? Buffer.alloc(0);
    if (head.length === 0 && !(ref.compressed && ref.size > 0)) {
      summary.status = 'empty';
      continue;
    }
    const own = { fingerprint: hashBytes(head), fpLen: head.length };
    const match = matchSource(ref, head, manifest);
    const key = match.kind === 'same' ? match.entry.sourceId : `${own.fingerprint}:${own.fpLen}:${ref.size}`;
    const twin = claimed.get(key);
    if (twin !== undefined) {
      summary.status = 'duplicate';
      summary.previousPath = twin;
      continue;
    }
    claimed.set(key, ref.path);
    const fresh: SourceEntry = {
      sourceId: randomUUID(), path: ref.path, fingerprint: own.fingerprint, fpLen: own.fpLen, compressed: ref.compressed, size: ref.size, offset: 0, lines: 0, format: label,
      counts: { parsed: 0, unparsed: 0, blank: 0, joined: 0 }, tailHash: '', tailLen: 0, fileId: ref.fileId, formatOptions: describeFormatOptions(format),
    };
    const state: SourceState = { ref, name: ref.path, format, summary, lines: 0, offset: 0, complete: false, entry: fresh };
    if (plan.reingest) {
      const ids = manifest.filter((e) => e.path === ref.path || (match.kind !== 'new' && e === match.entry)).map((e) => e.sourceId);
      markReplaced(summary, match.kind !== 'new' ? [ref.path, match.entry.path] : [ref.path], ids, lastLines, plan.replace);
      states.push(state);
      continue;
    }
    if (match.kind !== 'new') {
      const entry = match.entry;
      state.lines = entry.lines;
      summary.fromLine = entry.lines + 1;
      // A file read before keeps the format it was first read with, when that one was guessed.
      // (with its --pattern or --template, when it was given one).
      if (isAutoFormat(format) && entry.format !== 'auto') {
        state.format = { name: entry.format, options: storedFormatOptions(entry) };
        summary.format = entry.format;
        fresh.format = entry.format;
        fresh.formatOptions = entry.formatOptions;
      }
    }
    if (match.kind === 'restarted') {
      state.offset = match.from;
      summary.status = 'restarted';
    } else if (match.kind === 'same') {
      const entry = match.entry;
      if (entry.path !== ref.path) summary.previousPath = entry.path;
      state.entry = { ...entry, counts: { ...entry.counts }, path: ref.path, fingerprint: own.fingerprint, fpLen: own.fpLen, compressed: ref.compressed, fileId: ref.fileId };
      state.offset = entry.offset;
      if (differsFromStored(format, entry)) {
        summary.status = 'skipped';
        summary.format = entry.format;
        plan.warnings.push(new InputError(ref.path, describeMismatch(ref.path, entry, format)));
        continue;
      }
      if (match.done) {
        summary.status = 'unchanged';
        continue;
      }
      summary.status = 'resumed';
    }
    states.push(numberOn(state, lastLines));
  }
  return states;
}

/** The --pattern or --template of a format, as the manifest keeps it. */
export function describeFormatOptions(format: FormatSpec): string {
  const { pattern, template } = format.options as { pattern?: string; template?: string };
  if (format.label !== undefined) return '';
  if (pattern !== undefined) return JSON.stringify({ pattern });
  if (template !== undefined) return JSON.stringify({ template });
  return '';
}

/** The --pattern or --template a manifest entry's lines were read with (describeFormatOptions read back). */
function storedFormatOptions(entry: SourceEntry): Record<string, unknown> {
  return entry.formatOptions ? (JSON.parse(entry.formatOptions) as Record<string, unknown>) : {};
}

/** Whether an explicit format (not auto) is another than the one the entry's lines were stored with. */
function differsFromStored(format: FormatSpec, entry: SourceEntry): boolean {
  // 'auto': stores from before formats were resolved per file do not know it.
  if (isAutoFormat(format) || entry.format === 'auto') return false;
  if ((format.label ?? format.name) !== entry.format) return true;
  const stored = entry.formatOptions ?? '';
  return stored !== '' && stored !== describeFormatOptions(format);
}

/** The warning for a file given another format than the one it is stored with. */
function describeMismatch(file: string, entry: SourceEntry, format: FormatSpec): string {
  const given = formatFlags(format.label ?? format.name, describeFormatOptions(format));
  return `its ${entry.lines} lines were stored as read with ${formatFlags(entry.format, entry.formatOptions ?? '')}, not ${given} as given now: skipped, nothing stored; to replace them: logscope ingest ${file} ${given} --reingest`;
}

/** The command-line flag that gives a format: `--input-format NAME`, or `--pattern '...'` / `--template '...'`. */
function formatFlags(label: string, options: string): string {
  return formatOptionsFlag(options) ?? `--input-format ${label}`;
}

/** The `--pattern '...'` or `--template '...'` a manifest entry's format options (describeFormatOptions) stand for, or undefined. */
export function formatOptionsFlag(options: string): string | undefined {
  const [option, value] = Object.entries(JSON.parse(options || '{}') as Record<string, string>)[0] ?? [];
  if (option === undefined) return undefined;
  return `--${option} '${value.replace(/'/g, `'\\''`)}'`;
}

/** How many of standard input's first bytes tell the same input read again. */
const STDIN_FP_BYTES = 1024;

/**
 * Warns when standard input began as one ingested before: it is stored again all the same
 * (a stream may repeat a header), under line numbers after the earlier ones.
 */
function warnStdinAgain(state: SourceState, before: StdinInput[], dataDir: string, warnings: InputError[]): void {
  const head = state.head as Buffer;
  const fingerprint = hashBytes(head);
  const same = before.filter((x) => x.fpLen === head.length && x.fingerprint === fingerprint).at(-1);
  if (same === undefined || state.summary.lines === 0) return;
  const { fromLine, lines } = state.summary;
  warnings.push(
    new InputError(
      'stdin',
      `the same input (same first ${head.length} bytes) was ingested before, at ${same.at} (${same.lines} lines, stored as lines ${same.fromLine}-${same.fromLine + same.lines - 1}); it is stored again, as lines ${fromLine}-${fromLine + lines - 1}: to keep one copy, "logscope forget stdin --data ${dataDir}" removes every line read from stdin, then ingest it once`,
    ),
  );
}

/** What planSources needs beyond the manifest: whether to replace, and where it notes what. */
interface Plan {
  reingest: boolean;
  /** Filled by planSources: the stored rows and entries the run's rows replace. */
  replace: SourcesToRemove;
  warnings: InputError[];
}

/**
 * Notes the rows stored under a source's names and its manifest entries for replacement, and
 * forgets the names' last lines: the source is read again from line 1.
 */
function markReplaced(summary: SourceSummary, names: string[], sourceIds: string[], lastLines: Map<string, number>, replace: SourcesToRemove): void {
  const stored = [...new Set(names)].filter((n) => lastLines.has(n));
  if (stored.length === 0 && sourceIds.length === 0) return;
  summary.status = 'reingested';
  summary.replacedLines = stored.reduce((n, name) => n + (lastLines.get(name) ?? 0), 0);
  for (const name of stored) {
    replace.names.push(name);
    lastLines.delete(name);
  }
  replace.sourceIds.push(...sourceIds);
}

/**
 * Numbers a source's lines after the last line stored under its name, when that name held
 * other lines before (standard input again; a rotation's new app.log; a later file renamed to
 * a name an earlier one had), so that (source, line) stays unique.
 */
function numberOn(state: SourceState, lastLines: Map<string, number>): SourceState {
  const last = lastLines.get(state.name) ?? 0;
  if (state.lines >= last) return state;
  state.lines = last;
  state.summary.fromLine = last + 1;
  state.summary.numberedOn = true;
  return state;
}

/**
 * For a template format without a time layout: infers one from a sample of the source's lines
 * when the built-in layouts do not read their times (see inferTemplateTimeFormat); a ConfigError
 * naming the source when none can be inferred.
 */
function inferTimeFormat(state: SourceState, sample: Buffer, zone: ZoneResolver): void {
  const referenceMicros = state.ref.kind === 'file' ? Math.round(state.ref.mtimeMs * 1000) : Date.now() * 1000;
  let layout: string | undefined;
  try {
    layout = inferTemplateTimeFormat(sample, state.format.options, { zone, referenceMicros });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${state.name}: ${err.message}`, { cause: err });
    throw err;
  }
  if (layout === undefined) return;
  state.format = { ...state.format, options: { ...state.format.options, timestampFormat: layout } };
  state.summary.timeFormat = layout;
  state.summary.hint = `the time layout was inferred from the sampled lines as --time-format '${layout}'; pass --time-format to set it`;
}

/** Resolves --input-format auto for one source from a sample of its lines. */
async function chooseFormat(state: SourceState, sample: Buffer, zone: ZoneResolver): Promise<void> {
  const referenceMicros = state.ref.kind === 'file' ? Math.round(state.ref.mtimeMs * 1000) : Date.now() * 1000;
  const detection = await detectFormat(sample, { zone, referenceMicros });
  state.format = { name: detection.format, options: detection.options };
  if (state.entry !== undefined) {
    state.entry.format = detection.format;
    // A template built from the lines' shape is kept with the file, as a --template given would be.
    state.entry.formatOptions = describeFormatOptions(state.format);
  }
  state.summary.format = detection.format;
  state.summary.detection = detection;
  if (choseSuggestedTemplate(detection)) {
    state.summary.hint = suggestedTemplateNotice(detection);
  } else if (!detection.matched) {
    state.summary.hint = noMatchAdvice(state.summary.source, { format: detection.format, rate: detection.rate, sampled: detection.sampled }, detection.suggestion).join('; ');
  } else if (detection.rate < POOR_MATCH_RATE) {
    state.summary.hint = `only ${(Math.floor(detection.rate * 1000) / 10).toString()}% of sampled lines look like ${detection.format}: the rest go to "unparsed"; pass --input-format NAME, or --pattern '(?<ts>...) (?<message>.*)'`;
  }
}
