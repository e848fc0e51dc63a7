/**
 * What a trail takes and where it goes: SNS notifications of each delivered file, S3 data events
 * for trails that select them (never for those that do not), multi-region trails with one folder
 * per region, organization trails under AWSLogs/o-id/account/, and `healthtrail validate-logs`
 * checking the files offline.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import {
  CloudTrailClient, CreateTrailCommand, StartLoggingCommand, StopLoggingCommand, PutEventSelectorsCommand, GetTrailStatusCommand,
  DescribeTrailsCommand, DeleteTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { S3Client, CreateBucketCommand, ListObjectsV2Command, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { HealthLakeClient, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { ROOT, clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { TestSubscriber } from '../helpers/sns-subscriber.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ORG = 'o-abcdef1234';
const MEMBER = '210987654321';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('trail scopes', () => {
  let server: TestServer;
  let s3: S3Client;

  /** Every record delivered under a key prefix, with the key it came in. */
  async function delivered(bucket: string, prefix: string): Promise<{ key: string; record: Record<string, any> }[]> {
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const out: { key: string; record: Record<string, any> }[] = [];
    for (const o of listing.Contents ?? []) {
      if (!o.Key!.includes('/CloudTrail/')) continue;
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }))).Body!.transformToByteArray();
      for (const record of (JSON.parse(gunzipSync(body).toString('utf8')) as { Records: Record<string, any>[] }).Records) out.push({ key: o.Key!, record });
    }
    return out;
  }

  before(async () => {
    server = await startTestServer({
      deliveryIntervalSeconds: 1, digestIntervalSeconds: 2, organizationId: ORG, memberAccountIds: [MEMBER],
    });
    s3 = new S3Client({ ...clientOptions(server), forcePathStyle: true });
  });
  after(async () => {
    await server.stop();
  });

  it('notifies the trail\'s SNS topic of each delivered file', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'notified-logs' }));
    const sns = new SNSClient(clientOptions(server));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'trail-files' }));
    const subscriber = await TestSubscriber.start();
    try {
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: subscriber.url }));
      const confirmation = await subscriber.ofType('SubscriptionConfirmation');
      await fetch(confirmation.json!.SubscribeURL);
      const cloudtrail = new CloudTrailClient(clientOptions(server));
      const trail = await cloudtrail.send(new CreateTrailCommand({ Name: 'notified', S3BucketName: 'notified-logs', SnsTopicName: 'trail-files' }));
      assert.equal(trail.SnsTopicARN, TopicArn);
      await assert.rejects(cloudtrail.send(new CreateTrailCommand({ Name: 'no-topic', S3BucketName: 'notified-logs', SnsTopicName: 'missing' })),
        { name: 'InsufficientSnsTopicPolicyException' });
      await cloudtrail.send(new StartLoggingCommand({ Name: 'notified' }));
      const notification = await subscriber.ofType('Notification', (r) => r.json?.TopicArn === TopicArn);
      const message = JSON.parse(notification.json!.Message);
      assert.equal(message.s3Bucket, 'notified-logs');
      assert.equal(message.s3ObjectKey.length, 1);
      assert.match(message.s3ObjectKey[0], new RegExp(`^AWSLogs/${server.config.accountId}/CloudTrail/us-east-1/.+\\.json\\.gz$`));
      const object = await s3.send(new GetObjectCommand({ Bucket: 'notified-logs', Key: message.s3ObjectKey[0] }));
      assert.ok((await object.Body!.transformToByteArray()).length > 0);
      const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'notified' }));
      assert.ok(status.LatestNotificationTime instanceof Date);
      await cloudtrail.send(new StopLoggingCommand({ Name: 'notified' }));
    } finally {
      await subscriber.close();
    }
  });

  it('delivers S3 data events only to trails whose selectors ask for them', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'data-logs' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'watched' }));
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'data', S3BucketName: 'data-logs', S3KeyPrefix: 'data' }));
    await cloudtrail.send(new PutEventSelectorsCommand({
      TrailName: 'data',
      EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::watched/in/'] }] }],
    }));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'mgmt-only', S3BucketName: 'data-logs', S3KeyPrefix: 'mgmt' }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'data' }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'mgmt-only' }));
    await s3.send(new PutObjectCommand({ Bucket: 'watched', Key: 'in/a.txt', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'watched', Key: 'out/b.txt', Body: 'b' }));
    await s3.send(new GetObjectCommand({ Bucket: 'watched', Key: 'in/a.txt' }));

    const data = await waitFor('the PutObject data event', async () => {
      const records = await delivered('data-logs', 'data/');
      return records.some((r) => r.record.eventName === 'PutObject') ? records : undefined;
    });
    assert.deepEqual(data.map((r) => [r.record.eventName, r.record.requestParameters?.key]), [['PutObject', 'in/a.txt']]);
    const put = data[0]!.record;
    assert.equal(put.eventCategory, 'Data');
    assert.equal(put.managementEvent, false);
    assert.ok(put.resources.some((r: { type: string; ARN: string }) => r.type === 'AWS::S3::Object' && r.ARN === 'arn:aws:s3:::watched/in/a.txt'));

    await waitFor('a management file', async () => ((await delivered('data-logs', 'mgmt/')).length > 0 ? true : undefined));
    const mgmt = await delivered('data-logs', 'mgmt/');
    assert.ok(mgmt.every((r) => r.record.eventCategory === 'Management'), 'no data event in a trail without data selectors');
    await cloudtrail.send(new StopLoggingCommand({ Name: 'data' }));
    await cloudtrail.send(new DeleteTrailCommand({ Name: 'mgmt-only' }));
  });

  it('gathers every region into a multi-region trail, one folder per region, and shows it as a shadow trail elsewhere', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'regions-logs' }));
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    const trail = await cloudtrail.send(new CreateTrailCommand({ Name: 'everywhere', S3BucketName: 'regions-logs', IsMultiRegionTrail: true }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'everywhere' }));
    await new HealthLakeClient(clientOptions(server, ROOT, 'eu-west-1')).send(new ListFHIRDatastoresCommand({}));
    await new HealthLakeClient(clientOptions(server)).send(new ListFHIRDatastoresCommand({}));
    const records = await waitFor('both regions', async () => {
      const all = await delivered('regions-logs', 'AWSLogs/');
      const regions = new Set(all.filter((r) => r.record.eventName === 'ListFHIRDatastores').map((r) => r.record.awsRegion));
      return regions.size === 2 ? all : undefined;
    });
    for (const { key, record } of records) assert.ok(key.includes(`/CloudTrail/${record.awsRegion}/`), `${key} holds ${record.awsRegion}`);

    const shadow = await new CloudTrailClient(clientOptions(server, ROOT, 'eu-west-1')).send(new DescribeTrailsCommand({}));
    const seen = shadow.trailList!.find((t) => t.TrailARN === trail.TrailARN)!;
    assert.equal(seen.HomeRegion, 'us-east-1');
    assert.equal(seen.IsMultiRegionTrail, true);
    await cloudtrail.send(new StopLoggingCommand({ Name: 'everywhere' }));
  });

  it('delivers member accounts\' events under AWSLogs/o-id/account/ for an organization trail', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'org-logs' }));
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'organization', S3BucketName: 'org-logs', IsOrganizationTrail: true }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'organization' }));
    const member = server.db.stmt(
      "SELECT id, secret FROM iam_access_keys WHERE account_id = ? AND kind = 'root'",
    ).get(MEMBER) as { id: string; secret: string };
    const memberCreds = { accessKeyId: member.id, secretAccessKey: member.secret };
    const memberView = await new CloudTrailClient(clientOptions(server, memberCreds)).send(new DescribeTrailsCommand({}));
    assert.ok(memberView.trailList!.some((t) => t.Name === 'organization' && t.IsOrganizationTrail), 'members see the organization trail');
    await new HealthLakeClient(clientOptions(server, memberCreds)).send(new ListFHIRDatastoresCommand({}));
    const records = await waitFor('the member\'s event', async () => {
      const all = await delivered('org-logs', `AWSLogs/${ORG}/${MEMBER}/`);
      return all.some((r) => r.record.eventName === 'ListFHIRDatastores') ? all : undefined;
    });
    assert.ok(records.every((r) => r.record.recipientAccountId === MEMBER));
    await cloudtrail.send(new StopLoggingCommand({ Name: 'organization' }));
  });

  it('`healthtrail validate-logs` checks the files offline and reports a modified one', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'offline-logs' }));
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    const start = new Date(Date.now() - 60_000);
    const trail = await cloudtrail.send(new CreateTrailCommand({ Name: 'offline', S3BucketName: 'offline-logs', EnableLogFileValidation: true }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'offline' }));
    await new HealthLakeClient(clientOptions(server)).send(new ListFHIRDatastoresCommand({}));
    const logKey = await waitFor('a log file', async () => (await delivered('offline-logs', 'AWSLogs/'))[0]?.key);
    await cloudtrail.send(new StopLoggingCommand({ Name: 'offline' }));
    await waitFor('the final digest', async () =>
      (server.db.stmt("SELECT digest_chain_start AS c FROM trails WHERE name = 'offline'").get() as { c: number | null }).c === null ? true : undefined);

    const run = () => new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', MAIN, 'validate-logs', '--trail-arn', trail.TrailARN!, '--start-time', start.toISOString(), '--verbose'], {
        env: { ...process.env, HEALTHTRAIL_DATA_DIR: server.dataDir }, encoding: 'utf8', timeout: 60_000,
      }, (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout }));
    });
    const clean = await run();
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /(\d+)\/\1 digest files valid/);
    assert.match(clean.stdout, /([1-9]\d*)\/\1 log files valid/);

    await s3.send(new PutObjectCommand({ Bucket: 'offline-logs', Key: logKey, Body: gzipSync('{"Records":[]}') }));
    const tampered = await run();
    assert.equal(tampered.code, 1);
    assert.match(tampered.stdout, /Log file\ts3:\/\/offline-logs\/.+\tINVALID: hash value doesn't match/);
  });
});
