export { prepareReadOnly, streamPrepared } from './run.js';
export { queryCoverage, type SourceCoverage } from './coverage.js';
export { QUERIES, findSqlDir, isQueryName, parseQueryParams, prepareQuery, querySql, RECORDS_SOURCE, type QueryName, type QueryParams } from './registry.js';
export { bucketParam, byParam, parseDurationSeconds, timeParam } from './params.js';
