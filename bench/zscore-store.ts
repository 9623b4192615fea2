/**
 * Z-scores over an ingested store, timed in-process: opens the store with `openStoreReader`
 * and runs `detectAnomalies` (what `logscope anomalies --data DIR` runs) CALLS times in a row.
 * The first call is the one a fresh `logscope anomalies` process makes; the later ones have
 * DuckDB's caches warm.
 *
 * Usage: `node dist/bench/zscore-store.js DATA_DIR auto|trailing CALLS`
 *   auto: the default settings (seasonal where a previous day exists, else trailing);
 *   trailing: `--baseline trailing`.
 *
 * Prints one JSON line: `{"baseline", "openMs", "callsMs": [...], "records", "flagged":
 * {"errors", "volume"}}`; records (rows of the `logs` view) is counted after the timed calls.
 */
import { detectAnomalies, type DetectResult } from '../src/detect/index.js';
import { openStoreReader } from '../src/store/index.js';

async function timeZscores(dataDir: string, baseline: 'auto' | 'trailing', calls: number): Promise<void> {
  const opening = process.hrtime.bigint();
  const reader = await openStoreReader(dataDir);
  try {
    const openMs = Number(process.hrtime.bigint() - opening) / 1e6;
    const callsMs: number[] = [];
    let result: DetectResult | undefined;
    for (let i = 0; i < calls; i++) {
      const started = process.hrtime.bigint();
      result = await detectAnomalies(reader.connection, baseline === 'trailing' ? { baseline: 'trailing' } : {});
      callsMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const records = Number((await reader.connection.runAndReadAll('SELECT count(*) FROM logs')).getRows()[0][0]);
    const flagged = { errors: 0, volume: 0 };
    for (const a of result?.anomalies ?? []) {
      if (a.measure === 'errors' || a.measure === 'volume') flagged[a.measure]++;
    }
    process.stdout.write(`${JSON.stringify({ baseline, openMs, callsMs, records, flagged })}\n`);
  } finally {
    reader.close();
  }
}

const [dataDir, baseline, callsText] = process.argv.slice(2);
const calls = Number(callsText);
if (dataDir === undefined || (baseline !== 'auto' && baseline !== 'trailing') || !Number.isSafeInteger(calls) || calls < 1) {
  process.stderr.write('usage: node dist/bench/zscore-store.js DATA_DIR auto|trailing CALLS\n');
  process.exit(64);
}
timeZscores(dataDir, baseline, calls).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
