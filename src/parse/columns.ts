// Without zod: the store's catalog reads these at every start-up of a reading command (issue 17).

/** DuckDB column types of the stored record, in column order. */
export const LOG_COLUMNS = {
  ts: 'TIMESTAMPTZ',
  host: 'VARCHAR',
  service: 'VARCHAR',
  pid: 'BIGINT',
  level: 'VARCHAR',
  level_raw: 'VARCHAR',
  message: 'VARCHAR',
  attrs: 'JSON',
  source: 'VARCHAR',
  line: 'BIGINT',
  format: 'VARCHAR',
  template_id: 'BIGINT',
} as const;

/** Columns of the `unparsed` view. */
export const UNPARSED_COLUMNS = {
  source: 'VARCHAR',
  line: 'BIGINT',
  raw: 'VARCHAR',
  reason: 'VARCHAR',
  format: 'VARCHAR',
  ingested_at: 'TIMESTAMPTZ',
} as const;
