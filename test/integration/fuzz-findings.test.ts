/**
 * Regression tests for defects the fuzz test (fuzz.test.ts) found: each sends the request that
 * answered 500 and expects the FHIR error (OperationOutcome 4xx) or a normal answer instead.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { s3Client } from '../helpers/s3.ts';
import { signedFetch } from '../helpers/signed-fetch.ts';

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

  it('a Bundle entry nested 3,000 levels deep is refused as too costly (transaction 4xx, batch entry 400), not a stack overflow', async () => {
    let nest: unknown = { reference: 'urn:uuid:x' };
    for (let i = 0; i < 3000; i++) nest = i % 2 ? [nest] : { a: nest };
    for (const type of ['transaction', 'batch']) {
      const res = await fhir.post('', { resourceType: 'Bundle', type, entry: [{ fullUrl: 'urn:uuid:x', request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', extension: nest } }] });
      const outcome = type === 'transaction' ? res.json : res.json.entry[0].response.outcome;
      assert.equal(type === 'transaction' ? res.status : Number(res.json.entry[0].response.status), 400, `${type}: ${res.status} ${res.text.slice(0, 300)}`);
      assert.equal(outcome.issue[0].code, 'too-costly');
    }
  });

  it('DELETE of an S3 key whose part the local store cannot hold (256-1,024 bytes) answers 204, as for any missing key', async () => {
    await s3Client(server).send(new CreateBucketCommand({ Bucket: 'fuzz-keys' }));
    for (const [path, query] of [[`/fuzz-keys/${'A'.repeat(1000)}`, { lifecycle: '' }], [`/fuzz-keys/${'A'.repeat(300)}/x`, {}]] as const) {
      const res = await signedFetch(server.url, { service: 's3', method: 'DELETE', path, query });
      assert.equal(res.status, 204, res.text);
    }
  });
});
