-- HealthOmics reference stores (one per account and region), their references (FASTA + .fai
-- in the internal .omics-files bucket, with each contig's name, length and SAM @SQ M5), and
-- the import jobs that create them (one source per reference).
CREATE TABLE omics_reference_stores (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  sse_type TEXT NOT NULL,
  sse_key_arn TEXT,
  client_token TEXT,
  creation_time TEXT NOT NULL
) WITHOUT ROWID;
-- "You can have a single reference store in each AWS account and Region."
CREATE UNIQUE INDEX omics_reference_stores_one_per_region ON omics_reference_stores (account_id, region);

CREATE TABLE omics_references (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES omics_reference_stores (id),
  name TEXT NOT NULL,
  description TEXT,
  md5 TEXT NOT NULL,
  status TEXT NOT NULL,
  creation_job_id TEXT NOT NULL,
  -- Stored files (keys in .omics-files) and their sizes; the part size they were imported with.
  source_key TEXT NOT NULL,
  source_bytes INTEGER NOT NULL,
  index_key TEXT NOT NULL,
  index_bytes INTEGER NOT NULL,
  part_size INTEGER NOT NULL,
  -- The upload as it was: its size and compression (gzip uploads are stored decompressed).
  uploaded_bytes INTEGER NOT NULL,
  uploaded_compression TEXT NOT NULL,
  creation_time TEXT NOT NULL,
  update_time TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX omics_references_by_store ON omics_references (store_id, creation_time, id);

CREATE TABLE omics_reference_contigs (
  reference_id TEXT NOT NULL REFERENCES omics_references (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  length INTEGER NOT NULL,
  m5 TEXT NOT NULL,
  PRIMARY KEY (reference_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE omics_reference_import_jobs (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL REFERENCES omics_reference_stores (id),
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  client_token TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  creation_time TEXT NOT NULL,
  completion_time TEXT
) WITHOUT ROWID;
CREATE INDEX omics_reference_import_jobs_by_store ON omics_reference_import_jobs (store_id, creation_time, id);
CREATE INDEX omics_reference_import_jobs_by_status ON omics_reference_import_jobs (status, creation_time);

CREATE TABLE omics_reference_import_sources (
  job_id TEXT NOT NULL REFERENCES omics_reference_import_jobs (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  source_file TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  tags_json TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  -- Allocated when an attempt starts (its files go under it); public once FINISHED.
  reference_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, ordinal)
) WITHOUT ROWID;
