/**
 * Composition/{id}/$document: a document Bundle with the Composition first and each resource it
 * references (at any depth of the Composition, once), by GET and POST; references to other
 * servers, contained or missing resources left out; errors; the CloudTrail record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

describe('HealthLake Composition/$document', () => {
  let server: TestServer;
  let fhir: FhirClient;

  before(async () => {
    server = await startTestServer();
    const ds = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
    const code = { coding: [{ system: 'http://loinc.org', code: '8302-2' }] };
    const resources = [
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Practitioner', id: 'dr' },
      { resourceType: 'Organization', id: 'org' },
      { resourceType: 'Observation', id: 'o1', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Observation', id: 'o2', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Observation', id: 'gone', status: 'final', code },
      { resourceType: 'Composition', id: 'c1', status: 'final', type: { text: 'Summary' }, date: '2024-01-01', title: 'Summary',
        subject: { reference: 'Patient/pa' }, author: [{ reference: 'Practitioner/dr' }, { reference: `${'http://elsewhere.example.org/fhir/'}Practitioner/far` }],
        custodian: { reference: 'Organization/org' },
        section: [
          { title: 'Vitals', entry: [{ reference: 'Observation/o2' }, { reference: 'Observation/o1' }, { reference: 'Observation/gone' }],
            section: [{ title: 'Again', entry: [{ reference: 'Observation/o1' }, { reference: 'Observation/missing' }] }] },
        ] },
    ];
    for (const r of resources) assert.equal((await fhir.put(`${r.resourceType}/${r.id}`, r)).status, 201, `${r.resourceType}/${r.id}`);
    assert.equal((await fhir.delete('Observation/gone')).status, 204);
  });
  after(async () => server?.stop());

  it('bundles the Composition and what it references, once each, in document order', async () => {
    for (const res of [await fhir.get('Composition/c1/$document'), await fhir.post('Composition/c1/$document', { resourceType: 'Parameters', parameter: [{ name: 'persist', valueBoolean: false }] })]) {
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.resourceType, 'Bundle');
      assert.equal(res.json.type, 'document');
      assert.match(res.json.identifier.value, /^urn:uuid:/);
      assert.ok(res.json.timestamp);
      assert.deepEqual(res.json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`),
        ['Composition/c1', 'Patient/pa', 'Practitioner/dr', 'Organization/org', 'Observation/o2', 'Observation/o1']);
      assert.equal(res.json.entry[1].fullUrl, `${fhir.base}Patient/pa`);
    }
  });

  it('answers errors as OperationOutcomes and records GenerateDocumentWithGet as a read', async () => {
    for (const [path, status] of [['Composition/none/$document', 404], ['Composition/c1/$document?persist=true', 400], ['Composition/c1/$document?persist=maybe', 400], ['Composition/c1/$document?x=1', 400]] as const) {
      const res = await fhir.get(path);
      assert.equal(res.status, status, `${path}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    assert.equal((await fhir.delete('Composition/c1/$document')).status, 405);
    const ct = new CloudTrailClient(clientOptions(server));
    const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GenerateDocumentWithGet' }] }));
    const ok = events.Events!.map((e) => JSON.parse(e.CloudTrailEvent!)).find((r) => r.errorCode === undefined)!;
    assert.equal(ok.readOnly, true);
    assert.equal(ok.requestParameters.resourceId, 'c1');
  });
});
