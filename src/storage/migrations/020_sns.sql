-- Amazon SNS: topics, subscriptions, and the outbox of messages owed to HTTP/S subscribers.
-- Timestamps are epoch milliseconds. A Publish writes its message and one delivery row per
-- confirmed subscription in the same transaction as the call's CloudTrail record; the delivery
-- worker sends, retries and deletes them, and resumes whatever is left after a restart.

CREATE TABLE sns_topics (
  arn         TEXT    NOT NULL PRIMARY KEY,             -- arn:aws:sns:<region>:<account>:<name>
  account_id  TEXT    NOT NULL,
  region      TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  attributes  TEXT    NOT NULL DEFAULT '{}',            -- JSON: the settable attributes that were set
  created_at  INTEGER NOT NULL,
  UNIQUE (account_id, region, name)
);

CREATE TABLE sns_topic_tags (
  topic_arn  TEXT NOT NULL REFERENCES sns_topics (arn) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (topic_arn, key)
);

-- status: 'pending' until the endpoint confirms with the token, then 'confirmed'; 'deleted' after
-- Unsubscribe, kept while the UnsubscribeConfirmation's SubscribeURL may still restore it.
CREATE TABLE sns_subscriptions (
  arn                          TEXT    NOT NULL PRIMARY KEY,  -- <topic arn>:<uuid>
  topic_arn                    TEXT    NOT NULL REFERENCES sns_topics (arn) ON DELETE CASCADE,
  owner                        TEXT    NOT NULL,              -- the subscribing account
  protocol                     TEXT    NOT NULL,
  endpoint                     TEXT    NOT NULL,
  status                       TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'deleted')),
  token                        TEXT    NOT NULL UNIQUE,
  token_expires_at             INTEGER NOT NULL,
  authenticate_on_unsubscribe  INTEGER NOT NULL DEFAULT 0,
  confirmation_authenticated   INTEGER NOT NULL DEFAULT 0,
  attributes                   TEXT    NOT NULL DEFAULT '{}',   -- JSON: RawMessageDelivery, DeliveryPolicy
  created_at                   INTEGER NOT NULL
);
CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn, created_at);
CREATE INDEX sns_subscriptions_by_owner ON sns_subscriptions (owner, created_at);

-- One row per message: a published Notification or a Subscription/UnsubscribeConfirmation.
-- message holds the text as published (for MessageStructure=json, the whole JSON object).
CREATE TABLE sns_messages (
  id                  TEXT    NOT NULL PRIMARY KEY,     -- MessageId (UUID)
  type                TEXT    NOT NULL CHECK (type IN ('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation')),
  topic_arn           TEXT    NOT NULL,
  subject             TEXT,
  message             TEXT    NOT NULL,
  message_structure   TEXT,                              -- 'json' or NULL
  message_attributes  TEXT,                              -- JSON {name: {Type, Value}} as sent
  token               TEXT,                              -- confirmations only
  timestamp           TEXT    NOT NULL,                  -- ISO 8601 with milliseconds, as signed
  created_at          INTEGER NOT NULL
);

-- One row per (message, endpoint) still owed. Everything the sender needs is copied here when
-- the message is queued, so later changes to the topic or subscription do not alter it.
CREATE TABLE sns_deliveries (
  id                 INTEGER PRIMARY KEY,
  message_id         TEXT    NOT NULL REFERENCES sns_messages (id),
  subscription_arn   TEXT    NOT NULL,
  protocol           TEXT    NOT NULL,
  endpoint           TEXT    NOT NULL,
  raw                INTEGER NOT NULL DEFAULT 0,
  signature_version  TEXT    NOT NULL,
  content_type       TEXT    NOT NULL,
  retry_policy       TEXT    NOT NULL,                  -- JSON healthyRetryPolicy in force
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  last_error         TEXT,
  created_at         INTEGER NOT NULL
);
CREATE INDEX sns_deliveries_due ON sns_deliveries (next_attempt_at);
CREATE INDEX sns_deliveries_by_message ON sns_deliveries (message_id);

-- The RSA key and self-signed certificate that sign messages (SigningCertURL serves it).
CREATE TABLE sns_signing_certificates (
  id               TEXT    NOT NULL PRIMARY KEY,        -- 32 hex chars, in the certificate URL
  private_key_pem  TEXT    NOT NULL,
  certificate_pem  TEXT    NOT NULL,
  created_at       INTEGER NOT NULL
);
