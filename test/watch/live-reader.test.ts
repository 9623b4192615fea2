import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleHorizonMs } from '../../src/alerts/live.js';
import { loadConfig } from '../../src/config/index.js';
import { openStoreReader } from '../../src/store/index.js';
import { runCliHere, tmpDir } from '../helpers.js';

describe('the reader of live alert rules', () => {
  it('with since, reads only the files holding records from then on (and the batches since), the span still the whole store', async () => {
    const dir = tmpDir('logscope-live-reader-');
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'old.log'), '2020-01-01T10:00:00Z ERROR app: old one\n2020-01-01T10:00:01Z INFO app: old two\n');
    fs.writeFileSync(path.join(dir, 'new.log'), '2026-12-01T10:00:00Z ERROR app: new one\n');
    for (const f of ['old.log', 'new.log']) expect((await runCliHere(['ingest', path.join(dir, f), '--data', data, '--quiet'])).status).toBe(0);
    const count = async (since?: number) => {
      const reader = await openStoreReader(data, since === undefined ? {} : { since });
      try {
        const rows = (await reader.connection.runAndReadAll('SELECT (SELECT count(*) FROM logs), (SELECT count(*) FROM batches)')).getRows()[0].map(Number);
        return { logs: rows[0], batches: rows[1], span: reader.span };
      } finally {
        reader.close();
      }
    };
    const all = await count();
    expect(all.logs).toBe(3);
    const recent = await count(Date.parse('2026-01-01T00:00:00Z'));
    expect(recent.logs).toBe(1);
    expect(recent.span).toEqual(all.span);
    expect((await count(Date.now() + 86_400_000)).batches).toBe(0);
  });

  it('reads as far back as each kind of rule can look, and everything for sql rules', () => {
    const rules = loadConfig({
      alerts: {
        rules: [
          { name: 'rate', kind: 'error_rate', window: '15m', above: 0.1, schedule: '* * * * *', recipients: ['a@example.com'] },
          { name: 'q', kind: 'sql', query: 'SELECT 1 FROM logs LIMIT 0', schedule: '* * * * *', recipients: ['a@example.com'] },
        ],
      },
    }).alerts.rules;
    expect(ruleHorizonMs(rules[0])).toBe(86_400_000 + 2 * 15 * 60_000);
    expect(ruleHorizonMs(rules[1])).toBe(Infinity);
  });
});
