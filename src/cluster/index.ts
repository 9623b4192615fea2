export { startClusterWorker, type ClusterWorker, type ClusterWorkerOptions, type WorkerBeat } from './worker.js';
export { createClusterPool, type ClusterPoolOptions } from './cluster-pool.js';
export { readClusterStatus, WORKER_GONE_MS, type ClusterStatus } from './status.js';
export { assertRedisUrl, describeRedisUrl } from './redis.js';
export { countFileLines, countLines } from './chunk-job.js';
