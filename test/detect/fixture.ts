import fs from 'node:fs';
import path from 'node:path';
import { ingest } from '../../src/ingest/index.js';
import { openStoreReader, type StoreReader } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

/** One JSON line per record; `extra` goes into the record as more fields (attrs). */
export interface FixtureRecord {
  ts: string;
  level: string;
  service?: string;
  host?: string;
  msg?: string;
  extra?: Record<string, unknown>;
}

/** A deterministic noise in [-1, 1] at point `i`, one sequence per `salt` (no Math.random: the same series every run). */
export function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Where the bursts of `inBurst` fall: `perDay` a day, `every` points apart, each moved on by (day × dayStep + k × kStep) mod `jitter`. */
export interface Bursts {
  perDay: number;
  every: number;
  dayStep: number;
  kStep: number;
  jitter: number;
}

/**
 * Whether point `i` of a series of `pointsPerDay` points a day is in a burst: one or two points
 * (every other burst lasts two), at times that move from day to day, so that a seasonal
 * baseline does not learn them.
 */
export function inBurst(i: number, pointsPerDay: number, b: Bursts): boolean {
  const day = Math.floor(i / pointsPerDay);
  for (let k = 0; k < b.perDay; k++) {
    const at = day * pointsPerDay + k * b.every + ((day * b.dayStep + k * b.kStep) % b.jitter);
    if (i === at || (i === at + 1 && k % 2 === 0)) return true;
  }
  return false;
}

/** A series `service` of `points` 5-minute readings (7 s into each bucket), point i's value `valueAt(i)`, rounded to cents. */
export function readings(service: string, points: number, valueAt: (i: number) => number): FixtureRecord[] {
  const records: FixtureRecord[] = [];
  for (let i = 0; i < points; i++) records.push({ ts: minute(i * 5, 7), level: 'INFO', service, msg: 'reading', extra: { value: Math.round(valueAt(i) * 100) / 100 } });
  return records;
}

/** Minute `m` after 2026-11-20T00:00Z, plus `s` seconds, as ISO. */
export function minute(m: number, s = 0): string {
  return new Date(Date.UTC(2026, 10, 20) + m * 60_000 + s * 1000).toISOString();
}

/**
 * Ingests the records as a JSON-lines file into a fresh store and opens it for reading.
 * The caller closes the reader.
 */
export async function storeOf(records: readonly FixtureRecord[]): Promise<{ reader: StoreReader; dataDir: string }> {
  const dir = tmpDir('logscope-detect-');
  const file = path.join(dir, 'app.jsonl');
  fs.writeFileSync(
    file,
    records
      .map((r) => JSON.stringify({ ts: r.ts, level: r.level, service: r.service ?? 'api', host: r.host ?? 'web-1', msg: r.msg ?? `${r.level.toLowerCase()} event`, ...r.extra }))
      .join('\n') + '\n',
  );
  const dataDir = path.join(dir, 'data');
  await ingest({ inputs: [file], dataDir, format: { name: 'json', options: {} } });
  return { reader: await openStoreReader(dataDir), dataDir };
}

/** `count` records of one level spread over the given minute. */
export function recordsIn(m: number, count: number, level: string, fields: Partial<FixtureRecord> = {}): FixtureRecord[] {
  return Array.from({ length: count }, (_, i) => ({ ts: minute(m, Math.floor((i * 59) / Math.max(count, 1))), level, ...fields }));
}

/** Minute `m` as every output (table, csv, json) prints a timestamp: `2026-11-20T00:05:00.000Z`. */
export function jsonMinute(m: number): string {
  return minute(m);
}
