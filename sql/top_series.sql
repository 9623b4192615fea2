-- top_series: the values of one field (service, host, ...) with the most error lines in a range,
-- with their lines and error rate: "where are the errors".
-- Run: logscope sql top_series -p by=service -p since=-1d
--      logscope sql top_series -p by=host -p since=-1h -p top=5
-- Parameters:
--   $since   TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until   TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $by      VARCHAR    'service', 'host', 'level' or an attrs key ('' = all lines as one series, '*')
--   $top     INTEGER    rows at most
-- Columns: series, total, errors (ERROR + FATAL), warnings (WARN), error_rate (errors / total)
--   Records without the field are '(none)'. Ordered by errors, then lines (most first), then series.
SELECT
  coalesce(CASE $by::VARCHAR
    WHEN '' THEN '*'
    WHEN 'service' THEN service
    WHEN 'host' THEN host
    WHEN 'level' THEN level
    ELSE attrs ->> $by::VARCHAR
  END, '(none)') AS series,
  count(*) AS total,
  count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) AS errors,
  count(*) FILTER (WHERE level = 'WARN') AS warnings,
  round(count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) / count(*), 6) AS error_rate
FROM /*source{*/logs/*}source*/
WHERE ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
  AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
GROUP BY ALL
ORDER BY errors DESC, total DESC, series
LIMIT $top::INTEGER;
