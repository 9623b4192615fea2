-- top-error-patterns: the log templates (patterns) with the most ERROR/FATAL lines in a range:
-- one row for "login failed for user <*>" instead of one per user. Lines without a template
-- (mining off) count under their message.
-- Run: logscope sql top-error-patterns -p since=-1d -p limit=10
-- Parameters:
--   $since  TIMESTAMP  first instant (inclusive, UTC); NULL = the first stored line
--   $until  TIMESTAMP  last instant (exclusive, UTC); NULL = just after the last stored line
--   $limit  INTEGER    rows at most (default 20)
-- Columns: pattern, errors, services, hosts, last_seen
SELECT
  coalesce(t.text, l.message) AS pattern,
  count(*) AS errors,
  string_agg(DISTINCT coalesce(l.service, '(none)'), ', ' ORDER BY coalesce(l.service, '(none)')) AS services,
  count(DISTINCT l.host) AS hosts,
  max(l.ts) AS last_seen
FROM logs AS l
LEFT JOIN templates AS t ON t.id = l.template_id
WHERE l.level IN ('ERROR', 'FATAL')
  AND ($since::TIMESTAMP IS NULL OR l.ts >= $since::TIMESTAMP)
  AND ($until::TIMESTAMP IS NULL OR l.ts < $until::TIMESTAMP)
GROUP BY ALL
ORDER BY errors DESC, pattern
LIMIT $limit::INTEGER;
