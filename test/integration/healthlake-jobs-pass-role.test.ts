/**
 * Issue 17 item 4: HealthLake jobs act only with the role they were given. A user with
 * healthlake:* and no S3 rights cannot hand a job a role she may not pass (iam:PassRole,
 * AccessDeniedException at Start, recorded); a job runs its S3 calls only as the assumed role, so
 * a role whose policies do not reach a bucket fails the job (nothing imported, nothing written);
 * and the job's S3 data events carry the assumed-role identity with invokedBy HealthLake.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFHIRDatastoreCommand, HealthLakeClient, StartFHIRExportJobCommand } from '@aws-sdk/client-healthlake';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { createJobRole, keys, KMS, startImport, upload, waitExport, waitImport } from '../helpers/healthlake-jobs.ts';

const patient = (id: string) => `${JSON.stringify({ resourceType: 'Patient', id, gender: 'female' })}\n`;

describe('HealthLake jobs act only with the role they were given', () => {
  let server: TestServer;
  let root: { hl: HealthLakeClient; iam: IAMClient; s3: S3Client };
  let alice: HealthLakeClient;
  let aliceKeys: Credentials;
  let datastoreId: string;
  let narrowRole: string;
  let adminRole: string;

  before(async () => {
    server = await startTestServer();
    root = { hl: new HealthLakeClient(clientOptions(server)), iam: new IAMClient(clientOptions(server)), s3: s3Client(server) };
    for (const b of ['alice-in', 'alice-out', 'phi-bucket', 'trail-logs']) await root.s3.send(new CreateBucketCommand({ Bucket: b }));
    await upload(root.s3, 'phi-bucket', 'secret/', [{ name: 'phi.ndjson', text: patient('stolen-phi') }]);
    await upload(root.s3, 'alice-in', 'in/', [{ name: 'mine.ndjson', text: patient('alice-own') }]);
    datastoreId = (await root.hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'alice' }))).DatastoreId!;
    // The role Alice may pass: her own buckets only.
    narrowRole = await createJobRole(root.iam, 'AliceJobs', [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::alice-in', 'arn:aws:s3:::alice-out'] },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::alice-in/*' },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::alice-out/*' },
    ]);
    adminRole = await createJobRole(root.iam, 'DataAdmin');
    await root.iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    aliceKeys = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'hl', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Action: 'healthlake:*', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: narrowRole, Condition: { StringEquals: { 'iam:PassedToService': 'healthlake.amazonaws.com' } } },
    ] }) }));
    alice = new HealthLakeClient(clientOptions(server, aliceKeys));
  });

  after(async () => {
    alice.destroy();
    root.hl.destroy();
    root.iam.destroy();
    root.s3.destroy();
    await server.stop();
  });

  it('refuses StartFHIRImportJob and StartFHIRExportJob with a role the caller may not pass, and records it', async () => {
    await assert.rejects(alice.send(startImport(datastoreId, 's3://phi-bucket/secret/', 's3://alice-out/r', { DataAccessRoleArn: adminRole })), (e: any) => {
      assert.equal(e.name, 'AccessDeniedException');
      assert.match(e.message, new RegExp(`^User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:PassRole on resource: ${adminRole}`));
      return true;
    });
    await assert.rejects(alice.send(new StartFHIRExportJobCommand({ DatastoreId: datastoreId, DataAccessRoleArn: adminRole,
      OutputDataConfig: { S3Configuration: { S3Uri: 's3://trail-logs/x', KmsKeyId: KMS } } })), { name: 'AccessDeniedException' });
    const refused = server.db.sql.prepare("SELECT record FROM events WHERE event_name = 'StartFHIRImportJob'").all() as { record: string }[];
    assert.ok(refused.map((r) => JSON.parse(r.record)).some((r) => r.errorCode === 'AccessDeniedException' && /iam:PassRole/.test(r.errorMessage)));
  });

  it('refuses the FHIR POST $export that names a role the caller may not pass', async () => {
    const fhir = new FhirClient(`${server.url}/datastore/${datastoreId}/r4/`, aliceKeys);
    const res = await fhir.request('POST', '$export', { body: { JobName: 'x', DataAccessRoleArn: adminRole,
      OutputDataConfig: { S3Configuration: { S3Uri: 's3://trail-logs/x', KmsKeyId: KMS } } } });
    assert.equal(res.status, 403, res.text);
    assert.match(res.text, /iam:PassRole/);
  });

  it('fails an import whose passable role may not read the other bucket, importing nothing', async () => {
    const { JobId } = await alice.send(startImport(datastoreId, 's3://phi-bucket/secret/', 's3://alice-out/r', { DataAccessRoleArn: narrowRole }));
    const job = await waitImport(alice, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'FAILED');
    assert.match(job.Message!, /Listing s3:\/\/phi-bucket\/secret\/ failed: AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/AliceJobs\/HealthLake-Import-\w+ is not authorized to perform: s3:ListBucket on resource: "?arn:aws:s3:::phi-bucket/);
    const fhir = new FhirClient(`${server.url}/datastore/${datastoreId}/r4/`, aliceKeys);
    assert.equal((await fhir.request('GET', 'Patient/stolen-phi')).status, 404);
  });

  it('runs an import with a properly permitted role, its S3 data events under the assumed-role session', async () => {
    const { JobId } = await alice.send(startImport(datastoreId, 's3://alice-in/in/', 's3://alice-out/r', { DataAccessRoleArn: narrowRole }));
    const job = await waitImport(alice, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'COMPLETED', job.Message);
    const fhir = new FhirClient(`${server.url}/datastore/${datastoreId}/r4/`, aliceKeys);
    assert.equal((await fhir.request('GET', 'Patient/alice-own')).status, 200);
    const session = `HealthLake-Import-${JobId}`;
    const mine = s3Records(server).filter((r) => r.userIdentity?.arn === `arn:aws:sts::123456789012:assumed-role/AliceJobs/${session}`);
    const names = new Set(mine.map((r) => r.eventName));
    assert.ok(names.has('ListObjectsV2') && names.has('GetObject') && names.has('PutObject'), [...names].join());
    for (const r of mine) {
      assert.equal(r.userIdentity.type, 'AssumedRole');
      assert.equal(r.userIdentity.invokedBy, 'healthlake.amazonaws.com');
      assert.equal(r.userIdentity.sessionContext.sessionIssuer.arn, narrowRole);
      assert.equal(r.sourceIPAddress, 'healthlake.amazonaws.com');
      assert.equal(r.userAgent, 'healthlake.amazonaws.com');
      assert.equal(r.eventCategory, 'Data');
    }
    const get = mine.find((r) => r.eventName === 'GetObject')!;
    assert.equal(get.requestParameters.key, 'in/mine.ndjson');
  });

  // After the import above: the datastore holds a resource to export.
  it('fails an export into a bucket the role may not write, writing nothing', async () => {
    const { JobId } = await alice.send(new StartFHIRExportJobCommand({ DatastoreId: datastoreId, DataAccessRoleArn: narrowRole,
      OutputDataConfig: { S3Configuration: { S3Uri: 's3://trail-logs/stolen', KmsKeyId: KMS } } }));
    const job = await waitExport(alice, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'FAILED');
    assert.match(job.Message!, /s3:PutObject on resource: "?arn:aws:s3:::trail-logs\/stolen/);
    assert.deepEqual(await keys(root.s3, 'trail-logs', ''), []);
  });
});
