/**
 * The alerts' outbox file inside a data directory: a DuckDB database of its own, written by
 * `src/alerts` (never under the writer lock), so that alerting never waits on an ingest.
 */
export const ALERTS_FILE = 'alerts.duckdb';

/**
 * The columns of the `alert_history` view, one row per firing, in order. The outbox defines
 * the view in its file; the store reader copies it into `logscope sql` (or an empty table of
 * these columns when no alert ever fired).
 */
export const ALERT_HISTORY_COLUMNS: Readonly<Record<string, string>> = {
  rule: 'VARCHAR',
  fired_at: 'TIMESTAMPTZ',
  series: 'VARCHAR',
  observed: 'DOUBLE',
  expected: 'DOUBLE',
  z: 'DOUBLE',
  status: 'VARCHAR',
  attempts: 'INTEGER',
  message_id: 'VARCHAR',
  sent_at: 'TIMESTAMPTZ',
  last_error: 'VARCHAR',
  next_attempt_at: 'TIMESTAMPTZ',
  severity: 'VARCHAR',
  kind: 'VARCHAR',
  title: 'VARCHAR',
  event_start: 'TIMESTAMPTZ',
  event_end: 'TIMESTAMPTZ',
  recipients: 'VARCHAR',
  key: 'VARCHAR',
  group_id: 'VARCHAR',
};
