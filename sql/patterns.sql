-- patterns: the log templates (patterns) mined at ingest, with their counts, first and last
-- sighting, level mix and first example line.
-- Run: logscope patterns --level ERROR --sort count
--      logscope patterns --new-since 1h          (templates first seen in the last hour)
--      logscope sql patterns -p new_since=-1d
-- Parameters:
--   $since      TIMESTAMP  only templates seen since (last_seen >= since); `recent` then counts their lines since; NULL = all
--   $new_since  TIMESTAMP  only templates first seen since (new patterns); NULL = all
--   $level      VARCHAR    only templates with lines at this level (TRACE ... FATAL); '' = any
--   $sort       VARCHAR    'count' (most lines first), 'first_seen' (newest first) or 'last_seen' (latest first)
--   $limit      INTEGER    rows at most
-- Columns: id, count, recent, first_seen, last_seen, text, levels, example, example_source, example_line, signatures
--   count: all lines of the template; recent: its lines since $since (NULL without it);
--   levels: lines per level; example: the first line seen with it, from example_source at example_line.
WITH recent AS (
  SELECT template_id, count(*) AS recent
  FROM logs
  WHERE $since::TIMESTAMP IS NOT NULL AND ts >= $since::TIMESTAMP
  GROUP BY template_id
)
SELECT
  t.id,
  t.count,
  r.recent,
  t.first_seen,
  t.last_seen,
  t.text,
  t.levels,
  t.example,
  t.example_source,
  t.example_line,
  t.signatures
FROM templates AS t
LEFT JOIN recent AS r ON r.template_id = t.id
WHERE ($since::TIMESTAMP IS NULL OR t.last_seen >= $since::TIMESTAMP)
  AND ($new_since::TIMESTAMP IS NULL OR t.first_seen >= $new_since::TIMESTAMP)
  AND (CASE $level::VARCHAR
         WHEN '' THEN 1
         WHEN 'TRACE' THEN t.levels.TRACE WHEN 'DEBUG' THEN t.levels.DEBUG WHEN 'INFO' THEN t.levels.INFO
         WHEN 'NOTICE' THEN t.levels.NOTICE WHEN 'WARN' THEN t.levels.WARN WHEN 'ERROR' THEN t.levels.ERROR
         WHEN 'FATAL' THEN t.levels.FATAL
       END) > 0
ORDER BY
  CASE WHEN $sort::VARCHAR = 'count' THEN coalesce(r.recent, t.count) END DESC,
  CASE WHEN $sort::VARCHAR = 'first_seen' THEN t.first_seen END DESC,
  CASE WHEN $sort::VARCHAR = 'last_seen' THEN t.last_seen END DESC,
  t.id
LIMIT $limit::INTEGER;
