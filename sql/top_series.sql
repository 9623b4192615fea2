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
-- Slots (filled by logscope's code, see src/query/counts.ts): source, the relation read; weight,
-- the lines a row of it stands for (1 for records; n for the pre-counted log_counts).
WITH records AS (
  SELECT
    coalesce(CASE $by::VARCHAR
      WHEN '' THEN '*'
      WHEN 'service' THEN service
      WHEN 'host' THEN host
      WHEN 'level' THEN level
      ELSE attrs ->> $by::VARCHAR
    END, '(none)') AS series,
    level,
    /*weight{*/1/*}weight*/ AS n
  FROM /*source{*/logs/*}source*/
  WHERE ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
    AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
),
counted AS (
  SELECT
    series,
    sum(n)::BIGINT AS total,
    coalesce(sum(n) FILTER (WHERE level IN ('ERROR', 'FATAL')), 0)::BIGINT AS errors,
    coalesce(sum(n) FILTER (WHERE level = 'WARN'), 0)::BIGINT AS warnings
  FROM records
  GROUP BY series
)
SELECT series, total, errors, warnings, round(errors / total, 6) AS error_rate
FROM counted
ORDER BY errors DESC, total DESC, series
LIMIT $top::INTEGER;
