-- ingest_batches: the latest committed batches, with the throughput between consecutive commits
-- of one run (a commit within 10 minutes of the one before; else NULL: the first of a run).
-- Run: logscope sql ingest_batches -p limit=20
-- Parameters:
--   $limit  INTEGER  batches at most
-- Columns: id, committed_at, lines, parsed, unparsed, blank, bytes, seconds (since the commit
--          before, in the same run), lines_per_second, bytes_per_second
WITH timed AS (
  SELECT *, epoch(committed_at - lag(committed_at) OVER (ORDER BY committed_at)) AS gap
  FROM batches
)
SELECT id, committed_at, lines, parsed, unparsed, blank, bytes,
  CASE WHEN gap > 0 AND gap <= 600 THEN gap END AS seconds,
  CASE WHEN gap > 0 AND gap <= 600 THEN lines / gap END AS lines_per_second,
  CASE WHEN gap > 0 AND gap <= 600 THEN bytes / gap END AS bytes_per_second
FROM timed
ORDER BY committed_at DESC
LIMIT $limit::INTEGER;
