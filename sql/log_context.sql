-- log_context: the lines of one source around one line, parsed or not, in file order.
-- Run: logscope sql log_context -p source=/var/log/app.log -p line=1200 -p around=10
-- Parameters:
--   $source   VARCHAR  the source (absolute path, or 'stdin')
--   $line     BIGINT   the line in the middle
--   $around   INTEGER  lines before and after
-- Columns: line, ts, level, host, service, message (the raw line when unparsed), unparsed, reason
SELECT line, ts, level, host, service, message, false AS unparsed, NULL::VARCHAR AS reason
FROM log_records
WHERE source = $source::VARCHAR AND line BETWEEN $line::BIGINT - $around::INTEGER AND $line::BIGINT + $around::INTEGER
UNION ALL
SELECT line, NULL::TIMESTAMPTZ, NULL, NULL, NULL, raw, true, reason
FROM unparsed
WHERE source = $source::VARCHAR AND line BETWEEN $line::BIGINT - $around::INTEGER AND $line::BIGINT + $around::INTEGER
ORDER BY line;
