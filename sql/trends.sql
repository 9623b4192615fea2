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
-- Slots (filled by logscope's code, see src/query/counts.ts): source, the relation read; weight,
-- the lines a row of it stands for (1 for records; n for the pre-counted log_counts).
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
    level,
    /*weight{*/1/*}weight*/ AS n
  FROM /*source{*/logs/*}source*/
  WHERE ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
    AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
),
counted AS (
  SELECT
    bucket,
    series,
    sum(n)::BIGINT AS total,
    coalesce(sum(n) FILTER (WHERE level = 'FATAL'), 0)::BIGINT AS fatal,
    coalesce(sum(n) FILTER (WHERE level = 'ERROR'), 0)::BIGINT AS error,
    coalesce(sum(n) FILTER (WHERE level = 'WARN'), 0)::BIGINT AS warn,
    coalesce(sum(n) FILTER (WHERE level = 'NOTICE'), 0)::BIGINT AS notice,
    coalesce(sum(n) FILTER (WHERE level = 'INFO'), 0)::BIGINT AS info,
    coalesce(sum(n) FILTER (WHERE level = 'DEBUG'), 0)::BIGINT AS debug,
    coalesce(sum(n) FILTER (WHERE level = 'TRACE'), 0)::BIGINT AS trace,
    coalesce(sum(n) FILTER (WHERE level IS NULL), 0)::BIGINT AS unknown
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
