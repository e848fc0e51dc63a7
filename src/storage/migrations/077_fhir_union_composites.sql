-- Composite search parameters that are the union of others with the same components
-- (Observation combo-code-value-quantity = code-value-quantity | component-code-value-quantity,
-- combo-code-value-concept likewise; search-params.ts unionOf) keep no index rows of their own
-- either, as the token and quantity unions since migration 076: one Synthea Observation writes
-- one composite row fewer. The rows they were given before go.
DELETE FROM fhir_idx_composite
  WHERE store IN (SELECT store FROM fhir_stores)
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Observation.combo-code-value-concept', 'Observation.combo-code-value-quantity'));
