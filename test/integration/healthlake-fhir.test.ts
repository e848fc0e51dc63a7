/**
 * HealthLake FHIR R4 REST through SigV4-signed requests, as a FHIR client sends them:
 * CRUD and versioning, history, conditional interactions, PATCH, If-Match, idempotency keys,
 * Prefer, batch/transaction Bundles, validation, capabilities, bad input, IAM and CloudTrail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand, DeleteFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { MedplumClient } from '@medplum/core';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { FhirClient, sigv4Fetch } from '../helpers/fhir-client.ts';

const patient = (family: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', name: [{ family, given: ['Test'] }], gender: 'female', ...extra });

describe('HealthLake FHIR REST', () => {
  let server: TestServer;
  let fhir: FhirClient;
  let datastoreId: string;
  let hl: HealthLakeClient;

  before(async () => {
    server = await startTestServer({ fhirBundleEntryLimit: 10 });
    hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'fhir-rest' }));
    datastoreId = ds.DatastoreId!;
    fhir = new FhirClient(ds.DatastoreEndpoint!);
  });
  after(async () => server?.stop());

  async function recorded(eventName: string): Promise<any[]> {
    const ct = new CloudTrailClient(clientOptions(server));
    const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], MaxResults: 50 }));
    return (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!));
  }

  it('creates with a server id, meta, Location and ETag; reads, vreads, updates, deletes (then 410)', async () => {
    const created = await fhir.post('Patient', patient('Alpha', { id: 'client-chosen' }));
    assert.equal(created.status, 201);
    const id = created.json.id;
    assert.match(id, /^[0-9a-f-]{36}$/, 'POST ignores the client id');
    assert.equal(created.json.meta.versionId, '1');
    assert.match(created.json.meta.lastUpdated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(created.headers.get('etag'), 'W/"1"');
    assert.equal(created.headers.get('location'), `${fhir.base}Patient/${id}/_history/1`);
    assert.equal(created.headers.get('content-type'), 'application/fhir+json');

    const read = await fhir.get(`Patient/${id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.json, created.json);
    assert.ok(read.headers.get('last-modified'));

    const updated = await fhir.put(`Patient/${id}`, { ...read.json, gender: 'male' });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.meta.versionId, '2');
    assert.equal(updated.headers.get('etag'), 'W/"2"');

    const v1 = await fhir.get(`Patient/${id}/_history/1`);
    assert.equal(v1.status, 200);
    assert.equal(v1.json.gender, 'female');
    assert.equal((await fhir.get(`Patient/${id}/_history/2`)).json.gender, 'male');
    assert.equal((await fhir.get(`Patient/${id}/_history/9`)).status, 404);

    const deleted = await fhir.delete(`Patient/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    const gone = await fhir.get(`Patient/${id}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.json.resourceType, 'OperationOutcome');
    assert.equal((await fhir.get(`Patient/${id}/_history/3`)).status, 410);
    assert.equal((await fhir.get('Patient/never-was')).status, 404);

    const history = await fhir.get(`Patient/${id}/_history`);
    assert.equal(history.json.type, 'history');
    assert.equal(history.json.total, 3);
    assert.deepEqual(history.json.entry.map((e: any) => e.request.method), ['DELETE', 'PUT', 'POST']);
    assert.deepEqual(history.json.entry.map((e: any) => e.response.location), [3, 2, 1].map((v) => `Patient/${id}/_history/${v}`));
    assert.equal(history.json.entry[0].resource, undefined);

    const typeHistory = await fhir.get('Patient/_history?_count=2');
    assert.equal(typeHistory.json.entry.length, 2);
    assert.ok(typeHistory.json.link.some((l: any) => l.relation === 'next'));
    const systemHistory = await fhir.get('_history');
    assert.ok(systemHistory.json.total >= 3);
  });

  it('creates on update with a client id, and refuses mismatched ids and types', async () => {
    const made = await fhir.put('Patient/my-id-1', patient('Beta', { id: 'my-id-1' }));
    assert.equal(made.status, 201);
    assert.equal(made.json.id, 'my-id-1');
    assert.equal(made.headers.get('location'), `${fhir.base}Patient/my-id-1/_history/1`);
    const mismatch = await fhir.put('Patient/my-id-1', patient('Beta', { id: 'other' }));
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.json.issue[0].diagnostics, /does not match/);
    const wrongType = await fhir.post('Patient', { resourceType: 'Observation', status: 'final', code: { text: 'x' } });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.json.issue[0].diagnostics, /Observation.*Patient/);
    assert.equal((await fhir.put('Patient/my-id-1', patient('Beta'))).status, 400, 'PUT needs the id in the body');
  });

  it('If-Match and If-None-Match: 412 on mismatch', async () => {
    const made = await fhir.put('Patient/im-1', patient('Gamma', { id: 'im-1' }));
    assert.equal(made.status, 201);
    const stale = await fhir.put('Patient/im-1', made.json, { headers: { 'if-match': 'W/"7"' } });
    assert.equal(stale.status, 412);
    const fresh = await fhir.put('Patient/im-1', made.json, { headers: { 'if-match': 'W/"1"' } });
    assert.equal(fresh.status, 200);
    assert.equal((await fhir.put('Patient/im-1', made.json, { headers: { 'if-none-match': '*' } })).status, 412);
    assert.equal((await fhir.delete('Patient/im-1', { headers: { 'if-match': 'W/"1"' } })).status, 412);
    assert.equal((await fhir.patch('Patient/im-1', [{ op: 'replace', path: '/gender', value: 'male' }],
      { headers: { 'content-type': 'application/json-patch+json', 'if-match': 'W/"1"' } })).status, 412);
    assert.equal((await fhir.delete('Patient/im-1', { headers: { 'if-match': 'W/"2"' } })).status, 204);
  });

  it('x-amz-fhir-idempotency-key: a repeat is 409 with the original resource, nothing created', async () => {
    const key = '0b7e1a84-9a53-4bb8-b7f3-4a9f0c1d2e3f';
    const first = await fhir.post('Patient', patient('Idem'), { headers: { 'x-amz-fhir-idempotency-key': key } });
    assert.equal(first.status, 201);
    const again = await fhir.post('Patient', patient('Idem'), { headers: { 'x-amz-fhir-idempotency-key': key } });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json, first.json);
    const found = await fhir.get('Patient?family=Idem&_total=accurate');
    assert.equal(found.json.total, 1);
    assert.equal((await fhir.post('Patient', patient('Idem'), { headers: { 'x-amz-fhir-idempotency-key': 'not-a-uuid' } })).status, 400);
  });

  it('conditional create, update and delete', async () => {
    const ident = { identifier: [{ system: 'urn:cond', value: 'c-1' }] };
    const c1 = await fhir.post('Patient', patient('Cond', ident), { headers: { 'if-none-exist': 'identifier=urn:cond|c-1' } });
    assert.equal(c1.status, 201);
    const c2 = await fhir.post('Patient', patient('Cond', ident), { headers: { 'if-none-exist': 'identifier=urn:cond|c-1' } });
    assert.equal(c2.status, 200);
    assert.equal(c2.json.id, c1.json.id);

    const u1 = await fhir.put('Patient?identifier=urn:cond|c-1', patient('Cond', { ...ident, gender: 'other' }));
    assert.equal(u1.status, 200);
    assert.equal(u1.json.id, c1.json.id);
    assert.equal(u1.json.meta.versionId, '2');
    const u2 = await fhir.put('Patient?identifier=urn:cond|c-2', patient('Cond', { identifier: [{ system: 'urn:cond', value: 'c-2' }] }));
    assert.equal(u2.status, 201);
    await fhir.post('Patient', patient('Cond', { identifier: [{ system: 'urn:cond', value: 'c-2' }] }));
    assert.equal((await fhir.put('Patient?identifier=urn:cond|c-2', patient('Cond'))).status, 412);
    assert.equal((await fhir.delete('Patient?identifier=urn:cond|c-2')).status, 412);
    assert.equal((await fhir.delete('Patient?identifier=urn:cond|none')).status, 404);
    assert.equal((await fhir.delete('Patient?identifier=urn:cond|c-1')).status, 204);
    assert.equal((await fhir.get(`Patient/${c1.json.id}`)).status, 410);

    const many = await fhir.delete('Patient?identifier=urn:cond|c-2&_count=10');
    assert.equal(many.status, 200);
    assert.equal(many.json.type, 'batch-response');
    assert.equal(many.json.entry.length, 2);
    assert.ok(many.json.entry.every((e: any) => e.response.status === '204'));
    assert.equal((await fhir.delete('Patient?identifier=urn:cond|c-2&_count=101')).status, 400);
  });

  it('PATCH with JSON Patch and FHIRPath Patch', async () => {
    const made = await fhir.post('Patient', patient('Patchy', { telecom: [{ system: 'phone', value: '555' }] }));
    const id = made.json.id;
    const jp = await fhir.patch(`Patient/${id}`, [
      { op: 'test', path: '/gender', value: 'female' },
      { op: 'replace', path: '/gender', value: 'male' },
      { op: 'add', path: '/birthDate', value: '1990-02-03' },
    ], { headers: { 'content-type': 'application/json-patch+json' } });
    assert.equal(jp.status, 200, jp.text);
    assert.equal(jp.json.gender, 'male');
    assert.equal(jp.json.birthDate, '1990-02-03');
    assert.equal(jp.json.meta.versionId, '2');

    const failedTest = await fhir.patch(`Patient/${id}`, [{ op: 'test', path: '/gender', value: 'female' }], { headers: { 'content-type': 'application/json-patch+json' } });
    assert.equal(failedTest.status, 422);
    assert.equal((await fhir.patch(`Patient/${id}`, { op: 'nope' }, { headers: { 'content-type': 'application/json-patch+json' } })).status, 400);
    const invalid = await fhir.patch(`Patient/${id}`, [{ op: 'replace', path: '/gender', value: 'robot' }], { headers: { 'content-type': 'application/json-patch+json' } });
    assert.equal(invalid.status, 422);

    const fp = await fhir.patch(`Patient/${id}`, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'operation', part: [{ name: 'type', valueCode: 'replace' }, { name: 'path', valueString: 'Patient.birthDate' }, { name: 'value', valueDate: '1991-01-01' }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'active' }, { name: 'value', valueBoolean: true }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: "Patient.telecom.where(system = 'phone')" }] },
        { name: 'operation', part: [{ name: 'type', valueCode: 'insert' }, { name: 'path', valueString: 'Patient.name' }, { name: 'index', valueInteger: 0 },
          { name: 'value', part: [{ name: 'family', valueString: 'Inserted' }] }] },
      ],
    });
    assert.equal(fp.status, 200, fp.text);
    assert.equal(fp.json.birthDate, '1991-01-01');
    assert.equal(fp.json.active, true);
    assert.equal(fp.json.telecom, undefined);
    assert.deepEqual(fp.json.name.map((n: any) => n.family), ['Inserted', 'Patchy']);
    assert.equal(fp.json.meta.versionId, '3');
    assert.equal((await fhir.patch('Patient/no-such', [{ op: 'remove', path: '/gender' }], { headers: { 'content-type': 'application/json-patch+json' } })).status, 404);
  });

  it('Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await fhir.post('Patient', patient('Pref'), { headers: { prefer: 'return=minimal' } });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.ok(minimal.headers.get('location'));
    const oo = await fhir.post('Patient', patient('Pref'), { headers: { prefer: 'return=OperationOutcome' } });
    assert.equal(oo.status, 201);
    assert.equal(oo.json.resourceType, 'OperationOutcome');
    assert.equal(oo.json.issue[0].severity, 'information');
  });

  it('validates against the R4 StructureDefinitions, naming the element path', async () => {
    const missing = await fhir.post('Observation', { resourceType: 'Observation', code: { text: 'x' } });
    assert.equal(missing.status, 400);
    assert.ok(missing.json.issue.some((i: any) => i.expression?.includes('Observation.status')));
    const wrongType = await fhir.post('Patient', { resourceType: 'Patient', birthDate: 19700101 });
    assert.equal(wrongType.status, 400);
    assert.match(JSON.stringify(wrongType.json), /Patient\.birthDate/);
    const unknownElement = await fhir.post('Patient', { resourceType: 'Patient', favouriteColour: 'blue' });
    assert.equal(unknownElement.status, 400);
    assert.match(JSON.stringify(unknownElement.json), /favouriteColour/);
    const binding = await fhir.post('Patient', { resourceType: 'Patient', gender: 'robot' });
    assert.equal(binding.status, 400);
    assert.match(binding.json.issue[0].diagnostics, /Patient\.gender/);
    const cardinality = await fhir.post('Patient', { resourceType: 'Patient', gender: ['male', 'female'] });
    assert.equal(cardinality.status, 400);
    const minimal = await fhir.post('Patient', { resourceType: 'Patient', gender: 'robot' }, { headers: { 'x-amzn-healthlake-fhir-validation-level': 'minimal' } });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.headers.get('x-amzn-healthlake-validation-issues'), 'true');
    const validate = await fhir.post('Patient/$validate', { resourceType: 'Patient', gender: 'robot' });
    assert.equal(validate.status, 200);
    assert.equal(validate.json.resourceType, 'OperationOutcome');
    assert.equal(validate.json.issue[0].severity, 'error');
  });

  it('a transaction resolves urn:uuid references and is atomic', async () => {
    const before = (await fhir.get('Encounter?_summary=count')).json.total;
    const good = await fhir.post('', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a', resource: patient('Tx'), request: { method: 'POST', url: 'Patient' } },
        { fullUrl: 'urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059', resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' },
          subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' } }, request: { method: 'POST', url: 'Encounter' } },
      ],
    });
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.type, 'transaction-response');
    assert.deepEqual(good.json.entry.map((e: any) => e.response.status), ['201', '201']);
    const [pLoc, eLoc] = good.json.entry.map((e: any) => e.response.location);
    assert.match(pLoc, /^Patient\/[0-9a-f-]{36}\/_history\/1$/);
    const enc = await fhir.get(eLoc.replace(/\/_history\/1$/, ''));
    assert.equal(enc.json.subject.reference, pLoc.replace(/\/_history\/1$/, ''));

    const bad = await fhir.post('', {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:aaaaaaaa-bfdc-4613-8bf2-c5e300945f0a', resource: { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' } }, request: { method: 'POST', url: 'Encounter' } },
        { resource: { resourceType: 'Encounter', status: 'not-a-status', class: { code: 'AMB' } }, request: { method: 'POST', url: 'Encounter' } },
      ],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.json.issue[0].diagnostics, /Bundle entry 1/);
    assert.equal((await fhir.get('Encounter?_summary=count')).json.total, before + 1, 'the failed transaction left nothing behind');

    const tooBig = await fhir.post('', { resourceType: 'Bundle', type: 'transaction',
      entry: Array.from({ length: 11 }, () => ({ resource: patient('Big'), request: { method: 'POST', url: 'Patient' } })) });
    assert.equal(tooBig.status, 422);
  });

  it('a batch runs entries independently', async () => {
    const res = await fhir.post('', {
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: patient('Batch'), request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', gender: 'robot' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        { request: { method: 'GET', url: 'Patient?family=Batch' } },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.type, 'batch-response');
    assert.deepEqual(res.json.entry.map((e: any) => e.response.status), ['201', '400', '404', '200']);
    assert.equal(res.json.entry[1].response.outcome.resourceType, 'OperationOutcome');
    assert.equal(res.json.entry[3].resource.type, 'searchset');
    assert.equal(res.json.entry[3].resource.entry.length, 1);
    const minimal = await fhir.post('', { resourceType: 'Bundle', type: 'batch', entry: [{ resource: patient('Batch'), request: { method: 'POST', url: 'Patient' } }] },
      { headers: { prefer: 'return=minimal' } });
    assert.equal(minimal.json.entry[0].resource, undefined);
    assert.match(minimal.json.entry[0].response.location, /^Patient\//);
    assert.equal((await fhir.post('', { resourceType: 'Bundle', type: 'collection' })).status, 400);
    const stored = await fhir.post('Bundle', { resourceType: 'Bundle', type: 'collection' });
    assert.equal(stored.status, 201, 'POST /Bundle stores the Bundle as a resource');
  });

  it('GET metadata lists what is supported per resource type', async () => {
    const res = await fhir.get('metadata');
    assert.equal(res.status, 200);
    assert.equal(res.json.resourceType, 'CapabilityStatement');
    assert.equal(res.json.fhirVersion, '4.0.1');
    const rest = res.json.rest[0];
    const pat = rest.resource.find((r: any) => r.type === 'Patient');
    assert.ok(pat.interaction.some((i: any) => i.code === 'patch'));
    const names = pat.searchParam.map((p: any) => p.name);
    for (const n of ['_id', '_lastUpdated', 'name', 'birthdate', 'identifier', 'general-practitioner']) assert.ok(names.includes(n), n);
    assert.ok(pat.searchRevInclude.includes('Observation:subject'));
    const audit = rest.resource.find((r: any) => r.type === 'AuditEvent');
    assert.ok(!audit.interaction.some((i: any) => i.code === 'delete'));
    assert.ok(!rest.resource.find((r: any) => r.type === 'Location').searchParam.some((p: any) => p.name === 'near'));
    assert.deepEqual(rest.interaction.map((i: any) => i.code).sort(), ['batch', 'history-system', 'search-system', 'transaction']);
    assert.deepEqual(rest.operation.map((o: any) => o.name).sort(), ['export', 'group-export', 'patient-export', 'validate']);
    assert.deepEqual(pat.operation, [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }]);
  });

  it('answers bad input with a 4xx OperationOutcome, never a 5xx', async () => {
    const cases: [string, Promise<{ status: number; json: any }>, number][] = [
      ['malformed JSON', fhir.post('Patient', '{"resourceType": "Patient",'), 400],
      ['not an object', fhir.post('Patient', '[1,2,3]'), 400],
      ['XML', fhir.post('Patient', '<Patient/>', { headers: { 'content-type': 'application/fhir+xml' } }), 415],
      ['deep nesting', fhir.post('Patient', `{"resourceType":"Patient","extension":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400],
      ['deep objects', fhir.post('Patient', JSON.parse(`{"resourceType":"Patient","contact":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`)), 400],
      ['unknown type', fhir.get('Spaceship/1'), 404],
      ['bad id', fhir.get("Patient/'; DROP TABLE x;--"), 400],
      ['_count too big', fhir.get('Patient?_count=101'), 400],
      ['_count zero', fhir.get('Patient?_count=0'), 400],
      ['bad date', fhir.get('Patient?birthdate=ge2020-13-45'), 400],
      ['bad number', fhir.get('RiskAssessment?probability=abc'), 400],
      ['bad modifier', fhir.get('Patient?name:below=x'), 400],
      ['bad page', fhir.get('Patient?_count=10&page=%%%'), 400],
      ['strict unknown', fhir.get('Patient?nonsense=1', { headers: { prefer: 'handling=strict' } }), 400],
      ['_total estimate', fhir.get('Patient?_total=estimate'), 400],
      ['bad sort', fhir.get('Patient?_sort=nonsense'), 400],
      ['method', fhir.request('PATCH', 'Patient'), 405],
      ['unknown operation', fhir.post('Patient/$frobnicate', {}), 400],
      ['bad include', fhir.get('Patient?_include=Patient:nope'), 400],
      ['empty body', fhir.request('POST', 'Patient', { headers: { 'content-type': 'application/fhir+json' } }), 400],
      ['bad validation level', fhir.post('Patient', patient('x'), { headers: { 'x-amzn-healthlake-fhir-validation-level': 'loose' } }), 400],
      ['bundle with bad entries', fhir.post('', { resourceType: 'Bundle', type: 'batch', entry: 'x' }), 400],
    ];
    for (const [name, pending, status] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json?.resourceType, 'OperationOutcome', name);
    }
    const sqlish = await fhir.get(`Patient?name=${encodeURIComponent("x' OR '1'='1")}&family=${encodeURIComponent('"; DROP TABLE fhir_resources; --')}`);
    assert.equal(sqlish.status, 200);
    assert.equal(sqlish.json.entry.length, 0);
    assert.equal((await fhir.get('Patient?nonsense=1')).status, 200, 'unknown parameters are ignored by default (lenient)');
  });

  it('refuses unsigned, wrongly signed and wrongly scoped requests; unknown and inactive datastores', async () => {
    const unsigned = await fetch(`${fhir.base}Patient`);
    assert.equal(unsigned.status, 403);
    const badSecret = await fhir.get('Patient', { credentials: { accessKeyId: server.root.accessKeyId, secretAccessKey: 'wrong' } });
    assert.equal(badSecret.status, 403);
    assert.equal(badSecret.json.resourceType, 'OperationOutcome');
    assert.equal((await fhir.get('Patient', { service: 's3' })).status, 403);
    const unknown = new FhirClient(fhir.base.replace(datastoreId, 'f'.repeat(32)));
    assert.equal((await unknown.get('Patient')).status, 404);
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'doomed' }));
    await hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: ds.DatastoreId }));
    const deleted = await new FhirClient(ds.DatastoreEndpoint!).get('metadata');
    assert.equal(deleted.status, 400);
    assert.match(deleted.json.issue[0].diagnostics, /DELETED/);
  });

  it('authorizes healthlake:<Action> on the datastore ARN and records every call in CloudTrail', async () => {
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    const reader: Credentials = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['healthlake:ReadResource', 'healthlake:SearchWithGet', 'healthlake:ProcessBundle'],
        Resource: `arn:aws:healthlake:us-east-1:${server.config.accountId}:datastore/fhir/${datastoreId}` }],
    }) }));
    const made = await fhir.post('Patient', patient('Audited', { identifier: [{ system: 'urn:ssn', value: '123-45-6789' }] }));
    const asReader = new FhirClient(fhir.base, reader);
    assert.equal((await asReader.get(`Patient/${made.json.id}`)).status, 200);
    const denied = await asReader.post('Patient', patient('Nope'));
    assert.equal(denied.status, 403);
    assert.match(denied.json.issue[0].diagnostics, /not authorized to perform: healthlake:CreateResource/);
    const batch = await asReader.post('', { resourceType: 'Bundle', type: 'batch', entry: [
      { request: { method: 'GET', url: `Patient/${made.json.id}` } }, { resource: patient('Nope'), request: { method: 'POST', url: 'Patient' } }] });
    assert.deepEqual(batch.json.entry.map((e: any) => e.response.status), ['200', '403']);
    await fhir.get(`Patient?identifier=urn:ssn|123-45-6789&_count=5`);

    const creates = await recorded('CreateResource');
    const mine = creates.find((e) => e.responseElements?.resourceId === made.json.id);
    assert.ok(mine, 'CreateResource recorded');
    assert.equal(mine.eventSource, 'healthlake.amazonaws.com');
    assert.equal(mine.readOnly, false);
    assert.equal(mine.managementEvent, true);
    assert.equal(mine.eventCategory, 'Management');
    assert.deepEqual(mine.requestParameters, { datastoreId, resourceType: 'Patient' });
    assert.deepEqual(mine.resources, [{ accountId: server.config.accountId, type: 'AWS::HealthLake::FHIRDatastore',
      ARN: `arn:aws:healthlake:us-east-1:${server.config.accountId}:datastore/fhir/${datastoreId}` }]);
    const refused = creates.find((e) => e.errorCode === 'AccessDeniedException');
    assert.ok(refused, 'the refused create is recorded');
    assert.equal(refused.userIdentity.userName, 'reader');

    const reads = await recorded('ReadResource');
    assert.ok(reads.some((e) => e.requestParameters.resourceId === made.json.id && e.readOnly === true && e.responseElements === null));
    const searches = await recorded('SearchWithGet');
    const search = searches.find((e) => e.requestParameters.searchParameterNames?.includes('identifier'));
    assert.ok(search);
    assert.ok(!JSON.stringify(searches).includes('123-45-6789'), 'search values (PHI) are never recorded');
    for (const name of ['UpdateResource', 'DeleteResource', 'PatchResource', 'VersionReadResource', 'GetHistoryByResourceId', 'GetCapabilities', 'ProcessBundle', 'ValidateResource']) {
      assert.ok((await recorded(name)).length > 0, `${name} recorded`);
    }
    const gone = (await recorded('ReadResource')).find((e) => e.errorCode === 'ResourceGoneException');
    assert.ok(gone, 'a 410 read is recorded with its error');
  });

  it('POST _search equals GET search; a real FHIR client (MedplumClient) works through a SigV4 fetch', async () => {
    const get = await fhir.get('Patient?family=Tx&_count=5');
    const post = await fhir.post('Patient/_search', 'family=Tx&_count=5', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(post.status, 200);
    assert.deepEqual(post.json.entry.map((e: any) => e.resource.id), get.json.entry.map((e: any) => e.resource.id));
    assert.equal((await fhir.post('Patient/_search?family=Tx', 'family=Tx', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 400);
    assert.ok((await recorded('SearchWithPost')).length > 0);

    const medplum = new MedplumClient({ baseUrl: fhir.base, fhirUrlPath: '', fetch: sigv4Fetch() as typeof fetch });
    const created = await medplum.createResource({ resourceType: 'Patient', name: [{ family: 'Medplum' }] });
    assert.ok(created.id);
    const read = await medplum.readResource('Patient', created.id!);
    assert.equal(read.name?.[0]?.family, 'Medplum');
    const found = await medplum.searchResources('Patient', { family: 'Medplum' });
    assert.equal(found.length, 1);
    const patched = await medplum.patchResource('Patient', created.id!, [{ op: 'add', path: '/active', value: true }]);
    assert.equal(patched.active, true);
    assert.equal(patched.meta?.versionId, '2');
  });
});

describe('HealthLake FHIR REST on a datastore that is not ACTIVE yet', () => {
  let server: TestServer;
  after(async () => server?.stop());

  it('answers the HealthLake error while CREATING, and records the call', async () => {
    server = await startTestServer({ datastoreTransitionSeconds: 3600 });
    const hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'slow' }));
    const res = await new FhirClient(ds.DatastoreEndpoint!).get('metadata');
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'ValidationException');
    assert.match(res.json.issue[0].diagnostics, /CREATING/);
    const [event] = server.events.lookup({ accountId: server.config.accountId, region: 'us-east-1', attribute: { key: 'EventName', value: 'GetCapabilities' },
      startTime: 0, endTime: 4e12, limit: 5 });
    assert.equal(JSON.parse(event!.record).errorCode, 'ValidationException');
  });
});
