-- FHIR search-index tables clustered by resource: each becomes a WITHOUT ROWID table whose
-- primary key is (rid, key, n), n numbering a resource's rows of one table (0, 1, ...), and keeps
-- its value index(es). The separate rid index goes: the table itself is now ordered by rid, so
-- a write puts each row into two b-trees instead of three (table, value index, rid index), and
-- the lookups by resource (deleting a version's rows, :missing, :not, _sort values, _include,
-- _has) read the rows themselves in one range. The value indexes carry n as their last column
-- (the key's part they lack), unchanged otherwise: searches read them exactly as before.
-- Existing rows are copied, numbered in their insertion order.

CREATE TABLE fhir_idx_token_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  system TEXT, code TEXT, display TEXT,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_token_by_rid (rid, key, n, store, system, code, display)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, system, code, display FROM fhir_idx_token;
DROP TABLE fhir_idx_token;
ALTER TABLE fhir_idx_token_by_rid RENAME TO fhir_idx_token;
CREATE INDEX fhir_idx_token_value ON fhir_idx_token (store, key, code, system, rid);

CREATE TABLE fhir_idx_string_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  norm TEXT NOT NULL, exact TEXT NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_string_by_rid (rid, key, n, store, norm, exact)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, norm, exact FROM fhir_idx_string;
DROP TABLE fhir_idx_string;
ALTER TABLE fhir_idx_string_by_rid RENAME TO fhir_idx_string;
CREATE INDEX fhir_idx_string_value ON fhir_idx_string (store, key, norm, rid);

CREATE TABLE fhir_idx_reference_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  ref_type TEXT, ref_id TEXT NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_reference_by_rid (rid, key, n, store, ref_type, ref_id)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, ref_type, ref_id FROM fhir_idx_reference;
DROP TABLE fhir_idx_reference;
ALTER TABLE fhir_idx_reference_by_rid RENAME TO fhir_idx_reference;
CREATE INDEX fhir_idx_reference_value ON fhir_idx_reference (store, key, ref_id, ref_type, rid);

CREATE TABLE fhir_idx_date_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  low INTEGER NOT NULL, high INTEGER NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_date_by_rid (rid, key, n, store, low, high)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, low, high FROM fhir_idx_date;
DROP TABLE fhir_idx_date;
ALTER TABLE fhir_idx_date_by_rid RENAME TO fhir_idx_date;
CREATE INDEX fhir_idx_date_low ON fhir_idx_date (store, key, low, high, rid);
CREATE INDEX fhir_idx_date_high ON fhir_idx_date (store, key, high, low, rid);

CREATE TABLE fhir_idx_number_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_number_by_rid (rid, key, n, store, value)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, value FROM fhir_idx_number;
DROP TABLE fhir_idx_number;
ALTER TABLE fhir_idx_number_by_rid RENAME TO fhir_idx_number;
CREATE INDEX fhir_idx_number_value ON fhir_idx_number (store, key, value, rid);

CREATE TABLE fhir_idx_quantity_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  system TEXT, code TEXT, unit TEXT, value REAL NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_quantity_by_rid (rid, key, n, store, system, code, unit, value)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, system, code, unit, value FROM fhir_idx_quantity;
DROP TABLE fhir_idx_quantity;
ALTER TABLE fhir_idx_quantity_by_rid RENAME TO fhir_idx_quantity;
CREATE INDEX fhir_idx_quantity_value ON fhir_idx_quantity (store, key, value, rid);

CREATE TABLE fhir_idx_uri_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  uri TEXT NOT NULL,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_uri_by_rid (rid, key, n, store, uri)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, uri FROM fhir_idx_uri;
DROP TABLE fhir_idx_uri;
ALTER TABLE fhir_idx_uri_by_rid RENAME TO fhir_idx_uri;
CREATE INDEX fhir_idx_uri_value ON fhir_idx_uri (store, key, uri, rid);

CREATE TABLE fhir_idx_composite_by_rid (
  rid INTEGER NOT NULL, key INTEGER NOT NULL, n INTEGER NOT NULL, store INTEGER NOT NULL,
  a_system TEXT, a_code TEXT, b_system TEXT, b_code TEXT, b_num REAL, b_low INTEGER, b_high INTEGER,
  PRIMARY KEY (rid, key, n)
) WITHOUT ROWID;
INSERT INTO fhir_idx_composite_by_rid (rid, key, n, store, a_system, a_code, b_system, b_code, b_num, b_low, b_high)
  SELECT rid, key, row_number() OVER (PARTITION BY rid, key ORDER BY rowid) - 1, store, a_system, a_code, b_system, b_code, b_num, b_low, b_high FROM fhir_idx_composite;
DROP TABLE fhir_idx_composite;
ALTER TABLE fhir_idx_composite_by_rid RENAME TO fhir_idx_composite;
CREATE INDEX fhir_idx_composite_value ON fhir_idx_composite (store, key, a_code, rid);
