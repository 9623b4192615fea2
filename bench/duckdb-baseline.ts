/**
 * The "DuckDB alone" baseline of `bench/ingest.ts`: the ISO-syslog parse done in
 * SQL, written as zstd Parquet partitioned by UTC day, with no logscope code involved.
 *
 * Usage: `node dist/bench/duckdb-baseline.js FILE OUTDIR`
 *
 * OUTDIR must not exist yet. Spill files go to `OUTDIR.spill`, removed on exit.
 * Prints one JSON line: `{"rows": <rows whose ts parsed>, "elapsedMs": ...}`.
 */
import fs from 'node:fs';
import { DuckDBInstance } from '../src/duckdb.js';

/**
 * The ISO form of rsyslog/syslog-ng, `2026-11-25T10:00:00.123Z web-03 nginx[1234]: ERROR msg`.
 * RE2 has no named groups here: the names are the list given to regexp_extract, in order.
 */
const SYSLOG_ISO_PATTERN = String.raw`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) +(\S+) ([^\s:\[]+)(?:\[([^\]]*)\])?: ?(?:(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL) +)?(.*)$`;

// One VARCHAR column per line: the delimiter is a byte the generator never writes,
// and quoting is off so a stray '"' cannot join lines.
const COPY_SQL = `
COPY (
  SELECT *, CAST(timezone('UTC', ts) AS DATE) AS dt
  FROM (
    SELECT try_cast(f.ts AS TIMESTAMPTZ) AS ts,
           f.host,
           f.service,
           try_cast(f.pid AS BIGINT) AS pid,
           nullif(f.level, '') AS level,
           f.message
    FROM (
      SELECT regexp_extract(line, $pattern, ['ts', 'host', 'service', 'pid', 'level', 'message']) AS f
      FROM read_csv($file, columns = {'line': 'VARCHAR'}, delim = $delim, quote = $none, escape = $none,
                    header = false, auto_detect = false)
    )
  )
  WHERE ts IS NOT NULL
) TO $out (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt))`;

async function runBaseline(file: string, outDir: string): Promise<void> {
  if (fs.existsSync(outDir)) throw new Error(`duckdb-baseline: ${outDir} already exists; give a path that does not`);
  const spillDir = `${outDir}.spill`;
  const started = process.hrtime.bigint();
  // An in-memory database spills to ./.tmp by default, which would land in the repo.
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: spillDir });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(COPY_SQL, { file, out: outDir, pattern: SYSLOG_ISO_PATTERN, delim: '\x01', none: '' });
      const rows = Number(reader.getRows()[0][0]);
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      process.stdout.write(`${JSON.stringify({ rows, elapsedMs })}\n`);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
    fs.rmSync(spillDir, { recursive: true, force: true });
  }
}

const [file, outDir] = process.argv.slice(2);
if (file === undefined || outDir === undefined) {
  process.stderr.write('usage: node dist/bench/duckdb-baseline.js FILE OUTDIR\n');
  process.exit(64);
}
runBaseline(file, outDir).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
