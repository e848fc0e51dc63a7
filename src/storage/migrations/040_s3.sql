-- S3 service state (services/s3). Object bytes and their metadata live in the object store
-- (src/objects); the database holds who owns which bucket, multipart uploads in progress, and
-- the object-store work that each committed call still owes (replayed after a crash).
-- Keys are TEXT in SQLite's BINARY collation, which compares UTF-8 bytes: S3's listing order.
-- Timestamps are epoch milliseconds.

CREATE TABLE s3_buckets (
  name        TEXT    NOT NULL PRIMARY KEY,        -- bucket names are global, as in S3
  account_id  TEXT    NOT NULL,
  region      TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX s3_buckets_by_account ON s3_buckets (account_id, name);

CREATE TABLE s3_multipart_uploads (
  upload_id      TEXT    NOT NULL PRIMARY KEY,
  bucket         TEXT    NOT NULL REFERENCES s3_buckets (name) ON DELETE CASCADE,
  key            TEXT    NOT NULL,
  initiated_at   INTEGER NOT NULL,
  initiator_arn  TEXT    NOT NULL,
  initiator_id   TEXT    NOT NULL,
  metadata       TEXT    NOT NULL                  -- JSON ObjectMetadata for the completed object
);
CREATE INDEX s3_multipart_uploads_by_key ON s3_multipart_uploads (bucket, key, initiated_at, upload_id);

-- A part's bytes are the object `<upload_id>/<part_number>` of the internal bucket '.uploads'.
CREATE TABLE s3_upload_parts (
  upload_id      TEXT    NOT NULL REFERENCES s3_multipart_uploads (upload_id) ON DELETE CASCADE,
  part_number    INTEGER NOT NULL,
  etag           TEXT    NOT NULL,                 -- quoted hex MD5
  size           INTEGER NOT NULL,
  last_modified  INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);

-- Object-store work owed by committed calls: 'publish' a staged object (staging_id), 'delete'
-- an object, or 'purge' an upload's parts. Done right after the commit, and again at start-up
-- for rows a crash left behind; each step is idempotent.
CREATE TABLE s3_pending_work (
  id          TEXT    NOT NULL PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('publish', 'delete', 'purge')),
  bucket      TEXT    NOT NULL,
  key         TEXT    NOT NULL,                    -- object key, or upload id for 'purge'
  created_at  INTEGER NOT NULL
);
