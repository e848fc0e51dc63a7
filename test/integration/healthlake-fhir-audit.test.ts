/**
 * Every HealthLake request of a mixed session — control plane through the SDK, every FHIR
 * interaction (successes, refusals, errors) through SigV4-signed fetch — has exactly one
 * CloudTrail record, found through LookupEvents by its x-amzn-RequestId, with the eventName of
 * HealthLake's IAM action, readOnly, the caller, the datastore, and errorCode iff it failed;
 * and no record carries a resource's content or a search value (PHI).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFHIRDatastoreCommand, DescribeFHIRDatastoreCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { FhirClient, type FhirRequestOptions, type FhirResponse } from '../helpers/fhir-client.ts';
import { createJobRole, KMS, ROLE } from '../helpers/healthlake-jobs.ts';

const PHI = { family: 'Quixotephi', ssn: '987-65-4321', note: 'confidential-diagnosis-text' };
const READ_ONLY = new Set(['GetCapabilities', 'ReadResource', 'VersionReadResource', 'SearchWithGet', 'SearchWithPost', 'GetHistoryByResourceId',
  'DescribeFHIRExportJobWithGet', 'ValidateResource', 'DescribeFHIRDatastore']);

interface Sent {
  requestId: string;
  eventName: string;
  status: number;
  errorCode?: string;
  user: 'root' | 'reader';
  what: string;
}

describe('CloudTrail records of every HealthLake request', () => {
  let server: TestServer;
  let fhir: FhirClient;
  let reader: Credentials;
  let datastoreId: string;
  const sent: Sent[] = [];

  before(async () => {
    server = await startTestServer();
    const iam = new IAMClient(clientOptions(server));
    await createJobRole(iam);
    await iam.send(new CreateUserCommand({ UserName: 'fhir-reader' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'fhir-reader' }));
    reader = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new PutUserPolicyCommand({ UserName: 'fhir-reader', PolicyName: 'read', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'healthlake:ReadResource', Resource: '*' }] }) }));
    await s3Client(server).send(new CreateBucketCommand({ Bucket: 'audit-export' }));
  });
  after(async () => server?.stop());

  /** One FHIR request, noted with the eventName it must be recorded under. */
  async function call(eventName: string, method: string, path: string, options: FhirRequestOptions = {}, user: 'root' | 'reader' = 'root'): Promise<FhirResponse> {
    const client = user === 'reader' ? new FhirClient(fhir.base, reader) : fhir;
    const res = await client.request(method, path, options);
    const requestId = res.headers.get('x-amzn-requestid');
    assert.ok(requestId, `${method} ${path} answered without x-amzn-RequestId`);
    assert.ok(res.status < 500, `${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    sent.push({ requestId, eventName, status: res.status, errorCode: res.headers.get('x-amzn-errortype') ?? undefined, user, what: `${method} ${path.slice(0, 80)}` });
    return res;
  }

  it('records each request once, as HealthLake names it, without PHI', async () => {
    const hl = new HealthLakeClient(clientOptions(server));
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'audited' }));
    sent.push({ requestId: created.$metadata.requestId!, eventName: 'CreateFHIRDatastore', status: 200, user: 'root', what: 'CreateFHIRDatastore' });
    datastoreId = created.DatastoreId!;
    const described = await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: datastoreId }));
    sent.push({ requestId: described.$metadata.requestId!, eventName: 'DescribeFHIRDatastore', status: 200, user: 'root', what: 'DescribeFHIRDatastore' });
    fhir = new FhirClient(created.DatastoreEndpoint!);

    const patient = { resourceType: 'Patient', name: [{ family: PHI.family }], identifier: [{ system: 'urn:ssn', value: PHI.ssn }], gender: 'female' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await call('GetCapabilities', 'GET', 'metadata');
    const p = (await call('CreateResource', 'POST', 'Patient', { body: patient })).json;
    await call('CreateResource', 'POST', 'Patient', { body: { ...patient, identifier: [{ system: 'urn:ssn', value: '1' }] } });
    await call('ReadResource', 'GET', `Patient/${p.id}`);
    await call('UpdateResource', 'PUT', `Patient/${p.id}`, { body: { ...p, gender: 'male' } });
    await call('PatchResource', 'PATCH', `Patient/${p.id}`, { body: [{ op: 'add', path: '/active', value: true }], headers: { 'content-type': 'application/json-patch+json' } });
    await call('VersionReadResource', 'GET', `Patient/${p.id}/_history/1`);
    await call('GetHistoryByResourceId', 'GET', `Patient/${p.id}/_history`);
    await call('GetHistoryByResourceId', 'GET', 'Patient/_history');
    await call('GetHistoryByResourceId', 'GET', '_history');
    const page1 = await call('SearchWithGet', 'GET', `Patient?family=${PHI.family}&identifier:not=urn:ssn|${PHI.ssn}&_count=1&_total=accurate`);
    assert.equal(page1.json.total, 1);
    const byForm = await call('SearchWithPost', 'POST', 'Patient/_search', { body: `family=${PHI.family}&_count=1`, headers: form });
    assert.equal(byForm.json.entry.length, 1);
    const next = byForm.json.link.find((l: any) => l.relation === 'next')?.url;
    assert.ok(next, 'two patients match: a next page');
    await call('SearchWithGet', 'GET', next); // a POST search's next page is a GET (spec §2.4)
    await call('ProcessBundle', 'POST', '', { body: { resourceType: 'Bundle', type: 'batch', entry: [
      { request: { method: 'GET', url: `Patient/${p.id}` } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: PHI.note }, subject: { reference: `Patient/${p.id}` } }, request: { method: 'POST', url: 'Observation' } }] } });
    await call('ProcessBundle', 'POST', '', { body: { resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:5a0b7a52-7d3c-4b8e-9d1f-1c2b3a4d5e6f', resource: { ...patient, identifier: [{ system: 'urn:ssn', value: '2' }] }, request: { method: 'POST', url: 'Patient' } },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: PHI.note }, subject: { reference: 'urn:uuid:5a0b7a52-7d3c-4b8e-9d1f-1c2b3a4d5e6f' } }, request: { method: 'POST', url: 'Observation' } }] } });
    await call('CreateResource', 'POST', 'Patient', { body: patient, headers: { 'if-none-exist': `identifier=urn:ssn|${PHI.ssn}` } });
    await call('UpdateResource', 'PUT', `Patient?identifier=urn:ssn|3`, { body: { ...patient, identifier: [{ system: 'urn:ssn', value: '3' }] } });
    await call('DeleteResource', 'DELETE', `Patient?identifier=urn:ssn|3`);
    await call('ValidateResource', 'POST', 'Patient/$validate', { body: { ...patient, gender: 'robot' } });
    const exp = await call('StartFHIRExportJobWithPost', 'POST', '$export', { body: {
      JobName: 'audit', DataAccessRoleArn: ROLE, OutputDataConfig: { S3Configuration: { S3Uri: 's3://audit-export/out', KmsKeyId: KMS } } } });
    await call('DescribeFHIRExportJobWithGet', 'GET', `export/${exp.json.jobId}`);
    await call('CancelFHIRExportJobWithDelete', 'DELETE', `export/${exp.json.jobId}`); // 202, or 400 once the job has finished

    // Refusals and errors are recorded with their errorCode.
    await call('ReadResource', 'GET', 'Patient/never-was');
    await call('UpdateResource', 'PUT', `Patient/${p.id}`, { body: { ...p }, headers: { 'if-match': 'W/"1"' } });
    await call('CreateResource', 'POST', 'Patient', { body: { resourceType: 'Patient', gender: PHI.note } });
    await call('SearchWithGet', 'GET', 'Patient?_count=101');
    await call('SearchWithGet', 'GET', 'Patient?nonsense=1', { headers: { prefer: 'handling=strict' } });
    await call('ReadResource', 'GET', `Patient/${p.id}`, {}, 'reader');
    await call('CreateResource', 'POST', 'Patient', { body: patient }, 'reader');
    await call('DeleteResource', 'DELETE', `Patient/${p.id}`);
    await call('ReadResource', 'GET', `Patient/${p.id}`);
    const statuses = new Set(sent.map((s) => s.status));
    for (const s of [200, 201, 204, 400, 403, 404, 410, 412]) assert.ok(statuses.has(s), `the session includes a ${s}`);

    // Every healthlake.amazonaws.com record, through LookupEvents with its paging.
    const ct = new CloudTrailClient(clientOptions(server));
    const records: any[] = [];
    let token: string | undefined;
    do {
      const page = await ct.send(new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'healthlake.amazonaws.com' }], MaxResults: 50, NextToken: token }));
      records.push(...page.Events!.map((e) => JSON.parse(e.CloudTrailEvent!)));
      token = page.NextToken;
    } while (token);
    const apiCalls = records.filter((r) => r.eventType === 'AwsApiCall');
    const byId = new Map<string, any[]>();
    for (const r of apiCalls) byId.set(r.requestID, [...(byId.get(r.requestID) ?? []), r]);
    assert.equal(apiCalls.length, sent.length, 'one record per request, none extra');

    const arn = `arn:aws:healthlake:us-east-1:${server.config.accountId}:datastore/fhir/${datastoreId}`;
    for (const s of sent) {
      const found = byId.get(s.requestId) ?? [];
      assert.equal(found.length, 1, `${s.what}: ${found.length} records`);
      const r = found[0];
      assert.equal(r.eventName, s.eventName, s.what);
      assert.equal(r.eventSource, 'healthlake.amazonaws.com', s.what);
      assert.equal(r.eventCategory, 'Management', s.what);
      assert.equal(r.managementEvent, true, s.what);
      assert.equal(r.readOnly, READ_ONLY.has(s.eventName), s.what);
      assert.equal(r.awsRegion, 'us-east-1', s.what);
      assert.equal(r.recipientAccountId, server.config.accountId, s.what);
      assert.equal(r.sourceIPAddress, '127.0.0.1', s.what);
      if (s.user === 'reader') assert.equal(r.userIdentity.userName, 'fhir-reader', s.what);
      else assert.equal(r.userIdentity.type, 'Root', s.what);
      assert.equal(r.requestParameters?.datastoreId, s.eventName === 'CreateFHIRDatastore' ? undefined : datastoreId, s.what);
      // (A failed call's change rolled back, and its resources with it: requestParameters name the datastore.)
      if (s.eventName !== 'CreateFHIRDatastore' && s.status < 400) assert.ok(r.resources?.some((x: any) => x.ARN === arn), `${s.what}: resources name the datastore`);
      if (s.status >= 400) {
        assert.ok(s.errorCode, `${s.what} answered ${s.status} without x-amzn-ErrorType`);
        assert.equal(r.errorCode, s.errorCode, s.what);
        assert.ok(r.errorMessage, s.what);
        assert.equal(r.responseElements, null, s.what);
      } else {
        assert.equal(r.errorCode, undefined, s.what);
      }
    }
    const all = JSON.stringify(records);
    for (const value of Object.values(PHI)) assert.ok(!all.includes(value), `no record carries ${value}`);
  });
});
