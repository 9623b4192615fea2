import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertRedisUrl, countFileLines, countLines, describeRedisUrl } from '../../src/cluster/index.js';
import { tmpDir } from '../helpers.js';

describe('cluster: Redis URLs', () => {
  it('masks the password of a Redis URL wherever it is shown', () => {
    expect(describeRedisUrl('redis://:s3cret-pw@db.example:6380/2')).toBe('redis://:***@db.example:6380/2');
    expect(describeRedisUrl('rediss://app:s3cret-pw@db.example')).toBe('rediss://app:***@db.example');
    expect(describeRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('rejects what is not a Redis URL, saying what to write and never the password', () => {
    expect(() => assertRedisUrl('http://:s3cret-pw@db:6379')).toThrow(/not a Redis URL; write redis:\/\/\[:PASSWORD@\]HOST/);
    expect(() => assertRedisUrl('http://:s3cret-pw@db:6379')).not.toThrow(/s3cret-pw/);
    expect(() => assertRedisUrl('db:6379')).toThrow(/not a Redis URL/);
    expect(assertRedisUrl('redis://db:6379')).toBe('redis://db:6379');
  });
});

describe('cluster: line counts the coordinator numbers rows with', () => {
  it('counts lines as the parser does: newlines, and a last line without one', () => {
    expect(countLines(Buffer.from(''))).toBe(0);
    expect(countLines(Buffer.from('a\nb\n'))).toBe(2);
    expect(countLines(Buffer.from('a\n\r\nb'))).toBe(3);
    const file = path.join(tmpDir(), 'lines.log');
    // Over one 1 MiB block, a range that starts and ends mid-file.
    const text = Array.from({ length: 50_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`).join('\n');
    fs.writeFileSync(file, text);
    const size = fs.statSync(file).size;
    expect(countFileLines(file, 0, size)).toBe(50_000);
    const start = text.indexOf('line 1000 ');
    const end = text.indexOf('line 40000 ');
    expect(countFileLines(file, start, end)).toBe(39_000);
  });
});
