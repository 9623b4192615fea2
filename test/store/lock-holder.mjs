// A contender for data directories' writer locks, in its own process, for test/store/lock.test.ts.
// Usage: node lock-holder.mjs; prints "ready" once loaded, then takes commands on stdin, one a line:
//   take ID DATA_DIR HOLD_MS
// and answers each on stdout with "ID acquired" (it held the lock for HOLD_MS, then released it;
// HOLD_MS < 0: it holds it until the process is killed), "ID refused" (someone else held it),
// "ID overlap" (it got the lock while another contender held it) or "ID error MESSAGE".
// While it holds a lock it keeps DATA_DIR/holder, created with O_EXCL, which a second holder at
// the same time cannot create. Commands run concurrently, so one process can race on many dirs.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { acquireWriterLock } = await import(path.join(root, 'dist/src/store/lock.js'));

async function take(dataDir, holdMs) {
  let release;
  try {
    release = await acquireWriterLock(dataDir);
  } catch (err) {
    return /another logscope ingest/.test(err.message) ? 'refused' : `error ${err.message.replace(/\n/g, ' ')}`;
  }
  const holder = path.join(dataDir, 'holder');
  try {
    fs.writeFileSync(holder, String(process.pid), { flag: 'wx' });
  } catch {
    return 'overlap';
  }
  if (holdMs < 0) return 'acquired'; // held until the test kills this process
  await new Promise((r) => setTimeout(r, holdMs));
  fs.rmSync(holder);
  release();
  return 'acquired';
}

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const [cmd, id, dataDir, holdMs] = line.split(' ');
  if (cmd === 'take') process.stdout.write(`${id} ${await take(dataDir, Number(holdMs))}\n`);
});
process.stdout.write('ready\n');
