/**
 * The real AWS CLI (botocore) against the server: HealthLake, IAM, STS and Event history.
 * The CLI sends the long CloudTrail target prefix and signs fewer headers than the JS SDK.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { awsCli, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';

const skip = hasAwsCli() ? false : 'the aws CLI is not installed (.ci/run installs Debian awscli)';

describe('aws CLI', { skip }, () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => server?.stop());

  it('manages a datastore, a user and a key, and finds each call in Event history', async () => {
    const created = await awsCli(server, ['healthlake', 'create-fhir-datastore', '--datastore-type-version', 'R4', '--datastore-name', 'cli-store']);
    assert.equal(created.status, 0, created.stderr);
    const id = created.json.DatastoreId as string;
    const described = await awsCli(server, ['healthlake', 'describe-fhir-datastore', '--datastore-id', id]);
    assert.equal(described.json.DatastoreProperties.DatastoreStatus, 'ACTIVE');
    assert.equal(typeof described.json.DatastoreProperties.CreatedAt, 'number', 'timestamps arrive as epoch seconds');

    const user = await awsCli(server, ['iam', 'create-user', '--user-name', 'carol']);
    assert.equal(user.status, 0, user.stderr);
    assert.equal(user.json.User.Arn, 'arn:aws:iam::123456789012:user/carol');
    const key = await awsCli(server, ['iam', 'create-access-key', '--user-name', 'carol']);
    assert.match(key.json.AccessKey.AccessKeyId, /^AKIA[A-Z0-9]{16}$/);
    const carol = { accessKeyId: key.json.AccessKey.AccessKeyId, secretAccessKey: key.json.AccessKey.SecretAccessKey };

    const identity = await awsCli(server, ['sts', 'get-caller-identity'], carol);
    assert.equal(identity.json.Arn, 'arn:aws:iam::123456789012:user/carol');

    const denied = await awsCli(server, ['healthlake', 'list-fhir-datastores'], carol);
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /AccessDeniedException/);

    const lookup = await awsCli(server, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=carol']);
    assert.equal(lookup.status, 0, lookup.stderr);
    const names = (lookup.json.Events as { EventName: string }[]).map((e) => e.EventName);
    assert.deepEqual(names, ['ListFHIRDatastores', 'GetCallerIdentity']);
    const deniedRecord = JSON.parse(lookup.json.Events[0].CloudTrailEvent);
    assert.equal(deniedRecord.errorCode, 'AccessDeniedException');
    assert.match(deniedRecord.userAgent, /^aws-cli\//);

    const byResource = await awsCli(server, ['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${id}`]);
    assert.deepEqual((byResource.json.Events as { EventName: string }[]).map((e) => e.EventName), ['DescribeFHIRDatastore', 'CreateFHIRDatastore']);
  });

  it('pages Event history with the CLI paginator', async () => {
    for (let i = 0; i < 7; i++) assert.equal((await awsCli(server, ['healthlake', 'list-fhir-datastores'])).status, 0);
    const all = await awsCli(server, ['cloudtrail', 'lookup-events', '--page-size', '2', '--lookup-attributes', 'AttributeKey=EventName,AttributeValue=ListFHIRDatastores']);
    assert.equal(all.status, 0, all.stderr);
    // 7 here plus carol's refused call in the test before.
    assert.equal(all.json.Events.length, 8);
    const ids = new Set((all.json.Events as { EventId: string }[]).map((e) => e.EventId));
    assert.equal(ids.size, 8, 'no event repeated across pages');
  });

  it('reports a wrong secret as the CLI expects', async () => {
    const bad = await awsCli(server, ['healthlake', 'list-fhir-datastores'], { accessKeyId: 'AKIAHEALTHTRAILROOT1', secretAccessKey: 'wrong' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /InvalidSignatureException/);
  });
});
