import { describe, expect, it } from 'vitest';
import { createOrderedRunner, type WorkerPool } from '../../src/ingest/pool.js';
import type { ChunkResult, ChunkTask } from '../../src/ingest/task.js';

/** A pool whose tasks finish when the test says, in any order. */
function manualPool() {
  const running = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  let maxInFlight = 0;
  const pool: WorkerPool = {
    size: 2,
    run(task: ChunkTask) {
      return new Promise<ChunkResult>((resolve, reject) => {
        running.set(task.seq, { resolve, reject });
        maxInFlight = Math.max(maxInFlight, running.size);
      });
    },
    async close() {},
  };
  const finish = (seq: number) => {
    running.get(seq)!.resolve({ seq, counts: { lines: seq, parsed: seq, unparsed: 0, blank: 0, joined: 0 }, bytes: 0, dayFiles: [], unparsedRows: 0 });
    running.delete(seq);
  };
  const fail = (seq: number, message: string) => {
    running.get(seq)!.reject(new Error(message));
    running.delete(seq);
  };
  return { pool, finish, fail, running, maxInFlight: () => maxInFlight };
}

const task = (seq: number): ChunkTask => ({ seq, input: { kind: 'bytes', data: new Uint8Array(0) }, format: { name: 'syslog', options: {} }, timezone: 'UTC', referenceMicros: 0, stagingDir: '' });
const tick = () => new Promise((r) => setImmediate(r));

describe('createOrderedRunner', () => {
  it('hands results over in submission order when later tasks finish first, with at most depth tasks in flight', async () => {
    const { pool, finish, running, maxInFlight } = manualPool();
    const taken: string[] = [];
    const runner = createOrderedRunner(pool, (r, context: string) => {
      taken.push(`${context}:${r.seq}`);
    });
    const submitting = (async () => {
      for (let seq = 0; seq < 6; seq++) await runner.submit(task(seq), `c${seq}`);
      await runner.drain();
    })();
    // Finish whatever is running newest-first, until everything is done.
    while (taken.length < 6) {
      await tick();
      const seqs = [...running.keys()].sort((a, b) => b - a);
      for (const seq of seqs) finish(seq);
    }
    await submitting;
    expect(taken).toEqual(['c0:0', 'c1:1', 'c2:2', 'c3:3', 'c4:4', 'c5:5']);
    expect(maxInFlight()).toBe(4);
  });

  it('raises a failed task from submit or drain, in its turn', async () => {
    const { pool, finish, fail } = manualPool();
    const taken: number[] = [];
    const runner = createOrderedRunner(pool, (r) => void taken.push(r.seq), 8);
    await runner.submit(task(0), null);
    await runner.submit(task(1), null);
    fail(1, 'chunk 1 is bad');
    finish(0);
    await expect(runner.drain()).rejects.toThrow('chunk 1 is bad');
    expect(taken).toEqual([0]);
  });
});
