-- top-errors: the most frequent ERROR/FATAL messages, with where and when they were seen.
-- Run: logscope sql -f sql/top-errors.sql   (add --format csv > errors.csv to export)
--      logscope sql top-errors -p since=-1d -p limit=10
-- Parameters:
--   $since  TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until  TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $limit  INTEGER    rows at most (default 20)
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
  AND ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
  AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
GROUP BY ALL
ORDER BY count DESC, service, message
LIMIT $limit::INTEGER;
