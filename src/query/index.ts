export { prepareReadOnly, streamPrepared } from './run.js';
export { queryCoverage, type SourceCoverage } from './coverage.js';
export { QUERIES, parseQueryParams, prepareQuery, querySql, readTimeParams, RECORDS_SOURCE, type QueryParams } from './registry.js';
export { QUERY_FILES, findSqlDir, isQueryName, type QueryName } from './names.js';
export { bucketParam, byParam, parseDurationSeconds, readTime, timeParam, UTC_TIMES, type TimeContext } from './params.js';
export { COUNTS_SOURCE, countedSlots, countsAnswer } from './counts.js';
export { chooseBucket, DEFAULT_DETECT_BUCKET, detectBucketFor, MAX_DETECT_BUCKETS } from './buckets.js';
