-- explain: what changed most during an anomaly, against the time just before it.
-- Run: logscope anomalies --explain   (one run per anomaly event)
--      logscope sql explain -p start=2026-11-20T03:12:00Z -p end=2026-11-20T03:20:00Z -p baseline_start=2026-11-20T02:12:00Z
-- Parameters:
--   $start           TIMESTAMP  first instant of the anomaly (inclusive, UTC)
--   $end             TIMESTAMP  end of the anomaly (exclusive, UTC)
--   $baseline_start  TIMESTAMP  start of the comparison period, which runs up to $start
--   $by              VARCHAR    what the anomaly's series is split by ('' = all records)
--   $series          VARCHAR    the anomaly's series ('*' when $by is '')
--   $top             INTEGER    contributors kept per dimension (default 5)
-- Columns: dimension ('service', 'host' or 'message'), value, during, before, change, records_during, records_before
--   during: the measure over the anomaly's records with that value; before: the same over the
--   comparison period, scaled to the anomaly's length when the measure is a count; change = during - before.
--   Messages are grouped by their template (mined at ingest), or where there is none by shape: every
--   word holding a digit (numbers, ids, addresses) becomes <*>.
--   Ordered by dimension, then by how much the value changed (largest first).
WITH records AS (
  SELECT
    logs.ts::TIMESTAMP >= $start::TIMESTAMP AS during,
    -- The message's template when it was mined, else its shape.
    coalesce(tt.text, regexp_replace(left(logs.message, 300), '[^\s=:,;"''()\[\]{}<>]*[0-9][^\s=:,;"''()\[\]{}<>]*', '<*>', 'g')) AS message_shape,
    logs.service,
    logs.host,
    /*fields{*/ level /*}fields*/
  FROM logs
  LEFT JOIN templates AS tt ON tt.id = logs.template_id
  WHERE logs.ts >= $baseline_start::TIMESTAMP AND logs.ts < $end::TIMESTAMP
    AND coalesce(CASE $by::VARCHAR
      WHEN '' THEN '*'
      WHEN 'service' THEN logs.service
      WHEN 'host' THEN logs.host
      WHEN 'level' THEN logs.level
      ELSE logs.attrs ->> $by::VARCHAR
    END, '(none)') = $series::VARCHAR
),
grouped AS (
  SELECT
    CASE WHEN GROUPING(service) = 0 THEN 'service' WHEN GROUPING(host) = 0 THEN 'host' ELSE 'message' END AS dimension,
    coalesce(service, host, message_shape) AS value,
    during,
    (/*value{*/ count(*) FILTER (WHERE level IN ('ERROR', 'FATAL')) /*}value*/)::DOUBLE AS measured,
    count(*) AS records
  FROM records
  GROUP BY GROUPING SETS ((during, service), (during, host), (during, message_shape))
),
periods AS (
  SELECT
    epoch($end::TIMESTAMP - $start::TIMESTAMP) / nullif(epoch($start::TIMESTAMP - $baseline_start::TIMESTAMP), 0) AS scale
),
compared AS (
  SELECT
    dimension,
    value,
    max(measured) FILTER (WHERE during) AS during,
    max(measured) FILTER (WHERE NOT during) AS before_raw,
    coalesce(max(records) FILTER (WHERE during), 0) AS records_during,
    coalesce(max(records) FILTER (WHERE NOT during), 0) AS records_before
  FROM grouped
  WHERE value IS NOT NULL
  GROUP BY dimension, value
),
scaled AS (
  SELECT
    dimension,
    value,
    during,
    -- A count over a longer period is brought to the anomaly's length; an average is left as it is.
    CASE WHEN /*counted{*/ true /*}counted*/ THEN coalesce(before_raw, 0) * (SELECT scale FROM periods) ELSE before_raw END AS before,
    records_during,
    records_before
  FROM compared
),
ranked AS (
  SELECT
    *,
    coalesce(during, 0) - coalesce(before, 0) AS change,
    row_number() OVER (PARTITION BY dimension ORDER BY abs(coalesce(during, 0) - coalesce(before, 0)) DESC, value) AS rank
  FROM scaled
)
SELECT dimension, value, during, before, change, records_during, records_before
FROM ranked
WHERE rank <= $top::INTEGER
ORDER BY dimension, rank;
