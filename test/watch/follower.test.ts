import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkHeaders } from '../../src/ingest/chunk-header.js';
import { Follower, type FollowReadOptions } from '../../src/ingest/watch/follower.js';
import { continuationOf, loadFormats } from '../../src/parse/index.js';
import type { SourceEntry } from '../../src/store/index.js';
import { tmpDir } from '../helpers.js';

const format = { name: 'python', options: {} };

async function openFollower(file: string, clock: { t: number }): Promise<Follower> {
  const handle = await fs.promises.open(file, 'r');
  const st = await handle.stat();
  const entry: SourceEntry = {
    sourceId: 'x', path: file, fingerprint: '', fpLen: 0, compressed: false, size: 0, offset: 0, lines: 0, format: 'python',
    counts: { parsed: 0, unparsed: 0, blank: 0, joined: 0 }, tailHash: '', tailLen: 0, fileId: `${st.dev}:${st.ino}`,
  };
  return new Follower(file, file, entry.fileId, handle, entry, format, await ChunkHeaders.start(format, undefined, 0), 'current', () => clock.t);
}

/** Reads what the follower gives now, as text, taking it (the entry's offset follows). */
async function take(f: Follower, options: Partial<FollowReadOptions> = {}): Promise<string> {
  let text = '';
  const continues = continuationOf((await loadFormats()).get('python'));
  for await (const c of f.read({ chunkBytes: 1 << 20, continues, idle: false, letGo: false, ...options })) {
    text += Buffer.from(c.data).toString('utf8');
    f.entry.offset = c.endOffset;
  }
  return text;
}

describe('Follower (one followed file, an injected clock)', () => {
  it('holds back the record at the end of the file until a new record starts after it or the file is idle', async () => {
    const file = path.join(tmpDir('logscope-follower-'), 'app.log');
    const r1 = '2026-12-03 10:00:00,000 ERROR boom\nTraceback (most recent call last):\n  File "a.py", line 1\n';
    fs.writeFileSync(file, r1);
    const clock = { t: 1000 };
    const f = await openFollower(file, clock);
    try {
      expect(await take(f)).toBe('');
      // Its next lines come: still the last record.
      fs.appendFileSync(file, '  File "b.py", line 2\nValueError: x\n');
      expect(await take(f)).toBe('');
      // A new record starts: the first one is whole.
      const r2 = '2026-12-03 10:00:01,000 INFO ok\n';
      fs.appendFileSync(file, r2);
      expect(await take(f)).toBe(`${r1}  File "b.py", line 2\nValueError: x\n`);
      // Idle long enough: the last record is taken too; a line without its newline is not.
      fs.appendFileSync(file, '2026-12-03 10:00:02,000 INFO par');
      expect(await take(f, { idle: true })).toBe(r2);
      // Let go (rotated away and drained): the last line is taken even without its newline.
      expect(await take(f, { letGo: true })).toBe('2026-12-03 10:00:02,000 INFO par');
    } finally {
      await f.close();
    }
  });

  it('tells a file truncated in place or rewritten from one that only grew', async () => {
    const file = path.join(tmpDir('logscope-follower-'), 'app.log');
    fs.writeFileSync(file, '2026-12-03 10:00:00,000 INFO one\n2026-12-03 10:00:01,000 INFO two\n');
    const clock = { t: 1000 };
    const f = await openFollower(file, clock);
    try {
      await take(f, { idle: true });
      f.entryNow();
      fs.appendFileSync(file, '2026-12-03 10:00:02,000 INFO three\n');
      await f.stat();
      expect(f.holdsStored()).toBe(true);
      // copytruncate, then new lines longer than what was read: the first bytes changed.
      fs.truncateSync(file, 0);
      fs.appendFileSync(file, '2026-12-03 10:00:03,000 INFO four, after the truncation, longer than before\n');
      await f.stat();
      expect(f.holdsStored()).toBe(false);
    } finally {
      await f.close();
    }
  });

  it('measures the lag from when the oldest bytes not committed were first seen', async () => {
    const file = path.join(tmpDir('logscope-follower-'), 'app.log');
    fs.writeFileSync(file, '');
    const clock = { t: 1000 };
    const f = await openFollower(file, clock);
    try {
      await f.stat();
      expect(f.lagSeconds()).toBe(0);
      fs.appendFileSync(file, '2026-12-03 10:00:00,000 INFO one\n');
      await f.stat();
      clock.t = 3500;
      fs.appendFileSync(file, '2026-12-03 10:00:01,000 INFO two\n');
      await f.stat();
      expect(f.lagSeconds()).toBe(2.5);
      f.committed = 33;
      expect(f.lagSeconds()).toBe(0);
      f.committed = f.size;
      expect(f.lagSeconds()).toBe(0);
    } finally {
      await f.close();
    }
  });
});
