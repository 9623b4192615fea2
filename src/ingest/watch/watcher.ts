import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MiningConfig } from '../../config/index.js';
import { choseSuggestedTemplate, continuationOf, createParser, createZone, detectFormat, isAutoFormat, loadFormats, suggestedTemplateNotice, type ContinuationTest, type Detection, type FormatSpec, type ZoneResolver } from '../../parse/index.js';
import { createBatchId, StoreWriter, type SourceEntry, type StagedChunk } from '../../store/index.js';
import { ChunkHeaders } from '../chunk-header.js';
import { describeFormatOptions } from '../ingest.js';
import { readContentHeadOf } from '../fingerprint.js';
import { matchSource } from '../identify.js';
import { miningSettingsFor, TemplateMining } from '../mining.js';
import { createOrderedRunner, createWorkerPool, type OrderedRunner, type WorkerPool } from '../pool.js';
import { compressionOf, readHead } from '../source-chunks.js';
import { resolveInputs, type SourceRef } from '../sources.js';
import type { ChunkResult, ChunkTask } from '../task.js';
import { Follower, type FollowedChunk } from './follower.js';
import { createWatchProgressFile, type WatchProgressFile, type WatchProgressSample } from './progress.js';

type FileRef = Extract<SourceRef, { kind: 'file' }>;

/** Options of {@link watchFiles}. */
export interface WatchOptions {
  /** Files, directories, glob patterns; files matching them later are picked up. */
  inputs: string[];
  dataDir: string;
  format: FormatSpec;
  /** Parse workers; default one per core. */
  workers?: number;
  /** Zone of timestamps that carry none (default 'local'). */
  timezone?: string;
  /** How often new lines are committed (ms, default 5000). */
  intervalMs?: number;
  /** Commit sooner when this many input bytes wait (default 64 MiB). */
  batchBytes?: number;
  /** Parse chunk size (default 4 MiB). */
  chunkBytes?: number;
  /**
   * How long a file must be idle before the last record at its end is taken (its next lines,
   * a stack trace's, may still be on their way). Default: half the interval, 100 ms to 1 s.
   */
  holdMs?: number;
  /** How long a file rotated away or deleted is read after it last grew before it is let go (default: 5 s or two intervals). */
  drainMs?: number;
  /** Without file-system events, look at the files this often (ms; default: the interval, at least 2 s). */
  pollMs?: number;
  /** Resolve the inputs (directories, globs) again this often (ms; default: 4 intervals, at least 10 s), and at any event in their directories. */
  rescanMs?: number;
  mining?: MiningConfig;
  /** Write `<data>/.progress/watch-<pid>.json` for the dashboard (the CLI turns it on). */
  progressFile?: boolean;
  /** Stops the watcher: the batch under way is finished and committed first. */
  signal?: AbortSignal;
  /** The clock (ms since the epoch). */
  now?: () => number;
  /** Once the store is open and before the first look (start the dashboard there). */
  onStart?: () => Promise<void> | void;
  /** After each committed batch (live alerts): awaited before the next batch is read. */
  onBatch?: (batch: WatchBatch) => Promise<void> | void;
  /**
   * After each look at the files, with the store's writer: the place for background maintenance
   * that must not race a commit (compaction of micro-batches, `--retain` pruning; see issue 15
   * points 6 and 7). Awaited before the next look.
   */
  maintain?: (store: StoreWriter, now: number) => Promise<void>;
  /** Rotation, truncation, deletion, files picked up and let go, files waited for: one sentence each. */
  onNotice?: (message: string) => void;
}

/** One committed micro-batch. */
export interface WatchBatch {
  id: string;
  lines: number;
  bytes: number;
  /** When it committed (ms). */
  committedAt: number;
  /** How long reading, parsing and committing took (ms). */
  elapsedMs: number;
  /** The source names it wrote rows under. */
  sources: string[];
}

/** What a watcher did, when it stops. */
export interface WatchSummary {
  batches: number;
  lines: number;
  bytes: number;
  elapsedMs: number;
  /** Files followed when it stopped. */
  files: number;
}

interface ChunkContext {
  follower: Follower;
  endOffset: number;
}

/** The static directory part of a glob (`/var/log/app*.log` → `/var/log`). */
function globBase(pattern: string): string {
  const parts = path.resolve(pattern).split(path.sep);
  const i = parts.findIndex((p) => /[*?[\]{}!]/.test(p));
  return i < 0 ? path.resolve(pattern) : parts.slice(0, i).join(path.sep) || path.sep;
}

function fileIdOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Follows files as `tail -F` does and stores their new lines in micro-batches until `signal`
 * aborts. Lines are parsed by the ingest's worker pool and formats, mined, and committed with
 * each file's position (its manifest entry: offset, `dev:ino`, first and last bytes) in the
 * store's atomic batch commit, so a watcher killed at any point starts again where its last
 * batch ended. Rotation (rename + create, copytruncate, compression of the rotated file),
 * deletion and truncation in place lose no line and store none twice; see `docs` in the README.
 *
 * @example
 * const controller = new AbortController();
 * process.on('SIGTERM', () => controller.abort());
 * await watchFiles({ inputs: ['/var/log/app.log'], dataDir: 'data', format: { name: 'auto', options: {} }, signal: controller.signal });
 */
export async function watchFiles(options: WatchOptions): Promise<WatchSummary> {
  const watcher = await Watcher.open(options);
  try {
    return await watcher.run();
  } finally {
    await watcher.close();
  }
}

class Watcher {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly holdMs: number;
  private readonly drainMs: number;
  private readonly pollMs: number;
  private readonly rescanMs: number;
  private readonly chunkBytes: number;
  private readonly batchBytes: number;
  private readonly timezone: string;
  private readonly zone: ZoneResolver;
  private readonly started: number;
  private readonly stagingDir: string;
  private readonly runner: OrderedRunner<ChunkContext>;
  /** Every manifest entry known, by source id; a follower's entry is the same object. */
  private readonly manifest = new Map<string, SourceEntry>();
  private readonly followers = new Map<string, Follower>();
  /** Files looked at and not followed (read to their end, or not asked for), until they change. */
  private readonly seen = new Map<string, string>();
  /** The last line number stored under each source name. */
  private readonly nameLines: Map<string, number>;
  /** Paths whose rotated siblings (app.log.1, app.log.1.gz) are to be looked through at the next discovery. */
  private readonly siblingsOf = new Set<string>();
  private readonly dirWatchers = new Map<string, fs.FSWatcher>();
  private readonly notices = new Set<string>();
  private formats: Awaited<ReturnType<typeof loadFormats>> | undefined;
  private progress: WatchProgressFile | undefined;
  private dirty = true;
  private rescan = true;
  private lastRescan = -Infinity;
  private lastDiscovery: number | undefined;
  private seq = 0;
  // The open batch.
  private batchId = createBatchId();
  private batch: StagedChunk[] = [];
  private batchCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, bytes: 0 };
  private batchFollowers = new Set<Follower>();
  private batchStarted = 0;
  /** The commits and what follows them, in order (see afterCommits). */
  private queue: Promise<void> = Promise.resolve();
  // Totals.
  private batches = 0;
  private lines = 0;
  private bytes = 0;
  private recent: Array<{ at: number; lines: number }> = [];
  private lastBatch: (WatchBatch & { at: number }) | undefined;

  private constructor(
    private readonly options: WatchOptions,
    private readonly store: StoreWriter,
    private readonly pool: WorkerPool,
    private readonly mining: TemplateMining | undefined,
    nameLines: Map<string, number>,
    entries: SourceEntry[],
  ) {
    this.now = options.now ?? (() => Date.now());
    this.intervalMs = options.intervalMs ?? 5000;
    this.holdMs = options.holdMs ?? Math.min(1000, Math.max(100, this.intervalMs / 2));
    this.drainMs = options.drainMs ?? Math.max(5000, 2 * this.intervalMs);
    this.pollMs = options.pollMs ?? Math.max(this.intervalMs, 2000);
    this.rescanMs = options.rescanMs ?? Math.max(4 * this.intervalMs, 10_000);
    this.chunkBytes = options.chunkBytes ?? 4 << 20;
    this.batchBytes = options.batchBytes ?? 64 << 20;
    this.timezone = options.timezone ?? 'local';
    this.zone = createZone(options.format.options.timezone ?? this.timezone);
    this.started = this.now();
    this.nameLines = nameLines;
    for (const e of entries) this.manifest.set(e.sourceId, e);
    this.stagingDir = store.createStagingDir(`watch-${createBatchId()}`);
    this.runner = createOrderedRunner(pool, (r, c) => this.take(r, c));
  }

  static async open(options: WatchOptions): Promise<Watcher> {
    const timezone = options.timezone ?? 'local';
    // A bad format or pattern fails before the store is touched.
    if (!isAutoFormat(options.format)) await createParser(options.format, { zone: createZone(options.format.options.timezone ?? timezone), referenceMicros: Date.now() * 1000 });
    const store = await StoreWriter.open(options.dataDir);
    let pool: WorkerPool | undefined;
    try {
      pool = createWorkerPool(Math.max(1, options.workers ?? os.availableParallelism()));
      const mining = options.mining?.enabled ? await TemplateMining.start(store, options.mining) : undefined;
      const watcher = new Watcher(options, store, pool, mining, await store.readSourceLines(), await store.readManifest());
      watcher.formats = await loadFormats();
      return watcher;
    } catch (err) {
      await pool?.close();
      await store.close();
      throw err;
    }
  }

  /** Looks at the files every interval (sooner after file-system events) until the signal aborts, then once more. */
  async run(): Promise<WatchSummary> {
    const signal = this.options.signal;
    await this.options.onStart?.();
    if (this.options.progressFile === true) this.progress = createWatchProgressFile({ dataDir: this.store.dataDir, inputs: this.options.inputs, sample: () => this.sample() });
    for (const input of this.options.inputs) this.watchDir(statOrUndefined(input)?.isDirectory() === true ? path.resolve(input) : globBase(path.dirname(path.resolve(input))));
    let lastLook = -Infinity;
    // Files holding back a last record, and the mtime they had then: looked at again once idle for holdMs.
    let held = new Map<Follower, number>();
    const stopped = () => signal?.aborted === true;
    while (!stopped()) {
      const t = this.now();
      if (this.dirty || t - lastLook >= this.pollMs || [...this.followers.values()].some((f) => f.role === 'draining')) {
        lastLook = t;
        this.dirty = false;
        held = await this.look(false);
      }
      // An idle file's held last record is taken holdMs after it last grew, not a whole interval later.
      const heldUntil = Math.min(...[...held].map(([f, mtime]) => mtime + this.holdMs));
      const wake = Math.min(t + this.intervalMs, Number.isFinite(heldUntil) && heldUntil > this.now() ? heldUntil : Infinity);
      await sleep(wake - this.now(), signal);
      if (stopped()) break;
      if (this.now() < t + this.intervalMs && held.size > 0) {
        // Woken for the held records: read again only if some file did not grow since (it is idle).
        const idle = [];
        for (const [f, mtime] of held) if ((await f.stat()).mtimeMs === mtime) idle.push(f);
        held = new Map();
        if (idle.length > 0) {
          lastLook = this.now();
          held = await this.look(false);
        }
        await sleep(t + this.intervalMs - this.now(), signal);
      }
    }
    await this.look(true);
    await this.settle();
    return { batches: this.batches, lines: this.lines, bytes: this.bytes, elapsedMs: this.now() - this.started, files: this.followers.size };
  }

  async close(): Promise<void> {
    // A commit under way finishes first (a failed one was thrown by run()).
    await this.queue.catch(() => undefined);
    this.progress?.remove();
    for (const w of this.dirWatchers.values()) w.close();
    for (const f of this.followers.values()) await f.close();
    await this.pool.close();
    fs.rmSync(this.stagingDir, { recursive: true, force: true });
    await this.store.close();
  }

  /**
   * One look at the files: what was rotated, truncated or deleted; what new files match; the new
   * records of each (rotated files first), committed. Returns the files that hold back a last record.
   */
  private async look(final: boolean): Promise<Map<Follower, number>> {
    const now = this.now();
    this.batchStarted = now;
    await this.checkFollowers();
    if (final || this.rescan || now - this.lastRescan >= this.rescanMs || this.siblingsOf.size > 0) await this.discover();
    const order = [...this.followers.values()].sort((a, b) => (a.role === b.role ? 0 : a.role === 'draining' ? -1 : 1));
    const letGo: Follower[] = [];
    for (const f of order) {
      const st = await f.stat();
      const release = f.role === 'draining' && !final && now - st.mtimeMs >= this.drainMs;
      const idle = final || release || now - st.mtimeMs >= this.holdMs;
      for await (const chunk of f.read({ chunkBytes: this.chunkBytes, continues: this.continuesFor(f), idle, letGo: release })) await this.submit(f, chunk);
      if (release || f.exhausted) letGo.push(f);
    }
    await this.runner.drain();
    await this.flush();
    const held = new Map<Follower, number>();
    for (const f of this.followers.values()) if (f.readPos < f.size && f.role === 'current') held.set(f, f.mtimeMs);
    for (const f of letGo) {
      this.followers.delete(f.fileId);
      this.seen.set(f.fileId, '');
      await f.close();
      this.notice(`${f.path}: read to its end (${f.entry.offset} bytes, lines up to ${f.entry.lines} of ${f.name}); let go`);
    }
    this.progress?.write();
    const maintain = this.options.maintain;
    if (maintain !== undefined) {
      // After the commits, not waited for here: the next look may read and parse meanwhile.
      this.queue = this.queue.then(() => maintain(this.store, this.now()));
      this.queue.catch(() => undefined);
    }
    return held;
  }

  /** Notices files deleted, renamed away or truncated since the last look. */
  private async checkFollowers(): Promise<void> {
    for (const f of [...this.followers.values()]) {
      if (f.compressed) continue;
      const st = await f.stat();
      if (f.role === 'current') {
        // A current file is at its name; anything else there now means it was rotated away.
        const at = statOrUndefined(f.name);
        if (st.nlink === 0) {
          f.role = 'draining';
          this.notice(`${f.path} was deleted: reading its last lines, then letting it go`);
        } else if (at === undefined || fileIdOf(at) !== f.fileId) {
          f.role = 'draining';
          this.rescan = true;
          this.notice(`${f.path} was rotated (renamed or replaced): reading the old file to its end, then the new one`);
        }
      }
      // Unchanged since the last look: nothing to check.
      const stamp = `${st.size}:${st.mtimeMs}:${f.entry.sourceId}:${f.entry.offset}`;
      if (stamp === f.checked) continue;
      if (!f.holdsStored()) await this.restart(f, st.size);
      f.checked = `${f.size}:${f.mtimeMs}:${f.entry.sourceId}:${f.entry.offset}`;
    }
  }

  /**
   * A followed file that shrank or whose stored bytes changed (copytruncate, `: > file`): its old
   * entry is let go, so that a copy holding its content (app.log.1) drains it from where it
   * stopped, and the file is read again from its start under a new entry, its lines numbered on.
   */
  private async restart(f: Follower, size: number): Promise<void> {
    const old = f.entry;
    this.notice(`${f.path} was truncated (now ${size} bytes, ${old.offset} were read): reading it again from the start; the rest of the old content is read from a rotated copy if one is found`);
    f.entry = this.freshEntry(f.name, f.fileId, f.format);
    f.readPos = 0;
    f.committed = 0;
    f.headers = await ChunkHeaders.start(f.format, undefined, 0);
    this.siblingsOf.add(f.path);
  }

  private freshEntry(name: string, fileId: string, format: FormatSpec, compressed = false): SourceEntry {
    const entry: SourceEntry = {
      sourceId: randomUUID(), path: name, fingerprint: '', fpLen: 0, compressed, size: 0, offset: 0, lines: this.nameLines.get(name) ?? 0,
      format: format.label ?? format.name, counts: { parsed: 0, unparsed: 0, blank: 0, joined: 0 }, tailHash: '', tailLen: 0, fileId, formatOptions: describeFormatOptions(format),
    };
    this.manifest.set(entry.sourceId, entry);
    return entry;
  }

  /** Resolves the inputs again (and the rotated siblings asked for) and follows what is new. */
  private async discover(): Promise<void> {
    this.lastRescan = this.now();
    this.rescan = false;
    const { sources, errors } = await resolveInputs(this.options.inputs);
    for (const e of errors) this.notice(`${e.message}: waiting for it`, true);
    const asked = new Set<string>();
    for (const ref of sources) {
      if (ref.kind !== 'file') continue;
      asked.add(ref.path);
      await this.consider(ref, true);
    }
    // Rotated copies of a file are looked for next to it: app.log.1, app.log-20261203.gz.
    const siblings = new Set<string>();
    // At start, a rotation that happened while no watcher ran is drained too.
    const first = this.lastDiscovery === undefined;
    this.lastDiscovery = this.now();
    for (const p of [...this.siblingsOf, ...(first ? asked : [])]) {
      const dir = path.dirname(p);
      const base = path.basename(p);
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) if (n !== base && n.startsWith(base)) siblings.add(path.join(dir, n));
    }
    this.siblingsOf.clear();
    const more = [...siblings].filter((p) => !asked.has(p));
    if (more.length === 0) return;
    const found = await resolveInputs(more);
    for (const ref of found.sources) if (ref.kind === 'file') await this.consider(ref, false);
  }

  /**
   * Decides what a file is: one followed (renamed: its path is noted), the rest of a stored
   * entry (a rotated file, a restart: read on from its offset), one truncated while no watcher
   * ran, a new file to follow (only when the inputs name it), or nothing to read.
   */
  private async consider(ref: FileRef, asked: boolean): Promise<void> {
    const followed = this.followers.get(ref.fileId);
    if (followed !== undefined) {
      followed.path = ref.path;
      return;
    }
    const stamp = `${ref.path}:${ref.size}:${ref.mtimeMs}`;
    if (this.seen.get(ref.fileId) === stamp) return;
    const head = await readContentHeadOf(ref.path, compressionOf(ref));
    const claimed = new Set([...this.followers.values()].map((f) => f.entry.sourceId));
    const unclaimed = [...this.manifest.values()].filter((e) => !claimed.has(e.sourceId));
    const match = matchSource(ref, head, unclaimed);
    // A copy of a followed file's content (copytruncate's copy before the truncation): its
    // lines are the followed file's; it is looked at again once the truncation is seen.
    if (match.kind !== 'same' && head.length > 0 && matchSource(ref, head, [...this.manifest.values()].filter((e) => claimed.has(e.sourceId))).kind === 'same') return;
    if (match.kind === 'same') {
      if (match.done) {
        this.seen.set(ref.fileId, stamp);
        return;
      }
      const entry = match.entry;
      entry.fileId = ref.fileId;
      entry.compressed = ref.compressed;
      const role = ref.path === entry.path && !ref.compressed ? 'current' : 'draining';
      if (entry.path !== ref.path) this.notice(`${ref.path}: holds the rest of ${entry.path} (read up to byte ${entry.offset}): reading it from there`);
      await this.follow(ref, entry, role, head);
      return;
    }
    if (match.kind === 'restarted') {
      this.notice(`${ref.path} was truncated or rewritten since it was read (${match.entry.offset} bytes were read): reading it again from the start`);
      const entry = this.freshEntry(ref.path, ref.fileId, this.options.format);
      entry.offset = match.from;
      await this.follow(ref, entry, 'current', head);
      return;
    }
    if (!asked) {
      this.seen.set(ref.fileId, stamp);
      return;
    }
    await this.follow(ref, this.freshEntry(ref.path, ref.fileId, this.options.format, ref.compressed), ref.compressed ? 'draining' : 'current', head);
  }

  private async follow(ref: FileRef, entry: SourceEntry, role: 'current' | 'draining', head: Buffer): Promise<void> {
    let handle: fs.promises.FileHandle | undefined;
    if (!ref.compressed) {
      handle = await fs.promises.open(ref.path, 'r');
      // Replaced between the listing and the open: looked at again next time.
      if (fileIdOf(await handle.stat()) !== ref.fileId) {
        await handle.close();
        return;
      }
    }
    let format = this.options.format;
    // A file read before keeps the format it was first read with, when that one was guessed.
    if (isAutoFormat(format) && entry.format !== 'auto' && entry.offset > 0) format = { name: entry.format, options: JSON.parse(entry.formatOptions || '{}') as FormatSpec['options'] };
    else if (isAutoFormat(format) && head.length > 0) format = await this.detect(ref, entry);
    const headers = await ChunkHeaders.start(format, ref.compressed ? undefined : ref.path, entry.offset);
    const f = new Follower(entry.path, ref.path, ref.fileId, handle, entry, format, headers, role, this.now, ref.compressed ? ref : undefined);
    f.mtimeMs = ref.mtimeMs;
    await f.stat();
    this.followers.set(ref.fileId, f);
    this.seen.delete(ref.fileId);
    this.watchDir(path.dirname(ref.path));
  }

  /** --input-format auto: the format of a file, from its first bytes. */
  private async detect(ref: FileRef, entry: SourceEntry): Promise<FormatSpec> {
    const detection = await detectFormat(await readHead(ref.path, compressionOf(ref)), { zone: this.zone, referenceMicros: Math.round(ref.mtimeMs * 1000) });
    const spec = this.adopt(ref.path, detection, entry);
    if (!detection.matched) this.notice(`${ref.path}: no known format matched its first lines; read as ${detection.format}, lines that do not parse are kept raw in "unparsed"`);
    return spec;
  }

  /** A detected format as the source's, kept in its manifest entry (with a built template, which is said). */
  private adopt(name: string, detection: Detection, entry: SourceEntry): FormatSpec {
    const spec = { name: detection.format, options: detection.options };
    entry.format = detection.format;
    entry.formatOptions = describeFormatOptions(spec);
    if (choseSuggestedTemplate(detection)) this.notice(`${name}: ${suggestedTemplateNotice(detection)}`);
    return spec;
  }

  private continuesFor(f: Follower): ContinuationTest {
    return continuationOf(this.formats?.get(f.format.name));
  }

  private async submit(f: Follower, chunk: FollowedChunk): Promise<void> {
    if (isAutoFormat(f.format)) {
      // A file empty when it was first seen: its format is told from its first chunk.
      const detection = await detectFormat(Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength), { zone: this.zone, referenceMicros: this.now() * 1000 });
      f.format = this.adopt(f.name, detection, f.entry);
    }
    const input = { kind: 'bytes' as const, data: chunk.data };
    const task: ChunkTask = {
      seq: this.seq++,
      input,
      source: f.name,
      format: await f.headers.specFor(f.format, input),
      timezone: this.timezone,
      referenceMicros: Math.round((f.mtimeMs || this.now()) * 1000),
      stagingDir: this.stagingDir,
      mining: this.mining !== undefined && this.options.mining !== undefined ? { masks: miningSettingsFor(f.format.label ?? f.format.name, this.options.mining).masks } : undefined,
    };
    await this.runner.submit(task, { follower: f, endOffset: chunk.endOffset });
  }

  /** A parsed chunk joins the open batch; its lines are numbered after the last ones under the file's name. */
  private async take(r: ChunkResult, c: ChunkContext): Promise<void> {
    const f = c.follower;
    const format = f.format.label ?? f.format.name;
    const base = this.nameLines.get(f.name) ?? 0;
    this.batch.push({ source: f.name, format, base, dayFiles: r.dayFiles, unparsedFile: r.unparsedFile, unparsedRows: r.unparsedRows });
    if (r.signatures !== undefined) this.mining?.addChunk(r.signatures, format, f.name, base);
    this.nameLines.set(f.name, base + r.counts.lines);
    f.entry.offset = c.endOffset;
    f.entry.lines = base + r.counts.lines;
    for (const k of ['parsed', 'unparsed', 'blank', 'joined'] as const) f.entry.counts[k] += r.counts[k];
    for (const k of ['lines', 'parsed', 'unparsed', 'blank'] as const) this.batchCounts[k] += r.counts[k];
    this.batchCounts.bytes += r.bytes;
    this.batchFollowers.add(f);
    if (this.batchCounts.bytes >= this.batchBytes) await this.flush();
  }

  /**
   * Commits the open batch: its rows and every file's position after it, at once. The commit
   * runs while the next chunks are read and parsed; at most one more waits behind it, and
   * whatever follows a commit (the batch's report, live alerts, maintenance) runs in the same
   * queue, never beside a commit.
   */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const names = [...new Set(this.batch.map((c) => c.source))];
    const counts = this.batchCounts;
    const id = this.batchId;
    const started = this.batchStarted;
    const batch = {
      id,
      chunks: this.batch,
      counts,
      mining: this.mining?.takeBatch(),
      lastLines: names.map((source) => ({ source, line: this.nameLines.get(source) ?? 0 })),
      sources: [...this.batchFollowers].map((f) => f.entryNow()),
    };
    const positions = [...this.batchFollowers].map((f) => ({ f, sourceId: f.entry.sourceId, offset: f.entry.offset }));
    this.batchId = createBatchId();
    this.batch = [];
    this.batchCounts = { lines: 0, parsed: 0, unparsed: 0, blank: 0, bytes: 0 };
    this.batchFollowers = new Set();
    this.batchStarted = this.now();
    await this.afterCommits(async () => {
      await this.store.commitBatch(batch);
      // A file truncated since has a new entry: its position is not this one.
      for (const p of positions) if (p.f.entry.sourceId === p.sourceId) p.f.committed = p.offset;
      const at = this.now();
      const done: WatchBatch = { id, lines: counts.lines, bytes: counts.bytes, committedAt: at, elapsedMs: at - started, sources: names };
      this.batches++;
      this.lines += counts.lines;
      this.bytes += counts.bytes;
      this.recent.push({ at, lines: counts.lines });
      this.recent = this.recent.filter((b) => at - b.at <= RATE_WINDOW_MS);
      this.lastBatch = { ...done, at };
      this.progress?.write();
      await this.options.onBatch?.(done);
    });
  }

  /**
   * Queues `fn` after the commits (and what follows them) queued so far, and waits for all but
   * it: one runs while the caller goes on. A failure is thrown by the next call, or by `settle`.
   */
  private async afterCommits(fn: () => Promise<void>): Promise<void> {
    const previous = this.queue;
    this.queue = previous.then(fn);
    // Taken by the next call or by settle(); until then it must not count as unhandled.
    this.queue.catch(() => undefined);
    await previous;
  }

  /** Waits for everything queued after the commits; throws the first failure. */
  private async settle(): Promise<void> {
    await this.queue;
  }

  /** The watcher as the progress file shows it. */
  private sample(): WatchProgressSample {
    const now = this.now();
    this.recent = this.recent.filter((b) => now - b.at <= RATE_WINDOW_MS);
    const span = Math.min(RATE_WINDOW_MS, Math.max(now - this.started, 1));
    return {
      intervalMs: this.intervalMs,
      lines: this.lines,
      bytes: this.bytes,
      batches: this.batches,
      linesPerSecond: (this.recent.reduce((n, b) => n + b.lines, 0) * 1000) / span,
      lastBatch: this.lastBatch === undefined ? null : { id: this.lastBatch.id, at: this.lastBatch.at, lines: this.lastBatch.lines, bytes: this.lastBatch.bytes, elapsedMs: this.lastBatch.elapsedMs },
      files: [...this.followers.values()].map((f) => {
        const lagBytes = Math.max(0, f.size - f.committed);
        return { source: f.name, path: f.path, role: f.role, size: f.size, offset: f.committed, lines: f.entry.lines, lagBytes, lagSeconds: f.lagSeconds() };
      }),
      workers: this.pool.activity(),
    };
  }

  /** Watches a directory for file-system events (any event: look sooner; a new or renamed entry: resolve the inputs again). */
  private watchDir(dir: string): void {
    if (this.dirWatchers.has(dir)) return;
    try {
      const w = fs.watch(dir, { persistent: false }, (event) => {
        this.dirty = true;
        if (event === 'rename') this.rescan = true;
      });
      w.on('error', () => undefined);
      this.dirWatchers.set(dir, w);
    } catch {
      // No events (a missing directory, no inotify watches left): the poll still finds everything.
    }
  }

  /** Tells the user; `once`: not again while it stays the same (a file waited for). */
  private notice(message: string, once = false): void {
    if (once && this.notices.has(message)) return;
    if (once) this.notices.add(message);
    if (this.notices.size > 1000) this.notices.clear();
    this.options.onNotice?.(message);
  }
}

/** Lines per second are measured over the batches of this window. */
const RATE_WINDOW_MS = 10_000;

/** Waits ms (at most), or until the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
