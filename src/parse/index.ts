export type { FormatDefinition, FormatOptions, FormatSpec, LineParser, ParseContext } from './format.js';
export { loadFormats, createParser } from './registry.js';
export { parseLines, MAX_LINE_BYTES, type ParseCounts } from './parse-chunk.js';
export { RowWriter, STAGING_MAX_LINE_BYTES, RECORD_STAGING_COLUMNS, UNPARSED_STAGING_COLUMNS, STAGING_CSV_OPTIONS, type DayOutput } from './row-writer.js';
export { createLocalZone, utcZone, type ZoneResolver, parseIsoString, parseTimestampString, dayOf } from './timestamp.js';
export { LEVELS, normalizeLevel, type Level } from './level.js';
export { LogRecordSchema, type LogRecord, LOG_COLUMNS, UNPARSED_COLUMNS } from './record.js';
export { compilePattern } from './formats/regex.js';
export { detectFormat, isAutoFormat, DETECT_SAMPLE_BYTES, POOR_MATCH_RATE, type Detection, type FormatScore } from './detect.js';
