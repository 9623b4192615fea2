import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabaseFile } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

describe('opening a DuckDB file', () => {
  it('waits for a file another process is creating (no header yet) instead of calling it no database', async () => {
    const file = path.join(tmpDir(), 'alerts.duckdb');
    // What a second process finds while the first creates the file: the file, still empty. Once
    // it is gone the retry creates the database itself (the creator, here, gave up on it).
    fs.writeFileSync(file, '');
    const creator = setTimeout(() => fs.rmSync(file), 300);
    try {
      const db = await openDatabaseFile(file, {});
      const conn = await db.connect();
      expect((await conn.runAndReadAll('SELECT 42 AS x')).getRowObjects()).toEqual([{ x: 42 }]);
      conn.closeSync();
      db.closeSync();
    } finally {
      clearTimeout(creator);
    }
  });

  it('reports a file that stays without a database header as no database, within seconds', async () => {
    const file = path.join(tmpDir(), 'notes.duckdb');
    fs.writeFileSync(file, 'not a database\n');
    const started = Date.now();
    await expect(openDatabaseFile(file, {})).rejects.toThrow(/cannot open .*notes\.duckdb: .*not a valid DuckDB database file/);
    expect(Date.now() - started).toBeLessThan(5000);
    // Nothing was written over it.
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database\n');
  });
});
