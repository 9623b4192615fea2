-- log_lines: the log lines of a range, newest first, filtered, one page at a time. Pages are
-- keyset-paginated on (ts, source, line): each starts after the last line of the page before,
-- so page 1,000 costs what page 1 costs (no OFFSET to skip).
-- Run: logscope sql log_lines -p since=-1h -p levels=ERROR,FATAL -p contains=timeout
-- Parameters:
--   $since         TIMESTAMP  first instant (inclusive, UTC)
--   $until         TIMESTAMP  last instant (exclusive, UTC)
--   $levels        VARCHAR    comma-separated levels, e.g. 'ERROR,FATAL' ('' = any)
--   $service       VARCHAR    '' = any
--   $host          VARCHAR    '' = any
--   $template      BIGINT     a template id (NULL = any)
--   $contains      VARCHAR    text the message contains, any case ('' = any; matched by RE2, escaped, which is faster than lower())
--   $regex         VARCHAR    an RE2 regular expression the message matches ('' = any)
--   $attr_key      VARCHAR    an attrs key ('' = none) ...
--   $attr_value    VARCHAR    ... and the value it must have
--   $after_us      BIGINT     the previous page's last line: its ts in µs since the epoch (NULL = first page)
--   $after_source  VARCHAR    ... its source
--   $after_line    BIGINT     ... its line
--   $limit         INTEGER    lines at most
-- Columns: ts, ts_us, level, host, service, pid, message, source, line, format, template_id
SELECT ts, epoch_us(ts) AS ts_us, level, host, service, pid, message, source, line, format, template_id
FROM logs
WHERE ts >= $since::TIMESTAMP AND ts < $until::TIMESTAMP
  AND ($levels::VARCHAR = '' OR list_contains(string_split($levels::VARCHAR, ','), coalesce(level, 'NONE')))
  AND ($service::VARCHAR = '' OR service = $service::VARCHAR)
  AND ($host::VARCHAR = '' OR host = $host::VARCHAR)
  AND ($template::BIGINT IS NULL OR template_id = $template::BIGINT)
  AND ($contains::VARCHAR = '' OR regexp_matches(message, regexp_escape($contains::VARCHAR), 'i'))
  AND ($regex::VARCHAR = '' OR regexp_matches(message, $regex::VARCHAR))
  AND ($attr_key::VARCHAR = '' OR (attrs ->> $attr_key::VARCHAR) = $attr_value::VARCHAR)
  AND ($after_us::BIGINT IS NULL
    OR ts < make_timestamp($after_us::BIGINT)
    OR (ts = make_timestamp($after_us::BIGINT) AND (source < $after_source::VARCHAR OR (source = $after_source::VARCHAR AND line < $after_line::BIGINT))))
ORDER BY ts DESC, source DESC, line DESC
LIMIT $limit::INTEGER;
