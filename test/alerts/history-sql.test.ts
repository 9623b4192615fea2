import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listHistory } from '../../src/alerts/history.js';
import { Outbox } from '../../src/alerts/outbox.js';
import { ingest } from '../../src/ingest/index.js';
import { prepareReadOnly, streamPrepared } from '../../src/query/index.js';
import { openStoreReader } from '../../src/store/index.js';
import { acquireWriterLock } from '../../src/store/lock.js';
import { runCliHere, tmpDir } from '../helpers.js';
import { anomalyFiring } from './firings.js';

let data: string;

beforeAll(async () => {
  const dir = tmpDir('logscope-alert-history-');
  const log = path.join(dir, 'app.log');
  let s = '';
  for (let i = 1; i <= 20; i++) s += `2026-12-03T10:00:${String(i).padStart(2, '0')}Z web-1 api[7]: ${i % 5 === 0 ? 'ERROR' : 'INFO'} request ${i}\n`;
  fs.writeFileSync(log, s);
  data = path.join(dir, 'data');
  await ingest({ inputs: [log], dataDir: data, format: { name: 'syslog', options: {} }, workers: 1 });
});

async function sqlJson(query: string): Promise<{ status: number; rows: Record<string, unknown>[]; stderr: string }> {
  const r = await runCliHere(['sql', '--format', 'json', '--data', data, query]);
  return { status: r.status, rows: r.status === 0 ? (JSON.parse(r.stdout) as Record<string, unknown>[]) : [], stderr: r.stderr };
}

describe('alert history in logscope sql', () => {
  it('is an empty alert_history view before any alert fired, with the columns and types of the outbox\'s view', async () => {
    const r = await sqlJson('SELECT count(*) AS n FROM alert_history');
    expect(r.stderr).toBe('');
    expect(r.rows).toEqual([{ n: 0 }]);
    const describe = async (dir: string) => {
      const reader = await openStoreReader(dir);
      try {
        return (await reader.connection.runAndReadAll('DESCRIBE alert_history')).getRows().map((row) => `${row[0]} ${row[1]}`);
      } finally {
        reader.close();
      }
    };
    const empty = await describe(data);
    const other = path.join(tmpDir(), 'data');
    fs.cpSync(data, other, { recursive: true }); // the store as it is, with an outbox of its own
    await (await Outbox.open(other)).enqueue([anomalyFiring()]);
    expect(await describe(other)).toEqual(empty);
    expect(empty).toEqual(expect.arrayContaining(['rule VARCHAR', 'fired_at TIMESTAMP WITH TIME ZONE', 'status VARCHAR', 'attempts INTEGER', 'message_id VARCHAR', 'last_error VARCHAR']));
  });

  it('lists each firing with its rule, series, numbers and delivery status, and the same rows as listHistory', async () => {
    // The outbox is written while an ingest holds the store's writer lock: it never takes that lock.
    const release = await acquireWriterLock(data);
    try {
      const outbox = await Outbox.open(data);
      await outbox.enqueue([anomalyFiring(), anomalyFiring({ key: 'api-errors|service=web|x', series: 'service=web', observed: 50, z: 4.5 })]);
    } finally {
      release();
    }
    const r = await sqlJson('SELECT rule, series, observed, expected, z, status, attempts, message_id, sent_at FROM alert_history ORDER BY series');
    expect(r.stderr).toBe('');
    expect(r.rows).toEqual([
      { rule: 'api-errors', series: 'service=api', observed: 193, expected: 12, z: 14.2, status: 'pending', attempts: 0, message_id: null, sent_at: null },
      { rule: 'api-errors', series: 'service=web', observed: 50, expected: 12, z: 4.5, status: 'pending', attempts: 0, message_id: null, sent_at: null },
    ]);
    const listed = await listHistory(data, { status: 'unsent' });
    expect(listed.map((h) => h.series).sort()).toEqual(['service=api', 'service=web']);
    expect(await listHistory(data, { status: 'sent' })).toEqual([]);
  });

  it('keeps the sandbox sealed: the outbox file itself cannot be read or attached', async () => {
    const file = path.join(data, 'alerts.duckdb');
    const reader = await openStoreReader(data);
    try {
      for (const q of [`SELECT * FROM read_blob('${file}')`, `SELECT * FROM read_text('${file}')`, `ATTACH '${file}' AS x`]) {
        const run = async () => {
          for (const prepared of await prepareReadOnly(reader.connection, q)) await (await streamPrepared(prepared)).fetchChunk();
        };
        await expect(run(), q).rejects.toThrow(/Permission Error|refused|not allowed|read-only/i);
      }
      expect((await reader.connection.runAndReadAll('SELECT count(*) FROM alert_history')).getRows()[0][0]).toBe(2n);
    } finally {
      reader.close();
    }
  });
});
