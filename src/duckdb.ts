import { createRequire } from 'node:module';

type NodeApi = typeof import('@duckdb/node-api');

/**
 * The values of `@duckdb/node-api`, loaded with require(). The package is CommonJS: an ESM
 * `import` of it makes Node scan its compiled JavaScript for export names first
 * (cjs-module-lexer), which cost about 0.2 s of CPU at every start-up of a command that uses
 * DuckDB, as much as loading DuckDB itself (issue 17). Import DuckDB's values from here and
 * its types (`import type`) from the package.
 */
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as NodeApi;

export const { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter, LIST, StatementType, VARCHAR, listValue, timestampTZValueFromDate, version } = duckdb;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export type DuckDBTypeId = import('@duckdb/node-api').DuckDBTypeId;
export type StatementType = import('@duckdb/node-api').StatementType;
