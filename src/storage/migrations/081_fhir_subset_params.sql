-- Reference parameters that are another's narrowed to one target type (search-params.ts
-- subsetOf: Observation patient = subject.where(resolve() is Patient), 46 of them) keep no
-- typed rows of their own any more: a search reads their whole parameter's rows of that type.
-- One Synthea Observation, Condition, Encounter, Procedure, ... writes one reference row fewer.
-- The typed rows such parameters were given before go (the list is the one search-params.ts
-- computes; test/services/healthlake/fhir-subset-params.test.ts holds them equal).
DELETE FROM fhir_idx_reference
  WHERE store IN (SELECT store FROM fhir_stores) AND ref_type = 'Location'
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Appointment.location',
      'AppointmentResponse.location'));
DELETE FROM fhir_idx_reference
  WHERE store IN (SELECT store FROM fhir_stores) AND ref_type = 'Patient'
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Account.patient',
      'Appointment.patient',
      'AppointmentResponse.patient',
      'Basic.patient',
      'CarePlan.patient',
      'CareTeam.patient',
      'ChargeItem.patient',
      'ClinicalImpression.patient',
      'Communication.patient',
      'CommunicationRequest.patient',
      'Composition.patient',
      'Condition.patient',
      'DeviceRequest.patient',
      'DiagnosticReport.patient',
      'DocumentManifest.patient',
      'DocumentReference.patient',
      'Encounter.patient',
      'Flag.patient',
      'Goal.patient',
      'GuidanceResponse.patient',
      'ImagingStudy.patient',
      'Invoice.patient',
      'List.patient',
      'MeasureReport.patient',
      'Media.patient',
      'MedicationAdministration.patient',
      'MedicationDispense.patient',
      'MedicationRequest.patient',
      'MedicationStatement.patient',
      'Observation.patient',
      'Person.patient',
      'Procedure.patient',
      'Provenance.patient',
      'QuestionnaireResponse.patient',
      'RequestGroup.patient',
      'RiskAssessment.patient',
      'ServiceRequest.patient',
      'Specimen.patient',
      'Task.patient'));
DELETE FROM fhir_idx_reference
  WHERE store IN (SELECT store FROM fhir_stores) AND ref_type = 'Practitioner'
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Appointment.practitioner',
      'AppointmentResponse.practitioner',
      'Encounter.practitioner',
      'Person.practitioner'));
DELETE FROM fhir_idx_reference
  WHERE store IN (SELECT store FROM fhir_stores) AND ref_type = 'RelatedPerson'
    AND key IN (SELECT key FROM fhir_search_keys WHERE name IN (
      'Person.relatedperson'));
