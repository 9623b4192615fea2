export { prepareReadOnly, streamPrepared } from './run.js';
export { queryCoverage, type SourceCoverage } from './coverage.js';
