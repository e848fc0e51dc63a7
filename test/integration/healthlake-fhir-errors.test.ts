/**
 * The FHIR data plane's answers to bad input and refused interactions, each an OperationOutcome
 * with its status (400, 404, 405, 409, 410, 412, 413, 422), never a 5xx: oversized bodies,
 * transactions that refer to missing resources (and change nothing), Prefer: return=... on every
 * write, Prefer: handling=strict|lenient on GET and POST searches, invalid prefixes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient, type FhirResponse } from '../helpers/fhir-client.ts';

const MAX_BODY = 64 * 1024;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_PATCH = { 'content-type': 'application/json-patch+json' };

function assertOutcome(res: FhirResponse, status: number, diagnostics?: RegExp): void {
  assert.equal(res.status, status, res.text.slice(0, 500));
  assert.equal(res.headers.get('content-type'), 'application/fhir+json');
  assert.equal(res.json?.resourceType, 'OperationOutcome', res.text.slice(0, 500));
  assert.equal(res.json.issue[0].severity, 'error');
  if (diagnostics) assert.match(res.json.issue.map((i: any) => i.diagnostics).join(' '), diagnostics);
}

describe('HealthLake FHIR errors and preferences', () => {
  let server: TestServer;
  let fhir: FhirClient;

  before(async () => {
    server = await startTestServer({ maxBodyBytes: MAX_BODY });
    const hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'errors' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
  });
  after(async () => server?.stop());

  it('an oversized body is a 413 OperationOutcome, declared or streamed without a length', async () => {
    const big = { resourceType: 'Patient', name: [{ family: 'x'.repeat(MAX_BODY) }] };
    assertOutcome(await fhir.post('Patient', big), 413, new RegExp(`${MAX_BODY} bytes`));
    // Chunked (no Content-Length): refused once the limit is passed. (Unsigned: the size check
    // comes before authentication, as for every service.)
    const url = new URL(`${fhir.base}Patient`);
    const chunked = await new Promise<{ status: number; type: string; body: any }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: JSON.parse(text) }));
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write('x'.repeat(MAX_BODY / 2));
      req.end();
    });
    assert.equal(chunked.status, 413);
    assert.equal(chunked.type, 'application/fhir+json');
    assert.equal(chunked.body.resourceType, 'OperationOutcome');
    // Just under the limit is fine.
    const fits = await fhir.post('Patient', { resourceType: 'Patient', name: [{ family: 'y'.repeat(MAX_BODY - 200) }] });
    assert.equal(fits.status, 201, fits.text.slice(0, 300));
  });

  it('a transaction referring to a missing, deleted or unresolved resource fails whole and changes nothing', async () => {
    const kept = await fhir.put('Patient/tx-kept', { resourceType: 'Patient', id: 'tx-kept', gender: 'female' });
    assert.equal(kept.status, 201);
    await fhir.put('Patient/tx-doomed', { resourceType: 'Patient', id: 'tx-doomed' });
    await fhir.put('Patient/tx-deleted', { resourceType: 'Patient', id: 'tx-deleted' });
    assert.equal((await fhir.delete('Patient/tx-deleted')).status, 204);
    const count = async (q: string) => (await fhir.get(`${q}${q.includes('?') ? '&' : '?'}_summary=count`)).json.total as number;
    const snapshot = async () => ({
      observations: await count('Observation'),
      history: (await fhir.get('_history?_count=1')).json.total,
      kept: (await fhir.get('Patient/tx-kept')).json,
      doomed: (await fhir.get('Patient/tx-doomed')).status,
      byGender: await count('Patient?gender=male'),
    });
    const before = await snapshot();

    const attempt = (reference: string) => fhir.post('', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', id: 'tx-kept', gender: 'male' }, request: { method: 'PUT', url: 'Patient/tx-kept' } },
        { request: { method: 'DELETE', url: 'Patient/tx-doomed' } },
        { fullUrl: 'urn:uuid:0d8b5b44-6f0e-4c3c-a1a4-0b7a1f3b6a01', resource: { resourceType: 'Patient', gender: 'male' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'ok' }, subject: { reference: 'urn:uuid:0d8b5b44-6f0e-4c3c-a1a4-0b7a1f3b6a01' } },
          request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'bad' }, subject: { reference } }, request: { method: 'POST', url: 'Observation' } },
      ],
    });
    for (const [reference, why] of [
      ['Patient/never-existed', /Observation\.subject refers to Patient\/never-existed, but no such resource exists/],
      ['Patient/tx-deleted', /has been deleted/],
      ['Patient/tx-doomed', /has been deleted/], // deleted by this same transaction
      [`${fhir.base}Patient/never-existed`, /no such resource exists/],
      ['urn:uuid:99999999-9999-4999-8999-999999999999', /names no fullUrl of this Bundle/],
    ] as const) {
      const res = await attempt(reference);
      assertOutcome(res, 400, why);
      assert.match(res.json.issue[0].diagnostics, /^Bundle entry 4 \(POST Observation\)/);
      assert.deepEqual(res.json.issue[0].expression, ['Observation.subject']);
      assert.deepEqual(await snapshot(), before, `nothing changed after ${reference}`);
    }

    // The same transaction with references that resolve (existing, or created by the transaction) commits.
    const ok = await attempt('Patient/tx-kept');
    assert.equal(ok.status, 200, ok.text.slice(0, 500));
    assert.deepEqual(ok.json.entry.map((e: any) => e.response.status), ['200', '204', '201', '201', '201']);
    assert.equal((await fhir.get('Patient/tx-kept')).json.gender, 'male');
    assert.equal((await fhir.get('Patient/tx-doomed')).status, 410);
    assert.equal(await count('Observation'), before.observations + 2);
    // A batch does not check references: each entry stands alone, as a plain create does.
    const batch = await fhir.post('', { resourceType: 'Bundle', type: 'batch', entry: [
      { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/never-existed' } }, request: { method: 'POST', url: 'Observation' } }] });
    assert.deepEqual(batch.json.entry.map((e: any) => e.response.status), ['201']);
  });

  it('Prefer: return=minimal|representation|OperationOutcome on create, update, patch and bundles', async () => {
    const created = await fhir.post('Patient', { resourceType: 'Patient', gender: 'female' }, { headers: { prefer: 'return=representation' } });
    assert.equal(created.status, 201);
    assert.equal(created.json.resourceType, 'Patient');
    const id = created.json.id as string;
    const current = (await fhir.get(`Patient/${id}`)).json;

    const minimal = await fhir.put(`Patient/${id}`, { ...current, gender: 'male' }, { headers: { prefer: 'return=minimal' } });
    assert.equal(minimal.status, 200);
    assert.equal(minimal.text, '');
    assert.equal(minimal.headers.get('etag'), 'W/"2"');
    const outcome = await fhir.put(`Patient/${id}`, { ...current, gender: 'other' }, { headers: { prefer: 'return=OperationOutcome' } });
    assert.equal(outcome.status, 200);
    assert.equal(outcome.json.resourceType, 'OperationOutcome');
    assert.equal(outcome.json.issue[0].severity, 'information');
    const representation = await fhir.put(`Patient/${id}`, { ...current, gender: 'unknown' }, { headers: { prefer: 'return=representation' } });
    assert.equal(representation.json.gender, 'unknown');
    assert.equal(representation.json.meta.versionId, '4');

    const patchMinimal = await fhir.patch(`Patient/${id}`, [{ op: 'add', path: '/active', value: true }], { headers: { ...JSON_PATCH, prefer: 'return=minimal' } });
    assert.equal(patchMinimal.status, 200);
    assert.equal(patchMinimal.text, '');
    const patchOutcome = await fhir.patch(`Patient/${id}`, [{ op: 'add', path: '/active', value: false }], { headers: { ...JSON_PATCH, prefer: 'return=OperationOutcome' } });
    assert.equal(patchOutcome.json.resourceType, 'OperationOutcome');
    assert.equal((await fhir.get(`Patient/${id}`)).json.meta.versionId, '6');

    const tx = await fhir.post('', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }] },
      { headers: { prefer: 'return=OperationOutcome' } });
    assert.equal(tx.json.type, 'transaction-response');
    assert.equal(tx.json.entry[0].resource, undefined);
    assert.equal(tx.json.entry[0].response.outcome.resourceType, 'OperationOutcome');
    // A failure is an OperationOutcome whatever the preference.
    assertOutcome(await fhir.put(`Patient/${id}`, { resourceType: 'Patient', id: 'other' }, { headers: { prefer: 'return=minimal' } }), 400);
  });

  it('Prefer: handling=strict refuses unknown search parameters on GET and POST; lenient and the default ignore them', async () => {
    assertOutcome(await fhir.get('Patient?nonsense=1', { headers: { prefer: 'handling=strict' } }), 400, /nonsense/);
    assertOutcome(await fhir.post('Patient/_search', 'nonsense=1', { headers: { ...FORM, prefer: 'handling=strict' } }), 400, /nonsense/);
    assertOutcome(await fhir.get('Patient?gender=male&unknown-too=1', { headers: { prefer: 'handling=strict' } }), 400, /unknown-too/);
    const all = (await fhir.get('Patient?_summary=count')).json.total;
    for (const prefer of ['handling=lenient', undefined]) {
      const headers = prefer ? { prefer } : undefined;
      const get = await fhir.get('Patient?nonsense=1&_total=accurate', { headers });
      assert.equal(get.status, 200);
      assert.equal(get.json.total, all, 'the unknown parameter is ignored, not applied');
      const post = await fhir.post('Patient/_search', 'nonsense=1&_total=accurate', { headers: { ...FORM, ...headers } });
      assert.equal(post.json.total, all);
    }
    const strictKnown = await fhir.get('Patient?gender=male', { headers: { prefer: 'handling=strict' } });
    assert.equal(strictKnown.status, 200, 'known parameters pass strict handling');
  });

  it('answers each refused interaction with its status', async () => {
    await fhir.put('Patient/st-1', { resourceType: 'Patient', id: 'st-1' });
    await fhir.put('Patient/st-gone', { resourceType: 'Patient', id: 'st-gone' });
    await fhir.delete('Patient/st-gone');
    const audit = await fhir.post('AuditEvent', { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: '2024-01-01T00:00:00Z',
      agent: [{ requestor: true, who: { display: 'tester' } }], source: { observer: { display: 'tests' } } });
    assert.equal(audit.status, 201, audit.text);
    const key = '2f1d7a0e-3b2c-4d5e-8f90-a1b2c3d4e5f6';
    await fhir.post('Patient', { resourceType: 'Patient' }, { headers: { 'x-amz-fhir-idempotency-key': key } });
    const cases: [string, Promise<FhirResponse>, number][] = [
      ['invalid date prefix', fhir.get('Patient?birthdate=xx2020-01-01'), 400],
      ['invalid number prefix', fhir.get('RiskAssessment?probability=zz0.5'), 400],
      ['invalid quantity prefix', fhir.get('Observation?value-quantity=qq5'), 400],
      ['prefix on a token', fhir.get('Patient?gender=gtmale&_total=accurate'), 200],
      ['unknown resource', fhir.get('Patient/nobody'), 404],
      ['unknown version', fhir.get('Patient/st-1/_history/5'), 404],
      ['DELETE on a type', fhir.delete('Patient'), 405],
      ['PUT on the base', fhir.put('', { resourceType: 'Patient' }), 405],
      ['POST on an instance', fhir.post('Patient/st-1', { resourceType: 'Patient' }), 405],
      ['update of an AuditEvent', fhir.put(`AuditEvent/${audit.json.id}`, { ...audit.json }), 405],
      ['delete of an AuditEvent', fhir.delete(`AuditEvent/${audit.json.id}`), 405],
      ['repeated idempotency key', fhir.post('Patient', { resourceType: 'Patient' }, { headers: { 'x-amz-fhir-idempotency-key': key } }), 409],
      ['read of a deleted resource', fhir.get('Patient/st-gone'), 410],
      ['If-Match on a stale version', fhir.put('Patient/st-1', { resourceType: 'Patient', id: 'st-1' }, { headers: { 'if-match': 'W/"3"' } }), 412],
      ['If-None-Match: * on an existing resource', fhir.put('Patient/st-1', { resourceType: 'Patient', id: 'st-1' }, { headers: { 'if-none-match': '*' } }), 412],
      ['JSON Patch test that fails', fhir.patch('Patient/st-1', [{ op: 'test', path: '/gender', value: 'male' }], { headers: JSON_PATCH }), 422],
    ];
    for (const [name, pending, status] of cases) {
      const res = await pending;
      if (status === 200) {
        assert.equal(res.status, 200, `${name}: ${res.text.slice(0, 300)}`);
        continue;
      }
      assert.equal(res.status, status, `${name}: ${res.text.slice(0, 300)}`);
      if (status !== 409) assertOutcome(res, status);
    }
  });
});
