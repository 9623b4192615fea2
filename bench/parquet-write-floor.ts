/**
 * The "Parquet write floor" of `bench/ingest.ts`: how fast DuckDB alone writes the rows a
 * logscope ingest stored, with every column already parsed and in memory. No ingest that
 * writes these columns as zstd Parquet through DuckDB can be faster than this on the same
 * cores, whatever its parser costs: it is the ceiling the ingest's throughput target is
 * judged against.
 *
 * Usage: `node dist/bench/parquet-write-floor.js DATA_DIR OUTDIR`
 *
 * Untimed: reads every Parquet file under DATA_DIR/logs into an in-memory table (the same
 * columns and day key as the store). Timed: one COPY of that table to OUTDIR as zstd Parquet,
 * one file per UTC day, with the settings the ingest's writer uses. Prints one JSON line:
 * `{"rows", "loadMs", "copyMs", "outputBytes"}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteOptions } from '../src/store/store.js';

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
      const copying = process.hrtime.bigint();
      // One COPY per day, as the ingest's writer does (the table is in day order: each reads only its day's row groups).
      for (const day of days) {
        await conn.run(`COPY (SELECT * FROM rows WHERE ts >= $day::TIMESTAMPTZ AND ts < $day::TIMESTAMPTZ + INTERVAL 1 DAY) TO $out (${parquetWriteOptions()})`, {
          day,
          out: path.join(outDir, `dt=${day}.parquet`),
        });
      }
      const copyMs = Number(process.hrtime.bigint() - copying) / 1e6;
      let outputBytes = 0;
      for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) outputBytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
      }
      process.stdout.write(`${JSON.stringify({ rows, loadMs, copyMs, outputBytes })}\n`);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
    fs.rmSync(`${outDir}.spill`, { recursive: true, force: true });
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
