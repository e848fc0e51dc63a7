/**
 * A HealthLake job starting is recorded as AWS records it: healthlake.amazonaws.com assumes the
 * job's DataAccessRoleArn (sts AssumeRole, userIdentity {type: AWSService, invokedBy}), admitted
 * by the role's trust policy naming the service, with the confused-deputy conditions HealthLake
 * documents (aws:SourceAccount, aws:SourceArn = the datastore). A role that does not exist or
 * does not trust the service is recorded as refused, and the job fails with that refusal (it has
 * no other access to S3: healthlake-jobs-pass-role.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFHIRDatastoreCommand, HealthLakeClient, StartFHIRExportJobCommand } from '@aws-sdk/client-healthlake';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { KMS, startImport, upload, waitExport, waitImport } from '../helpers/healthlake-jobs.ts';

const ACCOUNT = '123456789012';

function trustPolicy(sourceArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: 'healthlake.amazonaws.com' }, Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnEquals: { 'aws:SourceArn': sourceArn } },
    }],
  });
}

describe('HealthLake jobs assume their DataAccessRoleArn as healthlake.amazonaws.com', () => {
  let server: TestServer;
  let hl: HealthLakeClient;
  let iam: IAMClient;
  let s3: S3Client;
  let trail: CloudTrailClient;
  let datastoreId: string;
  let datastoreArn: string;

  before(async () => {
    server = await startTestServer();
    hl = new HealthLakeClient(clientOptions(server));
    iam = new IAMClient(clientOptions(server));
    trail = new CloudTrailClient(clientOptions(server));
    s3 = s3Client(server);
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'roles' }));
    datastoreId = created.DatastoreId!;
    datastoreArn = created.DatastoreArn!;
    await s3.send(new CreateBucketCommand({ Bucket: 'role-input' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'hl-output' }));
    await upload(s3, 'role-input', 'in/', [{ name: 'p.ndjson', text: `${JSON.stringify({ resourceType: 'Patient', id: 'role-p1', gender: 'male' })}\n` }]);
  });

  after(async () => {
    hl.destroy();
    iam.destroy();
    s3.destroy();
    trail.destroy();
    await server.close();
  });

  async function assumeRoleEvents(sessionName: string): Promise<Record<string, any>[]> {
    const page = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] }));
    return (page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!)).filter((r) => r.requestParameters?.roleSessionName === sessionName);
  }

  it('records a granted AssumeRole for an import whose role trusts the service for this datastore', async () => {
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'HealthLakeImportTrusted', AssumeRolePolicyDocument: trustPolicy(datastoreArn) }));
    const roleArn = role.Role!.Arn!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'HealthLakeImportTrusted', PolicyName: 's3', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const { JobId } = await hl.send(startImport(datastoreId, 's3://role-input/in/', 's3://hl-output/trusted', { DataAccessRoleArn: roleArn }));
    const job = await waitImport(hl, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'COMPLETED');

    const session = `HealthLake-Import-${JobId}`;
    const [record, ...more] = await assumeRoleEvents(session);
    assert.ok(record, 'an AssumeRole record for the job');
    assert.equal(more.length, 0);
    assert.deepEqual(record.userIdentity, { type: 'AWSService', invokedBy: 'healthlake.amazonaws.com' });
    assert.equal(record.eventSource, 'sts.amazonaws.com');
    assert.equal(record.sourceIPAddress, 'healthlake.amazonaws.com');
    assert.equal(record.userAgent, 'healthlake.amazonaws.com');
    assert.equal(record.errorCode, undefined);
    assert.equal(record.recipientAccountId, ACCOUNT);
    assert.deepEqual(record.requestParameters, { roleArn, roleSessionName: session });
    assert.equal(record.responseElements.assumedRoleUser.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/HealthLakeImportTrusted/${session}`);
    assert.match(record.responseElements.credentials.accessKeyId, /^ASIA/);
    assert.equal(record.responseElements.credentials.secretAccessKey, undefined, 'no secret in the record');
    assert.ok(record.resources.some((r: { ARN: string; type: string }) => r.ARN === roleArn && r.type === 'AWS::IAM::Role'));
  });

  it('records a refused AssumeRole when the trust policy names another datastore, and the job fails with the refusal', async () => {
    const other = `arn:aws:healthlake:us-east-1:${ACCOUNT}:datastore/fhir/${'0'.repeat(32)}`;
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'HealthLakeOtherStore', AssumeRolePolicyDocument: trustPolicy(other) }));
    const { JobId } = await hl.send(new StartFHIRExportJobCommand({
      DatastoreId: datastoreId, DataAccessRoleArn: role.Role!.Arn!, OutputDataConfig: { S3Configuration: { S3Uri: 's3://hl-output/export', KmsKeyId: KMS } },
    }));
    const job = await waitExport(hl, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'FAILED');
    assert.match(job.Message!, /^HealthLake could not assume the DataAccessRoleArn arn:aws:iam::123456789012:role\/HealthLakeOtherStore: .*sts:AssumeRole/);
    const [record] = await assumeRoleEvents(`HealthLake-Export-${JobId}`);
    assert.ok(record, 'an AssumeRole record for the job');
    assert.equal(record.errorCode, 'AccessDenied');
    assert.equal(record.responseElements, null);
    assert.deepEqual(record.userIdentity, { type: 'AWSService', invokedBy: 'healthlake.amazonaws.com' });
  });

  it('records a refused AssumeRole for a role that does not exist', async () => {
    const missing = `arn:aws:iam::${ACCOUNT}:role/NoSuchHealthLakeRole`;
    const { JobId } = await hl.send(startImport(datastoreId, 's3://role-input/in/', 's3://hl-output/missing', { DataAccessRoleArn: missing }));
    const job = await waitImport(hl, datastoreId, JobId!);
    assert.equal(job.JobStatus, 'FAILED');
    assert.match(job.Message!, /could not assume the DataAccessRoleArn arn:aws:iam::123456789012:role\/NoSuchHealthLakeRole/);
    const [record] = await assumeRoleEvents(`HealthLake-Import-${JobId}`);
    assert.ok(record, 'an AssumeRole record for the job');
    assert.equal(record.errorCode, 'AccessDenied');
    assert.match(record.errorMessage, /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/NoSuchHealthLakeRole/);
  });
});
