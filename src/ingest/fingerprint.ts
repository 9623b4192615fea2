import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** How many leading bytes identify a file (as tools like Fluent Bit and Vector do). */
export const FINGERPRINT_BYTES = 1024;

/** sha256 of a file's first `len` bytes (fewer if the file is shorter). */
export function fingerprintFile(file: string, len = FINGERPRINT_BYTES): { fingerprint: string; fpLen: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(len);
    let n = 0;
    while (n < len) {
      const r = fs.readSync(fd, buf, n, len - n, n);
      if (r === 0) break;
      n += r;
    }
    return { fingerprint: createHash('sha256').update(buf.subarray(0, n)).digest('hex'), fpLen: n };
  } finally {
    fs.closeSync(fd);
  }
}
