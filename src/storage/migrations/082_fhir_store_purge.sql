-- A deleted datastore's FHIR data (resources, history, search index rows, idempotency keys) is
-- purged in the background once the datastore is DELETING or DELETED (jobs/datastore-purge.ts);
-- purged_at marks a store whose purge finished, so it is not looked at again.
ALTER TABLE fhir_stores ADD COLUMN purged_at INTEGER;
