/**
 * Regression tests for defects the fuzz test (fuzz.test.ts) found: each sends the request that
 * answered 500 and expects the FHIR error (OperationOutcome 4xx) or a normal answer instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

describe('fuzz findings', () => {
  let server: TestServer;
  let fhir: FhirClient;

  before(async () => {
    server = await startTestServer();
    const ds = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'fuzz-findings' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
  });
  after(async () => server?.stop());

  it('a Bundle entry whose request.method, url or fullUrl is not a string is a 400 OperationOutcome', async () => {
    for (const entry of [
      { request: { method: ['POST'], url: 'Patient' }, resource: { resourceType: 'Patient' } },
      { request: { method: 'POST', url: 7 }, resource: { resourceType: 'Patient' } },
      { fullUrl: { a: 1 }, request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } },
      { request: 'POST Patient' },
    ]) {
      for (const type of ['transaction', 'batch']) {
        const res = await fhir.post('', { resourceType: 'Bundle', type, entry: [entry] });
        assert.equal(res.status, 400, `${type} ${JSON.stringify(entry)}: ${res.text}`);
        assert.equal(res.json.resourceType, 'OperationOutcome');
        assert.match(res.json.issue[0].diagnostics, /Bundle entry 0: /);
      }
    }
  });

  it('a resource with a key named like an Object.prototype member is validated, not a 500', async () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
      for (const resource of [{ resourceType: 'Patient', [key]: 1 }, { resourceType: 'Patient', gender: 'x', name: [{ family: 'F', [key]: 1 }] }]) {
        const res = await fhir.post('Patient', resource);
        assert.ok(res.status < 500, `${JSON.stringify(resource)}: ${res.status} ${res.text}`);
      }
    }
  });
});
