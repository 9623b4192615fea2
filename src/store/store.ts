import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance, listValue } from '../duckdb.js';
import { LogscopeError, StoreError } from '../errors.js';
import { STAGING_CSV_OPTIONS, STAGING_MAX_LINE_BYTES, UNPARSED_STAGING_COLUMNS } from '../parse/index.js';
import { CATALOG_DDL, defineViews, listFiles, migrateSourceLines } from './catalog.js';
import { connectUtc } from './connect.js';
import { CATALOG_FILE, inspectDataDir, refuseForeignDir, writeMarker } from './data-dir.js';
import { acquireWriterLock } from './lock.js';
import { takeCatalogTurn } from './catalog-turn.js';
import { READERS_DIR } from './lease.js';
import { listRetired, sweepRetired } from './retired.js';
import { copyPartitioned, smallGroups } from './partitioned-copy.js';
import { textLists } from './sql.js';
import { backfillRollups, insertRollups, retireWithRollups, rollupPathOf, writeRollupFile, writeRollupFiles, type RollupToWrite } from './rollup.js';

/** What the manifest knows of one ingested source. */
export interface SourceEntry {
  sourceId: string;
  path: string;
  /** sha256 of the first `fpLen` bytes (at most 1024) of the content: decompressed for .gz (in older stores, a .gz entry hashed its compressed bytes). */
  fingerprint: string;
  fpLen: number;
  compressed: boolean;
  size: number;
  /** Bytes consumed (decompressed bytes for .gz). */
  offset: number;
  /** sha256 of the `tailLen` bytes before `offset` of a plain file; tailLen 0: not known, -1: the file was shorter. */
  tailHash: string;
  tailLen: number;
  /** `dev:ino` of the file last read; '' when not known. */
  fileId: string;
  /** Lines consumed. */
  lines: number;
  format: string;
  /** The --pattern or --template of a regex or template format, as JSON (`{"pattern": ...}`); '' for the others and in older stores. */
  formatOptions?: string;
  /** How the lines consumed so far were accounted: lines = parsed + unparsed + blank. */
  counts: { parsed: number; unparsed: number; blank: number; joined: number };
}

/** One staged file of parsed records (one UTC day of one chunk). */
export interface StagedDayFile {
  day: string;
  path: string;
  rows: number;
  minUs: number;
  maxUs: number;
}

/** One parsed chunk, staged, waiting for its batch to commit. */
export interface StagedChunk {
  source: string;
  format: string;
  /** Line number of the chunk's first line minus one. */
  base: number;
  dayFiles: StagedDayFile[];
  unparsedFile?: string;
  unparsedRows: number;
  /** Parquet files already written for the chunk (by a cluster worker), moved into the store by the commit. */
  parquet?: StagedParquet[];
}

/** Everything one batch makes visible at once. */
export interface BatchToCommit {
  id: string;
  chunks: StagedChunk[];
  /** Manifest entries as they stand after this batch. */
  sources: SourceEntry[];
  counts: { lines: number; parsed: number; unparsed: number; blank: number; bytes: number };
  /** Template mining: the batch's signatures, and the catalog's templates after it. */
  mining?: BatchMining;
  /** The last line number of each source name the batch wrote rows under. */
  lastLines?: Array<{ source: string; line: number }>;
  /** Standard input read in this run, noted once its last chunk is in the batch. */
  stdinInput?: StdinInput;
  /** Stored rows this batch replaces (`ingest --reingest`): removed in the same catalog transaction that lists the batch's files. */
  replace?: SourcesToRemove;
}

/** One ingest of standard input: the sha256 of its first `fpLen` bytes (at most 1024), and the lines it stored. */
export interface StdinInput {
  fingerprint: string;
  fpLen: number;
  fromLine: number;
  lines: number;
  /** When it was committed (ISO 8601, UTC); set by the store. */
  at?: string;
}

/** What to remove of what is stored: the rows under some source names, some manifest entries. */
export interface SourcesToRemove {
  /** Values of the rows' `source` column. */
  names: string[];
  /** Manifest entries to delete. */
  sourceIds: string[];
}

/** What a removal took away, per source name. */
export interface RemovedRows {
  source: string;
  rows: number;
  unparsed: number;
}

/** The result of `StoreWriter.removeSources`. */
export interface Removal {
  removed: RemovedRows[];
  /** Live Parquet files that held such rows and were rewritten without them. */
  filesRewritten: number;
  entries: number;
}

/** Files written to replace live ones, waiting for the catalog transaction that swaps them in. */
interface Rewrite {
  batchId: string;
  old: string[];
  moves: FileMove[];
  removed: RemovedRows[];
}

/** A staged Parquet file to move into the store and list in the catalog. */
export interface FileMove {
  from: string;
  to: string;
  rel: string;
  kind: 'logs' | 'unparsed';
  dt: string | null;
  rows: number;
  minUs: number | null;
  maxUs: number | null;
  /** The batch id listed with the file, when not the commit's (a compacted file keeps its newest input's). */
  batchId?: string;
  /** A log file's rollup (see rollup.ts): moved in and listed with it. */
  rollup?: { from: string; to: string; rel: string };
}

/** What one batch adds to the template catalog (see `src/detect/miner`). */
export interface BatchMining {
  /** The distinct signatures of the batch's records, with their counts and first example. */
  signatures: SignatureStat[];
  /** Signatures whose template is new or changed (new signatures included). */
  assignments: Array<{ signature: number; template: number }>;
  /** The templates that `assignments` point to (new ones, or generalised ones under a new id). */
  templates: Array<{ id: number; text: string; tokens: number }>;
  /**
   * Stored signatures whose masked text the current miner writes differently (re-masked from
   * their example after an upgrade): their text and tokens are updated, their id kept.
   */
  retexts?: Array<{ signature: number; text: string; tokens: number }>;
  /** The miner rules the catalog now agrees with, noted in `_logscope.meta` (see `MINER_RULES`). */
  minerRules?: string;
}

/** A stored signature, as `StoreWriter.readSignatures` gives it to the template miner. */
export interface StoredSignature {
  id: number;
  format: string;
  text: string;
  count: number;
  /** Its stored template, null when none. */
  template: number | null;
  /** Its stored example, `''` when not read. */
  example: string;
}

/** One signature's share of a batch. */
export interface SignatureStat {
  signature: number;
  format: string;
  text: string;
  tokens: number;
  count: number;
  firstUs: number;
  lastUs: number;
  example: string;
  exampleSource: string;
  exampleLine: number;
  /** Records per level: TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, FATAL, none. */
  levels: number[];
}

/** Upserts a batch's signatures and templates, inside the catalog transaction. */
async function commitMining(cat: DuckDBConnection, mining: BatchMining, stagingDir: string): Promise<void> {
  if (mining.signatures.length > 0) {
    const file = path.join(stagingDir, 'signatures.json');
    fs.writeFileSync(
      file,
      mining.signatures
        .map((x) =>
          JSON.stringify({
            signature: x.signature, format: x.format, text: x.text, tokens: x.tokens, count: x.count, first_us: x.firstUs, last_us: x.lastUs,
            example: x.example, example_source: x.exampleSource, example_line: x.exampleLine, levels: x.levels,
          }),
        )
        .join('\n'),
    );
    await cat.run(
      `INSERT INTO _logscope.signatures
       SELECT signature, format, text, tokens, NULL, count, make_timestamptz(first_us), make_timestamptz(last_us), example, example_source, example_line,
              levels[1], levels[2], levels[3], levels[4], levels[5], levels[6], levels[7], levels[8]
       FROM read_json($file, format = 'newline_delimited', columns = {signature: 'BIGINT', format: 'VARCHAR', text: 'VARCHAR', tokens: 'INTEGER', count: 'BIGINT',
         first_us: 'BIGINT', last_us: 'BIGINT', example: 'VARCHAR', example_source: 'VARCHAR', example_line: 'BIGINT', levels: 'BIGINT[]'})
       ON CONFLICT (signature) DO UPDATE SET
         count = count + excluded.count,
         example = CASE WHEN excluded.first_seen < first_seen THEN excluded.example ELSE example END,
         example_source = CASE WHEN excluded.first_seen < first_seen THEN excluded.example_source ELSE example_source END,
         example_line = CASE WHEN excluded.first_seen < first_seen THEN excluded.example_line ELSE example_line END,
         first_seen = least(first_seen, excluded.first_seen),
         last_seen = greatest(last_seen, excluded.last_seen),
         n_trace = n_trace + excluded.n_trace, n_debug = n_debug + excluded.n_debug, n_info = n_info + excluded.n_info,
         n_notice = n_notice + excluded.n_notice, n_warn = n_warn + excluded.n_warn, n_error = n_error + excluded.n_error,
         n_fatal = n_fatal + excluded.n_fatal, n_unknown = n_unknown + excluded.n_unknown`,
      { file },
    );
  }
  if (mining.retexts !== undefined && mining.retexts.length > 0) {
    const file = path.join(stagingDir, 'retexts.json');
    fs.writeFileSync(file, mining.retexts.map((r) => JSON.stringify(r)).join('\n'));
    await cat.run(
      `UPDATE _logscope.signatures AS s SET text = r.text, tokens = r.tokens
       FROM read_json($file, format = 'newline_delimited', columns = {signature: 'BIGINT', text: 'VARCHAR', tokens: 'INTEGER'}) AS r
       WHERE s.signature = r.signature`,
      { file },
    );
  }
  if (mining.minerRules !== undefined) {
    await cat.run(`INSERT OR REPLACE INTO _logscope.meta VALUES ('miner_rules', $rules)`, { rules: mining.minerRules });
  }
  if (mining.assignments.length > 0) {
    const file = path.join(stagingDir, 'assignments.json');
    fs.writeFileSync(file, mining.assignments.map((a) => JSON.stringify(a)).join('\n'));
    await cat.run(
      `UPDATE _logscope.signatures AS s SET template_id = a.template
       FROM read_json($file, format = 'newline_delimited', columns = {signature: 'BIGINT', template: 'BIGINT'}) AS a
       WHERE s.signature = a.signature`,
      { file },
    );
  }
  if (mining.templates.length > 0) {
    const file = path.join(stagingDir, 'templates.json');
    fs.writeFileSync(file, mining.templates.map((t) => JSON.stringify(t)).join('\n'));
    await cat.run(
      `INSERT OR REPLACE INTO _logscope.templates SELECT id, text, tokens
       FROM read_json($file, format = 'newline_delimited', columns = {id: 'BIGINT', text: 'VARCHAR', tokens: 'INTEGER'})`,
      { file },
    );
  }
  // A template generalised away (its signatures moved to a new one) is no longer listed.
  if (mining.assignments.length > 0) {
    await cat.run('DELETE FROM _logscope.templates WHERE template_id NOT IN (SELECT template_id FROM _logscope.signatures WHERE template_id IS NOT NULL)');
  }
}

function isLockError(err: unknown): boolean {
  return /lock|Conflicting/i.test((err as Error)?.message ?? '');
}

/** DuckDB's error for a file with no database header yet, as one is while another process creates it. */
function isHeaderless(err: unknown): boolean {
  return /not a valid DuckDB database file/.test((err as Error)?.message ?? '');
}

/**
 * How long a file without a database header is taken for one another process is creating (it
 * writes the header within milliseconds) before it is reported as not a database.
 */
const NEW_FILE_GRACE_MS = 2000;

/**
 * Opens a DuckDB file, retrying while another process holds its lock (a `logscope sql` reading
 * while an ingest commits, or the reverse) or is creating it (two alert senders starting on a
 * new alerts.duckdb: the second found the file empty).
 */
export async function openDatabaseFile(file: string, options: Record<string, string>, timeoutMs = 30_000): Promise<DuckDBInstance> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await DuckDBInstance.create(file, options);
    } catch (err) {
      const retry = isLockError(err) ? Date.now() <= deadline : isHeaderless(err) && Date.now() <= started + NEW_FILE_GRACE_MS;
      if (!retry) throw new StoreError(`cannot open ${file}: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Runs fn on a connection to the catalog, inside one transaction (one catalog turn of this process), and closes it. */
export function withCatalog<T>(dataDir: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return takeCatalogTurn(dataDir, () => inFileTransaction(path.join(dataDir, CATALOG_FILE), {}, fn));
}

/**
 * Opens a DuckDB file (retrying while another process holds it), runs fn on a UTC connection
 * inside one transaction (rolled back if fn throws), and closes the file again.
 */
export async function inFileTransaction<T>(file: string, options: Record<string, string>, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await openDatabaseFile(file, options);
  try {
    const conn = await connectUtc(instance);
    try {
      await conn.run('BEGIN TRANSACTION');
      try {
        const result = await fn(conn);
        await conn.run('COMMIT');
        return result;
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The COPY options of every Parquet file the store writes: zstd at level 1, which wrote the same
 * rows with about a fifth less CPU than zstd's default level (issue 17; `npm run bench:ab`
 * measures it). Version-1 data pages, which every Parquet reader reads: v2 pages saved little
 * more CPU, and fastparquet cannot read their DELTA_LENGTH_BYTE_ARRAY strings.
 * LOGSCOPE_PARQUET_COMPAT=1 writes as logscope 0.1 did (zstd's default level).
 */
export function parquetWriteOptions(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOGSCOPE_PARQUET_COMPAT === '1' ? 'FORMAT parquet, COMPRESSION zstd' : 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';
}

/** The read_csv arguments of a staging text file with these columns (name: DuckDB type), file names included; bind STAGING_CSV_OPTIONS. */
export function readCsvArgs(columns: Record<string, string>): string {
  const cols = Object.entries(columns).map(([n, t]) => `'${n}': '${t}'`).join(', ');
  return `delim = $delim, quote = $quote, escape = $escape, header = false, auto_detect = false, new_line = '\\n', max_line_size = ${STAGING_MAX_LINE_BYTES}, buffer_size = ${STAGING_MAX_LINE_BYTES}, filename = true, columns = {${cols}}`;
}

/**
 * The writing side of a data directory. Holds the writer lock for its lifetime,
 * stages batches under `.staging/` and commits each one atomically: Parquet files
 * are moved into `logs/dt=DAY/` and `unparsed/`, then one catalog transaction
 * lists them and advances the manifest. Files of a batch that never committed are
 * invisible and removed by the next writer (see `removeOrphans`).
 */
export class StoreWriter {
  /** The batch commit running on `conn`, settled or not: close() waits for it. */
  private committing: Promise<unknown> = Promise.resolve();
  /** Maintenance running beside the commits (compaction, prune), settled or not: close() waits for it. */
  private readonly maintenance = new Set<Promise<unknown>>();

  private constructor(
    readonly dataDir: string,
    private readonly release: () => void,
    private readonly work: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /**
   * Opens (creating if needed) a data directory for writing and recovers from any crash.
   * Refuses a directory that holds files logscope did not write, and one another ingest is writing.
   */
  static async open(dataDir: string): Promise<StoreWriter> {
    const dir = path.resolve(dataDir);
    await claimDataDir(dir);
    const release = await acquireWriterLock(dir);
    try {
      const staging = path.join(dir, '.staging');
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(path.join(staging, 'tmp'), { recursive: true });
      // Part of the store's layout from its start: readers put their leases there (see lease.ts).
      fs.mkdirSync(path.join(dir, READERS_DIR), { recursive: true });
      await withCatalog(dir, async (conn) => {
        for (const ddl of CATALOG_DDL) await conn.run(ddl);
        await defineViews(conn, dir);
        await migrateSourceLines(conn);
      });
      if ((await removeOrphans(dir)).retired > 0) await sweepRetired(dir);
      const work = await DuckDBInstance.create(':memory:', {
        memory_limit: '512MB',
        preserve_insertion_order: 'false',
        temp_directory: path.join(staging, 'tmp'),
        // Staged files are read once: DuckDB's cache of file contents only held them in memory
        // (a log over 3,000 days: 600 MB peak RSS with it, 390 without; CPU the same).
        enable_external_file_cache: 'false',
      });
      const conn = await connectUtc(work);
      try {
        // A store written before the rollup gets one (once; a file at a time).
        await backfillRollups(dir, conn, (fn) => withCatalog(dir, fn));
      } catch (err) {
        conn.closeSync();
        work.closeSync();
        throw err;
      }
      return new StoreWriter(dir, release, work, conn);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** A fresh staging directory for one batch's intermediate files. */
  createStagingDir(batchId: string): string {
    const dir = path.join(this.dataDir, '.staging', batchId);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The manifest: every source ingested so far. */
  async readManifest(): Promise<SourceEntry[]> {
    return withCatalog(this.dataDir, async (conn) => {
      const reader = await conn.runAndReadAll(`SELECT source_id, path, fingerprint, fp_len, compressed, size, "offset", lines, format, parsed, unparsed, blank, joined, tail_hash, tail_len, file_id, format_options FROM _logscope.sources`);
      return reader.getRows().map((r) => ({
        sourceId: String(r[0]),
        path: String(r[1]),
        fingerprint: String(r[2]),
        fpLen: Number(r[3]),
        compressed: Boolean(r[4]),
        size: Number(r[5]),
        offset: Number(r[6]),
        lines: Number(r[7]),
        format: String(r[8]),
        counts: { parsed: Number(r[9]), unparsed: Number(r[10]), blank: Number(r[11]), joined: Number(r[12]) },
        tailHash: String(r[13] ?? ''),
        tailLen: Number(r[14] ?? 0),
        fileId: String(r[15] ?? ''),
        formatOptions: String(r[16] ?? ''),
      }));
    });
  }

  /** The last line number stored under each source name (see `_logscope.source_lines`). */
  async readSourceLines(): Promise<Map<string, number>> {
    return withCatalog(this.dataDir, async (conn) => {
      const reader = await conn.runAndReadAll('SELECT source, last_line FROM _logscope.source_lines');
      return new Map(reader.getRows().map((r) => [String(r[0]), Number(r[1])]));
    });
  }

  /** Every ingest of standard input noted so far, oldest first. */
  async readStdinInputs(): Promise<StdinInput[]> {
    return withCatalog(this.dataDir, async (conn) => {
      const reader = await conn.runAndReadAll(`SELECT fingerprint, fp_len, from_line, lines, strftime(ingested_at, '%Y-%m-%dT%H:%M:%SZ') FROM _logscope.stdin_inputs ORDER BY ingested_at`);
      return reader.getRows().map((r) => ({ fingerprint: String(r[0]), fpLen: Number(r[1]), fromLine: Number(r[2]), lines: Number(r[3]), at: String(r[4]) }));
    });
  }

  /**
   * Every signature the catalog knows, with its template, for the template miner to start
   * from; and the miner rules the catalog was last brought up to date with (`''` for a store
   * older than that note). When those are not `current`, each signature's example too, to
   * re-mask and re-cluster after an upgrade (see `TemplateMining.start`); else `''`.
   */
  async readSignatures(current: string): Promise<{ rules: string; signatures: StoredSignature[] }> {
    return withCatalog(this.dataDir, async (conn) => {
      const meta = await conn.runAndReadAll(`SELECT value FROM _logscope.meta WHERE key = 'miner_rules'`);
      const rules = meta.getRows().length > 0 ? String(meta.getRows()[0][0]) : '';
      // The examples (up to 1,000 characters each) only when they are to be re-masked.
      const example = rules === current ? `''` : 'example';
      const reader = await conn.runAndReadAll(`SELECT signature, format, text, count, template_id, ${example} FROM _logscope.signatures ORDER BY signature`);
      const signatures = reader.getRows().map((r) => ({
        id: Number(r[0]), format: String(r[1]), text: String(r[2]), count: Number(r[3]), template: r[4] === null ? null : Number(r[4]), example: r[5] === null ? '' : String(r[5]),
      }));
      return { rules, signatures };
    });
  }

  /**
   * Converts a batch's staged text to Parquet and makes it visible, all at once. On failure
   * nothing of the batch is visible and its files are removed; a full disk is reported as a
   * StoreError naming the data directory.
   */
  commitBatch(batch: BatchToCommit): Promise<void> {
    const moved: string[] = [];
    const run = this.writeBatch(batch, moved).catch((err: unknown) => {
      for (const file of moved) fs.rmSync(file, { force: true });
      throw describeWriteFailure(err, this.dataDir);
    });
    this.committing = run.catch(() => undefined);
    return run;
  }

  /** The body of commitBatch; `moved` collects the Parquet files moved into the store so far. */
  private async writeBatch(batch: BatchToCommit, moved: string[]): Promise<void> {
    const stagingDir = path.join(this.dataDir, '.staging', batch.id);
    fs.mkdirSync(stagingDir, { recursive: true });
    const written = await writeChunksParquet(this.conn, batch.chunks, stagingDir);
    // Parquet files a chunk brought already written (a cluster worker's): named for the batch and the chunk.
    for (const chunk of batch.chunks) for (const p of chunk.parquet ?? []) written.push({ ...p, name: `${batch.id}-${p.name}` });
    const moves: FileMove[] = [];
    const rollups: RollupToWrite[] = [];
    for (const w of written) {
      const rel = w.kind === 'logs' ? path.join('logs', `dt=${w.dt}`, `part-${w.name ?? batch.id}.parquet`) : path.join('unparsed', `part-${w.name ?? batch.id}.parquet`);
      const move: FileMove = { from: w.path, to: path.join(this.dataDir, rel), rel, kind: w.kind, dt: w.dt, rows: w.rows, minUs: w.minUs, maxUs: w.maxUs };
      if (w.kind === 'logs') {
        // Its counts per minute, service, host and level (rollup.ts), moved in and listed with it.
        const staged = path.join(stagingDir, `rollup-${w.dt}-${w.name ?? batch.id}.parquet`);
        rollups.push({ file: w.path, rows: w.rows, out: staged });
        const rollupRel = rollupPathOf(rel);
        move.rollup = { from: staged, to: path.join(this.dataDir, rollupRel), rel: rollupRel };
      }
      moves.push(move);
    }
    await writeRollupFiles(this.conn, rollups);
    // Written before the batch's files are moved in: the rewrite must not see (and drop) the batch's own rows.
    const rewrite = batch.replace !== undefined ? await this.rewriteWithout(batch.replace.names, stagingDir) : undefined;
    moveFiles(moves, moved);
    if (rewrite !== undefined) moveFiles(rewrite.moves, moved);
    await withCatalog(this.dataDir, async (cat) => {
      await listMoves(cat, moves, batch.id);
      if (rewrite !== undefined && batch.replace !== undefined) await swapRewrite(cat, this.dataDir, rewrite, batch.replace);
      for (const s of batch.sources) {
        const values = {
          id: s.sourceId, path: s.path, fp: s.fingerprint, fpLen: s.fpLen, gz: s.compressed, size: s.size, offset: s.offset, lines: s.lines, format: s.format,
          parsed: s.counts.parsed, unparsed: s.counts.unparsed, blank: s.counts.blank, joined: s.counts.joined,
          tailHash: s.tailHash, tailLen: s.tailLen, fileId: s.fileId, formatOptions: s.formatOptions ?? '',
        };
        const updated = await cat.run(
          `UPDATE _logscope.sources SET path = $path, fingerprint = $fp, fp_len = $fpLen::INTEGER, compressed = $gz, size = $size::BIGINT,
             "offset" = $offset::BIGINT, lines = $lines::BIGINT, format = $format, last_ingested = now(),
             parsed = $parsed::BIGINT, unparsed = $unparsed::BIGINT, blank = $blank::BIGINT, joined = $joined::BIGINT,
             tail_hash = $tailHash, tail_len = $tailLen::INTEGER, file_id = $fileId, format_options = $formatOptions WHERE source_id = $id`,
          values,
        );
        if (updated.rowsChanged === 0) {
          await cat.run(
            `INSERT INTO _logscope.sources (source_id, path, fingerprint, fp_len, compressed, size, "offset", lines, format, first_ingested, last_ingested, parsed, unparsed, blank, joined, tail_hash, tail_len, file_id, format_options)
             VALUES ($id, $path, $fp, $fpLen::INTEGER, $gz, $size::BIGINT, $offset::BIGINT, $lines::BIGINT, $format, now(), now(), $parsed::BIGINT, $unparsed::BIGINT, $blank::BIGINT, $joined::BIGINT,
               $tailHash, $tailLen::INTEGER, $fileId, $formatOptions)`,
            values,
          );
        }
      }
      for (const { source, line } of batch.lastLines ?? []) {
        await cat.run(
          `INSERT INTO _logscope.source_lines VALUES ($source, $line::BIGINT) ON CONFLICT (source) DO UPDATE SET last_line = greatest(last_line, excluded.last_line)`,
          { source, line },
        );
      }
      if (batch.stdinInput !== undefined) {
        const x = batch.stdinInput;
        await cat.run('INSERT INTO _logscope.stdin_inputs VALUES ($fp, $fpLen::INTEGER, $from::BIGINT, $lines::BIGINT, now())', { fp: x.fingerprint, fpLen: x.fpLen, from: x.fromLine, lines: x.lines });
      }
      if (batch.mining !== undefined) await commitMining(cat, batch.mining, stagingDir);
      const c = batch.counts;
      await cat.run(`INSERT INTO _logscope.batches VALUES ($id, now(), $l::BIGINT, $p::BIGINT, $u::BIGINT, $b::BIGINT, $bytes::BIGINT)`, {
        id: batch.id, l: c.lines, p: c.parsed, u: c.unparsed, b: c.blank, bytes: c.bytes,
      });
      await defineViews(cat, this.dataDir);
    });
    // Listed in the catalog now: whatever fails from here on must not remove them.
    moved.length = 0;
    if (rewrite !== undefined) await sweepRetired(this.dataDir);
    fs.rmSync(stagingDir, { recursive: true, force: true });
    for (const chunk of batch.chunks) {
      for (const d of chunk.dayFiles) fs.rmSync(d.path, { force: true });
      if (chunk.unparsedFile !== undefined) fs.rmSync(chunk.unparsedFile, { force: true });
    }
  }

  /**
   * Removes the rows stored under the given source names and the given manifest entries, at
   * once: every live file holding such rows is rewritten without them, and one catalog
   * transaction swaps the files and deletes the entries. Readers see the rows until it commits.
   */
  async removeSources(what: SourcesToRemove): Promise<Removal> {
    const run = this.removeAndCommit(what);
    this.committing = run.catch(() => undefined);
    return run;
  }

  private async removeAndCommit(what: SourcesToRemove): Promise<Removal> {
    const stagingDir = this.createStagingDir(`forget-${createBatchId()}`);
    const moved: string[] = [];
    try {
      const rewrite = await this.rewriteWithout(what.names, stagingDir);
      moveFiles(rewrite.moves, moved);
      await withCatalog(this.dataDir, async (cat) => {
        await swapRewrite(cat, this.dataDir, rewrite, what);
        await defineViews(cat, this.dataDir);
      });
      moved.length = 0;
      await sweepRetired(this.dataDir);
      return { removed: rewrite.removed, filesRewritten: rewrite.old.length, entries: what.sourceIds.length };
    } catch (err) {
      for (const file of moved) fs.rmSync(file, { force: true });
      throw describeWriteFailure(err, this.dataDir);
    } finally {
      fs.rmSync(stagingDir, { recursive: true, force: true });
    }
  }

  /**
   * Writes, into stagingDir, replacements for the live files that hold rows under the given
   * names: per day directory (and for unparsed/) one file of a new batch with every other row.
   */
  private async rewriteWithout(names: string[], stagingDir: string): Promise<Rewrite> {
    const batchId = createBatchId();
    const rewrite: Rewrite = { batchId, old: [], moves: [], removed: [] };
    if (names.length === 0) return rewrite;
    const live = await withCatalog(this.dataDir, async (cat) => {
      const reader = await cat.runAndReadAll('SELECT path, kind, dt::VARCHAR FROM _logscope.files ORDER BY path');
      return reader.getRows().map((r) => ({ rel: String(r[0]), kind: String(r[1]) as 'logs' | 'unparsed', dt: r[2] === null ? null : String(r[2]) }));
    });
    const conn = this.conn;
    const nameList = listValue(names);
    const counts = new Map(names.map((n) => [n, { source: n, rows: 0, unparsed: 0 }]));
    const groups = new Map<string, typeof live>();
    // One scan per kind (logs and unparsed files have different columns) finds the files holding such rows.
    for (const kind of ['logs', 'unparsed'] as const) {
      const files = new Map(live.filter((f) => f.kind === kind).map((f) => [path.join(this.dataDir, f.rel), f]));
      if (files.size === 0) continue;
      const holding = await conn.runAndReadAll(
        `SELECT filename, source, count(*) FROM read_parquet($files, filename = true, hive_partitioning = false, union_by_name = true)
         WHERE list_contains($names, source) GROUP BY filename, source ORDER BY filename`,
        { files: listValue([...files.keys()]), names: nameList },
      );
      const holders = new Set<string>();
      for (const [file, source, n] of holding.getRows()) {
        const c = counts.get(String(source)) as RemovedRows;
        if (kind === 'logs') c.rows += Number(n);
        else c.unparsed += Number(n);
        holders.add(String(file));
      }
      for (const file of holders) {
        const f = files.get(file) as (typeof live)[number];
        const key = `${f.kind}/${f.dt ?? ''}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
      }
    }
    for (const files of groups.values()) {
      const { kind, dt } = files[0];
      const out = path.join(stagingDir, `rewrite-${kind}-${dt ?? 'none'}.parquet`);
      const list = listValue(files.map((f) => path.join(this.dataDir, f.rel)));
      await conn.run(
        `COPY (SELECT * FROM read_parquet($files, hive_partitioning = false, union_by_name = true) WHERE NOT list_contains($names, source)) TO $out (${parquetWriteOptions()})`,
        { files: list, names: nameList, out },
      );
      rewrite.old.push(...files.map((f) => f.rel));
      const stats = await conn.runAndReadAll(
        kind === 'logs' ? 'SELECT count(*), epoch_us(min(ts)), epoch_us(max(ts)) FROM read_parquet($out)' : 'SELECT count(*), NULL, NULL FROM read_parquet($out)',
        { out },
      );
      const [rows, minUs, maxUs] = stats.getRows()[0];
      if (Number(rows) === 0) continue;
      const rel = kind === 'logs' ? path.join('logs', `dt=${dt}`, `part-${batchId}.parquet`) : path.join('unparsed', `part-${batchId}.parquet`);
      let rollup: FileMove['rollup'];
      if (kind === 'logs') {
        const staged = path.join(stagingDir, `rollup-rewrite-${dt}.parquet`);
        await writeRollupFile(conn, out, staged);
        rollup = { from: staged, to: path.join(this.dataDir, rollupPathOf(rel)), rel: rollupPathOf(rel) };
      }
      rewrite.moves.push({ rollup, from: out, to: path.join(this.dataDir, rel), rel, kind, dt, rows: Number(rows), minUs: minUs === null ? null : Number(minUs), maxUs: maxUs === null ? null : Number(maxUs) });
    }
    rewrite.removed = [...counts.values()];
    return rewrite;
  }

  /**
   * Runs fn on a connection of its own to the writer's working DuckDB, beside a batch commit
   * that may be running on the main one (compaction and prune use it); close() waits for it.
   */
  async maintain<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await connectUtc(this.work);
    const run = fn(conn).finally(() => conn.closeSync());
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.maintenance.add(settled);
    void settled.then(() => this.maintenance.delete(settled));
    return run;
  }

  /** Waits for a commit still running, then closes the connection and releases the lock. */
  async close(): Promise<void> {
    // Closing the connection under a running statement crashes DuckDB or deadlocks the
    // thread running it (the process then never exits), and a commit must not go on
    // writing the catalog after the lock is released.
    await this.committing;
    await Promise.all(this.maintenance);
    this.conn.closeSync();
    this.work.closeSync();
    fs.rmSync(path.join(this.dataDir, '.staging'), { recursive: true, force: true });
    this.release();
  }
}

/** One Parquet file written from staged chunks, not yet in the store. */
export interface StagedParquet {
  path: string;
  kind: 'logs' | 'unparsed';
  /** The UTC day of a logs file; null for unparsed. */
  dt: string | null;
  rows: number;
  minUs: number | null;
  maxUs: number | null;
  /** Its name in the store is `part-<batch id>-<name>.parquet` (a file a chunk brought); `part-<batch id>.parquet` when absent. */
  name?: string;
}

/**
 * Converts staged chunks (their text files) to Parquet in outDir: one file per UTC day of
 * records (`logs-DAY.parquet`) and one of unparsed lines, with each row's source, format and
 * line number. The batch commit and a cluster worker both write their files so.
 */
export async function writeChunksParquet(conn: DuckDBConnection, chunks: StagedChunk[], outDir: string): Promise<StagedParquet[]> {
  // source and format are the same for every row of a chunk. As ENUMs the Parquet writer
  // takes their dictionary as given instead of hashing a string per row (a quarter of
  // the COPY's CPU); the files still hold plain strings.
  await conn.run('CREATE OR REPLACE TEMP TABLE chunk_names (source VARCHAR, format VARCHAR)');
  if (chunks.length > 0) {
    await conn.run('INSERT INTO chunk_names SELECT * FROM (SELECT unnest($source), unnest($format))', ...textLists({ source: chunks.map((c) => c.source), format: chunks.map((c) => c.format) }));
  }
  await conn.run('DROP TABLE IF EXISTS chunk_meta');
  await conn.run('CREATE OR REPLACE TYPE batch_source AS ENUM (SELECT DISTINCT source FROM chunk_names ORDER BY source)');
  await conn.run('CREATE OR REPLACE TYPE batch_format AS ENUM (SELECT DISTINCT format FROM chunk_names ORDER BY format)');
  // Per staged file: its chunk's source, format and first line, and its UTC day (NULL for unparsed lines).
  await conn.run('CREATE TEMP TABLE chunk_meta (file VARCHAR, source batch_source, format batch_format, base BIGINT, day VARCHAR)');
  const meta = chunks.flatMap((c) => [...c.dayFiles.map((d) => ({ c, file: d.path, day: d.day })), ...(c.unparsedFile ? [{ c, file: c.unparsedFile, day: null }] : [])]);
  if (meta.length > 0) {
    await conn.run(
      `INSERT INTO chunk_meta SELECT * FROM (SELECT unnest($file) AS file, unnest($source) AS source, unnest($format) AS format, unnest($base)::BIGINT AS base, unnest($day) AS day)`,
      ...textLists({ file: meta.map((m) => m.file), source: meta.map((m) => m.c.source), format: meta.map((m) => m.c.format), base: meta.map((m) => String(m.c.base)), day: meta.map((m) => m.day) }),
    );
  }
  const written: StagedParquet[] = [];
  const byDay = new Map<string, StagedDayFile[]>();
  for (const chunk of chunks) for (const d of chunk.dayFiles) byDay.set(d.day, [...(byDay.get(d.day) ?? []), d]);
  const columns = `make_timestamptz(r.us) AS ts, r.host, r.service, r.pid, r.level, r.level_raw, r.message, r.attrs::JSON AS attrs, m.source, r.rel_line + m.base AS line, m.format, r.signature`;
  const rowsOf = (files: StagedDayFile[]): number => files.reduce((n, f) => n + f.rows, 0);
  const days = [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Small days in partitioned COPYs (see partitioned-copy.ts), each still a file of its own.
  const groups = smallGroups(days, ([, files]) => rowsOf(files));
  const together = new Set(groups.flat().map(([day]) => day));
  const outOf = (day: string): string => path.join(outDir, `logs-${day}.parquet`);
  for (const group of groups) {
    await copyPartitioned(
      conn,
      `COPY (SELECT ${columns}, m.day AS day FROM read_parquet($files, filename = true, hive_partitioning = false) r JOIN chunk_meta m ON r.filename = m.file)
       TO $dir (${parquetWriteOptions()}, PARTITION_BY (day))`,
      { files: listValue(group.flatMap(([, f]) => f.map((x) => x.path))) },
      path.join(outDir, 'small-days'),
      'day',
      new Map(group.map(([day]) => [day, outOf(day)])),
    );
  }
  for (const [day, files] of days) {
    const out = outOf(day);
    if (!together.has(day)) {
      await conn.run(
        `COPY (SELECT ${columns} FROM read_parquet($files, filename = true, hive_partitioning = false) r JOIN chunk_meta m ON r.filename = m.file)
         TO $out (${parquetWriteOptions()})`,
        { files: listValue(files.map((f) => f.path)), out },
      );
    }
    written.push({ path: out, kind: 'logs', dt: day, rows: rowsOf(files), minUs: Math.min(...files.map((f) => f.minUs)), maxUs: Math.max(...files.map((f) => f.maxUs)) });
  }
  const unparsedFiles = chunks.filter((c) => c.unparsedFile !== undefined).map((c) => c.unparsedFile as string);
  if (unparsedFiles.length > 0) {
    const out = path.join(outDir, 'unparsed.parquet');
    await conn.run(
      `COPY (SELECT m.source, u.rel_line + m.base AS line, u.raw, u.reason, m.format, now() AS ingested_at
             FROM read_csv($files, ${readCsvArgs(UNPARSED_STAGING_COLUMNS)}) u JOIN chunk_meta m ON u.filename = m.file)
       TO $out (${parquetWriteOptions()})`,
      { files: listValue(unparsedFiles), out, ...STAGING_CSV_OPTIONS },
    );
    written.push({ path: out, kind: 'unparsed', dt: null, rows: chunks.reduce((n, c) => n + c.unparsedRows, 0), minUs: null, maxUs: null });
  }
  return written;
}

/** Moves staged Parquet files into the store; `moved` collects them, to be removed if the commit fails. */
export function moveFiles(moves: FileMove[], moved: string[]): void {
  for (const m of [...moves, ...moves.flatMap((x) => (x.rollup === undefined ? [] : [x.rollup]))]) {
    // A sweep of retired files removes a day directory it empties: if that happens between the two, make it again.
    for (let attempt = 1; ; attempt++) {
      fs.mkdirSync(path.dirname(m.to), { recursive: true });
      try {
        fs.renameSync(m.from, m.to);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3 || !fs.existsSync(m.from)) throw err;
      }
    }
    moved.push(m.to);
  }
}

/** Lists moved files in the catalog (inside its transaction), under batchId unless a move names its own. */
export async function listMoves(cat: DuckDBConnection, moves: FileMove[], batchId: string): Promise<void> {
  // One statement for all of them: an INSERT costs a millisecond or two however small (3,000 days took 6 s).
  if (moves.length > 0) {
    const int = (v: number | null): string | null => (v === null ? null : String(v));
    await cat.run(
      `INSERT INTO _logscope.files SELECT path, kind, batch, dt::DATE, rows::BIGINT, make_timestamptz(min_us::BIGINT), make_timestamptz(max_us::BIGINT), bytes::BIGINT
       FROM (SELECT unnest($path) AS path, unnest($kind) AS kind, unnest($batch) AS batch, unnest($dt) AS dt, unnest($rows) AS rows, unnest($min) AS min_us, unnest($max) AS max_us, unnest($bytes) AS bytes)`,
      ...textLists({
        path: moves.map((m) => m.rel), kind: moves.map((m) => m.kind), batch: moves.map((m) => m.batchId ?? batchId), dt: moves.map((m) => m.dt),
        rows: moves.map((m) => String(m.rows)), min: moves.map((m) => int(m.minUs)), max: moves.map((m) => int(m.maxUs)), bytes: moves.map((m) => String(fs.statSync(m.to).size)),
      }),
    );
  }
  // A file and its rollup are listed in the same transaction: no reader sees one without the other.
  await insertRollups(cat, moves.flatMap((m) => (m.rollup === undefined ? [] : [{ path: m.rollup.rel, ofPath: m.rel }])));
}

/**
 * Inside the catalog transaction: unlists the rewritten files, lists their replacements under
 * a batch of their own, and forgets the manifest entries and the last line numbers of the names
 * (a source read again numbers its lines from 1). Template counts are left as they are.
 */
async function swapRewrite(cat: DuckDBConnection, dataDir: string, rewrite: Rewrite, what: SourcesToRemove): Promise<void> {
  for (const rel of rewrite.old) await cat.run('DELETE FROM _logscope.files WHERE path = $rel', { rel });
  // The replaced files' rollups go with them: unlisted now, deleted once no reader may read them.
  await retireWithRollups(cat, dataDir, rewrite.old);
  await listMoves(cat, rewrite.moves, rewrite.batchId);
  for (const id of what.sourceIds) await cat.run('DELETE FROM _logscope.sources WHERE source_id = $id', { id });
  for (const name of what.names) await cat.run('DELETE FROM _logscope.source_lines WHERE source = $name', { name });
  if (what.names.includes('stdin')) await cat.run('DELETE FROM _logscope.stdin_inputs');
  await cat.run(`INSERT INTO _logscope.batches VALUES ($id, now(), 0, 0, 0, 0, 0)`, { id: rewrite.batchId });
}

/**
 * The error to report for a failed write into the data directory: a full disk (Node's
 * ENOSPC, or DuckDB's "No space left on device") becomes one StoreError naming the
 * directory and what to do; anything else is returned as it is.
 */
export function describeWriteFailure(err: unknown, dataDir: string): unknown {
  if (err instanceof LogscopeError || !isDiskFull(err)) return err;
  return new StoreError(`ENOSPC: disk full at ${dataDir}: the batch being written was not stored (the store is as it was before it); free space there, or use a --data directory on a larger disk, and run the ingest again`, { cause: err });
}

function isDiskFull(err: unknown): boolean {
  if ((err as NodeJS.ErrnoException)?.code === 'ENOSPC') return true;
  return /No space left on device|\bENOSPC\b/i.test((err as Error)?.message ?? '');
}

/** A new batch id: sortable by time, unique. (`removeOrphans` knows its shape: keep BATCH_FILE in step.) */
export function createBatchId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
}

/** A batch's file name, `part-<batch id>.parquet`, with the id as `createBatchId` makes it. */
const BATCH_FILE = /^part-(\d{8}T\d{6}Z-[0-9a-f]{8})(?:-[0-9a-f]{16})?\.parquet$/;
const DAY_DIR = /^dt=\d{4}-\d{2}-\d{2}$/;

/**
 * Deletes the leftovers of batches and rewrites (compaction, forget, reingest) killed before
 * their commit: files named and placed as a batch's files are (`logs/dt=DAY/part-ID.parquet`,
 * `unparsed/part-ID.parquet`) that the catalog neither lists nor keeps as retired. Anything
 * else under logs/ and unparsed/ may be the user's and is left alone.
 */
async function removeOrphans(dataDir: string): Promise<{ removed: number; retired: number }> {
  // Retired files are unlisted but may still be read: sweepRetired deletes them when they no longer are.
  const { listed, retired } = await withCatalog(dataDir, async (conn) => {
    const files = await listFiles(conn);
    const retired = await listRetired(conn);
    const rollups = (await conn.runAndReadAll('SELECT path FROM _logscope.rollup_files')).getRows().map((r) => String(r[0]));
    return { listed: new Set([...files.logs, ...files.unparsed, ...retired, ...rollups].map((p) => path.resolve(dataDir, p))), retired: retired.length };
  });
  const dayDirs = (dir: string) => listEntries(dir).filter((e) => e.isDirectory() && DAY_DIR.test(e.name)).map((e) => path.join(dir, e.name));
  const dirs = [...dayDirs(path.join(dataDir, 'logs')), path.join(dataDir, 'unparsed'), ...dayDirs(path.join(dataDir, 'rollup'))];
  let removed = 0;
  for (const dir of dirs) {
    for (const entry of listEntries(dir)) {
      const id = entry.isFile() ? BATCH_FILE.exec(entry.name)?.[1] : undefined;
      const full = path.join(dir, entry.name);
      if (id === undefined || listed.has(full)) continue;
      fs.rmSync(full, { force: true });
      removed++;
    }
  }
  return { removed, retired };
}

function listEntries(dir: string): fs.Dirent[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [];
}

/**
 * Makes sure dir is ours to write, and marks it: a missing or empty directory is created
 * and marked; a store of an earlier logscope (a catalog with our schema, no marker) is
 * marked; a directory holding files we did not write is refused, and left as it is.
 */
async function claimDataDir(dir: string): Promise<void> {
  const kind = inspectDataDir(dir);
  if (kind === 'marked') return;
  if (kind === 'foreign' || (kind === 'unmarked-catalog' && !(await hasCatalogSchema(path.join(dir, CATALOG_FILE))))) throw refuseForeignDir(dir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new StoreError(`cannot create data directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  writeMarker(dir);
}

/** Whether a DuckDB file holds the `_logscope` schema (read-only: it may be a stranger's database). */
async function hasCatalogSchema(file: string): Promise<boolean> {
  let instance: DuckDBInstance;
  try {
    instance = await openDatabaseFile(file, { access_mode: 'READ_ONLY' });
  } catch (err) {
    if (/not a valid DuckDB database/i.test((err as Error).message)) return false;
    throw err;
  }
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = '_logscope'");
      return Number(reader.getRows()[0][0]) > 0;
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
