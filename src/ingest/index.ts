export { ingest, type IngestOptions, type IngestSummary, type IngestProgress, type SourceSummary } from './ingest.js';
export { resolveInputs, type SourceRef, type ResolvedInputs } from './sources.js';
export { planFileChunks, chunkStream } from './chunker.js';
export { runChunkTask } from './parse-task.js';
export { createWorkerPool, type WorkerPool } from './pool.js';
export type { ChunkTask, ChunkResult, ChunkInput } from './task.js';
export { scanCounts, type ScanOptions, type ScanResult, type ScanCounts } from './scan.js';
export { forgetSources, type ForgetOptions, type ForgetSummary, type ForgottenSource } from './forget.js';
