-- Search parameters whose expression is the union of other parameters' (Observation combo-code
-- = code | component-code, combo-value-quantity, combo-value-concept, combo-data-absent-reason;
-- search-params.ts unionOf) keep no index rows of their own any more: a search reads their
-- parts' rows. One Synthea Observation writes 3 of its ~15 index rows fewer. The rows such
-- parameters were given before go (the list is the one search-params.ts computes; a test holds
-- them equal).
DELETE FROM fhir_idx_token
  WHERE store IN (SELECT store FROM fhir_stores)
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Observation.combo-code', 'Observation.combo-code:of-type',
      'Observation.combo-data-absent-reason', 'Observation.combo-data-absent-reason:of-type',
      'Observation.combo-value-concept', 'Observation.combo-value-concept:of-type'));
DELETE FROM fhir_idx_quantity
  WHERE store IN (SELECT store FROM fhir_stores)
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN ('Observation.combo-value-quantity'));
