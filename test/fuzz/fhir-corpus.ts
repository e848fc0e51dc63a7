/** Hand-written seed requests for the HealthLake FHIR R4 REST data plane (/datastore/{id}/r4/). */
import type { FuzzRequest } from './fuzz-request.ts';

const patient = { resourceType: 'Patient', name: [{ family: 'Fuzz', given: ['Seed'] }], gender: 'female', birthDate: '1970-01-01' };
const observation = {
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/PATIENT' }, valueQuantity: { value: 72, unit: '/min' },
};

export function fhirSeeds(datastoreId: string, patientId: string): FuzzRequest[] {
  const base = `/datastore/${datastoreId}/r4`;
  const json = { 'content-type': 'application/fhir+json' };
  const req = (method: string, path: string, body?: unknown, query: [string, string][] = [], headers: Record<string, string> = json): FuzzRequest => ({
    service: 'healthlake', method, path: `${base}${path}`, query, headers: body === undefined ? {} : { ...headers },
    body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    signing: 'signed',
  });
  const obs = JSON.parse(JSON.stringify(observation).replace('PATIENT', patientId));
  return [
    req('GET', '/metadata'),
    req('GET', `/Patient/${patientId}`),
    req('GET', `/Patient/${patientId}/_history`),
    req('GET', `/Patient/${patientId}/_history/1`),
    req('POST', '/Patient', patient),
    req('POST', '/Observation', obs),
    req('PUT', `/Patient/${patientId}`, { ...patient, id: patientId }),
    req('PATCH', `/Patient/${patientId}`, [{ op: 'replace', path: '/gender', value: 'male' }], [], { 'content-type': 'application/json-patch+json' }),
    req('GET', '/Patient', undefined, [['name', 'Fuzz'], ['_count', '5']]),
    req('GET', '/Observation', undefined, [['subject', `Patient/${patientId}`], ['_include', 'Observation:subject']]),
    req('GET', '/Patient', undefined, [['_has:Observation:subject:code', '8867-4']]),
    req('POST', '/Patient/_search', 'name=Fuzz&gender=female', [], { 'content-type': 'application/x-www-form-urlencoded' }),
    req('POST', '/Patient', patient, [], { ...json, 'if-none-exist': 'name=Fuzz' }),
    req('DELETE', '/Patient', undefined, [['name', 'Nobody']]),
    req('POST', '/', { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `Patient/${patientId}` } }, { resource: patient, request: { method: 'POST', url: 'Patient' } }] }),
    req('POST', '/', { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:1', resource: patient, request: { method: 'POST', url: 'Patient' } }] }),
    req('GET', `/Patient/${patientId}/$everything`),
  ];
}
