-- CloudTrail events: one row per recorded call, the record kept as the exact JSON text that
-- Event history returns and trails deliver. Lookup columns are copied out of the record so that
-- every LookupEvents attribute has its own index (management events only, as Event history).
CREATE TABLE events (
  seq            INTEGER PRIMARY KEY,
  event_id       TEXT    NOT NULL UNIQUE,
  account_id     TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  event_time     INTEGER NOT NULL,          -- epoch seconds (records carry no milliseconds)
  event_name     TEXT    NOT NULL,
  event_source   TEXT    NOT NULL,
  username       TEXT,
  access_key_id  TEXT,
  read_only      TEXT,                      -- 'true' | 'false' | NULL, as LookupEvents compares it
  management     INTEGER NOT NULL,          -- 1 for management events
  category       TEXT    NOT NULL,          -- Management | Data | Insight
  record         TEXT    NOT NULL
);

CREATE INDEX events_by_time        ON events (account_id, region, event_time, seq) WHERE management = 1;
CREATE INDEX events_by_name        ON events (account_id, region, event_name, event_time, seq) WHERE management = 1;
CREATE INDEX events_by_source      ON events (account_id, region, event_source, event_time, seq) WHERE management = 1;
CREATE INDEX events_by_username    ON events (account_id, region, username, event_time, seq) WHERE management = 1;
CREATE INDEX events_by_access_key  ON events (account_id, region, access_key_id, event_time, seq) WHERE management = 1;
CREATE INDEX events_by_read_only   ON events (account_id, region, read_only, event_time, seq) WHERE management = 1;

-- Resources named by an event (LookupEvents ResourceType / ResourceName and the Resources list).
CREATE TABLE event_resources (
  seq            INTEGER NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
  account_id     TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  event_time     INTEGER NOT NULL,
  resource_type  TEXT,
  resource_name  TEXT
);
CREATE INDEX event_resources_by_seq  ON event_resources (seq);
CREATE INDEX event_resources_by_type ON event_resources (account_id, region, resource_type, event_time, seq);
CREATE INDEX event_resources_by_name ON event_resources (account_id, region, resource_name, event_time, seq);
