/** IAM roles: create (trust policy validated), get, list, update trust policy, delete conflicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import { ACCOUNT, ALLOW_ALL, awsError, call, invoke, testEnv, trustPolicy } from '../helpers/call-context.ts';

const TRUST = trustPolicy();

test('CreateRole returns an AROA id and the trust policy URL-encoded', async () => {
  const env = testEnv();
  const { output, ctx } = await invoke(env, iamProvider, 'CreateRole', {
    RoleName: 'Deployer', Path: '/ci/', AssumeRolePolicyDocument: TRUST, Description: 'deploys',
  });
  const role = output.Role as Record<string, unknown>;
  assert.match(role.RoleId as string, /^AROA[A-Z0-9]{17}$/);
  assert.equal(role.Arn, `arn:aws:iam::${ACCOUNT}:role/ci/Deployer`);
  assert.equal(role.AssumeRolePolicyDocument, encodeURIComponent(TRUST));
  assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument as string), TRUST);
  assert.equal(role.Description, 'deploys');
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::Role', name: 'Deployer', arn: role.Arn, accountId: ACCOUNT }]);
});

test('CreateRole: duplicate names (any case) are EntityAlreadyExists', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateRole', { RoleName: 'Deployer', AssumeRolePolicyDocument: TRUST });
  await assert.rejects(call(env, iamProvider, 'CreateRole', { RoleName: 'deployer', AssumeRolePolicyDocument: TRUST }),
    awsError('EntityAlreadyExists', 'Role with name deployer already exists.'));
});

test('CreateRole: malformed trust policies are MalformedPolicyDocument (400)', async () => {
  const env = testEnv();
  await assert.rejects(call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: '{not json' }),
    (e: { code: string; status: number; message: string }) => {
      assert.equal(e.code, 'MalformedPolicyDocument');
      assert.equal(e.status, 400);
      assert.equal(e.message, 'This policy contains invalid Json');
      return true;
    });
  const ghost = `arn:aws:iam::${ACCOUNT}:user/ghost`;
  await assert.rejects(call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: trustPolicy(ghost) }),
    awsError('MalformedPolicyDocument', `Invalid principal in policy: "AWS":"${ghost}"`));
  await call(env, iamProvider, 'CreateUser', { UserName: 'ghost' });
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: trustPolicy(ghost) });
});

test('GetRole: full shape with MaxSessionDuration and RoleLastUsed; unknown is NoSuchEntity', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateRole', {
    RoleName: 'R', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 7200, Tags: [{ Key: 'a', Value: 'b' }],
  });
  const got = (await call(env, iamProvider, 'GetRole', { RoleName: 'r' })).Role as Record<string, unknown>;
  assert.deepEqual(Object.keys(got), [
    'Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'MaxSessionDuration', 'Tags', 'RoleLastUsed',
  ]);
  assert.equal(got.MaxSessionDuration, 7200);
  assert.deepEqual(got.RoleLastUsed, {});
  await assert.rejects(call(env, iamProvider, 'GetRole', { RoleName: 'ghost' }),
    awsError('NoSuchEntity', 'The role with name ghost cannot be found.'));
});

test('ListRoles pages in name order and honours PathPrefix', async () => {
  const env = testEnv();
  for (const name of ['b', 'a', 'c']) {
    await call(env, iamProvider, 'CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST, Path: name === 'c' ? '/svc/' : '/' });
  }
  const first = await call(env, iamProvider, 'ListRoles', { MaxItems: 2 });
  assert.deepEqual((first.Roles as { RoleName: string }[]).map((r) => r.RoleName), ['a', 'b']);
  assert.equal(first.IsTruncated, true);
  const rest = await call(env, iamProvider, 'ListRoles', { Marker: first.Marker });
  assert.deepEqual((rest.Roles as { RoleName: string }[]).map((r) => r.RoleName), ['c']);
  assert.equal(rest.IsTruncated, false);
  const svc = await call(env, iamProvider, 'ListRoles', { PathPrefix: '/svc/' });
  assert.equal((svc.Roles as unknown[]).length, 1);
});

test('UpdateAssumeRolePolicy validates and replaces the trust policy', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: TRUST });
  const other = trustPolicy('210987654321');
  await call(env, iamProvider, 'UpdateAssumeRolePolicy', { RoleName: 'R', PolicyDocument: other });
  const got = (await call(env, iamProvider, 'GetRole', { RoleName: 'R' })).Role as { AssumeRolePolicyDocument: string };
  assert.equal(decodeURIComponent(got.AssumeRolePolicyDocument), other);
  await assert.rejects(call(env, iamProvider, 'UpdateAssumeRolePolicy', { RoleName: 'R', PolicyDocument: ALLOW_ALL }),
    awsError('MalformedPolicyDocument'));
  await assert.rejects(call(env, iamProvider, 'UpdateAssumeRolePolicy', { RoleName: 'ghost', PolicyDocument: TRUST }),
    awsError('NoSuchEntity'));
});

test('DeleteRole: refused while policies remain', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: TRUST });
  await call(env, iamProvider, 'PutRolePolicy', { RoleName: 'R', PolicyName: 'p', PolicyDocument: ALLOW_ALL });
  const arn = ((await call(env, iamProvider, 'CreatePolicy', { PolicyName: 'M', PolicyDocument: ALLOW_ALL })).Policy as { Arn: string }).Arn;
  await call(env, iamProvider, 'AttachRolePolicy', { RoleName: 'R', PolicyArn: arn });
  await assert.rejects(call(env, iamProvider, 'DeleteRole', { RoleName: 'R' }),
    awsError('DeleteConflict', 'Cannot delete entity, must delete policies first.'));
  await call(env, iamProvider, 'DeleteRolePolicy', { RoleName: 'R', PolicyName: 'p' });
  await assert.rejects(call(env, iamProvider, 'DeleteRole', { RoleName: 'R' }),
    awsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.'));
  await call(env, iamProvider, 'DetachRolePolicy', { RoleName: 'R', PolicyArn: arn });
  await call(env, iamProvider, 'DeleteRole', { RoleName: 'R' });
  await assert.rejects(call(env, iamProvider, 'DeleteRole', { RoleName: 'R' }), awsError('NoSuchEntity'));
});
