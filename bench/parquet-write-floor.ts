/**
 * The write floors of `bench/ingest.ts`: what DuckDB alone costs to write the rows a logscope
 * ingest stored, with every column already parsed. No ingest that writes these columns as zstd
 * Parquet through DuckDB can be faster than the first on the same cores, whatever its parser
 * costs; the second is DuckDB's share of an ingest as logscope hands rows over, so that what is
 * left of an ingest's CPU is logscope's own; the third is the hand-off it replaced.
 *
 * Usage: `node dist/bench/parquet-write-floor.js DATA_DIR OUTDIR`
 *
 * Untimed: reads every Parquet file under DATA_DIR/logs into an in-memory table (the same
 * columns and day key as the store), and writes its rows in pieces of a chunk's size as the
 * parse workers stage them: plain uncompressed Parquet of the staged columns
 * (`src/parse/staging-parquet.ts`; written here by DuckDB, one row group a file), and, for
 * comparison, the staging CSV that was the hand-off before it. Timed, wall and CPU (user + sys
 * of this process, every thread):
 * - `copy`: one COPY of the table to OUTDIR as zstd Parquet, one file per UTC day, with the
 *   settings the ingest's writer uses;
 * - `staged`: the ingest's commit work on the staged files, `writeChunksParquet` of `src/store`
 *   (read the pieces, write zstd Parquet);
 * - `rollup`: `writeRollupFile` of each file `staged` wrote (the counts per minute the commit adds);
 * - `csv`: the same COPY from the staging CSV pieces, as the commit did before.
 * Prints one JSON line: `{"rows", "loadMs", "copyMs", "copyCpuMs", "stagedMs", "stagedCpuMs",
 * "rollupMs", "rollupCpuMs", "csvMs", "csvCpuMs", "outputBytes"}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, listValue } from '../src/duckdb.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { STAGING_CSV_OPTIONS } from '../src/parse/index.js';
import { STAGED_COLUMNS } from '../src/parse/staging-parquet.js';
import { parquetWriteOptions, readCsvArgs, writeChunksParquet, type StagedChunk } from '../src/store/store.js';
import { writeRollupFile } from '../src/store/rollup.js';

/** Rows of a staged piece: about what an 8 MiB chunk of 124-byte lines holds. */
const PIECE_ROWS = 65_536;

/** Wall and CPU milliseconds (this process, all threads) of fn. */
async function timed(fn: () => Promise<void>): Promise<{ ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  await fn();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 };
}

/** The staged columns (STAGED_COLUMNS, in order) selected from the table, lines relative to base 0. */
const STAGED_SELECT = STAGED_COLUMNS.map(({ name: c }) => (c === 'us' ? 'epoch_us(ts) AS us' : c === 'rel_line' ? 'line AS rel_line' : c === 'attrs' ? 'attrs::VARCHAR AS attrs' : c)).join(', ');

/** Writes the table's rows in pieces, each a chunk of one source, format and day: as staged Parquet (the chunks' files) and as staging CSV. */
async function stage(conn: DuckDBConnection, dir: string): Promise<{ chunks: StagedChunk[]; csv: Map<string, string> }> {
  fs.mkdirSync(dir, { recursive: true });
  await conn.run(
    `CREATE TEMP TABLE pieces AS SELECT source::VARCHAR AS source, format::VARCHAR AS format, strftime(ts, '%Y-%m-%d') AS day,
       (row_number() OVER (PARTITION BY source, format, strftime(ts, '%Y-%m-%d') ORDER BY line) - 1) // ${PIECE_ROWS} AS piece, count(*) OVER () AS n, *
     FROM rows`,
  );
  const list = (await conn.runAndReadAll('SELECT source, format, day, piece, count(*), epoch_us(min(ts)), epoch_us(max(ts)) FROM pieces GROUP BY ALL ORDER BY ALL')).getRows();
  const chunks: StagedChunk[] = [];
  const csv = new Map<string, string>();
  for (const [k, [source, format, day, piece, rows, minUs, maxUs]] of list.entries()) {
    const where = 'source = $source AND format = $format AND day = $day AND piece = $piece';
    const params = { source: String(source), format: String(format), day: String(day), piece: Number(piece) };
    const file = path.join(dir, `c${k}-${String(day)}.parquet`);
    await conn.run(`COPY (SELECT ${STAGED_SELECT} FROM pieces WHERE ${where}) TO $out (FORMAT parquet, COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 1, ROW_GROUP_SIZE ${PIECE_ROWS})`, {
      ...params,
      out: file,
    });
    const text = path.join(dir, `c${k}-${String(day)}.csv`);
    await conn.run(`COPY (SELECT ${STAGED_SELECT} FROM pieces WHERE ${where}) TO $out (FORMAT csv, HEADER false, DELIMITER $delim, QUOTE $quote, ESCAPE $escape)`, {
      ...params,
      out: text,
      ...STAGING_CSV_OPTIONS,
    });
    csv.set(file, text);
    chunks.push({ source: params.source, format: params.format, base: 0, dayFiles: [{ day: params.day, path: file, rows: Number(rows), minUs: Number(minUs), maxUs: Number(maxUs) }], unparsedRows: 0 });
  }
  return { chunks, csv };
}

/** The commit's COPY as it was when the pieces were staging CSV: one per day, source and format joined by file name. */
async function copyFromCsv(conn: DuckDBConnection, chunks: StagedChunk[], csv: Map<string, string>, outDir: string): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE csv_meta (file VARCHAR, source VARCHAR, format VARCHAR, base BIGINT)');
  const byDay = new Map<string, string[]>();
  for (const chunk of chunks) {
    for (const d of chunk.dayFiles) {
      const file = csv.get(d.path) as string;
      await conn.run('INSERT INTO csv_meta VALUES ($file, $source, $format, $base)', { file, source: chunk.source, format: chunk.format, base: chunk.base });
      byDay.set(d.day, [...(byDay.get(d.day) ?? []), file]);
    }
  }
  const columns = Object.fromEntries(STAGED_COLUMNS.map((c) => [c.name, c.kind === 'int' ? 'BIGINT' : 'VARCHAR']));
  for (const [day, files] of byDay) {
    await conn.run(
      `COPY (SELECT make_timestamptz(r.us) AS ts, r.host, r.service, r.pid, r.level, r.level_raw, r.message, r.attrs::JSON AS attrs, m.source, r.rel_line + m.base AS line, m.format, r.signature
             FROM read_csv($files, ${readCsvArgs(columns)}) r
             JOIN csv_meta m ON r.filename = m.file)
       TO $out (${parquetWriteOptions()})`,
      { files: listValue(files), out: path.join(outDir, `logs-${day}.parquet`), ...STAGING_CSV_OPTIONS },
    );
  }
}

async function measureFloor(dataDir: string, outDir: string): Promise<void> {
  if (fs.existsSync(outDir)) throw new Error(`parquet-write-floor: ${outDir} already exists; give a path that does not`);
  const instance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'false', temp_directory: `${outDir}.spill` });
  try {
    const conn = await instance.connect();
    try {
      await conn.run(`SET TimeZone = 'UTC'`);
      const loading = process.hrtime.bigint();
      // Columns as the files hold them (hive_partitioning off: the day is not a column), in day order.
      await conn.run(`CREATE TABLE rows AS SELECT * FROM read_parquet($glob, hive_partitioning = false) ORDER BY ts`, { glob: path.join(dataDir, 'logs', '*', '*.parquet') });
      const days = (await conn.runAndReadAll(`SELECT DISTINCT strftime(ts, '%Y-%m-%d') FROM rows ORDER BY 1`)).getRows().map((r) => String(r[0]));
      fs.mkdirSync(outDir, { recursive: true });
      const loadMs = Number(process.hrtime.bigint() - loading) / 1e6;
      const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM rows')).getRows()[0][0]);
      // One COPY per day, as the ingest's writer does (the table is in day order: each reads only its day's row groups).
      const copy = await timed(async () => {
        for (const day of days) {
          await conn.run(`COPY (SELECT * FROM rows WHERE ts >= $day::TIMESTAMPTZ AND ts < $day::TIMESTAMPTZ + INTERVAL 1 DAY) TO $out (${parquetWriteOptions()})`, {
            day,
            out: path.join(outDir, `dt=${day}.parquet`),
          });
        }
      });
      let outputBytes = 0;
      for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) outputBytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
      }
      const staged = await stage(conn, `${outDir}.staged`);
      const stagedOut = `${outDir}.from-staged`;
      fs.mkdirSync(stagedOut);
      let written: Awaited<ReturnType<typeof writeChunksParquet>> = [];
      const fromStaged = await timed(async () => {
        written = await writeChunksParquet(conn, staged.chunks, stagedOut);
      });
      const rollup = await timed(async () => {
        for (const w of written) if (w.kind === 'logs') await writeRollupFile(conn, w.path, `${w.path}.rollup`);
      });
      const csvOut = `${outDir}.from-csv`;
      fs.mkdirSync(csvOut);
      const fromCsv = await timed(() => copyFromCsv(conn, staged.chunks, staged.csv, csvOut));
      process.stdout.write(
        `${JSON.stringify({ rows, loadMs, copyMs: copy.ms, copyCpuMs: copy.cpuMs, stagedMs: fromStaged.ms, stagedCpuMs: fromStaged.cpuMs, rollupMs: rollup.ms, rollupCpuMs: rollup.cpuMs, csvMs: fromCsv.ms, csvCpuMs: fromCsv.cpuMs, outputBytes })}\n`,
      );
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
    for (const dir of ['spill', 'staged', 'from-staged', 'from-csv']) fs.rmSync(`${outDir}.${dir}`, { recursive: true, force: true });
  }
}

const [dataDir, outDir] = process.argv.slice(2);
if (dataDir === undefined || outDir === undefined) {
  process.stderr.write('usage: node dist/bench/parquet-write-floor.js DATA_DIR OUTDIR\n');
  process.exit(64);
}
measureFloor(dataDir, outDir).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
