export { StoreWriter, createBatchId, describeWriteFailure, openDatabaseFile, connectUtc, CATALOG_FILE, type SourceEntry, type BatchToCommit, type BatchMining, type SignatureStat, type StagedChunk, type StagedDayFile } from './store.js';
export { openStoreReader, type StoreReader } from './reader.js';
export { quoteString, quoteIdentifier } from './sql.js';
