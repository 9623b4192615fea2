export { ingest, type IngestOptions, type IngestSummary, type IngestProgress, type SourceSummary } from './ingest.js';
export { resolveInputs, type SourceRef, type ResolvedInputs } from './sources.js';
export { planFileChunks, chunkStream } from './chunker.js';
export { runChunkTask } from './parse-task.js';
export { createWorkerPool, type WorkerPool, type WorkerActivity } from './pool.js';
export { createProgressFile, readIngestProgress, progressFilePath, isProcessAlive, PROGRESS_DIR, type IngestProgressRecord, type IngestProgressState, type WorkerActivityRecord } from './progress-file.js';
export type { ChunkTask, ChunkResult, ChunkInput } from './task.js';
export { scanCounts, type ScanOptions, type ScanResult, type ScanCounts } from './scan.js';
export { forgetSources, type ForgetOptions, type ForgetSummary, type ForgottenSource } from './forget.js';
