-- top-errors: the most frequent ERROR/FATAL messages, with where and when they were seen.
-- Run: logscope sql -f sql/top-errors.sql   (add --format csv > errors.csv to export)
-- Parameters: none.
-- Columns: service, message, count, hosts, first_seen, last_seen
SELECT
  service,
  message,
  count(*) AS count,
  count(DISTINCT host) AS hosts,
  min(ts) AS first_seen,
  max(ts) AS last_seen
FROM logs
WHERE level IN ('ERROR', 'FATAL')
GROUP BY ALL
ORDER BY count DESC
LIMIT 20;
