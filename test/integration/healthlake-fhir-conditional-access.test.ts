/**
 * Conditional interactions evaluate a search, so they need the search permission besides their
 * own (issue 17, item 8). Each test is the attack itself: an IAM user allowed only the
 * interaction's action sends search criteria through it, signed with SigV4 as a FHIR client
 * signs, and must learn nothing — refused with HealthLake's AccessDeniedException whether the
 * criteria match or not, nothing written, the refusal recorded in CloudTrail naming the denied
 * action; with healthlake:SearchWithGet added the same request works. Also: a replayed
 * idempotency key shows CreateResource only the resource it created, not its later versions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFHIRDatastoreCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient, type FhirResponse } from '../helpers/fhir-client.ts';

const patient = (family: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', name: [{ family, given: ['Test'] }], gender: 'female', ...extra });
const DENIED = /not authorized to perform: healthlake:SearchWithGet on resource: arn:aws:healthlake:us-east-1:\d{12}:datastore\/fhir\/[0-9a-f]{32}/;

describe('HealthLake FHIR conditional interactions need the search permission', () => {
  let server: TestServer;
  let root: FhirClient;
  let iam: IAMClient;
  let existing: any;

  before(async () => {
    server = await startTestServer();
    iam = new IAMClient(clientOptions(server));
    const ds = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'conditional-access' }));
    root = new FhirClient(ds.DatastoreEndpoint!);
    existing = (await root.post('Patient', patient('InA', { identifier: [{ system: 'urn:mrn', value: 'secret-1' }], birthDate: '1970-01-01' }))).json;
  });
  after(async () => server?.stop());

  /** An IAM user whose only policy allows `actions` (healthlake:<name>) on every resource. */
  async function userAllowed(name: string, actions: string[]): Promise<FhirClient> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    await allow(name, 'own', actions);
    return new FhirClient(root.base, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
  }

  async function allow(name: string, policy: string, actions: string[]): Promise<void> {
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: policy, PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions.map((a) => `healthlake:${a}`), Resource: '*' }] }) }));
  }

  async function recorded(eventName: string, userName: string): Promise<any[]> {
    const out = await new CloudTrailClient(clientOptions(server)).send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }], MaxResults: 50 }));
    return (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!)).filter((e) => e.userIdentity?.userName === userName);
  }

  /** HealthLake's refusal, carrying nothing of the datastore's content. */
  function assertRefused(res: FhirResponse): void {
    assert.equal(res.status, 403, res.text);
    assert.equal(res.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.equal(res.json.issue[0].code, 'forbidden');
    assert.match(res.json.issue[0].diagnostics, DENIED);
    for (const secret of ['InA', 'secret-1', '1970-01-01', existing.id]) assert.ok(!res.text.includes(secret), `the refusal shows ${secret}`);
  }

  const family = async (name: string) => (await root.get(`Patient?family=${name}`)).json.entry ?? [];

  it('refuses If-None-Exist to a user allowed only CreateResource, matching or not, records it, creates nothing', async () => {
    const creator = await userAllowed('creator', ['CreateResource']);
    const attack = await creator.post('Patient', patient('Attacker'), { headers: { 'if-none-exist': 'name=InA' } });
    assertRefused(attack);
    const miss = await creator.post('Patient', patient('Attacker'), { headers: { 'if-none-exist': 'name=Nobody' } });
    assertRefused(miss);
    assert.equal(miss.text, attack.text, 'a match and a miss answer alike');
    assert.deepEqual(await family('Attacker'), [], 'nothing was created');

    const refusals = (await recorded('CreateResource', 'creator')).filter((e) => e.errorCode === 'AccessDeniedException');
    assert.equal(refusals.length, 2);
    assert.match(refusals[0].errorMessage, DENIED);
    assert.equal(refusals[0].responseElements, null);
    assert.ok(!JSON.stringify(refusals).includes('InA'), 'the criteria (PHI) are not recorded');

    // Its own permission still works: a plain create.
    assert.equal((await creator.post('Patient', patient('Plain'))).status, 201);

    await allow('creator', 'search', ['SearchWithGet']);
    const found = await creator.post('Patient', patient('Attacker'), { headers: { 'if-none-exist': 'name=InA' } });
    assert.equal(found.status, 200, found.text);
    assert.equal(found.json.id, existing.id, 'the existing resource: what SearchWithGet with these criteria returns');
    const minimal = await creator.post('Patient', patient('Attacker'), { headers: { 'if-none-exist': 'name=InA', prefer: 'return=minimal' } });
    assert.equal(minimal.status, 200);
    assert.equal(minimal.text, '', 'Prefer: return=minimal holds for the existing resource too');
    const made = await creator.post('Patient', patient('Attacker'), { headers: { 'if-none-exist': 'name=Nobody' } });
    assert.equal(made.status, 201);
    assert.equal((await family('Attacker')).length, 1);
  });

  it('refuses PUT Type?criteria to a user allowed only UpdateResource', async () => {
    const updater = await userAllowed('updater', ['UpdateResource']);
    assertRefused(await updater.put('Patient?identifier=urn:mrn|secret-1', patient('Overwritten')));
    assertRefused(await updater.put('Patient?identifier=urn:mrn|nobody', patient('Overwritten')));
    assert.equal((await root.get(`Patient/${existing.id}`)).json.meta.versionId, '1', 'unchanged');
    assert.deepEqual(await family('Overwritten'), [], 'nothing created');
    assert.ok((await recorded('UpdateResource', 'updater')).every((e) => e.errorCode === 'AccessDeniedException' && DENIED.test(e.errorMessage)));

    await allow('updater', 'search', ['SearchWithGet']);
    const made = await updater.put('Patient?identifier=urn:mrn|upd-1', patient('Upserted', { identifier: [{ system: 'urn:mrn', value: 'upd-1' }] }));
    assert.equal(made.status, 201, made.text);
    const updated = await updater.put('Patient?identifier=urn:mrn|upd-1', patient('Upserted', { identifier: [{ system: 'urn:mrn', value: 'upd-1' }], gender: 'other' }));
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.json.id, made.json.id);
  });

  it('refuses DELETE Type?criteria (with or without _count) to a user allowed only DeleteResource', async () => {
    const target = (await root.post('Patient', patient('Doomed', { identifier: [{ system: 'urn:mrn', value: 'del-1' }] }))).json;
    const deleter = await userAllowed('deleter', ['DeleteResource']);
    assertRefused(await deleter.delete('Patient?identifier=urn:mrn|del-1'));
    assertRefused(await deleter.delete('Patient?identifier=urn:mrn|nobody'));
    assertRefused(await deleter.delete('Patient?family=Doomed&_count=10'));
    assert.equal((await root.get(`Patient/${target.id}`)).status, 200, 'still there');
    assert.equal((await deleter.delete('Patient/not-this-one')).status, 404, 'a delete by id needs no search');

    await allow('deleter', 'search', ['SearchWithGet']);
    assert.equal((await deleter.delete('Patient?identifier=urn:mrn|del-1')).status, 204);
    assert.equal((await root.get(`Patient/${target.id}`)).status, 410);
  });

  it('conditional PATCH is not supported, so it evaluates no criteria: one answer whether they match or not', async () => {
    const patcher = await userAllowed('patcher', ['PatchResource', 'ProcessBundle', 'SearchWithGet']);
    const ops = [{ op: 'replace', path: '/gender', value: 'male' }];
    const json = { 'content-type': 'application/json-patch+json' };
    const hit = await patcher.patch('Patient?name=InA', ops, { headers: json });
    const miss = await patcher.patch('Patient?name=Nobody', ops, { headers: json });
    assert.equal(hit.status, 405);
    assert.equal(hit.text, miss.text);
    const entry = (url: string) => ({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'PATCH', url },
      resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(ops)).toString('base64') } }] });
    const inBundle = await patcher.post('', entry('Patient?name=InA'));
    assert.equal(inBundle.json.entry[0].response.status, '400');
    assert.deepEqual(inBundle.json, { ...(await patcher.post('', entry('Patient?name=Nobody'))).json, id: inBundle.json.id });
    assert.equal((await root.get(`Patient/${existing.id}`)).json.gender, 'female', 'unchanged');
  });

  it('refuses ifNoneExist and conditional PUT/DELETE entries of batch and transaction Bundles without the search permission', async () => {
    const bundler = await userAllowed('bundler', ['ProcessBundle', 'CreateResource', 'UpdateResource', 'DeleteResource']);
    const create = (criteria: string) => ({ resource: patient('Ifnone'), request: { method: 'POST', url: 'Patient', ifNoneExist: criteria } });
    const batch = await bundler.post('', { resourceType: 'Bundle', type: 'batch', entry: [
      create('name=InA'), create('name=Nobody'),
      { resource: patient('Ifnone'), request: { method: 'PUT', url: 'Patient?identifier=urn:mrn|secret-1' } },
      { request: { method: 'DELETE', url: 'Patient?identifier=urn:mrn|secret-1' } },
      { resource: patient('Plainly'), request: { method: 'POST', url: 'Patient' } },
    ] });
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(batch.json.entry.map((e: any) => e.response.status), ['403', '403', '403', '403', '201']);
    for (const e of batch.json.entry.slice(0, 4)) {
      assert.equal(e.resource, undefined);
      assert.equal(e.response.location, undefined);
      assert.match(e.response.outcome.issue[0].diagnostics, DENIED);
    }
    assert.deepEqual(batch.json.entry[0].response, batch.json.entry[1].response, 'a match and a miss answer alike');
    for (const secret of ['InA', 'secret-1', existing.id]) assert.ok(!batch.text.includes(secret));

    const transaction = await bundler.post('', { resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: patient('Txroll'), request: { method: 'POST', url: 'Patient' } }, create('identifier=urn:mrn|secret-1')] });
    assertRefused(transaction);
    assert.deepEqual(await family('Txroll'), [], 'the transaction was rolled back');
    assert.deepEqual(await family('Ifnone'), []);
    assert.equal((await root.get(`Patient/${existing.id}`)).json.meta.versionId, '1', 'unchanged');
    const refused = (await recorded('ProcessBundle', 'bundler')).find((e) => e.errorCode === 'AccessDeniedException');
    assert.ok(refused, 'the refused transaction is recorded');
    assert.match(refused.errorMessage, DENIED);

    await allow('bundler', 'search', ['SearchWithGet']);
    const allowed = await bundler.post('', { resourceType: 'Bundle', type: 'batch', entry: [create('name=InA'), create('name=Nobody')] });
    assert.deepEqual(allowed.json.entry.map((e: any) => e.response.status), ['200', '201']);
    assert.equal(allowed.json.entry[0].resource.id, existing.id);
  });

  it('a replayed idempotency key answers with the resource it created, not what later writers made of it', async () => {
    const key = '5d1f0c3a-7b2e-4c4d-9e8f-0a1b2c3d4e5f';
    const first = await root.post('Patient', patient('Keyed'), { headers: { 'x-amz-fhir-idempotency-key': key } });
    assert.equal(first.status, 201);
    await root.put(`Patient/${first.json.id}`, { ...first.json, birthDate: '1999-09-09' });
    const replayer = await userAllowed('replayer', ['CreateResource']);
    const again = await replayer.post('Patient', patient('Keyed'), { headers: { 'x-amz-fhir-idempotency-key': key } });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json, first.json, 'the original resource');
    assert.ok(!again.text.includes('1999-09-09'), 'the later version is not shown');
    await root.delete(`Patient/${first.json.id}`);
    const afterDelete = await replayer.post('Patient', patient('Keyed'), { headers: { 'x-amz-fhir-idempotency-key': key } });
    assert.equal(afterDelete.status, 409);
    assert.equal(afterDelete.json.resourceType, 'OperationOutcome');
  });

  it('a conditional reference in a transaction evaluates no search: stored as sent, one answer whether it matches or not', async () => {
    const bundler = await userAllowed('referrer', ['ProcessBundle', 'CreateResource']);
    const observation = (reference: string) => ({ resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Observation' },
      resource: { resourceType: 'Observation', status: 'final', code: { text: 'probe' }, subject: { reference } } }] });
    const hit = await bundler.post('', observation('Patient?identifier=urn:mrn|secret-1'));
    const miss = await bundler.post('', observation('Patient?identifier=urn:mrn|nobody'));
    assert.equal(hit.status, 200, hit.text);
    assert.equal(miss.status, 200, miss.text);
    assert.deepEqual([hit, miss].map((r) => r.json.entry[0].response.status), ['201', '201']);
    assert.equal(hit.json.entry[0].resource.subject.reference, 'Patient?identifier=urn:mrn|secret-1', 'not resolved to the matching Patient');
    assert.ok(!hit.text.includes(existing.id));
  });
});
