-- _has and _include read a resource's references by rid: make that index covering, so they
-- never touch the reference rows themselves.
DROP INDEX fhir_idx_reference_rid;
CREATE INDEX fhir_idx_reference_rid ON fhir_idx_reference (rid, key, ref_type, ref_id);
