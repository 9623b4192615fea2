-- trends: lines per time bucket and level, zero-filled, with the error rate.
-- Run: logscope trends --bucket 5m --by service --since -2h
--      logscope sql trends -p bucket=1h -p by=host
-- Parameters:
--   $bucket  INTERVAL   bucket width, e.g. '1 minute', '5 minutes', '1 hour', '1 day'
--   $since   TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until   TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $by      VARCHAR    '' (one series, named '*'), 'service', 'host', 'level' or an attrs key
-- Columns: bucket, series, total, fatal, error, warn, notice, info, debug, trace, unknown,
--          errors (fatal + error), error_rate (errors / total; NULL when total = 0)
-- Every bucket of the range appears for every series seen in it, with 0 when it had no lines.
WITH records AS (
  SELECT
    -- time_bucket($bucket, ts), in integer arithmetic (several times faster on TIMESTAMPTZ):
    -- buckets aligned like time_bucket's, to 2000-01-03 00:00 UTC (a Monday).
    make_timestamp((epoch_us(ts) - 946857600000000) // (epoch($bucket::INTERVAL) * 1000000)::BIGINT
      * (epoch($bucket::INTERVAL) * 1000000)::BIGINT + 946857600000000) AS bucket,
    coalesce(CASE $by::VARCHAR
      WHEN '' THEN '*'
      WHEN 'service' THEN service
      WHEN 'host' THEN host
      WHEN 'level' THEN level
      ELSE attrs ->> $by::VARCHAR
    END, '(none)') AS series,
    level
  FROM /*source{*/logs/*}source*/
  WHERE ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
    AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
),
counted AS (
  SELECT
    bucket,
    series,
    count(*) AS total,
    count(*) FILTER (WHERE level = 'FATAL') AS fatal,
    count(*) FILTER (WHERE level = 'ERROR') AS error,
    count(*) FILTER (WHERE level = 'WARN') AS warn,
    count(*) FILTER (WHERE level = 'NOTICE') AS notice,
    count(*) FILTER (WHERE level = 'INFO') AS info,
    count(*) FILTER (WHERE level = 'DEBUG') AS debug,
    count(*) FILTER (WHERE level = 'TRACE') AS trace,
    count(*) FILTER (WHERE level IS NULL) AS unknown
  FROM records
  GROUP BY ALL
),
span AS (
  SELECT
    coalesce(time_bucket($bucket::INTERVAL, $since::TIMESTAMP), min(bucket)) AS lo,
    coalesce(time_bucket($bucket::INTERVAL, $until::TIMESTAMP - INTERVAL 1 MICROSECOND), max(bucket)) AS hi
  FROM counted
),
grid AS (
  SELECT g.range AS bucket, s.series
  FROM span, range(span.lo, span.hi + $bucket::INTERVAL, $bucket::INTERVAL) AS g
  CROSS JOIN (SELECT DISTINCT series FROM counted) AS s
)
SELECT
  grid.bucket,
  grid.series,
  coalesce(c.total, 0) AS total,
  coalesce(c.fatal, 0) AS fatal,
  coalesce(c.error, 0) AS error,
  coalesce(c.warn, 0) AS warn,
  coalesce(c.notice, 0) AS notice,
  coalesce(c.info, 0) AS info,
  coalesce(c.debug, 0) AS debug,
  coalesce(c.trace, 0) AS trace,
  coalesce(c.unknown, 0) AS unknown,
  coalesce(c.fatal + c.error, 0) AS errors,
  round((c.fatal + c.error) / c.total, 6) AS error_rate
FROM grid
LEFT JOIN counted AS c USING (bucket, series)
ORDER BY grid.bucket, grid.series;
