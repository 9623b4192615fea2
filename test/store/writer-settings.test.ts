import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreWriter } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

describe("the store writer's DuckDB", () => {
  it('keeps no cache of the files it reads: staged files are read once (a log over 3,000 days held 600 MB with the cache, 390 without)', async () => {
    const writer = await StoreWriter.open(path.join(tmpDir(), 'data'));
    try {
      const setting = await writer.maintain(async (conn) => (await conn.runAndReadAll("SELECT current_setting('enable_external_file_cache')")).getRows()[0][0]);
      expect(setting).toBe(false);
    } finally {
      await writer.close();
    }
  });
});
