/** IAM access keys: create (quota of two), list, update status, delete; root's own keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import { ACCOUNT, ALLOW_ALL, ROOT_KEY, assumeRole, awsError, call, invoke, roleTrusting, testEnv, userWithKey } from '../helpers/call-context.ts';

test('CreateAccessKey returns an AKIA id with a 40-character secret, and records user and key', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice' });
  const { output, ctx } = await invoke(env, iamProvider, 'CreateAccessKey', { UserName: 'alice' });
  const key = output.AccessKey as Record<string, unknown>;
  assert.deepEqual(Object.keys(key), ['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate']);
  assert.match(key.AccessKeyId as string, /^AKIA[A-Z0-9]{16}$/);
  assert.match(key.SecretAccessKey as string, /^[A-Za-z0-9+/]{40}$/);
  assert.equal(key.Status, 'Active');
  assert.deepEqual(ctx.resources.map((r) => [r.type, r.name]), [['AWS::IAM::User', 'alice'], ['AWS::IAM::AccessKey', key.AccessKeyId]]);
});

test('CreateAccessKey: at most two keys per user (LimitExceeded), unknown user is NoSuchEntity', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice' });
  await call(env, iamProvider, 'CreateAccessKey', { UserName: 'alice' });
  await call(env, iamProvider, 'CreateAccessKey', { UserName: 'alice' });
  await assert.rejects(call(env, iamProvider, 'CreateAccessKey', { UserName: 'alice' }), (e: { code: string; status: number; message: string }) => {
    assert.equal(e.code, 'LimitExceeded');
    assert.equal(e.status, 409);
    assert.equal(e.message, 'Cannot exceed quota for AccessKeysPerUser: 2');
    return true;
  });
  await assert.rejects(call(env, iamProvider, 'CreateAccessKey', { UserName: 'ghost' }), awsError('NoSuchEntity'));
});

test('ListAccessKeys: a user\'s keys without secrets; without UserName, the caller\'s own', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const listed = await call(env, iamProvider, 'ListAccessKeys', { UserName: 'alice' });
  assert.deepEqual(listed, {
    AccessKeyMetadata: [{ UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Active', CreateDate: new Date('2024-05-01T12:00:00.000Z') }],
    IsTruncated: false,
  });
  const own = await call(env, iamProvider, 'ListAccessKeys', {}, alice.principal);
  assert.deepEqual(own, listed);
});

test('Root without UserName manages the root user\'s keys (no UserName in the output)', async () => {
  const env = testEnv();
  const listed = await call(env, iamProvider, 'ListAccessKeys', {});
  assert.deepEqual((listed.AccessKeyMetadata as { AccessKeyId: string }[]).map((k) => k.AccessKeyId), [ROOT_KEY.accessKeyId]);
  const created = await call(env, iamProvider, 'CreateAccessKey', {});
  const key = created.AccessKey as Record<string, unknown>;
  assert.equal(key.UserName, undefined);
  const principal = env.store.lookupCredentials(key.AccessKeyId as string)!.principal;
  assert.equal(principal.type, 'Root');
  await assert.rejects(call(env, iamProvider, 'CreateAccessKey', {}), awsError('LimitExceeded'));
  await call(env, iamProvider, 'DeleteAccessKey', { AccessKeyId: key.AccessKeyId });
});

test('An assumed-role caller must name the user', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const session = await assumeRole(env, alice.principal, await roleTrusting(env, 'R'), 'sess');
  await assert.rejects(call(env, iamProvider, 'ListAccessKeys', {}, session.principal), awsError('ValidationError'));
  const named = await call(env, iamProvider, 'ListAccessKeys', { UserName: 'alice' }, session.principal);
  assert.equal((named.AccessKeyMetadata as unknown[]).length, 1);
});

test('UpdateAccessKey toggles status; keys of another user are NoSuchEntity', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice');
  await call(env, iamProvider, 'CreateUser', { UserName: 'bob' });
  await call(env, iamProvider, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' });
  const listed = await call(env, iamProvider, 'ListAccessKeys', { UserName: 'alice' });
  assert.equal((listed.AccessKeyMetadata as { Status: string }[])[0]!.Status, 'Inactive');
  await assert.rejects(call(env, iamProvider, 'UpdateAccessKey', { UserName: 'bob', AccessKeyId: alice.accessKeyId, Status: 'Active' }),
    awsError('NoSuchEntity', `The Access Key with id ${alice.accessKeyId} cannot be found.`));
  await assert.rejects(call(env, iamProvider, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Expired' }),
    awsError('InvalidInput'));
});

test('DeleteAccessKey removes the key; deleting again is NoSuchEntity', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice');
  await call(env, iamProvider, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId });
  await assert.rejects(call(env, iamProvider, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId }),
    awsError('NoSuchEntity', `The Access Key with id ${alice.accessKeyId} cannot be found.`));
  // The root key is not the user's to delete.
  await assert.rejects(call(env, iamProvider, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: ROOT_KEY.accessKeyId }), awsError('NoSuchEntity'));
  assert.equal(env.accountId, ACCOUNT);
});
