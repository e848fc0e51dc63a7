/**
 * The foundation end to end, with the real AWS SDK clients: root creates a user and a role, the
 * user assumes the role, HealthLake is called as root, as the user and as the role, and every
 * call (allowed or refused) is in Event history with the shape AWS writes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HealthLakeClient, CreateFHIRDatastoreCommand, DescribeFHIRDatastoreCommand, ListFHIRDatastoresCommand,
} from '@aws-sdk/client-healthlake';
import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, CreateRoleCommand, PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { clientOptions, ROOT, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';

const ACCOUNT = '123456789012';

async function eventsNamed(server: TestServer, name: string, credentials: Credentials = ROOT): Promise<Record<string, any>[]> {
  const ct = new CloudTrailClient(clientOptions(server, credentials));
  const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
  return (out.Events ?? []).map((e: Event) => ({ ...e, record: JSON.parse(e.CloudTrailEvent!) }));
}

describe('foundation: identities, HealthLake and Event history', () => {
  let server: TestServer;
  let alice: Credentials;
  let session: Credentials;

  before(async () => {
    server = await startTestServer();
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    alice = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new PutUserPolicyCommand({
      UserName: 'alice',
      PolicyName: 'healthlake-and-assume',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'healthlake:*', Resource: '*' },
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${ACCOUNT}:role/reader` },
          { Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' },
        ],
      }),
    }));
    await iam.send(new CreateRoleCommand({
      RoleName: 'reader',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'sts:AssumeRole' }],
      }),
    }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'reader',
      PolicyName: 'read-only',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['healthlake:Describe*', 'healthlake:List*'], Resource: '*' }],
      }),
    }));
    const sts = new STSClient(clientOptions(server, alice));
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/reader`, RoleSessionName: 'audit-session' }));
    session = {
      accessKeyId: assumed.Credentials!.AccessKeyId!,
      secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    };
  });

  after(async () => server?.stop());

  it('GetCallerIdentity names each principal', async () => {
    const root = await new STSClient(clientOptions(server)).send(new GetCallerIdentityCommand({}));
    assert.equal(root.Arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(root.Account, ACCOUNT);
    const user = await new STSClient(clientOptions(server, alice)).send(new GetCallerIdentityCommand({}));
    assert.equal(user.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    const role = await new STSClient(clientOptions(server, session)).send(new GetCallerIdentityCommand({}));
    assert.equal(role.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/audit-session`);
    assert.match(role.UserId!, /^AROA[A-Z0-9]+:audit-session$/);
  });

  it('root creates a datastore; the record matches the reference structure', async () => {
    const hl = new HealthLakeClient(clientOptions(server));
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'root-store', DatastoreTypeVersion: 'R4' }));
    assert.match(created.DatastoreId!, /^[0-9a-f]{32}$/);
    assert.equal(created.DatastoreArn, `arn:aws:healthlake:us-east-1:${ACCOUNT}:datastore/fhir/${created.DatastoreId}`);
    assert.equal(created.DatastoreStatus, 'CREATING');
    assert.equal(created.DatastoreEndpoint, `${server.url}/datastore/${created.DatastoreId}/r4/`);
    const described = await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: created.DatastoreId }));
    assert.equal(described.DatastoreProperties!.DatastoreStatus, 'ACTIVE');

    const [event] = await eventsNamed(server, 'CreateFHIRDatastore');
    assert.ok(event, 'CreateFHIRDatastore is in Event history');
    const r = event.record;
    assert.deepEqual(Object.keys(r).slice(0, 7), ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress']);
    assert.equal(r.eventVersion, '1.08');
    assert.deepEqual(r.userIdentity, { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: ROOT.accessKeyId });
    assert.match(r.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.eventSource, 'healthlake.amazonaws.com');
    assert.equal(r.awsRegion, 'us-east-1');
    assert.equal(r.sourceIPAddress, '127.0.0.1');
    assert.match(r.userAgent, /aws-sdk-js/);
    assert.equal(r.requestParameters.datastoreName, 'root-store');
    assert.equal(r.requestParameters.datastoreTypeVersion, 'R4');
    assert.match(r.requestParameters.clientToken, /^[0-9a-f-]{36}$/, 'the SDK-filled idempotency token is logged');
    assert.deepEqual(r.responseElements, {
      datastoreId: created.DatastoreId, datastoreArn: created.DatastoreArn, datastoreStatus: 'CREATING', datastoreEndpoint: created.DatastoreEndpoint,
    });
    assert.equal(r.requestID, created.$metadata.requestId);
    assert.match(r.eventID, /^[0-9a-f-]{36}$/);
    assert.equal(r.readOnly, false);
    assert.equal(r.eventType, 'AwsApiCall');
    assert.equal(r.managementEvent, true);
    assert.equal(r.eventCategory, 'Management');
    assert.equal(r.recipientAccountId, ACCOUNT);
    assert.equal(event.ReadOnly, 'false');
    assert.equal(event.Username, 'root');
    assert.equal(event.AccessKeyId, ROOT.accessKeyId);
    assert.deepEqual(event.Resources, [{ ResourceType: 'AWS::HealthLake::FHIRDatastore', ResourceName: created.DatastoreId }]);
  });

  it('an IAM user is recorded as IAMUser', async () => {
    const hl = new HealthLakeClient(clientOptions(server, alice));
    const created = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'alice-store', DatastoreTypeVersion: 'R4' }));
    const events = await eventsNamed(server, 'CreateFHIRDatastore', alice);
    const mine = events.find((e) => e.record.responseElements?.datastoreId === created.DatastoreId)!;
    assert.equal(mine.record.userIdentity.type, 'IAMUser');
    assert.equal(mine.record.userIdentity.userName, 'alice');
    assert.equal(mine.record.userIdentity.arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.match(mine.record.userIdentity.principalId, /^AIDA[A-Z0-9]{17}$/);
    assert.equal(mine.record.userIdentity.accessKeyId, alice.accessKeyId);
    assert.equal(mine.Username, 'alice');
  });

  it('an assumed role reads but is refused a write, and both are recorded', async () => {
    const hl = new HealthLakeClient(clientOptions(server, session));
    const listed = await hl.send(new ListFHIRDatastoresCommand({}));
    assert.equal(listed.DatastorePropertiesList!.length, 2);
    await assert.rejects(
      hl.send(new CreateFHIRDatastoreCommand({ DatastoreName: 'denied', DatastoreTypeVersion: 'R4' })),
      (err: any) => {
        assert.equal(err.name, 'AccessDeniedException');
        assert.match(err.message, new RegExp(`^User: arn:aws:sts::${ACCOUNT}:assumed-role/reader/audit-session is not authorized to perform: healthlake:CreateFHIRDatastore`));
        return true;
      },
    );
    const creates = await eventsNamed(server, 'CreateFHIRDatastore');
    const denied = creates.find((e) => e.record.errorCode === 'AccessDeniedException')!;
    assert.ok(denied, 'the refused call is recorded');
    const r = denied.record;
    assert.equal(r.responseElements, null);
    assert.equal(r.requestParameters.datastoreName, 'denied');
    assert.equal(r.userIdentity.type, 'AssumedRole');
    assert.equal(r.userIdentity.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/reader/audit-session`);
    assert.equal(r.userIdentity.accessKeyId, session.accessKeyId);
    assert.equal(r.userIdentity.userName, undefined);
    const ctx = r.userIdentity.sessionContext;
    assert.deepEqual(Object.keys(ctx).sort(), ['attributes', 'sessionIssuer', 'webIdFederationData']);
    assert.equal(ctx.sessionIssuer.type, 'Role');
    assert.equal(ctx.sessionIssuer.arn, `arn:aws:iam::${ACCOUNT}:role/reader`);
    assert.equal(ctx.sessionIssuer.userName, 'reader');
    assert.match(ctx.sessionIssuer.principalId, /^AROA/);
    assert.equal(r.userIdentity.principalId, `${ctx.sessionIssuer.principalId}:audit-session`);
    assert.deepEqual(ctx.webIdFederationData, {});
    assert.equal(ctx.attributes.mfaAuthenticated, 'false');
    assert.match(ctx.attributes.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(denied.Username, 'audit-session');

    const lists = await eventsNamed(server, 'ListFHIRDatastores');
    assert.equal(lists[0]!.record.readOnly, true);
    assert.equal(lists[0]!.record.responseElements, null);
  });

  it('IAM and STS calls are recorded too, IAM in us-east-1', async () => {
    const [createUser] = await eventsNamed(server, 'CreateUser');
    assert.equal(createUser!.record.eventSource, 'iam.amazonaws.com');
    assert.equal(createUser!.record.awsRegion, 'us-east-1');
    assert.equal(createUser!.record.requestParameters.userName, 'alice');
    assert.deepEqual(createUser!.Resources, [{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }]);
    const [key] = await eventsNamed(server, 'CreateAccessKey');
    assert.equal(key!.record.responseElements.accessKey.secretAccessKey, undefined, 'secrets are never recorded');
    assert.equal(key!.record.responseElements.accessKey.accessKeyId, alice.accessKeyId);
    const [assume] = await eventsNamed(server, 'AssumeRole');
    assert.equal(assume!.record.eventSource, 'sts.amazonaws.com');
    assert.equal(assume!.record.requestParameters.roleSessionName, 'audit-session');
    assert.equal(assume!.record.responseElements.credentials.secretAccessKey, undefined);
  });

  it('a trust policy naming the caller admits it alone; one naming only the account needs an identity policy', async () => {
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    const bob = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const trust = (principal: string) => JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'names-bob', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:user/bob`) }));
    await iam.send(new CreateRoleCommand({ RoleName: 'names-account', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT}:root`) }));
    const sts = new STSClient(clientOptions(server, bob));
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/names-bob`, RoleSessionName: 'direct' }));
    assert.match(ok.Credentials!.AccessKeyId!, /^ASIA/);
    await assert.rejects(
      sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/names-account`, RoleSessionName: 'via-account' })),
      (err: any) => err.name === 'AccessDenied' && /not authorized to perform: sts:AssumeRole/.test(err.message),
    );
  });

  it('a bad signature is refused and not recorded', async () => {
    const before = server.events.count();
    const hl = new HealthLakeClient(clientOptions(server, { ...alice, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' }));
    await assert.rejects(hl.send(new ListFHIRDatastoresCommand({})), (err: any) => err.name === 'InvalidSignatureException');
    const unknown = new HealthLakeClient(clientOptions(server, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) }));
    await assert.rejects(unknown.send(new ListFHIRDatastoresCommand({})), (err: any) => err.name === 'UnrecognizedClientException');
    assert.equal(server.events.count(), before);
  });
});
