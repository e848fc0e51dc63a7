/**
 * Trails end to end with real clients: the trail API and its errors, log files delivered to an S3
 * bucket of this server at AWS's key layout holding the very records Event history returns,
 * delivery errors reported and recovered, and `aws cloudtrail validate-logs` accepting the
 * digests, then reporting a modified, a deleted and a swapped log file.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import {
  CloudTrailClient, CreateTrailCommand, DeleteTrailCommand, DescribeTrailsCommand, GetEventSelectorsCommand,
  GetTrailCommand, GetTrailStatusCommand, ListTagsCommand, ListTrailsCommand, PutEventSelectorsCommand, StartLoggingCommand,
  StopLoggingCommand, UpdateTrailCommand, AddTagsCommand, ListPublicKeysCommand, LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  S3Client, CreateBucketCommand, ListObjectsV2Command, GetObjectCommand, PutObjectCommand, DeleteObjectCommand, DeleteBucketCommand,
} from '@aws-sdk/client-s3';
import { HealthLakeClient, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { ROOT, REGION, clientOptions, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';

const BUCKET = 'trail-logs';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function validateLogs(server: TestServer, trailArn: string, start: Date): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('aws', ['cloudtrail', 'validate-logs', '--endpoint-url', server.url, '--trail-arn', trailArn,
      '--start-time', start.toISOString().replace(/\.\d{3}Z$/, 'Z'), '--verbose'], {
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
        AWS_DEFAULT_REGION: REGION, AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      encoding: 'utf8', timeout: 60_000,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

describe('trails', () => {
  let server: TestServer;
  let cloudtrail: CloudTrailClient;
  let s3: S3Client;

  before(async () => {
    server = await startTestServer({ deliveryIntervalSeconds: 1, digestIntervalSeconds: 3 });
    cloudtrail = new CloudTrailClient(clientOptions(server));
    s3 = new S3Client({ ...clientOptions(server), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    await server.stop();
  });

  it('refuses bad trails with AWS error codes', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);
    assert.equal(await code(cloudtrail.send(new CreateTrailCommand({ Name: 'my--trail', S3BucketName: BUCKET }))), 'InvalidTrailNameException');
    assert.equal(await code(cloudtrail.send(new CreateTrailCommand({ Name: 'nobucket', S3BucketName: 'no-such-bucket-here' }))), 'S3BucketDoesNotExistException');
    assert.equal(await code(cloudtrail.send(new CreateTrailCommand({ Name: 'multi', S3BucketName: BUCKET, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false }))), 'InvalidParameterCombinationException');
    assert.equal(await code(cloudtrail.send(new CreateTrailCommand({ Name: 'org-trail', S3BucketName: BUCKET, IsOrganizationTrail: true }))), 'OrganizationsNotInUseException');
    assert.equal(await code(cloudtrail.send(new GetTrailCommand({ Name: 'missing' }))), 'TrailNotFoundException');
  });

  it('manages a trail: create (not logging), describe, list, update, selectors, tags, home region', async () => {
    const created = await cloudtrail.send(new CreateTrailCommand({ Name: 'lifecycle', S3BucketName: BUCKET, TagsList: [{ Key: 'team', Value: 'audit' }] }));
    assert.equal(created.TrailARN, `arn:aws:cloudtrail:${REGION}:${server.config.accountId}:trail/lifecycle`);
    assert.equal(created.IncludeGlobalServiceEvents, true);
    assert.equal(created.LogFileValidationEnabled, false);
    assert.equal((created as unknown as Record<string, unknown>).HomeRegion, undefined);
    await assert.rejects(cloudtrail.send(new CreateTrailCommand({ Name: 'lifecycle', S3BucketName: BUCKET })), { name: 'TrailAlreadyExistsException' });
    assert.equal((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'lifecycle' }))).IsLogging, false);

    const described = await cloudtrail.send(new DescribeTrailsCommand({ trailNameList: ['lifecycle'] }));
    assert.equal(described.trailList?.length, 1);
    assert.equal(described.trailList![0]!.HomeRegion, REGION);
    assert.equal(described.trailList![0]!.S3KeyPrefix, undefined);
    const listed = await cloudtrail.send(new ListTrailsCommand({}));
    assert.ok(listed.Trails?.some((t) => t.Name === 'lifecycle'));

    const updated = await cloudtrail.send(new UpdateTrailCommand({ Name: created.TrailARN, S3KeyPrefix: 'p', EnableLogFileValidation: true }));
    assert.equal(updated.S3KeyPrefix, 'p');
    assert.equal(updated.LogFileValidationEnabled, true);

    const defaults = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'lifecycle' }));
    assert.deepEqual(defaults.EventSelectors, [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }]);
    await assert.rejects(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'lifecycle', EventSelectors: [], AdvancedEventSelectors: [] })),
      { name: 'InvalidParameterCombinationException' });
    await assert.rejects(cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'lifecycle', EventSelectors: [{ DataResources: [{ Type: 'AWS::Foo::Bar', Values: ['arn:aws:foo'] }] }] })),
      { name: 'InvalidEventSelectorsException' });
    const advanced = [{ Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }];
    await cloudtrail.send(new PutEventSelectorsCommand({ TrailName: 'lifecycle', AdvancedEventSelectors: advanced }));
    assert.deepEqual((await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: 'lifecycle' }))).AdvancedEventSelectors, advanced);
    assert.equal((await cloudtrail.send(new GetTrailCommand({ Name: 'lifecycle' }))).Trail?.HasCustomEventSelectors, true);

    await cloudtrail.send(new AddTagsCommand({ ResourceId: created.TrailARN, TagsList: [{ Key: 'env', Value: 'ci' }] }));
    const tags = await cloudtrail.send(new ListTagsCommand({ ResourceIdList: [created.TrailARN!] }));
    assert.deepEqual(tags.ResourceTagList?.[0]?.TagsList, [{ Key: 'env', Value: 'ci' }, { Key: 'team', Value: 'audit' }]);

    const elsewhere = new CloudTrailClient(clientOptions(server, ROOT, 'eu-west-1'));
    await assert.rejects(elsewhere.send(new StartLoggingCommand({ Name: created.TrailARN })), { name: 'InvalidHomeRegionException' });
    await cloudtrail.send(new DeleteTrailCommand({ Name: 'lifecycle' }));
    await assert.rejects(cloudtrail.send(new GetTrailCommand({ Name: 'lifecycle' })), { name: 'TrailNotFoundException' });
  });

  it('delivers the records Event history holds, at the AWS key layout, and reports delivery errors', async () => {
    const trail = await cloudtrail.send(new CreateTrailCommand({ Name: 'delivery', S3BucketName: BUCKET, S3KeyPrefix: 'ct', EnableLogFileValidation: true }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'delivery' }));
    const healthlake = new HealthLakeClient(clientOptions(server));
    await healthlake.send(new ListFHIRDatastoresCommand({}));
    const lookup = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ListFHIRDatastores' }] }));
    const expected = lookup.Events![0]!;

    const logKey = await waitFor('a log file', async () => {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'ct/AWSLogs/' }));
      return listing.Contents?.map((c) => c.Key!).find((k) => k.includes('/CloudTrail/'));
    });
    assert.match(logKey, new RegExp(`^ct/AWSLogs/${server.config.accountId}/CloudTrail/${REGION}/\\d{4}/\\d{2}/\\d{2}/${server.config.accountId}_CloudTrail_${REGION}_\\d{8}T\\d{4}Z_[A-Za-z0-9]{16}\\.json\\.gz$`));
    const records = await waitFor('the ListFHIRDatastores record', async () => {
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `ct/AWSLogs/${server.config.accountId}/CloudTrail/` }));
      for (const o of listing.Contents ?? []) {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key }))).Body!.transformToByteArray();
        const file = JSON.parse(gunzipSync(body).toString('utf8')) as { Records: { eventID: string }[] };
        const found = file.Records.find((r) => r.eventID === expected.EventId);
        if (found) return found;
      }
      return undefined;
    });
    assert.deepEqual(records, JSON.parse(expected.CloudTrailEvent!));

    const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'delivery' }));
    assert.equal(status.IsLogging, true);
    assert.ok(status.LatestDeliveryTime instanceof Date);
    assert.equal(status.LatestDeliveryError, undefined);
    assert.equal(typeof status.TimeLoggingStarted, 'string');

    const keys = await cloudtrail.send(new ListPublicKeysCommand({}));
    assert.equal(keys.PublicKeyList?.length, 1);
    assert.match(Buffer.from(keys.PublicKeyList![0]!.Value!).toString('base64'), /^MIIBCgKCAQEA/);
    assert.match(keys.PublicKeyList![0]!.Fingerprint!, /^[0-9a-f]{32}$/);
    await cloudtrail.send(new StopLoggingCommand({ Name: trail.TrailARN }));
  });

  it('is validated by `aws cloudtrail validate-logs`, which reports modified, deleted and swapped log files', { skip: !hasAwsCli() && 'aws CLI not installed' }, async () => {
    const start = new Date(Date.now() - 60_000);
    const trail = await cloudtrail.send(new CreateTrailCommand({ Name: 'validated', S3BucketName: BUCKET, S3KeyPrefix: 'v', EnableLogFileValidation: true }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'validated' }));
    const healthlake = new HealthLakeClient(clientOptions(server));
    const prefix = `v/AWSLogs/${server.config.accountId}/CloudTrail/`;
    let logKeys: string[] = [];
    for (let files = 1; files <= 3; files++) {
      // One call per delivery: each file holds its own events.
      await healthlake.send(new ListFHIRDatastoresCommand({}));
      logKeys = await waitFor(`log file ${files}`, async () => {
        const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
        const found = (listing.Contents ?? []).map((c) => c.Key!);
        return found.length >= files ? found : undefined;
      });
    }
    await cloudtrail.send(new StopLoggingCommand({ Name: 'validated' }));
    await waitFor('the final digest', async () => {
      const status = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'validated' }));
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `v/AWSLogs/${server.config.accountId}/CloudTrail-Digest/` }));
      return status.LatestDigestDeliveryTime && (listing.KeyCount ?? 0) >= 1 && (server.db.stmt('SELECT count(*) AS n FROM trails WHERE stop_seq IS NOT NULL').get() as { n: number }).n === 0
        ? true : undefined;
    });

    const clean = await validateLogs(server, trail.TrailARN!, start);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /\d+\/\d+ digest files valid/);
    const logsValid = /(\d+)\/(\d+) log files valid/.exec(clean.stdout)!;
    assert.equal(logsValid[1], logsValid[2]);
    assert.ok(Number(logsValid[1]) >= 3, clean.stdout);

    const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
    const [a, b, c] = logKeys as [string, string, string];
    const bodyA = await read(a);
    const bodyB = await read(b);

    // Modified: a record dropped from one file.
    const modified = JSON.parse(gunzipSync(bodyA).toString()) as { Records: unknown[] };
    modified.Records.pop();
    const { gzipSync } = await import('node:zlib');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a, Body: gzipSync(JSON.stringify(modified)) }));
    let run = await validateLogs(server, trail.TrailARN!, start);
    assert.equal(run.code, 1);
    assert.match(run.stdout + run.stderr, new RegExp(`s3://${BUCKET}/${a.replace(/[.]/g, '\\.')}\\s+INVALID: hash value doesn't match`));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a, Body: bodyA }));

    // Swapped: two files' contents exchanged.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a, Body: bodyB }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: b, Body: bodyA }));
    run = await validateLogs(server, trail.TrailARN!, start);
    assert.equal(run.code, 1);
    assert.equal(((run.stdout + run.stderr).match(/INVALID: hash value doesn't match/g) ?? []).length, 2, run.stdout + run.stderr);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: a, Body: bodyA }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: b, Body: bodyB }));

    // Deleted.
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: c }));
    run = await validateLogs(server, trail.TrailARN!, start);
    assert.equal(run.code, 1);
    assert.match(run.stdout + run.stderr, /INVALID: not found/);
  });

  it('reports a deleted bucket in GetTrailStatus and resumes delivery once it is back', async () => {
    const bucket = 'short-lived-logs';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'fragile', S3BucketName: bucket }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'fragile' }));
    const status = await waitFor('a delivery error', async () => {
      const s = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'fragile' }));
      return s.LatestDeliveryError ? s : undefined;
    });
    assert.equal(status.LatestDeliveryError, 'NoSuchBucket');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await waitFor('recovery', async () => {
      const s = await cloudtrail.send(new GetTrailStatusCommand({ Name: 'fragile' }));
      return s.LatestDeliveryError === undefined && s.LatestDeliveryTime ? s : undefined;
    });
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.ok((listing.KeyCount ?? 0) >= 1);
    await cloudtrail.send(new StopLoggingCommand({ Name: 'fragile' }));
  });
});
