-- store_summary: what the store holds, from the manifest and the catalog (no scan of the records).
-- Run: logscope sql store_summary
-- Parameters: none.
-- Columns: sources, lines_read (parsed + unparsed + blank, as ingested), parsed, unparsed, blank,
--          bytes_read (input bytes of every committed batch), batches, last_commit (UTC, NULL before any),
--          templates
SELECT
  (SELECT count(*) FROM sources) AS sources,
  (SELECT coalesce(sum(lines), 0) FROM sources)::BIGINT AS lines_read,
  (SELECT coalesce(sum(parsed), 0) FROM sources)::BIGINT AS parsed,
  (SELECT coalesce(sum(unparsed), 0) FROM sources)::BIGINT AS unparsed,
  (SELECT coalesce(sum(blank), 0) FROM sources)::BIGINT AS blank,
  (SELECT coalesce(sum(bytes), 0) FROM batches)::BIGINT AS bytes_read,
  (SELECT count(*) FROM batches) AS batches,
  (SELECT max(committed_at) FROM batches) AS last_commit,
  (SELECT count(*) FROM templates) AS templates;
