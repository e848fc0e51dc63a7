/** GetCallerIdentity for every principal type; GetSessionToken and GetFederationToken. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import { stsProvider } from '../../src/services/sts/index.ts';
import {
  ACCOUNT, ALLOW_ALL, assumeRole, awsError, call, invoke, principalOf, roleTrusting, testEnv, userWithKey,
} from '../helpers/call-context.ts';

const READ = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

const keyOf = (out: Record<string, unknown>) => (out.Credentials as { AccessKeyId: string }).AccessKeyId;
const expiry = (out: Record<string, unknown>) => (out.Credentials as { Expiration: Date }).Expiration.toISOString();

test('GetCallerIdentity: root, IAM user, assumed role, federated user', async () => {
  const env = testEnv();
  assert.deepEqual(await call(env, stsProvider, 'GetCallerIdentity'), {
    UserId: ACCOUNT, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`,
  });
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  assert.deepEqual(await call(env, stsProvider, 'GetCallerIdentity', {}, alice.principal), {
    UserId: alice.principal.principalId, Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  });
  assert.match(alice.principal.principalId, /^AIDA/);
  const roleArn = await roleTrusting(env, 'Reader');
  const role = (await call(env, iamProvider, 'GetRole', { RoleName: 'Reader' })).Role as { RoleId: string };
  const session = await assumeRole(env, alice.principal, roleArn, 'my-session');
  assert.deepEqual(await call(env, stsProvider, 'GetCallerIdentity', {}, session.principal), {
    UserId: `${role.RoleId}:my-session`, Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Reader/my-session`,
  });
  const fed = await call(env, stsProvider, 'GetFederationToken', { Name: 'Bob', Policy: READ }, alice.principal);
  assert.deepEqual(await call(env, stsProvider, 'GetCallerIdentity', {}, principalOf(env, keyOf(fed))), {
    UserId: `${ACCOUNT}:Bob`, Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob`,
  });
});

test('GetSessionToken (IAM user): 12 hours by default, same identity with session attributes', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice');
  const { output, ctx } = await invoke(env, stsProvider, 'GetSessionToken', {}, alice.principal);
  assert.deepEqual(Object.keys(output), ['Credentials']);
  assert.match(keyOf(output), /^ASIA/);
  assert.equal(expiry(output), '2024-05-02T00:00:00.000Z');
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::AccessKey', name: keyOf(output) }]);
  const resolved = env.store.lookupCredentials(keyOf(output))!;
  assert.equal(resolved.sessionToken, (output.Credentials as { SessionToken: string }).SessionToken);
  assert.equal(resolved.expiresAt!.toISOString(), '2024-05-02T00:00:00.000Z');
  const p = resolved.principal;
  assert.equal(p.type, 'IAMUser');
  assert.equal(p.arn, alice.principal.arn);
  assert.equal(p.principalId, alice.principal.principalId);
  assert.equal(p.accessKeyId, keyOf(output));
  assert.deepEqual(p.sessionContext, { attributes: { creationDate: '2024-05-01T12:00:00Z', mfaAuthenticated: 'false' } });
  // The session acts with the user's own policies.
  assert.deepEqual(env.store.policiesFor(p), env.store.policiesFor(alice.principal));
});

test('GetSessionToken: DurationSeconds 900..129600; root is capped at one hour', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice');
  assert.equal(expiry(await call(env, stsProvider, 'GetSessionToken', { DurationSeconds: 129600 }, alice.principal)), '2024-05-03T00:00:00.000Z');
  await assert.rejects(call(env, stsProvider, 'GetSessionToken', { DurationSeconds: 129601 }, alice.principal),
    awsError('ValidationError', /Member must have value less than or equal to 129600/));
  await assert.rejects(call(env, stsProvider, 'GetSessionToken', { DurationSeconds: 60 }, alice.principal), awsError('ValidationError'));
  const root = await call(env, stsProvider, 'GetSessionToken', { DurationSeconds: 7200 });
  assert.equal(expiry(root), '2024-05-01T13:00:00.000Z');
  const rootSession = principalOf(env, keyOf(root));
  assert.equal(rootSession.type, 'Root');
  assert.equal(rootSession.sessionContext?.attributes.creationDate, '2024-05-01T12:00:00Z');
  assert.equal(expiry(await call(env, stsProvider, 'GetSessionToken', {})), '2024-05-01T13:00:00.000Z');
});

test('GetSessionToken / GetFederationToken: not callable with session credentials; no MFA devices exist', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const session = principalOf(env, keyOf(await call(env, stsProvider, 'GetSessionToken', {}, alice.principal)));
  await assert.rejects(call(env, stsProvider, 'GetSessionToken', {}, session), (e: { code: string; status: number; message: string }) => {
    assert.equal(e.code, 'AccessDenied');
    assert.equal(e.status, 403);
    assert.equal(e.message, 'Cannot call GetSessionToken with session credentials');
    return true;
  });
  await assert.rejects(call(env, stsProvider, 'GetFederationToken', { Name: 'x1' }, session),
    awsError('AccessDenied', 'Cannot call GetFederationToken with session credentials'));
  const role = await assumeRole(env, alice.principal, await roleTrusting(env, 'R'), 'sess');
  await assert.rejects(call(env, stsProvider, 'GetFederationToken', { Name: 'x1' }, role.principal), awsError('AccessDenied'));
  await assert.rejects(call(env, stsProvider, 'GetSessionToken', { SerialNumber: 'arn:aws:iam::123456789012:mfa/alice', TokenCode: '123456' }, alice.principal),
    awsError('AccessDenied', /^MultiFactorAuthentication failed/));
});

test('GetFederationToken: federated user, packed policy size, identity shape', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const { output, ctx } = await invoke(env, stsProvider, 'GetFederationToken', { Name: 'Bob', Policy: READ, DurationSeconds: 3600 }, alice.principal);
  assert.deepEqual(output.FederatedUser, { FederatedUserId: `${ACCOUNT}:Bob`, Arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob` });
  assert.equal(typeof output.PackedPolicySize, 'number');
  assert.equal(expiry(output), '2024-05-01T13:00:00.000Z');
  assert.deepEqual(ctx.resources.map((r) => r.type), ['AWS::IAM::AccessKey', 'AWS::STS::FederatedUser']);
  const p = principalOf(env, keyOf(output));
  assert.equal(p.type, 'FederatedUser');
  assert.equal(p.sessionName, 'Bob');
  assert.equal(p.sessionPolicy, READ);
  assert.deepEqual(p.sessionContext?.sessionIssuer, {
    type: 'IAMUser', principalId: alice.principal.principalId, arn: alice.principal.arn, accountId: ACCOUNT, userName: 'alice',
  });
  assert.equal(expiry(await call(env, stsProvider, 'GetFederationToken', { Name: 'Dflt' }, alice.principal)), '2024-05-02T00:00:00.000Z');
});

test('GetFederationToken: name rules, malformed policy, root issuer capped at one hour', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  await assert.rejects(call(env, stsProvider, 'GetFederationToken', { Name: 'x'.repeat(33) }, alice.principal),
    awsError('ValidationError', /at 'name' failed to satisfy constraint: Member must have length less than or equal to 32/));
  await assert.rejects(call(env, stsProvider, 'GetFederationToken', { Name: 'ok-name', Policy: 'nope' }, alice.principal),
    awsError('MalformedPolicyDocument'));
  const fromRoot = await call(env, stsProvider, 'GetFederationToken', { Name: 'ops', DurationSeconds: 36000 });
  assert.equal(expiry(fromRoot), '2024-05-01T13:00:00.000Z');
  const p = principalOf(env, keyOf(fromRoot));
  assert.equal(p.sessionContext?.sessionIssuer?.type, 'Root');
  assert.equal(p.sessionContext?.sessionIssuer?.arn, `arn:aws:iam::${ACCOUNT}:root`);
});
