/**
 * POST /console/api/call: AWS API calls with the console session's credentials through the API
 * pipeline — output by member name with ISO timestamps, AWS errors with their status, IAM
 * denials recorded, and records that show a console-proxy call (console user agent, browser
 * address, no tlsDetails, sessionCredentialFromConsole "true", the session's key).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { IAMClient, CreateLoginProfileCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { clientOptions, ROOT, startTestServer, type TestServer } from '../../helpers/server.ts';
import { ConsoleClient } from './console-client.ts';

const ACCOUNT = '123456789012';
const PASSWORD = 'Correct-Horse-9';

function recordOf(server: TestServer, requestId: string): Record<string, any> {
  const row = server.db.sql.prepare(`SELECT record FROM events WHERE json_extract(record, '$.requestID') = ?`).get(requestId) as { record: string } | undefined;
  assert.ok(row, `no record for request ${requestId}`);
  return JSON.parse(row.record);
}

function assertConsoleRecord(r: Record<string, any>, c: ConsoleClient): void {
  assert.equal(r.userAgent, 'console.amazonaws.com');
  assert.equal(r.sessionCredentialFromConsole, 'true');
  assert.equal(r.sourceIPAddress, '127.0.0.1');
  assert.equal(r.tlsDetails, undefined);
  assert.equal(r.userIdentity.accessKeyId, c.session!.accessKeyId);
  assert.equal(r.userIdentity.sessionContext.attributes.mfaAuthenticated, 'false');
}

describe('console API calls', () => {
  let server: TestServer;
  let root: ConsoleClient;
  let datastoreId: string;

  before(async () => {
    server = await startTestServer();
    const created = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'console' }));
    datastoreId = created.DatastoreId!;
    root = new ConsoleClient(server.consoleUrl);
    assert.equal((await root.signIn({ method: 'access-key', ...ROOT })).status, 200);
  });

  after(async () => server?.stop());

  it('DescribeFHIRDatastore: output by member name, timestamps as ISO 8601, recorded as a console call', async () => {
    const res = await root.call('healthlake', 'DescribeFHIRDatastore', { DatastoreId: datastoreId });
    assert.equal(res.status, 200);
    const props = res.json.output.DatastoreProperties as Record<string, unknown>;
    assert.equal(props.DatastoreId, datastoreId);
    assert.match(String(props.CreatedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    assert.equal(res.json.requestId, res.headers.get('x-amzn-requestid'));
    const r = recordOf(server, res.json.requestId);
    assert.equal(r.eventName, 'DescribeFHIRDatastore');
    assert.equal(r.userIdentity.type, 'Root');
    assertConsoleRecord(r, root);
  });

  it('LookupEvents takes ISO and epoch timestamps and finds the console calls by access key', async () => {
    const iso = await root.call('cloudtrail', 'LookupEvents', {
      StartTime: new Date(Date.now() - 3_600_000).toISOString(), EndTime: Math.floor(Date.now() / 1000) + 60,
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: root.session!.accessKeyId }],
    });
    assert.equal(iso.status, 200);
    const events = iso.json.output.Events as { EventName: string; EventTime: string; AccessKeyId: string }[];
    assert.ok(events.some((e) => e.EventName === 'DescribeFHIRDatastore'));
    for (const e of events) {
      assert.equal(e.AccessKeyId, root.session!.accessKeyId);
      assert.match(e.EventTime, /Z$/);
    }
    const bad = await root.call('cloudtrail', 'LookupEvents', { StartTime: 'yesterday' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'SerializationException');
  });

  it('CreateBucket and CreateTrail through the console', async () => {
    const bucket = await root.call('s3', 'CreateBucket', { Bucket: 'console-trail-logs' });
    assert.equal(bucket.status, 200, JSON.stringify(bucket.json));
    const trail = await root.call('cloudtrail', 'CreateTrail', { Name: 'console-trail', S3BucketName: 'console-trail-logs' });
    assert.equal(trail.status, 200, JSON.stringify(trail.json));
    assert.equal(trail.json.output.TrailARN, `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/console-trail`);
    const r = recordOf(server, trail.json.requestId);
    assert.equal(r.eventName, 'CreateTrail');
    assert.equal(r.readOnly, false);
    assert.deepEqual(r.requestParameters.name, 'console-trail');
    assertConsoleRecord(r, root);
    const again = await root.call('cloudtrail', 'CreateTrail', { Name: 'console-trail', S3BucketName: 'console-trail-logs' });
    assert.equal(again.status, 400);
    assert.equal(again.json.error.code, 'TrailAlreadyExistsException');
  });

  it('AWS errors keep their code, message and status; validation runs as for any call', async () => {
    const missing = await root.call('iam', 'GetUser', { UserName: 'ghost' });
    assert.equal(missing.status, 404);
    assert.deepEqual({ code: missing.json.error.code, message: missing.json.error.message }, { code: 'NoSuchEntity', message: 'The user with name ghost cannot be found.' });
    const invalid = await root.call('iam', 'CreateUser', { UserName: 'has space' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.code, 'ValidationError');
    assert.equal(recordOf(server, invalid.json.error.requestId).errorCode, 'ValidationError');
    const wrongType = await root.call('healthlake', 'DescribeFHIRDatastore', { DatastoreId: 42 });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.json.error.code, 'SerializationException');
    const unknownOp = await root.call('cloudtrail', 'DoSomethingElse');
    assert.equal(unknownOp.status, 400);
    assert.equal(unknownOp.json.error.code, 'UnknownOperationException');
    const unknownService = await root.call('lambda', 'ListFunctions');
    assert.equal(unknownService.status, 400);
    const badRequest = await root.request('POST', '/console/api/call', { body: { service: 'iam', input: {} } });
    assert.equal(badRequest.status, 400);
  });

  it('refuses streaming operations', async () => {
    for (const operation of ['PutObject', 'UploadPart', 'GetObject']) {
      const res = await root.call('s3', operation, { Bucket: 'console-trail-logs', Key: 'k' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, 'StreamingNotSupported');
    }
  });

  it('an IAM denial is answered and recorded as AccessDenied', async () => {
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'dave' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'dave', Password: PASSWORD }));
    const dave = new ConsoleClient(server.consoleUrl);
    assert.equal((await dave.signIn({ method: 'password', accountId: ACCOUNT, userName: 'dave', password: PASSWORD })).status, 200);
    const denied = await dave.call('iam', 'ListUsers');
    assert.equal(denied.status, 403);
    assert.equal(denied.json.error.code, 'AccessDenied');
    assert.match(denied.json.error.message, /user\/dave is not authorized to perform: iam:ListUsers/);
    const r = recordOf(server, denied.json.error.requestId);
    assert.equal(r.errorCode, 'AccessDenied');
    assert.equal(r.userIdentity.type, 'IAMUser');
    assert.equal(r.userIdentity.userName, 'dave');
    assertConsoleRecord(r, dave);
    const hl = await dave.call('healthlake', 'ListFHIRDatastores');
    assert.equal(hl.status, 400);
    assert.equal(hl.json.error.code, 'AccessDeniedException');
  });

  it('CSRF token and Origin are checked on every call', async () => {
    const missing = await root.request('POST', '/console/api/call', { body: { service: 'sts', operation: 'GetCallerIdentity', input: {} }, csrf: false });
    assert.equal(missing.status, 403);
    assert.equal(missing.json.error.code, 'InvalidCsrfToken');
    const wrong = await root.request('POST', '/console/api/call', { body: { service: 'sts', operation: 'GetCallerIdentity', input: {} }, csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    const other = new ConsoleClient(server.consoleUrl);
    await other.signIn({ method: 'access-key', ...ROOT });
    const crossed = await root.request('POST', '/console/api/call', {
      body: { service: 'sts', operation: 'GetCallerIdentity', input: {} }, csrf: other.session!.csrfToken,
    });
    assert.equal(crossed.status, 403, "another session's token does not fit");
    const foreign = await root.request('POST', '/console/api/call', {
      body: { service: 'sts', operation: 'GetCallerIdentity', input: {} }, headers: { origin: 'http://attacker.test' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error.code, 'ForbiddenOrigin');
    const notJson = await root.request('POST', '/console/api/call', { rawBody: 'service=sts', contentType: 'application/x-www-form-urlencoded' });
    assert.equal(notJson.status, 415);
    const noSession = await new ConsoleClient(server.consoleUrl).call('sts', 'GetCallerIdentity');
    assert.equal(noSession.status, 401);
    const unknownRoute = await root.request('GET', '/console/api/nothing-here');
    assert.equal(unknownRoute.status, 404);
    assert.equal(unknownRoute.json.error.code, 'NotFound');
  });
});
