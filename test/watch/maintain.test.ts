import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import { countStored, line, lines, sleep, startWatcher, waitForStored } from './watcher-process.js';

const DAY_MS = 86_400_000;

describe('logscope watch keeps its store small (a real watcher process)', () => {
  it('merges its micro-batches as they pile up and drops days older than --retain, every line still counted once', async () => {
    const dir = tmpDir('logscope-watch-');
    const app = path.join(dir, 'app.log');
    // Ten lines from 40 days ago, then today's: --retain 30d drops the old day at the first look.
    let old = '';
    for (let i = 0; i < 10; i++) old += line(i, 'INFO', Date.now() - 40 * DAY_MS + i * 1000);
    fs.writeFileSync(app, old + lines(10, 20));
    const data = path.join(dir, 'data');
    const w = await startWatcher([app, '--data', data, '--interval', '200ms', '--workers', '1', '--multiline-wait', '100ms', '--retain', '30d']);
    try {
      await w.waitForOutput(/--retain 30d: dropped/, 30_000);
      // A micro-batch per append: enough for a size tier of a day to fill (8 files) and be merged.
      let seq = 20;
      for (let i = 0; i < 10; i++) {
        fs.appendFileSync(app, lines(seq, seq + 5));
        seq += 5;
        await waitForStored(data, (c) => c.maxSeq === seq - 1, 10_000);
        await sleep(50);
      }
      await w.waitForOutput(/compacted \d+ files into \d+/, 30_000);
      const { code } = await w.stop('SIGTERM');
      expect(code).toBe(0);
      // Today's lines once each; the old day gone, from the rows and from the disk.
      expect(await countStored(data)).toEqual({ rows: seq - 10, distinct: seq - 10, unparsed: 0, maxSeq: seq - 1 });
      const days = fs.readdirSync(path.join(data, 'logs')).filter((d) => d.startsWith('dt='));
      expect(days).toEqual([`dt=${new Date().toISOString().slice(0, 10)}`]);
      // Fewer live files than batches (the replaced ones go from disk once no reader may read them).
      const live = [...w.stderr().matchAll(/compacted \d+ files into \d+ \((\d+) live files\)/g)].map((m) => Number(m[1]));
      expect(Math.min(...live)).toBeLessThan(8);
    } finally {
      await w.stop('SIGKILL');
    }
  }, 120_000);
});
