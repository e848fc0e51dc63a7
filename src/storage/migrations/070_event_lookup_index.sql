-- Event history's lookup indexes move out of the call's transaction: the events table becomes
-- the log alone (sequence number, event id, record and the columns the indexer copies), and the
-- per-attribute indexes are derived from it into <db>-lookup.db (src/audit/lookup-index/).
-- Resources named by an event (LookupEvents ResourceType / ResourceName) travel with the row as
-- JSON [[type, name], ...]; NULL when none.
ALTER TABLE events ADD COLUMN resources TEXT;
UPDATE events SET resources = (
    SELECT json_group_array(json_array(r.resource_type, r.resource_name)) FROM event_resources r WHERE r.seq = events.seq)
  WHERE seq IN (SELECT seq FROM event_resources);
DROP TABLE event_resources;
DROP INDEX events_by_time;
DROP INDEX events_by_name;
DROP INDEX events_by_source;
DROP INDEX events_by_username;
DROP INDEX events_by_access_key;
DROP INDEX events_by_read_only;
