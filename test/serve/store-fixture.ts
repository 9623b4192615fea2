import fs from 'node:fs';
import path from 'node:path';
import { generateLogs } from '../../src/generate/index.js';
import { ingest } from '../../src/ingest/index.js';
import { loadConfig } from '../../src/config/index.js';

/**
 * The message of a log line an attacker controls: HTML and script that must render as text and
 * never run. It is stored from the line `ERROR <message>` (syslog takes the level word off).
 */
export const XSS_MESSAGE = `login failed for <script>window.__xss = 1; alert('xss')</script><img src=x onerror="window.__xss = 2"> & "quoted"`;

/** What {@link makeStore} built. */
export interface TestStore {
  dir: string;
  data: string;
  log: string;
  /** The XSS line's source file and line number. */
  xss: { source: string; line: number };
}

/**
 * One small store for a test file: `lines` generated syslog lines over `days` days (with the
 * generator's injected anomalies), ingested with template mining, plus a file holding one
 * hostile line ({@link XSS_MESSAGE}) at the end of the span. Small batches make many small Parquet
 * files, as a store grown by many ingests has: DuckDB reports a query's progress file by file.
 */
export async function makeStore(dir: string, lines = 20_000, days = 2): Promise<TestStore> {
  const log = path.join(dir, 'app.log');
  await generateLogs({ lines, format: 'syslog', out: log, days, start: '2026-11-18T00:00:00Z' });
  const hostile = path.join(dir, 'hostile.log');
  fs.writeFileSync(hostile, `2026-11-20T00:00:10.000Z web-9 auth[7]: INFO ok\n2026-11-20T00:00:30.000Z web-9 auth[7]: ERROR ${XSS_MESSAGE}\n`);
  const data = path.join(dir, 'data');
  await ingest({ inputs: [log, hostile], dataDir: data, format: { name: 'auto', options: {} }, workers: 2, timezone: 'UTC', chunkBytes: 64 << 10, batchBytes: 128 << 10, mining: loadConfig({}).mining });
  return { dir, data, log, xss: { source: hostile, line: 2 } };
}

/**
 * A query that runs for several seconds on the test store while DuckDB's progress moves. DuckDB
 * updates a query's progress when a task of its pipeline ends (about every 50 chunks of its
 * source), so on a store this small one pipeline goes from its start to its end in one step:
 * the UNION ALL makes eight pipelines, each a cross join of the store with a slice of it.
 */
export function longQuery(parts = 8): string {
  const part = (k: number) => `SELECT a.line FROM log_records a, (SELECT message FROM log_records WHERE line % 80 = ${k}) b WHERE hash(a.message || b.message) % 1000 = 7`;
  return `SELECT count(*) AS matches FROM (\n  ${Array.from({ length: parts }, (_, k) => part(k)).join('\n  UNION ALL ')}\n)`;
}
