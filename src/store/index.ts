export { StoreWriter, createBatchId, describeWriteFailure, openDatabaseFile, connectUtc, inFileTransaction, type SourceEntry, type BatchToCommit, type BatchMining, type SignatureStat, type StagedChunk, type StagedDayFile, type SourcesToRemove, type Removal, type RemovedRows, type StdinInput } from './store.js';
export { CATALOG_FILE } from './data-dir.js';
export { openStoreReader, type StoreReader, type StoreReaderOptions } from './reader.js';
export type { StoreSpan } from './catalog.js';
export { quoteString, quoteIdentifier } from './sql.js';
export { ALERTS_FILE, ALERT_HISTORY_COLUMNS } from './alert-history.js';
export { inspectDataDir, writeMarker } from './data-dir.js';
export { writeRollupFile, rollupPathOf, insertRollups, dropRollups, moveRollups, type RollupListing } from './rollup.js';
