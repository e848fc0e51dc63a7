/**
 * Who may reach a bucket (only principals of the owner's account whose IAM policies allow the
 * S3 action; no bucket policies), and how S3 calls are recorded: bucket calls as management
 * events in Event history, object calls as data events that LookupEvents never returns.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IdentityStore } from '../../src/auth/identities/index.ts';
import { randomIds, systemClock } from '../../src/core/clock.ts';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';

const OTHER_ACCOUNT = '210987654321';
const OTHER_ROOT = { accessKeyId: 'AKIAOTHERACCOUNTROOT', secretAccessKey: 'other/account/root/secret/key/0000000000' };

let server: TestServer;
let root: S3Client;

before(async () => {
  server = await startTestServer();
  root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: 'shared' }));
  await root.send(new PutObjectCommand({ Bucket: 'shared', Key: 'public/readme.txt', Body: 'hello' }));
  await root.send(new PutObjectCommand({ Bucket: 'shared', Key: 'private/secret.txt', Body: 'secret' }));
  new IdentityStore(server.db, systemClock, randomIds).ensureAccount(OTHER_ACCOUNT, OTHER_ROOT);
});
after(async () => server?.stop());

async function userWithPolicy(as: Credentials, name: string, policy?: object): Promise<Credentials> {
  const iam = new IAMClient(clientOptions(server, as));
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

async function denial(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'allowed';
  } catch (e) {
    const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
    return `${err.name} ${err.$metadata?.httpStatusCode}`;
  }
}

describe('S3 access', () => {
  it('denies a user without a policy', async () => {
    const s3 = s3Client(server, await userWithPolicy(ROOT_CREDS(), 'nopolicy'));
    assert.equal(await denial(s3.send(new ListBucketsCommand({}))), 'AccessDenied 403');
    assert.equal(await denial(s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'public/readme.txt' }))), 'AccessDenied 403');
    assert.equal(await denial(s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'x', Body: 'x' }))), 'AccessDenied 403');
  });

  it('lets a user do exactly what its policy allows, on the resources it names', async () => {
    const s3 = s3Client(server, await userWithPolicy(ROOT_CREDS(), 'reader', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/public/*' },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::shared' },
      ],
    }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'public/readme.txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello');
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'shared', Key: 'public/readme.txt' }))).ContentLength, 5);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'shared' }))).KeyCount, 2);
    assert.equal(await denial(s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'private/secret.txt' }))), 'AccessDenied 403');
    assert.equal(await denial(s3.send(new PutObjectCommand({ Bucket: 'shared', Key: 'public/new', Body: 'x' }))), 'AccessDenied 403');
  });

  it("keeps another account out of the bucket, even with s3:* on everything", async () => {
    const otherRoot = s3Client(server, OTHER_ROOT);
    assert.deepEqual((await otherRoot.send(new ListBucketsCommand({}))).Buckets, []);
    assert.equal(await denial(otherRoot.send(new GetObjectCommand({ Bucket: 'shared', Key: 'public/readme.txt' }))), 'AccessDenied 403');
    assert.equal(await denial(otherRoot.send(new ListObjectsV2Command({ Bucket: 'shared' }))), 'AccessDenied 403');
    assert.equal(await denial(otherRoot.send(new CreateBucketCommand({ Bucket: 'shared' }))), 'BucketAlreadyExists 409');
    const admin = s3Client(server, await userWithPolicy(OTHER_ROOT, 'admin', {
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }));
    assert.equal(await denial(admin.send(new PutObjectCommand({ Bucket: 'shared', Key: 'intruder', Body: 'x' }))), 'AccessDenied 403');
    await admin.send(new CreateBucketCommand({ Bucket: 'other-account-bucket' }));
    assert.equal(await denial(root.send(new GetObjectCommand({ Bucket: 'other-account-bucket', Key: 'x' }))), 'AccessDenied 403');
  });
});

function ROOT_CREDS(): Credentials {
  return { accessKeyId: server.root.accessKeyId, secretAccessKey: server.root.secretAccessKey };
}

describe('S3 in CloudTrail', () => {
  it('records object calls as data events, the way AWS writes them', async () => {
    await root.send(new PutObjectCommand({ Bucket: 'shared', Key: 'audit/doc.txt', Body: 'twelve bytes' }));
    await (await root.send(new GetObjectCommand({ Bucket: 'shared', Key: 'audit/doc.txt' }))).Body!.transformToString();
    const put = s3Records(server, 'PutObject').find((r) => r.requestParameters.key === 'audit/doc.txt')!;
    const get = s3Records(server, 'GetObject').find((r) => r.requestParameters.key === 'audit/doc.txt')!;
    for (const record of [put, get]) {
      assert.equal(record.eventSource, 's3.amazonaws.com');
      assert.equal(record.eventCategory, 'Data');
      assert.equal(record.managementEvent, false);
      assert.equal(record.awsRegion, 'us-east-1');
      assert.deepEqual(Object.keys(record.requestParameters), ['bucketName', 'Host', 'key']);
      assert.equal(record.requestParameters.bucketName, 'shared');
      assert.equal(record.requestParameters.Host, new URL(server.url).host);
      assert.deepEqual(record.resources, [
        { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::shared/audit/doc.txt' },
        { accountId: '123456789012', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::shared' },
      ]);
      assert.deepEqual(Object.keys(record.additionalEventData),
        ['SignatureVersion', 'bytesTransferredIn', 'AuthenticationMethod', 'x-amz-id-2', 'bytesTransferredOut']);
      assert.equal(record.additionalEventData.AuthenticationMethod, 'AuthHeader');
    }
    assert.deepEqual([put.readOnly, put.additionalEventData.bytesTransferredIn], [false, 12]);
    assert.deepEqual([get.readOnly, get.responseElements, get.additionalEventData.bytesTransferredOut], [true, null, 12]);
    const list = s3Records(server, 'ListObjectsV2').at(-1)!;
    assert.equal(list.eventCategory, 'Data');
    assert.equal(list.requestParameters['list-type'], '2');
  });

  it('shows bucket calls in Event history and never the data events', async () => {
    await root.send(new CreateBucketCommand({ Bucket: 'history' }));
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    const events = (await cloudtrail.send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }], MaxResults: 50,
    }))).Events ?? [];
    const names = new Set(events.map((e) => e.EventName));
    assert.ok(names.has('CreateBucket'));
    assert.ok(names.has('ListBuckets'));
    for (const data of ['PutObject', 'GetObject', 'HeadObject', 'ListObjectsV2']) assert.ok(!names.has(data), `${data} is a data event`);
    const created = s3Records(server, 'CreateBucket').find((r) => r.requestParameters.bucketName === 'history')!;
    assert.deepEqual([created.eventCategory, created.managementEvent, created.readOnly], ['Management', true, false]);
  });

  it('records refused calls with their error code', async () => {
    const denied = s3Records(server, 'GetObject').filter((r) => r.errorCode === 'AccessDenied');
    assert.ok(denied.length >= 2);
    assert.ok(denied.every((r) => r.eventCategory === 'Data'));
  });
});
