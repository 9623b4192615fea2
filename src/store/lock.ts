import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory's writer lock (one ingest at a time). A lock left by
 * a process that no longer exists (killed with -9) is taken over.
 * Returns the function that releases it.
 */
export function acquireWriterLock(dataDir: string): () => void {
  const file = path.join(dataDir, '.ingest.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`cannot create lock file ${file}: ${(err as Error).message}`, { cause: err });
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new StoreError(`another logscope ingest (pid ${pid}) is writing to ${dataDir}; wait for it or stop it`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new StoreError(`cannot take the lock ${file}`);
}
