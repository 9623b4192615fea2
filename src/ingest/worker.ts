import { parentPort } from 'node:worker_threads';
import { runChunkTask } from './parse-task.js';
import type { ChunkTask } from './task.js';

// A parse worker: takes ChunkTasks, answers ChunkResults (or an error message), one at a time.
parentPort?.on('message', (task: ChunkTask) => {
  runChunkTask(task).then(
    (result) => parentPort?.postMessage({ ok: true, result }),
    (err: unknown) => parentPort?.postMessage({ ok: false, seq: task.seq, error: err instanceof Error ? `${err.message}` : String(err), code: (err as { code?: string })?.code, path: (err as { path?: string })?.path }),
  );
});
