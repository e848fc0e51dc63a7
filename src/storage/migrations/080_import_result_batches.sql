-- An import's SUCCESS and FAILURE output records are kept one row per committed batch and
-- outcome (the batch's records of that outcome, in line order, one per line of `records`)
-- instead of one row per input line: a 100,000-line import writes about 100 rows, not 100,000,
-- in the transactions that also write its resources. Rows of a job in progress are carried over,
-- each as a batch of one line.
CREATE TABLE healthlake_import_result_batches (
  job_id      TEXT    NOT NULL,
  file_index  INTEGER NOT NULL,
  ok          INTEGER NOT NULL,
  first_line  INTEGER NOT NULL,
  records     TEXT    NOT NULL,
  PRIMARY KEY (job_id, file_index, ok, first_line)
) WITHOUT ROWID;
INSERT INTO healthlake_import_result_batches (job_id, file_index, ok, first_line, records)
  SELECT job_id, file_index, ok, line_id, record FROM healthlake_import_results;
DROP TABLE healthlake_import_results;
