-- template_trends: lines per time bucket per template, zero-filled, for the top templates of the range.
-- Run: logscope sql template_trends -p bucket=5m -p since=-6h -p top=10
--      logscope sql template_trends -p template=6117904673146781 -p bucket=1h
-- Parameters:
--   $bucket    INTERVAL   bucket width, e.g. '1 minute', '1 hour'
--   $since     TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until     TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $template  BIGINT     one template id; NULL = the `top` templates with the most lines in the range
--   $top       INTEGER    how many templates when $template is NULL
-- Columns: bucket, template_id, text, count
--   Every bucket of the range appears for every template shown, with 0 where it had no lines.
WITH records AS (
  SELECT
    -- time_bucket($bucket, ts) in integer arithmetic, aligned to 2000-01-03 00:00 UTC like trends.sql.
    make_timestamp((epoch_us(ts) - 946857600000000) // (epoch($bucket::INTERVAL) * 1000000)::BIGINT
      * (epoch($bucket::INTERVAL) * 1000000)::BIGINT + 946857600000000) AS bucket,
    template_id
  FROM logs
  WHERE ($since::TIMESTAMP IS NULL OR ts >= $since::TIMESTAMP)
    AND ($until::TIMESTAMP IS NULL OR ts < $until::TIMESTAMP)
    AND template_id IS NOT NULL
    AND ($template::BIGINT IS NULL OR template_id = $template::BIGINT)
),
counted AS (
  SELECT bucket, template_id, count(*) AS count FROM records GROUP BY ALL
),
chosen AS (
  SELECT template_id FROM counted GROUP BY template_id ORDER BY sum(count) DESC, template_id LIMIT $top::INTEGER
),
span AS (
  SELECT
    coalesce(time_bucket($bucket::INTERVAL, $since::TIMESTAMP), min(bucket)) AS lo,
    coalesce(time_bucket($bucket::INTERVAL, $until::TIMESTAMP - INTERVAL 1 MICROSECOND), max(bucket)) AS hi
  FROM counted
)
SELECT g.range AS bucket, c.template_id, t.text, coalesce(n.count, 0) AS count
FROM span
CROSS JOIN range(span.lo, span.hi + $bucket::INTERVAL, $bucket::INTERVAL) AS g
CROSS JOIN chosen AS c
LEFT JOIN counted AS n ON n.bucket = g.range AND n.template_id = c.template_id
LEFT JOIN templates AS t ON t.id = c.template_id
ORDER BY bucket, c.template_id;
