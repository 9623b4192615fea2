import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { generateLogs } from '../../src/generate/index.js';
import { ingest } from '../../src/ingest/index.js';
import { tmpDir } from '../helpers.js';

/** The attacker-controlled line the XSS tests look for, and a service name that is markup too. */
export const XSS_MESSAGE = '<script>alert(1)</script> payment failed';
export const XSS_SERVICE = '<img src=x onerror=alert(2)>';

/** The generated logs start here (the generator's default) and span two days. */
export const DATA_START = Date.parse('2026-11-18T00:00:00Z');
export const DATA_DAYS = 1;
/** When the hostile JSON lines (and their template) first appear. */
export const HOSTILE_AT = DATA_START + 18 * 3600_000;

/**
 * A small store made the way users make one: `generate` (syslog, 20,000 lines over a day, with
 * injected error bursts, drops and ramps) and a few JSON lines carrying markup in their
 * message and service, ingested in-process with template mining. One per test file.
 */
export async function makeStore(lines = 20_000): Promise<{ dataDir: string; dir: string }> {
  const dir = tmpDir('logscope-serve-');
  const log = path.join(dir, 'app.log');
  await generateLogs({ lines, format: 'syslog', out: log, seed: 7, days: DATA_DAYS });
  const hostile = path.join(dir, 'hostile.jsonl');
  const at = (m: number) => new Date(HOSTILE_AT + m * 60_000).toISOString();
  fs.writeFileSync(
    hostile,
    [0, 1, 2, 3, 4, 5].map((m) => JSON.stringify({ ts: at(m), level: 'error', service: XSS_SERVICE, host: 'web-x', msg: XSS_MESSAGE })).join('\n') + '\n',
  );
  const dataDir = path.join(dir, 'data');
  const mining = loadConfig({}).mining;
  await ingest({ inputs: [log], dataDir, format: { name: 'syslog', options: {} }, timezone: 'UTC', mining, workers: 1 });
  await ingest({ inputs: [hostile], dataDir, format: { name: 'json', options: {} }, timezone: 'UTC', mining, workers: 1 });
  return { dataDir, dir };
}
