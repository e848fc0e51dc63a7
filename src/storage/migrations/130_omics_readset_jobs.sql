-- HealthOmics read-set import, export and activation jobs (StartReadSet{Import,Export,Activation}Job)
-- and their items: one row per source of the request, in the request's order. State lives only
-- here: a job or item found IN_PROGRESS at start-up was interrupted (the job runner resumes it).
CREATE TABLE omics_readset_jobs (
  job_id TEXT PRIMARY KEY,
  -- IMPORT | EXPORT | ACTIVATION
  kind TEXT NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  store_id TEXT NOT NULL,
  role_arn TEXT,
  -- Export only: the s3:// prefix written to, as given.
  destination TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  creation_time INTEGER NOT NULL,
  completion_time INTEGER
);
CREATE INDEX omics_readset_jobs_by_store ON omics_readset_jobs (store_id, kind, creation_time);
CREATE INDEX omics_readset_jobs_runnable ON omics_readset_jobs (kind, status, creation_time);

CREATE TABLE omics_readset_job_items (
  job_id TEXT NOT NULL REFERENCES omics_readset_jobs (job_id),
  position INTEGER NOT NULL,
  -- The source as requested (import: the whole source item; export/activation: {readSetId}).
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  -- Import: the read set's id, chosen when the item starts (its files' folder) and reported
  -- only once the item is FINISHED (the read set then exists, ACTIVE with all its files).
  read_set_id TEXT,
  PRIMARY KEY (job_id, position)
) WITHOUT ROWID;
