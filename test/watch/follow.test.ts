import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';
import { countStored, line, lines, sleep, startWatcher, storedSources, traceRows, waitForStored } from './watcher-process.js';

const INTERVAL_MS = 300;

describe('logscope watch (a real watcher process over real files)', () => {
  it('stores appended lines within the interval, and every line of a fast stream exactly once across rename, copytruncate, compression, deletion and truncation in place; SIGTERM commits and exits 0', async () => {
    const dir = tmpDir('logscope-watch-');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const data = path.join(dir, 'data');
    const app = path.join(logs, 'app.log');
    fs.writeFileSync(app, lines(0, 100));
    const w = await startWatcher([path.join(logs, '*.log*'), '--data', data, '--interval', `${INTERVAL_MS}ms`, '--workers', '1', '--multiline-wait', '250ms']);
    try {
      expect((await waitForStored(data, (c) => c.distinct === 100, 20_000)).distinct).toBe(100);

      // Appended while watching: queryable within the interval, plus the wait for the last record
      // to be complete and the commit (generous: the machine running the tests is shared).
      fs.appendFileSync(app, lines(100, 110));
      const appended = Date.now();
      const after = await waitForStored(data, (c) => c.distinct === 110, 10_000);
      expect(after.distinct).toBe(110);
      expect(Date.now() - appended).toBeLessThan(INTERVAL_MS + 250 + 3000);

      // A multi-line record written a line at a time: not cut at the end of the file while its
      // next lines keep coming (each within the --multiline-wait of the one before).
      fs.appendFileSync(app, line(110, 'ERROR'));
      for (const l of ['java.lang.IllegalStateException: boom', '\tat com.example.A.b(A.java:10)', '\tat com.example.C.d(C.java:20)', '\tat com.example.E.f(E.java:30)', '\tat com.example.G.h(G.java:40)', '\tat com.example.I.j(I.java:50)']) {
        await sleep(40);
        fs.appendFileSync(app, `${l}\n`);
      }
      await waitForStored(data, (c) => c.distinct === 111, 10_000);
      expect(await traceRows(data)).toEqual([expect.stringMatching(/seq=110 done\njava\.lang\.IllegalStateException: boom\n(\tat .*\n){4}\tat com\.example\.I\.j\(I\.java:50\)$/)]);

      let seq = 111;
      const write = (file: string, n: number) => {
        fs.appendFileSync(file, lines(seq, seq + n));
        seq += n;
      };
      // A fast stream with a rename + create rotation in the middle of it (logrotate `create`):
      // the writer keeps writing to the old file a little after the rename, as a process does until it reopens.
      for (let i = 0; i < 10; i++) {
        write(app, 200);
        await sleep(15);
      }
      fs.renameSync(app, `${app}.1`);
      write(`${app}.1`, 50);
      for (let i = 0; i < 10; i++) {
        write(app, 200);
        await sleep(15);
      }
      // copytruncate in the middle of the stream, once the watcher follows the new file: copy,
      // then truncate in place, and write on.
      await waitForStored(data, (c) => c.distinct >= seq - 1000, 10_000);
      write(app, 200);
      fs.copyFileSync(app, `${app}.2`);
      fs.truncateSync(app, 0);
      for (let i = 0; i < 10; i++) {
        write(app, 200);
        await sleep(15);
      }
      // The rotated file compressed (logrotate `compress`) once it was read: recognised, not read again.
      await waitForStored(data, (c) => c.distinct === seq, 10_000);
      fs.writeFileSync(`${app}.1.gz`, gzipSync(fs.readFileSync(`${app}.1`)));
      fs.rmSync(`${app}.1`);
      // A file deleted right after its last lines: they are read from the open file, then it is let go.
      const other = path.join(logs, 'other.log');
      write(other, 100);
      await waitForStored(data, (c) => c.distinct === seq, 10_000);
      write(other, 100);
      fs.rmSync(other);
      // Truncated in place (`: > file`) and written again: read from the start, and said so.
      const third = path.join(logs, 'third.log');
      write(third, 100);
      await waitForStored(data, (c) => c.distinct === seq, 10_000);
      fs.writeFileSync(third, lines(seq, seq + 20));
      seq += 20;
      write(app, 100);
      await waitForStored(data, (c) => c.distinct === seq, 10_000);
      // Lines written just before SIGTERM are committed before it exits.
      write(app, 30);
      fs.appendFileSync(app, line(seq));
      seq += 1;
      const { code } = await w.stop('SIGTERM');
      expect(code).toBe(0);
      const final = await countStored(data);
      expect(final).toEqual({ rows: seq, distinct: seq, unparsed: 0, maxSeq: seq - 1 });
      // A rotated file's lines are stored under the name they were written to.
      expect(await storedSources(data)).toEqual([app, other, third]);
      expect(w.stderr()).toMatch(/app\.log was rotated/);
      expect(w.stderr()).toMatch(/app\.log was truncated/);
      expect(w.stderr()).toMatch(/third\.log was truncated/);
      expect(w.stderr()).toMatch(/other\.log was deleted/);
    } finally {
      await w.stop('SIGKILL');
    }
  }, 120_000);
});
