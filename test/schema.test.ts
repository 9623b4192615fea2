import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../src/ingest/index.js';
import { LOG_COLUMNS, LogRecordSchema } from '../src/parse/index.js';
import { query, REPO, tmpDir } from './helpers.js';

const jsonSchema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'log_schema.json'), 'utf8')) as { properties: Record<string, { type: string | string[] }>; required: string[] };

describe('record schema', () => {
  it('has the same fields in log_schema.json, the zod schema and the stored columns', async () => {
    const jsonFields = Object.keys(jsonSchema.properties).sort();
    expect(Object.keys(LogRecordSchema.shape).sort()).toEqual(jsonFields);
    expect(Object.keys(LOG_COLUMNS).sort()).toEqual(jsonFields);
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.log'), '2026-11-25T10:00:00Z h app[1]: INFO hi\n');
    const data = path.join(dir, 'data');
    await ingest({ inputs: [path.join(dir, 'a.log')], dataDir: data, format: { name: 'syslog', options: {} } });
    const described = await query(data, 'DESCRIBE logs');
    const stored = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
    expect(stored).toEqual({ ...LOG_COLUMNS, ts: 'TIMESTAMP WITH TIME ZONE', dt: 'DATE' });
  });

  it('validates a stored row, as JSON, against the zod schema', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.json'), '{"ts":"2026-11-25T10:00:00Z","level":"warn","msg":"hi","host":"h","pid":3,"k":{"x":1}}\n');
    const data = path.join(dir, 'data');
    await ingest({ inputs: [path.join(dir, 'a.json')], dataDir: data, format: { name: 'json', options: {} } });
    const [row] = await query(data, `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ') AS ts, host, service, pid::INT AS pid, level, level_raw, message, attrs, source, line::INT AS line, format FROM logs`);
    const parsed = LogRecordSchema.parse({ ...row, attrs: JSON.parse(row.attrs as string) });
    expect(parsed).toMatchObject({ level: 'WARN', level_raw: 'warn', message: 'hi', attrs: { k: { x: 1 } }, line: 1, format: 'json', pid: 3 });
  });
});
