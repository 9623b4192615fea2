import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type AlertRule } from '../../src/config/index.js';
import { generateLogs, type GenerateTruth } from '../../src/generate/index.js';
import { ingest } from '../../src/ingest/index.js';
import { openStoreReader, type StoreReader } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

/** A store of generated logs, open for reading, and what was injected into them. */
export interface GeneratedStore {
  dataDir: string;
  reader: StoreReader;
  truth: GenerateTruth;
  /** The lines of a message shape the generator never writes, appended at `novelAt`. */
  novelAt?: number;
}

/** A message the generator never writes: a new log pattern once mined. */
export const NOVEL_MESSAGE = 'ledger checksum mismatch in shard 7 of 12 (replica lagging)';

/**
 * Generates syslog lines with `logscope generate`'s generator (its injected anomalies listed in
 * the truth), optionally appends `novel` lines of NOVEL_MESSAGE at ERROR from `novelAt` on
 * (one a second), and ingests them, templates mined, into a fresh data directory.
 */
export async function generatedStore(options: { lines: number; start: string; days: number; seed: number; novelAt?: number; novel?: number }): Promise<GeneratedStore> {
  const dir = tmpDir('logscope-alerts-');
  const out = path.join(dir, 'fleet.log');
  const truth = await generateLogs({ lines: options.lines, format: 'syslog', out, seed: options.seed, start: options.start, days: options.days });
  if (options.novelAt !== undefined) {
    const extra = Array.from({ length: options.novel ?? 8 }, (_, i) => `${new Date(options.novelAt! + i * 1000).toISOString()} web-02 billing[4242]: ERROR ${NOVEL_MESSAGE.replace('7', String(i + 1))}\n`);
    fs.appendFileSync(out, extra.join(''));
  }
  const dataDir = path.join(dir, 'data');
  await ingest({ inputs: [out], dataDir, format: { name: 'syslog', options: {} }, timezone: 'UTC', workers: 1, mining: loadConfig({}).mining });
  return { dataDir, reader: await openStoreReader(dataDir), truth, novelAt: options.novelAt };
}

/** A rule as the config file would give it, defaults filled in. */
export function ruleOf(rule: Record<string, unknown>): AlertRule {
  const [loaded] = loadConfig({ alerts: { rules: [{ name: 'r', schedule: '*/5 * * * *', recipients: ['oncall@example.com'], ...rule }] } }).alerts.rules;
  return loaded;
}

/**
 * A steady log: every minute from `start` for `minutes`, each of three services on two hosts
 * writes the same few message shapes at the same rate, and one error every ten minutes. Nothing
 * in it is unusual once its first minutes have passed.
 */
export async function steadyStore(options: { start: string; minutes: number }): Promise<{ dataDir: string; reader: StoreReader; end: number }> {
  const dir = tmpDir('logscope-alerts-steady-');
  const file = path.join(dir, 'steady.jsonl');
  const start = Date.parse(options.start);
  const lines: string[] = [];
  for (let m = 0; m < options.minutes; m++) {
    for (const [s, service] of ['api', 'web', 'db'].entries()) {
      for (const [h, host] of ['web-1', 'web-2'].entries()) {
        for (let i = 0; i < 5; i++) {
          const ts = new Date(start + m * 60_000 + (s * 10 + h * 5 + i) * 1000).toISOString();
          const msg = i % 2 === 0 ? `request ${m * 100 + i} served in ${10 + ((m + i) % 7)} ms` : `cache hit ratio ${(0.9 + (i % 3) / 100).toFixed(2)} for shard ${i}`;
          lines.push(JSON.stringify({ ts, level: 'INFO', service, host, msg }));
        }
      }
    }
    if (m % 10 === 5) lines.push(JSON.stringify({ ts: new Date(start + m * 60_000 + 30_000).toISOString(), level: 'ERROR', service: 'api', host: 'web-1', msg: `connection reset by peer 10.0.0.${m % 250}` }));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const dataDir = path.join(dir, 'data');
  await ingest({ inputs: [file], dataDir, format: { name: 'json', options: {} }, timezone: 'UTC', workers: 1, mining: loadConfig({}).mining });
  return { dataDir, reader: await openStoreReader(dataDir), end: start + options.minutes * 60_000 };
}
