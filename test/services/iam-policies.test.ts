/** IAM policies: inline (users, roles), managed, attachments, account aliases, and authorize(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import { ACCOUNT, ALLOW_ALL, awsError, call, callContext, invoke, testEnv, trustPolicy, userWithKey } from '../helpers/call-context.ts';

const READ = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]\n}';
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

test('Put/Get/List/DeleteUserPolicy; GetUserPolicy returns the document URL-encoded as submitted', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice' });
  const put = await invoke(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'Read', PolicyDocument: READ });
  assert.deepEqual(put.output, {});
  assert.deepEqual(put.ctx.resources.map((r) => [r.type, r.name]), [['AWS::IAM::User', 'alice'], ['AWS::IAM::Policy', 'Read']]);
  const got = await call(env, iamProvider, 'GetUserPolicy', { UserName: 'ALICE', PolicyName: 'read' });
  assert.equal(got.UserName, 'alice');
  assert.equal(got.PolicyName, 'Read');
  assert.equal(got.PolicyDocument, encodeURIComponent(READ).replaceAll('*', '%2A'));
  assert.equal(decodeURIComponent(got.PolicyDocument as string), READ);
  await call(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'Admin', PolicyDocument: ALLOW_ALL });
  assert.deepEqual(await call(env, iamProvider, 'ListUserPolicies', { UserName: 'alice' }), { PolicyNames: ['Admin', 'Read'], IsTruncated: false });
  const paged = await call(env, iamProvider, 'ListUserPolicies', { UserName: 'alice', MaxItems: 1 });
  assert.deepEqual(paged.PolicyNames, ['Admin']);
  assert.deepEqual((await call(env, iamProvider, 'ListUserPolicies', { UserName: 'alice', Marker: paged.Marker })).PolicyNames, ['Read']);
  await call(env, iamProvider, 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'Read' });
  await assert.rejects(call(env, iamProvider, 'GetUserPolicy', { UserName: 'alice', PolicyName: 'Read' }),
    awsError('NoSuchEntity', 'The user policy with name Read cannot be found.'));
  await assert.rejects(call(env, iamProvider, 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'Read' }), awsError('NoSuchEntity'));
  await assert.rejects(call(env, iamProvider, 'PutUserPolicy', { UserName: 'ghost', PolicyName: 'x', PolicyDocument: READ }),
    awsError('NoSuchEntity', 'The user with name ghost cannot be found.'));
});

test('PutUserPolicy: malformed documents and the 2048-byte aggregate quota', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice' });
  await assert.rejects(call(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'x', PolicyDocument: '{"Statement":5}' }),
    awsError('MalformedPolicyDocument'));
  const big = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: Array.from({ length: n }, (_, i) => `s3:Get${'X'.repeat(20)}${i}`), Resource: '*' }] });
  await call(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'a', PolicyDocument: big(40) });
  await assert.rejects(call(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'b', PolicyDocument: big(40) }),
    awsError('LimitExceeded', 'Maximum policy size of 2048 bytes exceeded for user alice'));
  // Replacing a policy counts its new size, not both.
  await call(env, iamProvider, 'PutUserPolicy', { UserName: 'alice', PolicyName: 'A', PolicyDocument: big(45) });
});

test('Role inline policies mirror the user ones', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: trustPolicy() });
  await call(env, iamProvider, 'PutRolePolicy', { RoleName: 'R', PolicyName: 'p', PolicyDocument: READ });
  const got = await call(env, iamProvider, 'GetRolePolicy', { RoleName: 'R', PolicyName: 'p' });
  assert.deepEqual(Object.keys(got), ['RoleName', 'PolicyName', 'PolicyDocument']);
  assert.equal(decodeURIComponent(got.PolicyDocument as string), READ);
  assert.deepEqual((await call(env, iamProvider, 'ListRolePolicies', { RoleName: 'R' })).PolicyNames, ['p']);
  await call(env, iamProvider, 'DeleteRolePolicy', { RoleName: 'R', PolicyName: 'p' });
  await assert.rejects(call(env, iamProvider, 'GetRolePolicy', { RoleName: 'R', PolicyName: 'p' }),
    awsError('NoSuchEntity', 'The role policy with name p cannot be found.'));
  await assert.rejects(call(env, iamProvider, 'GetRolePolicy', { RoleName: 'ghost', PolicyName: 'p' }),
    awsError('NoSuchEntity', 'The role with name ghost cannot be found.'));
});

test('CreatePolicy / GetPolicy / GetPolicyVersion / DeletePolicy', async () => {
  const env = testEnv();
  const created = (await call(env, iamProvider, 'CreatePolicy', {
    PolicyName: 'Read', Path: '/team/', PolicyDocument: READ, Description: 'read things',
  })).Policy as Record<string, unknown>;
  const arn = `arn:aws:iam::${ACCOUNT}:policy/team/Read`;
  assert.match(created.PolicyId as string, /^ANPA[A-Z0-9]{17}$/);
  assert.deepEqual({ ...created, PolicyId: 'x' }, {
    PolicyName: 'Read', PolicyId: 'x', Arn: arn, Path: '/team/', DefaultVersionId: 'v1', AttachmentCount: 0,
    PermissionsBoundaryUsageCount: 0, IsAttachable: true, CreateDate: env.clock.now(), UpdateDate: env.clock.now(),
  });
  const got = (await call(env, iamProvider, 'GetPolicy', { PolicyArn: arn })).Policy as Record<string, unknown>;
  assert.equal(got.Description, 'read things');
  const version = (await call(env, iamProvider, 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' })).PolicyVersion as Record<string, unknown>;
  assert.equal(decodeURIComponent(version.Document as string), READ);
  assert.equal(version.IsDefaultVersion, true);
  await assert.rejects(call(env, iamProvider, 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v2' }),
    awsError('NoSuchEntity', `Policy ${arn} version v2 does not exist or is not attachable.`));
  await assert.rejects(call(env, iamProvider, 'CreatePolicy', { PolicyName: 'read', PolicyDocument: READ }),
    awsError('EntityAlreadyExists', 'A policy called read already exists. Duplicate names are not allowed.'));
  await call(env, iamProvider, 'DeletePolicy', { PolicyArn: arn });
  await assert.rejects(call(env, iamProvider, 'GetPolicy', { PolicyArn: arn }), awsError('NoSuchEntity', `Policy ${arn} was not found.`));
  await assert.rejects(call(env, iamProvider, 'GetPolicy', { PolicyArn: 'arn:aws:s3:::bucket' }),
    awsError('InvalidInput', 'ARN arn:aws:s3:::bucket is not valid.'));
});

test('CreatePolicy: managed policies need Version 2012-10-17', async () => {
  const env = testEnv();
  const old = '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';
  await assert.rejects(call(env, iamProvider, 'CreatePolicy', { PolicyName: 'Old', PolicyDocument: old }),
    awsError('MalformedPolicyDocument', 'Policy document must be version 2012-10-17 or greater.'));
});

test('ListPolicies: Scope, OnlyAttached, paging; AWS managed AdministratorAccess is listed under AWS', async () => {
  const env = testEnv();
  for (const name of ['B', 'A']) await call(env, iamProvider, 'CreatePolicy', { PolicyName: name, PolicyDocument: READ });
  await call(env, iamProvider, 'CreateUser', { UserName: 'u' });
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/B` });
  const names = (out: Record<string, unknown>) => (out.Policies as { PolicyName: string }[]).map((p) => p.PolicyName);
  assert.deepEqual(names(await call(env, iamProvider, 'ListPolicies', { Scope: 'Local' })), ['A', 'B']);
  assert.deepEqual(names(await call(env, iamProvider, 'ListPolicies', { Scope: 'AWS' })), ['AdministratorAccess']);
  assert.deepEqual(names(await call(env, iamProvider, 'ListPolicies', {})), ['A', 'AdministratorAccess', 'B']);
  assert.deepEqual(names(await call(env, iamProvider, 'ListPolicies', { Scope: 'Local', OnlyAttached: true })), ['B']);
  const first = await call(env, iamProvider, 'ListPolicies', { Scope: 'Local', MaxItems: 1 });
  assert.deepEqual(names(first), ['A']);
  assert.deepEqual(names(await call(env, iamProvider, 'ListPolicies', { Scope: 'Local', Marker: first.Marker })), ['B']);
  const b = (await call(env, iamProvider, 'GetPolicy', { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/B` })).Policy as { AttachmentCount: number };
  assert.equal(b.AttachmentCount, 1);
});

test('Attach/Detach/ListAttached user and role policies, including AWS managed ones', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'u' });
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', AssumeRolePolicyDocument: trustPolicy() });
  const mine = ((await call(env, iamProvider, 'CreatePolicy', { PolicyName: 'Mine', Path: '/x/', PolicyDocument: READ })).Policy as { Arn: string }).Arn;
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: ADMIN_ARN });
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: mine });
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: mine }); // idempotent, as in IAM
  const listed = await call(env, iamProvider, 'ListAttachedUserPolicies', { UserName: 'u' });
  assert.deepEqual(listed, {
    AttachedPolicies: [{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN_ARN }, { PolicyName: 'Mine', PolicyArn: mine }],
    IsTruncated: false,
  });
  assert.deepEqual((await call(env, iamProvider, 'ListAttachedUserPolicies', { UserName: 'u', PathPrefix: '/x/' })).AttachedPolicies,
    [{ PolicyName: 'Mine', PolicyArn: mine }]);
  await call(env, iamProvider, 'AttachRolePolicy', { RoleName: 'R', PolicyArn: mine });
  assert.deepEqual((await call(env, iamProvider, 'ListAttachedRolePolicies', { RoleName: 'R' })).AttachedPolicies,
    [{ PolicyName: 'Mine', PolicyArn: mine }]);
  await assert.rejects(call(env, iamProvider, 'DeletePolicy', { PolicyArn: mine }),
    awsError('DeleteConflict', 'Cannot delete a policy attached to entities.'));

  const missing = `arn:aws:iam::${ACCOUNT}:policy/Missing`;
  await assert.rejects(call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: missing }),
    awsError('NoSuchEntity', `Policy ${missing} does not exist or is not attachable.`));
  await assert.rejects(call(env, iamProvider, 'AttachRolePolicy', { RoleName: 'R', PolicyArn: 'arn:aws:iam::210987654321:policy/Theirs' }),
    awsError('NoSuchEntity'));
  await call(env, iamProvider, 'DetachRolePolicy', { RoleName: 'R', PolicyArn: mine });
  await assert.rejects(call(env, iamProvider, 'DetachRolePolicy', { RoleName: 'R', PolicyArn: mine }),
    awsError('NoSuchEntity', `Policy ${mine} was not found.`));
  await assert.rejects(call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: 'not-an-arn-at-all-xx' }), awsError('InvalidInput'));
});

test('Attach: at most 10 managed policies per user', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'u' });
  for (let i = 0; i < 11; i++) await call(env, iamProvider, 'CreatePolicy', { PolicyName: `P${i}`, PolicyDocument: READ });
  for (let i = 0; i < 10; i++) await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/P${i}` });
  await assert.rejects(call(env, iamProvider, 'AttachUserPolicy', { UserName: 'u', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/P10` }),
    awsError('LimitExceeded', 'Cannot exceed quota for PoliciesPerUser: 10'));
});

test('Account aliases: create, replace, list, delete; aliases are unique across accounts; root shows it', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateAccountAlias', { AccountAlias: 'first' });
  await call(env, iamProvider, 'CreateAccountAlias', { AccountAlias: 'corp' });
  assert.deepEqual(await call(env, iamProvider, 'ListAccountAliases', {}), { AccountAliases: ['corp'], IsTruncated: false });
  assert.equal(env.store.lookupCredentials(env.root.accessKeyId)!.principal.userName, 'corp');
  env.store.ensureAccount('210987654321');
  const other = { ...env.root, accountId: '210987654321', principalId: '210987654321', arn: 'arn:aws:iam::210987654321:root' };
  await assert.rejects(call(env, iamProvider, 'CreateAccountAlias', { AccountAlias: 'corp' }, other),
    awsError('EntityAlreadyExists', 'The account alias corp already exists.'));
  await assert.rejects(call(env, iamProvider, 'DeleteAccountAlias', { AccountAlias: 'first' }), awsError('NoSuchEntity'));
  await call(env, iamProvider, 'DeleteAccountAlias', { AccountAlias: 'corp' });
  assert.deepEqual((await call(env, iamProvider, 'ListAccountAliases', {})).AccountAliases, []);
});

test('authorize(): the target user/role/policy ARN (with its path), the caller, or *', async () => {
  const env = testEnv();
  await call(env, iamProvider, 'CreateUser', { UserName: 'alice', Path: '/eng/' });
  await call(env, iamProvider, 'CreateRole', { RoleName: 'R', Path: '/svc/', AssumeRolePolicyDocument: trustPolicy() });
  const bob = await userWithKey(env, 'bob');
  const auth = (op: string, input: Record<string, unknown>, principal = env.root) =>
    iamProvider.authorize!(callContext(env, principal, op), op, input);
  assert.deepEqual(auth('GetUser', { UserName: 'alice' }), [`arn:aws:iam::${ACCOUNT}:user/eng/alice`]);
  assert.deepEqual(auth('CreateUser', { UserName: 'new', Path: '/p/' }), [`arn:aws:iam::${ACCOUNT}:user/p/new`]);
  assert.deepEqual(auth('ListAccessKeys', {}, bob.principal), [`arn:aws:iam::${ACCOUNT}:user/bob`]);
  assert.deepEqual(auth('AttachRolePolicy', { RoleName: 'R', PolicyArn: ADMIN_ARN }), [`arn:aws:iam::${ACCOUNT}:role/svc/R`]);
  assert.deepEqual(auth('CreatePolicy', { PolicyName: 'P', Path: '/a/' }), [`arn:aws:iam::${ACCOUNT}:policy/a/P`]);
  assert.deepEqual(auth('GetPolicy', { PolicyArn: ADMIN_ARN }), [ADMIN_ARN]);
  assert.deepEqual(auth('ListUsers', {}), ['*']);
  assert.deepEqual(auth('ListPolicies', {}), ['*']);
});
