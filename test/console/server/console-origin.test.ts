/**
 * Issue 17 item 1 at the HTTP level: the console has its own listener (origin), the API listener
 * serves no console, the console API refuses the API origin and same-site (other port) requests,
 * and every API-listener response (S3 objects incl. presigned, FHIR resources and Binary, errors)
 * carries Content-Security-Policy: sandbox and X-Content-Type-Options: nosniff.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateFHIRDatastoreCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import { clientOptions, ROOT, startTestServer, type TestServer } from '../../helpers/server.ts';
import { presignedGetUrl, s3Client } from '../../helpers/s3.ts';
import { FhirClient } from '../../helpers/fhir-client.ts';
import { ConsoleClient } from './console-client.ts';

function assertInert(res: { headers: Headers }, what: string): void {
  assert.equal(res.headers.get('content-security-policy'), 'sandbox', what);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
}

describe('console origin', () => {
  let server: TestServer;
  let c: ConsoleClient;

  before(async () => {
    server = await startTestServer();
    c = new ConsoleClient(server.consoleUrl);
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT })).status, 200);
  });

  after(async () => {
    await server?.stop();
  });

  it('serves the console on its own port only; the API port redirects the app and has no console API', async () => {
    assert.notEqual(server.consolePort, server.port);
    const app = await fetch(`${server.url}/console/event-history?x=1`, { redirect: 'manual' });
    assert.equal(app.status, 302);
    assert.equal(app.headers.get('location'), `${server.consoleUrl}/console/event-history?x=1`);
    assertInert(app, 'redirect');
    for (const [method, path] of [['GET', '/console/api/session'], ['POST', '/console/api/call'], ['POST', '/console/api/sign-in']] as const) {
      const res = await fetch(`${server.url}${path}`, {
        method, redirect: 'manual', headers: { cookie: c.cookie!, 'x-csrf-token': c.session!.csrfToken, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ service: 'iam', operation: 'CreateUser', input: { UserName: 'x' } }) } : {}),
      });
      assert.equal(res.status, 404, `${method} ${path} on the API port`);
      assert.doesNotMatch(await res.text(), /csrfToken/);
    }
    const root = await fetch(`${server.consoleUrl}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    assert.equal((await fetch(`${server.consoleUrl}/health`)).status, 404);
    assert.equal((await fetch(`${server.consoleUrl}/datastore/0000/r4/Patient`)).status, 404);
  });

  it('refuses console API requests from the API origin or from another site, with a valid session and token', async () => {
    const session = await c.request('GET', '/console/api/session', { headers: { origin: server.url } });
    assert.equal(session.status, 403);
    assert.equal(session.json.error.code, 'ForbiddenOrigin');
    assert.equal((await c.request('GET', '/console/api/session', { headers: { 'sec-fetch-site': 'same-site' } })).status, 403);
    const refused: Array<Record<string, string>> = [{ origin: server.url }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }];
    for (const headers of refused) {
      const res = await c.request('POST', '/console/api/call', { body: { service: 'iam', operation: 'CreateAccessKey', input: {} }, headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.json.error.code, 'ForbiddenOrigin');
    }
    const own = await c.request('GET', '/console/api/session', { headers: { origin: server.consoleUrl, 'sec-fetch-site': 'same-origin' } });
    assert.equal(own.status, 200);
    // The console's own answers keep their strict policy (no framing, scripts from itself only).
    assert.match(own.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.match(own.headers.get('content-security-policy')!, /script-src 'self'/);
    assert.equal(own.headers.get('x-frame-options'), 'DENY');
  });

  it('marks every API-port response inert: S3 objects (presigned too), FHIR resources and Binary, errors', async () => {
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'inert' }));
    await s3.send(new PutObjectCommand({ Bucket: 'inert', Key: 'page.html', Body: '<script>alert(1)</script>', ContentType: 'text/html' }));
    const presigned = await presignedGetUrl(server, 'inert', 'page.html');
    const object = await fetch(presigned);
    assert.equal(object.status, 200);
    assert.equal(object.headers.get('content-type'), 'text/html');
    assertInert(object, 'presigned GetObject');
    const overridden = await presignedGetUrl(server, 'inert', 'page.html', ROOT, { 'response-content-type': 'image/svg+xml' });
    assertInert(await fetch(overridden), 'GetObject with response-content-type');
    assertInert(await fetch(`${server.url}/inert/page.html`), 'anonymous GetObject (AccessDenied)');
    assertInert(await fetch(`${server.url}/health`), '/health');

    const hl = new HealthLakeClient(clientOptions(server));
    const id = (await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'inert' }))).DatastoreId!;
    const fhir = new FhirClient(`${server.url}/datastore/${id}/r4/`);
    const binary = await fhir.post('Binary', { resourceType: 'Binary', contentType: 'text/html', data: Buffer.from('<script>alert(1)</script>').toString('base64') });
    assert.equal(binary.status, 201, binary.text);
    assertInert(binary, 'FHIR create');
    const raw = await fhir.get(`Binary/${binary.json.id}`, { headers: { accept: 'text/html' } });
    assertInert(raw, 'FHIR Binary read');
    assertInert(await fhir.get('Patient/missing'), 'FHIR 404');
  });
});
