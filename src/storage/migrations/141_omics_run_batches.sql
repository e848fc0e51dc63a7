-- HealthOmics run batches: StartRunBatch fans out through StartRun; each run setting's
-- submission is recorded whether it started a run or not.
CREATE TABLE omics_run_batches (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  request_id TEXT NOT NULL,
  name TEXT,
  status TEXT NOT NULL,
  default_run_setting TEXT NOT NULL,
  total_runs INTEGER NOT NULL,
  failure_reason TEXT,
  creation_time TEXT NOT NULL,
  submitted_time TEXT,
  failed_time TEXT,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX omics_run_batches_request ON omics_run_batches (account_id, request_id);

CREATE TABLE omics_batch_runs (
  batch_uuid TEXT NOT NULL REFERENCES omics_run_batches (uuid) ON DELETE CASCADE,
  run_setting_id TEXT NOT NULL,
  run_id TEXT,
  run_uuid TEXT,
  run_arn TEXT,
  submission_status TEXT NOT NULL,
  failure_reason TEXT,
  failure_message TEXT,
  PRIMARY KEY (batch_uuid, run_setting_id)
);

ALTER TABLE omics_runs ADD COLUMN batch_id TEXT;
CREATE INDEX omics_runs_batch ON omics_runs (account_id, batch_id);
