-- HealthLake FHIR R4 data plane: current resources, earlier versions, and one search-index
-- table per search-parameter type, all written in the transaction of the change.
-- Datastores and search parameters are referred to by small integers to keep index rows short.

CREATE TABLE fhir_stores (
  store         INTEGER PRIMARY KEY,
  datastore_id  TEXT NOT NULL UNIQUE
);

-- One row per (resource type, search parameter code), e.g. 'Observation.code'.
CREATE TABLE fhir_search_keys (
  key   INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE
);

-- The current version of every resource; a deleted one keeps its row (deleted = 1) so reads say 410.
CREATE TABLE fhir_resources (
  rid      INTEGER PRIMARY KEY,
  store    INTEGER NOT NULL,
  rtype    TEXT    NOT NULL,
  id       TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  updated  INTEGER NOT NULL,          -- meta.lastUpdated, epoch milliseconds
  method   TEXT    NOT NULL,          -- interaction that wrote this version: POST, PUT, PATCH, DELETE
  deleted  INTEGER NOT NULL DEFAULT 0,
  content  TEXT                       -- the resource JSON; NULL when deleted
);
CREATE UNIQUE INDEX fhir_resources_by_id ON fhir_resources (store, rtype, id);
-- Live resources of a type in insertion (rid) order: the default search order and its cursor.
CREATE INDEX fhir_resources_live ON fhir_resources (store, rtype, deleted);
CREATE INDEX fhir_resources_by_type_updated ON fhir_resources (store, rtype, updated);
CREATE INDEX fhir_resources_by_updated ON fhir_resources (store, updated);

-- Versions older than the current one.
CREATE TABLE fhir_history (
  store    INTEGER NOT NULL,
  rtype    TEXT    NOT NULL,
  id       TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  updated  INTEGER NOT NULL,
  method   TEXT    NOT NULL,
  deleted  INTEGER NOT NULL,
  content  TEXT
);
CREATE UNIQUE INDEX fhir_history_by_version ON fhir_history (store, rtype, id, version);
CREATE INDEX fhir_history_by_type_updated ON fhir_history (store, rtype, updated);
CREATE INDEX fhir_history_by_updated ON fhir_history (store, updated);

-- x-amz-fhir-idempotency-key: the resource a key created.
CREATE TABLE fhir_idempotency_keys (
  store       INTEGER NOT NULL,
  idem_key    TEXT    NOT NULL,
  rtype       TEXT    NOT NULL,
  id          TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (store, idem_key)
);

-- Search indexes. Each row: (store, key) names the datastore and 'Type.code'; rid the resource.
-- Rows exist only for live resources. The value indexes end in rid so a search reads matching
-- rids from the index alone (in rid order for an equality), and fetches only the page's rows.
CREATE TABLE fhir_idx_token (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  system TEXT, code TEXT, display TEXT
);
CREATE INDEX fhir_idx_token_value ON fhir_idx_token (store, key, code, system, rid);
CREATE INDEX fhir_idx_token_rid ON fhir_idx_token (rid, key);

CREATE TABLE fhir_idx_string (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  norm TEXT NOT NULL,          -- lower case, accents removed: default and :contains matching
  exact TEXT NOT NULL          -- as written: :exact matching
);
CREATE INDEX fhir_idx_string_value ON fhir_idx_string (store, key, norm, rid);
CREATE INDEX fhir_idx_string_rid ON fhir_idx_string (rid, key);

CREATE TABLE fhir_idx_reference (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  ref_type TEXT,               -- target type for Type/id references, NULL for absolute/canonical
  ref_id TEXT NOT NULL         -- target id, or the whole reference when it is not Type/id
);
CREATE INDEX fhir_idx_reference_value ON fhir_idx_reference (store, key, ref_id, ref_type, rid);
CREATE INDEX fhir_idx_reference_rid ON fhir_idx_reference (rid, key);

CREATE TABLE fhir_idx_date (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  low INTEGER NOT NULL,        -- epoch ms, inclusive
  high INTEGER NOT NULL        -- epoch ms, inclusive
);
CREATE INDEX fhir_idx_date_low ON fhir_idx_date (store, key, low, high, rid);
CREATE INDEX fhir_idx_date_high ON fhir_idx_date (store, key, high, low, rid);
CREATE INDEX fhir_idx_date_rid ON fhir_idx_date (rid, key);

CREATE TABLE fhir_idx_number (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX fhir_idx_number_value ON fhir_idx_number (store, key, value, rid);
CREATE INDEX fhir_idx_number_rid ON fhir_idx_number (rid, key);

CREATE TABLE fhir_idx_quantity (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  system TEXT, code TEXT, unit TEXT,
  value REAL NOT NULL
);
CREATE INDEX fhir_idx_quantity_value ON fhir_idx_quantity (store, key, value, rid);
CREATE INDEX fhir_idx_quantity_rid ON fhir_idx_quantity (rid, key);

CREATE TABLE fhir_idx_uri (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  uri TEXT NOT NULL
);
CREATE INDEX fhir_idx_uri_value ON fhir_idx_uri (store, key, uri, rid);
CREATE INDEX fhir_idx_uri_rid ON fhir_idx_uri (rid, key);

-- Two-part composite parameters (e.g. Observation code-value-quantity): both parts of one
-- element in one row, so a match needs them together. Part a is a token (or reference), part b
-- a token/string/reference (b_system, b_code), a quantity (b_system, b_code, b_num) or a date
-- (b_low, b_high).
CREATE TABLE fhir_idx_composite (
  store INTEGER NOT NULL, key INTEGER NOT NULL, rid INTEGER NOT NULL,
  a_system TEXT, a_code TEXT,
  b_system TEXT, b_code TEXT, b_num REAL, b_low INTEGER, b_high INTEGER
);
CREATE INDEX fhir_idx_composite_value ON fhir_idx_composite (store, key, a_code, rid);
CREATE INDEX fhir_idx_composite_rid ON fhir_idx_composite (rid, key);
