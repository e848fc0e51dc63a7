/**
 * IAM login profiles over the query API, with the SDK and the aws CLI: create / get / update /
 * delete with AWS's errors, the default password policy, ChangePassword by the user, DeleteUser
 * blocked by a profile, and no password in any record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, ChangePasswordCommand, CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand, DeleteLoginProfileCommand,
  DeleteUserCommand, GetLoginProfileCommand, PutUserPolicyCommand, UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type Credentials, type TestServer } from '../../helpers/server.ts';
import { ConsoleClient } from './console-client.ts';

const ACCOUNT = '123456789012';
const PASSWORD = 'Correct-Horse-9';

async function rejectsWith(p: Promise<unknown>, code: string, status?: number): Promise<void> {
  await assert.rejects(p, (e: { name: string; $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(e.name, code);
    if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
    return true;
  });
}

describe('IAM login profiles', () => {
  let server: TestServer;
  let iam: IAMClient;

  before(async () => {
    server = await startTestServer();
    iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  });

  after(async () => server?.stop());

  it('CreateLoginProfile enforces the default password policy, then creates once', async () => {
    await rejectsWith(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'short1A' })), 'PasswordPolicyViolationException', 400);
    await rejectsWith(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'alllowercaseletters' })), 'PasswordPolicyViolationException', 400);
    await rejectsWith(iam.send(new CreateLoginProfileCommand({ UserName: 'ghost', Password: PASSWORD })), 'NoSuchEntityException', 404);
    const created = await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: PASSWORD, PasswordResetRequired: true }));
    assert.equal(created.LoginProfile?.UserName, 'alice');
    assert.equal(created.LoginProfile?.PasswordResetRequired, true);
    assert.ok(created.LoginProfile?.CreateDate instanceof Date);
    await rejectsWith(iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: PASSWORD })), 'EntityAlreadyExistsException', 409);
  });

  it('GetLoginProfile and UpdateLoginProfile', async () => {
    const got = await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }));
    assert.equal(got.LoginProfile?.UserName, 'alice');
    assert.equal(got.LoginProfile?.PasswordResetRequired, true);
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', PasswordResetRequired: false }));
    assert.equal((await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }))).LoginProfile?.PasswordResetRequired, false);
    await rejectsWith(iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: 'weak' })), 'PasswordPolicyViolationException', 400);
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: 'Another-Secret-7' }));
    const c = new ConsoleClient(server.consoleUrl);
    assert.equal((await c.signIn({ method: 'password', accountId: ACCOUNT, userName: 'alice', password: 'Another-Secret-7' })).status, 200);
    assert.equal((await c.signIn({ method: 'password', accountId: ACCOUNT, userName: 'alice', password: PASSWORD })).status, 401);
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', Password: PASSWORD }));
  });

  it('ChangePassword: the user with the old password; root is InvalidUserType', async () => {
    await iam.send(new PutUserPolicyCommand({
      UserName: 'alice', PolicyName: 'own-password',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: `arn:aws:iam::${ACCOUNT}:user/alice` }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const alice: Credentials = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const asAlice = new IAMClient(clientOptions(server, alice));
    await rejectsWith(asAlice.send(new ChangePasswordCommand({ OldPassword: 'Not-The-Password-1', NewPassword: 'Brand-New-Pass-2' })), 'AccessDenied', 403);
    await rejectsWith(asAlice.send(new ChangePasswordCommand({ OldPassword: PASSWORD, NewPassword: 'weak' })), 'PasswordPolicyViolationException', 400);
    await asAlice.send(new ChangePasswordCommand({ OldPassword: PASSWORD, NewPassword: 'Brand-New-Pass-2' }));
    const c = new ConsoleClient(server.consoleUrl);
    assert.equal((await c.signIn({ method: 'password', accountId: ACCOUNT, userName: 'alice', password: 'Brand-New-Pass-2' })).status, 200);
    await rejectsWith(iam.send(new ChangePasswordCommand({ OldPassword: 'Brand-New-Pass-2', NewPassword: 'Brand-New-Pass-3' })), 'InvalidUserTypeException', 400);
  });

  it('no record carries a password', async () => {
    const rows = server.db.sql.prepare(`SELECT event_name, record FROM events WHERE event_source = 'iam.amazonaws.com'
      AND event_name IN ('CreateLoginProfile', 'UpdateLoginProfile', 'ChangePassword')`).all() as { event_name: string; record: string }[];
    assert.ok(rows.length >= 6);
    for (const { record } of rows) {
      for (const secret of [PASSWORD, 'Another-Secret-7', 'Brand-New-Pass-2', 'Not-The-Password-1', 'short1A', 'weak']) {
        assert.ok(!record.includes(secret), `a record contains a password: ${record}`);
      }
    }
    const create = rows.map((r) => JSON.parse(r.record)).find((r) => r.eventName === 'CreateLoginProfile' && !r.errorCode);
    assert.deepEqual(create.requestParameters, { userName: 'alice', passwordResetRequired: true });
    const change = rows.map((r) => JSON.parse(r.record)).find((r) => r.eventName === 'ChangePassword' && !r.errorCode);
    assert.equal(change.requestParameters, null);
    assert.equal(change.userIdentity.userName, 'alice');
  });

  it('DeleteUser is refused while a login profile exists; DeleteLoginProfile removes it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: PASSWORD }));
    await rejectsWith(iam.send(new DeleteUserCommand({ UserName: 'bob' })), 'DeleteConflictException', 409);
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'bob' }));
    await rejectsWith(iam.send(new GetLoginProfileCommand({ UserName: 'bob' })), 'NoSuchEntityException', 404);
    await rejectsWith(iam.send(new DeleteLoginProfileCommand({ UserName: 'bob' })), 'NoSuchEntityException', 404);
    await iam.send(new DeleteUserCommand({ UserName: 'bob' }));
  });

  it('the aws CLI manages login profiles', { skip: hasAwsCli() ? false : 'the aws CLI is not installed' }, async () => {
    assert.equal((await awsCli(server, ['iam', 'create-user', '--user-name', 'carol'])).status, 0);
    const created = await awsCli(server, ['iam', 'create-login-profile', '--user-name', 'carol', '--password', PASSWORD, '--password-reset-required']);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.json.LoginProfile.UserName, 'carol');
    assert.equal(created.json.LoginProfile.PasswordResetRequired, true);
    const got = await awsCli(server, ['iam', 'get-login-profile', '--user-name', 'carol']);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(got.json.LoginProfile.UserName, 'carol');
    const updated = await awsCli(server, ['iam', 'update-login-profile', '--user-name', 'carol', '--no-password-reset-required']);
    assert.equal(updated.status, 0, updated.stderr);
    const again = await awsCli(server, ['iam', 'create-login-profile', '--user-name', 'carol', '--password', PASSWORD]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /EntityAlreadyExists/);
    const deleted = await awsCli(server, ['iam', 'delete-login-profile', '--user-name', 'carol']);
    assert.equal(deleted.status, 0, deleted.stderr);
    const missing = await awsCli(server, ['iam', 'get-login-profile', '--user-name', 'carol']);
    assert.match(missing.stderr, /NoSuchEntity/);
  });
});
