-- ingest_sources: every source in the manifest with its line accounting (lines read = parsed +
-- unparsed + blank), its format and when it was ingested.
-- Run: logscope sql ingest_sources
-- Parameters: none.
-- Columns: source, format, format_options (the --pattern or --template it is read with, as JSON
--          {"template": "..."}, also when auto-detection built the template; '' for a named format),
--          lines, parsed, unparsed, blank, bytes (size when last read; -1: a .gz not read to its
--          end), compressed, first_ingested, last_ingested
SELECT path AS source, format, format_options, lines, parsed, unparsed, blank, size AS bytes, compressed, first_ingested, last_ingested
FROM sources
ORDER BY last_ingested DESC, path;
