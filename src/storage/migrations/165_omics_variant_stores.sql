-- HealthOmics variant stores (addressed by name per account and Region), their import jobs and
-- items, and the imported variants: one row per VCF record, the sample columns kept as the
-- file had them (FORMAT + raw columns) so a 50-sample import writes one row, not fifty. The
-- per-sample rows of AWS's documented schema (sampleid, calls, phased, genotypelikelihoods,
-- ...) are derived from them at query time (variant-stores/query/variant-view.ts).
CREATE TABLE omics_variant_stores (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  reference_arn TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  sse_type TEXT NOT NULL,
  sse_key_arn TEXT,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER NOT NULL DEFAULT 0,
  creation_time TEXT NOT NULL,
  update_time TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX omics_variant_stores_by_name ON omics_variant_stores (account_id, region, name);

CREATE TABLE omics_variant_import_jobs (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  store_id TEXT NOT NULL,
  store_name TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL DEFAULT '',
  run_left_normalization INTEGER NOT NULL,
  annotation_fields TEXT,
  creation_time TEXT NOT NULL,
  update_time TEXT NOT NULL,
  completion_time TEXT
) WITHOUT ROWID;
CREATE INDEX omics_variant_import_jobs_by_account ON omics_variant_import_jobs (account_id, region, creation_time);
CREATE INDEX omics_variant_import_jobs_runnable ON omics_variant_import_jobs (status) WHERE status IN ('SUBMITTED', 'IN_PROGRESS');

-- item_key ties variant rows to the item that imported them: rows are visible only once
-- their item is COMPLETED (written in batches, never half-visible).
CREATE TABLE omics_variant_import_items (
  item_key INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  -- JSON array of the header's sample names, in column order.
  sample_names TEXT
);
CREATE UNIQUE INDEX omics_variant_import_items_by_job ON omics_variant_import_items (job_id, ordinal);

-- Columns named as AWS's variant table (contigname, start 0-based, end exclusive, ...);
-- arrays and maps are JSON text.
CREATE TABLE omics_variants (
  store_id TEXT NOT NULL,
  item_key INTEGER NOT NULL,
  contigname TEXT NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  names TEXT NOT NULL,
  referenceallele TEXT NOT NULL,
  alternatealleles TEXT NOT NULL,
  qual REAL,
  filters TEXT NOT NULL,
  splitfrommultiallelic INTEGER NOT NULL DEFAULT 0,
  attributes TEXT NOT NULL,
  annotations TEXT,
  format TEXT,
  samples TEXT
);
CREATE INDEX omics_variants_by_region ON omics_variants (store_id, contigname, start);
CREATE INDEX omics_variants_by_item ON omics_variants (item_key);
