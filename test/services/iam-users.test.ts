/** IAM users: create, get (incl. the caller and root), list with paging, update, delete conflicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import {
  ACCOUNT, ALLOW_ALL, assumeRole, awsError, call, invoke, roleTrusting, testEnv, userWithKey,
} from '../helpers/call-context.ts';

test('CreateUser returns the user with an AIDA id and records the resource', async () => {
  const env = testEnv();
  const { output, ctx } = await invoke(env, iamProvider, 'CreateUser', {
    UserName: 'alice', Path: '/eng/', Tags: [{ Key: 'team', Value: 'data' }],
  });
  const user = output.User as Record<string, unknown>;
  assert.match(user.UserId as string, /^AIDA[A-Z0-9]{17}$/);
  assert.deepEqual(user, {
    Path: '/eng/', UserName: 'alice', UserId: user.UserId, Arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`,
    CreateDate: new Date('2024-05-01T12:00:00.000Z'), Tags: [{ Key: 'team', Value: 'data' }],
  });
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::User', name: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`, accountId: ACCOUNT }]);
});

test('CreateUser: names are unique regardless of case', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'Alice' });
  await assert.rejects(call(env, iamProvider, 'CreateUser', { UserName: 'alice' }),
    awsError('EntityAlreadyExists', 'User with name alice already exists.'));
  const got = await call(env, iamProvider, 'GetUser', { UserName: 'ALICE' });
  assert.equal((got.User as { UserName: string }).UserName, 'Alice');
});

test('CreateUser: duplicate tag keys and unknown permissions boundaries are refused', async () => {
  const env = testEnv();
  await assert.rejects(call(env, iamProvider, 'CreateUser', { UserName: 'a', Tags: [{ Key: 'k', Value: '1' }, { Key: 'K', Value: '2' }] }),
    awsError('InvalidInput', /Duplicate tag keys/));
  const arn = `arn:aws:iam::${ACCOUNT}:policy/Nope`;
  await assert.rejects(call(env, iamProvider, 'CreateUser', { UserName: 'a', PermissionsBoundary: arn }),
    awsError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`));
});

test('GetUser: unknown user is NoSuchEntity (404)', async () => {
  const env = testEnv();
  await assert.rejects(call(env, iamProvider, 'GetUser', { UserName: 'ghost' }), (e: { code: string; status: number; message: string }) => {
    assert.equal(e.code, 'NoSuchEntity');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'The user with name ghost cannot be found.');
    return true;
  });
});

test('GetUser without UserName: the calling user; root gets the account as its user', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const self = await call(env, iamProvider, 'GetUser', {}, alice.principal);
  assert.equal((self.User as { UserName: string }).UserName, 'alice');
  const root = await call(env, iamProvider, 'GetUser', {});
  assert.deepEqual(root, { User: { UserId: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, CreateDate: new Date('2024-05-01T12:00:00.000Z') } });
});

test('GetUser without UserName from an assumed role is a ValidationError', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const session = await assumeRole(env, alice.principal, await roleTrusting(env, 'R'), 'sess');
  await assert.rejects(call(env, iamProvider, 'GetUser', {}, session.principal),
    awsError('ValidationError', 'Must specify userName when calling with non-User credentials'));
});

test('ListUsers: PathPrefix, MaxItems and Marker page through users in name order', async () => {
  const env = testEnv();
  for (const name of ['carol', 'alice', 'Bob', 'dave', 'erin']) {
    await call(env, iamProvider, 'CreateUser', { UserName: name, Path: name === 'dave' ? '/ops/' : '/' });
  }
  const names = (out: Record<string, unknown>) => (out.Users as { UserName: string }[]).map((u) => u.UserName);
  const first = await call(env, iamProvider, 'ListUsers', { MaxItems: 2 });
  assert.deepEqual(names(first), ['alice', 'Bob']);
  assert.equal(first.IsTruncated, true);
  const second = await call(env, iamProvider, 'ListUsers', { MaxItems: 2, Marker: first.Marker });
  assert.deepEqual(names(second), ['carol', 'dave']);
  const third = await call(env, iamProvider, 'ListUsers', { MaxItems: 2, Marker: second.Marker });
  assert.deepEqual(names(third), ['erin']);
  assert.equal(third.IsTruncated, false);
  assert.equal(third.Marker, undefined);
  const ops = await call(env, iamProvider, 'ListUsers', { PathPrefix: '/ops/' });
  assert.deepEqual(names(ops), ['dave']);
  assert.deepEqual(Object.keys((ops.Users as object[])[0]!), ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate']);
});

test('ListUsers: a marker whose user was deleted resumes after it', async () => {
  const env = testEnv();
  for (const name of ['a1', 'a2', 'a3']) await call(env, iamProvider, 'CreateUser', { UserName: name });
  const first = await call(env, iamProvider, 'ListUsers', { MaxItems: 1 });
  await call(env, iamProvider, 'DeleteUser', { UserName: 'a1' });
  const next = await call(env, iamProvider, 'ListUsers', { MaxItems: 5, Marker: first.Marker });
  assert.deepEqual((next.Users as { UserName: string }[]).map((u) => u.UserName), ['a2', 'a3']);
});

test('UpdateUser renames and moves a user; a taken name is EntityAlreadyExists', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice' });
  await call(env, iamProvider, 'CreateUser', { UserName: 'bob' });
  await assert.rejects(call(env, iamProvider, 'UpdateUser', { UserName: 'alice', NewUserName: 'BOB' }),
    awsError('EntityAlreadyExists', 'User with name BOB already exists.'));
  await call(env, iamProvider, 'UpdateUser', { UserName: 'alice', NewUserName: 'alicia', NewPath: '/x/' });
  const got = await call(env, iamProvider, 'GetUser', { UserName: 'alicia' });
  assert.equal((got.User as { Arn: string }).Arn, `arn:aws:iam::${ACCOUNT}:user/x/alicia`);
  await assert.rejects(call(env, iamProvider, 'GetUser', { UserName: 'alice' }), awsError('NoSuchEntity'));
  await assert.rejects(call(env, iamProvider, 'UpdateUser', { UserName: 'ghost', NewPath: '/' }), awsError('NoSuchEntity'));
});

test('DeleteUser: refused while keys or policies remain, then succeeds', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const policy = await call(env, iamProvider, 'CreatePolicy', { PolicyName: 'P', PolicyDocument: ALLOW_ALL });
  const arn = (policy.Policy as { Arn: string }).Arn;
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn });

  const del = () => call(env, iamProvider, 'DeleteUser', { UserName: 'alice' });
  await assert.rejects(del(), (e: { code: string; status: number; message: string }) => {
    assert.equal(e.code, 'DeleteConflict');
    assert.equal(e.status, 409);
    assert.equal(e.message, 'Cannot delete entity, must delete access keys first.');
    return true;
  });
  await call(env, iamProvider, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId });
  await assert.rejects(del(), awsError('DeleteConflict', 'Cannot delete entity, must delete policies first.'));
  await call(env, iamProvider, 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'inline' });
  await assert.rejects(del(), awsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.'));
  await call(env, iamProvider, 'DetachUserPolicy', { UserName: 'alice', PolicyArn: arn });
  await del();
  await assert.rejects(del(), awsError('NoSuchEntity', 'The user with name alice cannot be found.'));
});

test('DeleteUser: temporary credentials do not block deletion', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'temp' });
  const { stsProvider } = await import('../../src/services/sts/index.ts');
  const k = await call(env, iamProvider, 'CreateAccessKey', { UserName: 'temp' });
  const keyId = (k.AccessKey as { AccessKeyId: string }).AccessKeyId;
  const principal = env.store.lookupCredentials(keyId)!.principal;
  await call(env, stsProvider, 'GetSessionToken', {}, principal);
  await call(env, iamProvider, 'DeleteAccessKey', { UserName: 'temp', AccessKeyId: keyId });
  await call(env, iamProvider, 'DeleteUser', { UserName: 'temp' });
});
