CREATE TABLE healthlake_datastores (
  account_id        TEXT    NOT NULL,
  region            TEXT    NOT NULL,
  datastore_id      TEXT    NOT NULL PRIMARY KEY,
  name              TEXT,
  status            TEXT    NOT NULL,
  type_version      TEXT    NOT NULL,
  created_at        INTEGER NOT NULL,     -- epoch milliseconds
  status_changed_at INTEGER NOT NULL,     -- epoch milliseconds
  properties        TEXT    NOT NULL      -- JSON: SseConfiguration, PreloadDataConfig, IdentityProviderConfiguration, ErrorCause
);
CREATE INDEX healthlake_datastores_by_account ON healthlake_datastores (account_id, region, created_at);

CREATE TABLE healthlake_tags (
  datastore_id  TEXT NOT NULL REFERENCES healthlake_datastores (datastore_id) ON DELETE CASCADE,
  tag_key       TEXT NOT NULL,
  tag_value     TEXT NOT NULL,
  PRIMARY KEY (datastore_id, tag_key)
);

-- ClientToken idempotency for Create*/Start* operations, scoped per account, region and operation.
CREATE TABLE idempotency_tokens (
  account_id    TEXT    NOT NULL,
  region        TEXT    NOT NULL,
  operation     TEXT    NOT NULL,
  token         TEXT    NOT NULL,
  request_hash  TEXT    NOT NULL,
  response      TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (account_id, region, operation, token)
);
