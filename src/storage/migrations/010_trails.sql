-- CloudTrail trails: configuration, logging state and delivery status (spec/cloudtrail.md §2).
CREATE TABLE trails (
  arn                        TEXT    PRIMARY KEY,
  account_id                 TEXT    NOT NULL,
  home_region                TEXT    NOT NULL,
  name                       TEXT    NOT NULL,
  s3_bucket                  TEXT    NOT NULL,
  s3_key_prefix              TEXT,
  sns_topic_arn              TEXT,
  include_global_events      INTEGER NOT NULL,
  multi_region               INTEGER NOT NULL,
  organization_trail         INTEGER NOT NULL,
  log_file_validation        INTEGER NOT NULL,
  cloudwatch_log_group_arn   TEXT,
  cloudwatch_role_arn        TEXT,
  kms_key_id                 TEXT,
  -- Exactly one of the two is set: basic selectors (JSON array) or advanced ones.
  event_selectors            TEXT,
  advanced_event_selectors   TEXT,
  insight_selectors          TEXT,
  is_logging                 INTEGER NOT NULL DEFAULT 0,
  start_logging_time         INTEGER,   -- epoch ms
  stop_logging_time          INTEGER,
  -- Events with seq <= delivered_seq have been assigned to this trail's log files.
  delivered_seq              INTEGER NOT NULL DEFAULT 0,
  -- Set by StopLogging: events up to this seq (the StopLogging event included) still go out.
  stop_seq                   INTEGER,
  -- Start of the running digest chain (epoch seconds); NULL while no chain runs.
  digest_chain_start         INTEGER,
  latest_delivery_time       INTEGER,
  latest_delivery_attempt    INTEGER,
  latest_delivery_error      TEXT,
  latest_notification_time   INTEGER,
  latest_notification_attempt INTEGER,
  latest_notification_error  TEXT,
  latest_digest_time         INTEGER,
  latest_digest_error        TEXT,
  -- DeleteTrail hides the trail at once; delivery removes the row after its last files are out.
  deleted                    INTEGER NOT NULL DEFAULT 0,
  created_at                 INTEGER NOT NULL,
  UNIQUE (account_id, home_region, name)
);

CREATE TABLE trail_tags (
  trail_arn  TEXT NOT NULL REFERENCES trails (arn) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      TEXT,
  PRIMARY KEY (trail_arn, key)
);

-- Log files. A row is written with its bytes in the same transaction that advances the trail's
-- delivered_seq, then the object is put; a crash in between re-puts the same bytes at the same
-- key, so every event reaches each trail's bucket exactly once.
CREATE TABLE trail_log_files (
  id                 INTEGER PRIMARY KEY,
  trail_arn          TEXT    NOT NULL,
  account_id         TEXT    NOT NULL,    -- the account whose events the file holds
  region             TEXT    NOT NULL,    -- the region the events happened in
  s3_bucket          TEXT    NOT NULL,
  s3_key             TEXT    NOT NULL,
  sha256             TEXT    NOT NULL,    -- hex SHA-256 of the uncompressed bytes
  oldest_event_time  INTEGER NOT NULL,    -- epoch seconds
  newest_event_time  INTEGER NOT NULL,
  event_count        INTEGER NOT NULL,
  gzip               BLOB,                -- kept until the object is stored
  created_at         INTEGER NOT NULL,    -- epoch ms
  delivered_at       INTEGER              -- epoch ms; NULL while pending
);
CREATE INDEX trail_log_files_pending ON trail_log_files (trail_arn, id) WHERE delivered_at IS NULL;
CREATE INDEX trail_log_files_by_delivery ON trail_log_files (trail_arn, account_id, region, delivered_at);

-- Digest chain per (trail, account, source region).
CREATE TABLE trail_digests (
  id                 INTEGER PRIMARY KEY,
  trail_arn          TEXT    NOT NULL,
  account_id         TEXT    NOT NULL,
  region             TEXT    NOT NULL,
  start_time         INTEGER NOT NULL,    -- epoch seconds
  end_time           INTEGER NOT NULL,
  s3_bucket          TEXT    NOT NULL,
  s3_key             TEXT    NOT NULL,
  sha256             TEXT    NOT NULL,
  signature          TEXT    NOT NULL,    -- lower-case hex
  -- Starts a new chain (previousDigest* null): first digest, or after a restart of logging.
  chain_start        INTEGER NOT NULL,
  gzip               BLOB,
  created_at         INTEGER NOT NULL,
  delivered_at       INTEGER
);
CREATE INDEX trail_digests_chain ON trail_digests (trail_arn, account_id, region, end_time);
CREATE INDEX trail_digests_pending ON trail_digests (trail_arn, id) WHERE delivered_at IS NULL;

-- Per-region digest signing keys, kept forever for ListPublicKeys.
CREATE TABLE trail_signing_keys (
  region           TEXT    NOT NULL,
  fingerprint      TEXT    NOT NULL PRIMARY KEY,
  private_key_pem  TEXT    NOT NULL,
  public_key_der   BLOB    NOT NULL,     -- PKCS#1 RSAPublicKey
  valid_from       INTEGER NOT NULL,     -- epoch seconds
  valid_to         INTEGER NOT NULL
);
CREATE INDEX trail_signing_keys_by_region ON trail_signing_keys (region, valid_from);
