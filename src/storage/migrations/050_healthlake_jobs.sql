-- HealthLake import and export jobs (spec/healthlake.md §1.6, §1.7). `seq` is the FIFO order of
-- the per-datastore queue; `progress` is the runner's last committed progress point (input files,
-- cursor, counters), written in the same transaction as the resources it accounts for.
CREATE TABLE healthlake_jobs (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id        TEXT    NOT NULL UNIQUE,
  kind          TEXT    NOT NULL,            -- IMPORT | EXPORT
  account_id    TEXT    NOT NULL,
  region        TEXT    NOT NULL,
  datastore_id  TEXT    NOT NULL,
  name          TEXT,
  status        TEXT    NOT NULL,
  submit_time   INTEGER NOT NULL,
  end_time      INTEGER,
  message       TEXT,
  request       TEXT    NOT NULL,            -- JSON: data configs, DataAccessRoleArn, ValidationLevel
  progress      TEXT                         -- JSON, NULL until the job first runs
);
CREATE INDEX healthlake_jobs_by_datastore ON healthlake_jobs (datastore_id, kind, seq);
CREATE INDEX healthlake_jobs_by_status ON healthlake_jobs (status);

-- One row per input line an import has processed: its SUCCESS or FAILURE output record, kept
-- until the job's output files are written (so a restart loses none).
CREATE TABLE healthlake_import_results (
  job_id      TEXT    NOT NULL,
  file_index  INTEGER NOT NULL,
  line_id     INTEGER NOT NULL,
  ok          INTEGER NOT NULL,
  record      TEXT    NOT NULL,
  PRIMARY KEY (job_id, file_index, line_id)
) WITHOUT ROWID;
