/**
 * Issue 17 item 5, the attack end to end with the real SDK clients: a user whose only policy is
 * `Deny sts:AssumeRole *` calls AssumeRole on an admin role whose trust policy names her. Her
 * explicit Deny wins over the trust policy's Allow: AccessDenied, no credentials, and the refusal
 * is in Event history. The same user, the Deny lifted, is admitted by the trust policy alone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  IAMClient, AttachRolePolicyCommand, CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, DeleteUserPolicyCommand,
  ListUsersCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';

const ACCOUNT = '123456789012';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/mallory`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;

describe('an explicit Deny in an identity policy wins over a trust policy naming the caller', () => {
  let server: TestServer;
  let iam: IAMClient;
  let mallory: Credentials;

  before(async () => {
    server = await startTestServer();
    iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'mallory' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'mallory', PolicyName: 'no-assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'mallory' }));
    mallory = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new CreateRoleCommand({
      RoleName: 'Admin',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
      }),
    }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Admin', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  });
  after(async () => server?.stop());

  it('AssumeRole answers AccessDenied naming the identity-based deny, and no credentials exist', async () => {
    const sts = new STSClient(clientOptions(server, mallory));
    let credentials: unknown;
    await assert.rejects(
      sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'takeover' })).then((out) => { credentials = out.Credentials; }),
      (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => {
        assert.equal(e.name, 'AccessDenied');
        assert.equal(e.$metadata.httpStatusCode, 403);
        assert.equal(e.message, `User: ${USER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN} with an explicit deny in an identity-based policy`);
        return true;
      });
    assert.equal(credentials, undefined);
    // The attack's next step, listing users as the admin, has no credentials to use; as herself she may not.
    await assert.rejects(new IAMClient(clientOptions(server, mallory)).send(new ListUsersCommand({})), { name: 'AccessDenied' });
  });

  it('the refusal is recorded', async () => {
    const ct = new CloudTrailClient(clientOptions(server));
    const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] }));
    const records = (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!));
    const refused = records.find((r) => r.userIdentity?.arn === USER_ARN);
    assert.ok(refused, 'an AssumeRole event by mallory');
    assert.equal(refused.errorCode, 'AccessDenied');
    assert.equal(refused.responseElements, null);
    assert.equal(refused.requestParameters.roleArn, ROLE_ARN);
  });

  it('without the Deny, the trust policy naming her admits her with no identity Allow (same account)', async () => {
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'mallory', PolicyName: 'no-assume' }));
    const out = await new STSClient(clientOptions(server, mallory)).send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'allowed' }));
    assert.match(out.Credentials!.AccessKeyId!, /^ASIA/);
  });
});
