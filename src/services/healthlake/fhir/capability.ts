/**
 * GET metadata: the CapabilityStatement, built from what this server actually does — the
 * interactions per type, and the search parameters search-params.ts indexes for each type.
 */
import { fhirDefinitions } from './definitions.ts';
import { searchParamsFor } from './search-params.ts';

let cached: Record<string, unknown> | undefined;

const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'];
/** Operations on one resource type (everything.ts, terminology-operations.ts, document-operation.ts). */
const TYPE_OPERATIONS: Record<string, string> = { Patient: 'everything', ValueSet: 'expand', CodeSystem: 'lookup', Composition: 'document' };
const SEARCH_RESULT_PARAMS = ['_count', '_sort', '_include', '_revinclude', '_total', '_summary', '_elements'];

function statement(): Record<string, unknown> {
  const defs = fhirDefinitions();
  const resource = defs.resourceTypes.map((type) => {
    const params = [...searchParamsFor(type).values()];
    const immutable = type === 'AuditEvent';
    const revIncludes: string[] = [];
    return {
      type,
      profile: `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: TYPE_INTERACTIONS.filter((c) => !(immutable && (c === 'update' || c === 'patch' || c === 'delete'))).map((code) => ({ code })),
      versioning: 'versioned',
      readHistory: true,
      updateCreate: !immutable,
      conditionalCreate: true,
      conditionalRead: 'not-supported',
      conditionalUpdate: !immutable,
      conditionalDelete: immutable ? 'not-supported' : 'multiple',
      referencePolicy: ['literal', 'logical'],
      searchInclude: params.filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`),
      searchRevInclude: revIncludes,
      searchParam: params.map((p) => ({
        name: p.code,
        definition: p.definition.url,
        type: p.type,
      })),
      ...(TYPE_OPERATIONS[type] ? { operation: [{ name: TYPE_OPERATIONS[type], definition: `http://hl7.org/fhir/OperationDefinition/${type}-${TYPE_OPERATIONS[type]}` }] } : {}),
    };
  });
  // _revinclude: every reference parameter of any type that can point at this type.
  const byType = new Map(resource.map((r) => [r.type, r]));
  for (const r of resource) {
    for (const p of searchParamsFor(r.type).values()) {
      if (p.type !== 'reference') continue;
      const targets = p.targets.length > 0 ? p.targets : defs.resourceTypes;
      for (const t of targets) byType.get(t)?.searchRevInclude.push(`${r.type}:${p.code}`);
    }
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2024-01-01',
    publisher: 'HealthTrail',
    kind: 'instance',
    software: { name: 'HealthTrail (Amazon HealthLake compatible)', version: '0.1.0' },
    implementation: { description: 'Amazon HealthLake FHIR R4 data plane' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [{
      mode: 'server',
      security: {
        description: 'AWS Signature Version 4 (service healthlake); IAM actions healthlake:<Action> on the datastore ARN.',
      },
      resource,
      interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }, { code: 'search-system' }],
      searchParam: SEARCH_RESULT_PARAMS.map((name) => ({ name, type: name === '_count' ? 'number' : name === '_sort' ? 'string' : 'special' })),
      operation: [
        { name: 'validate', definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate' },
        // Bulk Data export (GET or POST kick-off, export jobs): system, Patient- and Group-level.
        { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
        { name: 'patient-export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' },
        { name: 'group-export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' },
      ],
    }],
  };
}

export function capabilityStatement(): Record<string, unknown> {
  return (cached ??= statement());
}
