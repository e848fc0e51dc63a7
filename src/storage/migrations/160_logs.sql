-- CloudWatch Logs: log groups, their streams and the streams' events (HealthOmics run and task
-- logs, /aws/omics/WorkflowLog). Events sort by (timestamp, id): id is the insertion order that
-- breaks ties between events of the same millisecond, and the position paging tokens name.
CREATE TABLE log_groups (
  id INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, region, name)
);

CREATE TABLE log_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  creation_time INTEGER NOT NULL,
  first_event_timestamp INTEGER,
  last_event_timestamp INTEGER,
  last_ingestion_time INTEGER,
  UNIQUE (group_id, name)
);
-- DescribeLogStreams orderBy LastEventTime.
CREATE INDEX log_streams_by_last_event ON log_streams (group_id, last_event_timestamp, name);

CREATE TABLE log_events (
  id INTEGER PRIMARY KEY,
  stream_id INTEGER NOT NULL REFERENCES log_streams (id) ON DELETE CASCADE,
  -- The stream's group, so FilterLogEvents walks a group's events in time order by one index.
  group_id INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  ingestion_time INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX log_events_by_stream ON log_events (stream_id, timestamp, id);
CREATE INDEX log_events_by_group ON log_events (group_id, timestamp, id);
