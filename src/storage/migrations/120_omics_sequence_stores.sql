-- HealthOmics sequence stores, their read sets, direct (multipart) uploads and the S3 access
-- policies of their access points. Times are Unix milliseconds. Read-set files live in the
-- internal .omics-files bucket (services/omics/files.ts); `files` says where and how large.
CREATE TABLE omics_sequence_stores (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  sse_config TEXT,                 -- JSON {type, keyArn?}
  fallback_location TEXT,
  etag_algorithm_family TEXT NOT NULL,
  propagated_set_level_tags TEXT,  -- JSON array of tag keys
  access_log_location TEXT,
  -- The store's S3 access point (services/omics/sequence-stores/store-s3-access.ts).
  access_point_arn TEXT NOT NULL UNIQUE,
  access_point_alias TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  status_message TEXT,
  client_token TEXT,
  creation_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
);
CREATE INDEX omics_sequence_stores_by_account ON omics_sequence_stores (account_id, region, creation_time, id);
CREATE UNIQUE INDEX omics_sequence_stores_by_token ON omics_sequence_stores (account_id, region, client_token) WHERE client_token IS NOT NULL;

CREATE TABLE omics_read_sets (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  subject_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  generated_from TEXT,
  reference_arn TEXT,
  file_type TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  creation_type TEXT NOT NULL,
  creation_job_id TEXT,
  creation_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  -- Last GetReadSet (or creation/activation): what the archive clock counts from.
  last_access_time INTEGER NOT NULL,
  sequence_information TEXT,       -- JSON {totalReadCount, totalBaseCount, generatedFrom?, alignment?}
  files TEXT NOT NULL DEFAULT '{}', -- JSON {source1?, source2?, index?: {key, contentLength, partSize}}
  etag TEXT                         -- JSON {algorithm, source1?, source2?}
);
CREATE INDEX omics_read_sets_by_store ON omics_read_sets (store_id, creation_time, id);
CREATE INDEX omics_read_sets_by_status ON omics_read_sets (status, last_access_time);
CREATE INDEX omics_read_sets_by_reference ON omics_read_sets (reference_arn) WHERE reference_arn IS NOT NULL;

CREATE TABLE omics_read_set_uploads (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  source_file_type TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  sample_id TEXT NOT NULL,
  generated_from TEXT,
  reference_arn TEXT,
  name TEXT NOT NULL,
  description TEXT,
  tags TEXT,                        -- JSON tag map, given to the read set on completion
  client_token TEXT,
  creation_time INTEGER NOT NULL
);
CREATE INDEX omics_read_set_uploads_by_store ON omics_read_set_uploads (store_id, creation_time, id);

CREATE TABLE omics_read_set_upload_parts (
  upload_id TEXT NOT NULL,
  part_source TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  part_size INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_source, part_number)
) WITHOUT ROWID;

-- Completed uploads whose read set is still PROCESSING_UPLOAD: the background job's queue.
CREATE TABLE omics_read_set_upload_completions (
  read_set_id TEXT PRIMARY KEY,
  upload_id TEXT NOT NULL,
  parts TEXT NOT NULL               -- JSON [{partSource, partNumber, partSize}] in file order
);

CREATE TABLE omics_s3_access_policies (
  access_point_arn TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  store_type TEXT NOT NULL,
  policy TEXT NOT NULL,
  update_time INTEGER NOT NULL
);
