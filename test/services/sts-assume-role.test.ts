/** sts:AssumeRole: credentials, trust policy, session names and durations, chaining, session policies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamProvider } from '../../src/services/iam/index.ts';
import { stsProvider } from '../../src/services/sts/index.ts';
import {
  ACCOUNT, ALLOW_ALL, assumeRole, awsError, call, callAuthorized, callContext, invokeAuthorized, principalOf, roleTrusting, testEnv, trustPolicy, userWithKey,
} from '../helpers/call-context.ts';

const READ = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

async function setup() {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const roleArn = await roleTrusting(env, 'Deployer', ACCOUNT, { Path: '/ci/' });
  return { env, alice, roleArn };
}

test('AssumeRole returns ASIA credentials, the assumed-role user, and records the role', async () => {
  const { env, alice, roleArn } = await setup();
  const { output, ctx } = await invokeAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'build-1' }, alice.principal);
  const creds = output.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date };
  assert.match(creds.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.equal(creds.SecretAccessKey.length, 40);
  assert.ok(creds.SessionToken.length > 300);
  assert.equal(creds.Expiration.toISOString(), '2024-05-01T13:00:00.000Z');
  const role = (await call(env, iamProvider, 'GetRole', { RoleName: 'Deployer' })).Role as { RoleId: string };
  assert.deepEqual(output.AssumedRoleUser, {
    AssumedRoleId: `${role.RoleId}:build-1`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-1`,
  });
  assert.equal(output.PackedPolicySize, undefined);
  assert.deepEqual(ctx.resources, [
    { type: 'AWS::IAM::AccessKey', name: creds.AccessKeyId },
    { type: 'AWS::STS::AssumedRole', name: 'build-1' },
    { type: 'AWS::STS::AssumedRole', name: `${role.RoleId}:build-1` },
    { type: 'AWS::IAM::Role', name: roleArn, arn: roleArn, accountId: ACCOUNT },
  ]);

  const session = principalOf(env, creds.AccessKeyId);
  assert.equal(session.type, 'AssumedRole');
  assert.equal(session.principalId, `${role.RoleId}:build-1`);
  assert.equal(session.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-1`);
  assert.deepEqual(session.sessionContext?.sessionIssuer, {
    type: 'Role', principalId: role.RoleId, arn: roleArn, accountId: ACCOUNT, userName: 'Deployer',
  });
  assert.equal(session.sessionName, 'build-1');
});

test('AssumeRole: unknown role and untrusted caller are AccessDenied (403) naming both ARNs', async () => {
  const { env, alice, roleArn } = await setup();
  const ghost = `arn:aws:iam::${ACCOUNT}:role/Ghost`;
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: ghost, RoleSessionName: 'x1' }, alice.principal),
    (e: { code: string; status: number; message: string }) => {
      assert.equal(e.code, 'AccessDenied');
      assert.equal(e.status, 403);
      assert.equal(e.message, `User: ${alice.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${ghost}`);
      return true;
    });
  const bob = await userWithKey(env, 'bob', ALLOW_ALL);
  const onlyBob = await roleTrusting(env, 'BobsRole', bob.principal.arn);
  await assumeRole(env, bob.principal, onlyBob, 'bob-session');
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: onlyBob, RoleSessionName: 'x1' }, alice.principal),
    awsError('AccessDenied', `User: ${alice.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${onlyBob}`));
  assert.ok(roleArn);
});

test('AssumeRole: the root user may not assume roles', async () => {
  const { env, roleArn } = await setup();
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'root-try' }),
    awsError('AccessDenied', 'Roles may not be assumed by root accounts.'));
});

test('AssumeRole: RoleSessionName must be 2-64 characters of [\\w+=,.@-]', async () => {
  const { env, alice, roleArn } = await setup();
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'bad name' }, alice.principal),
    awsError('ValidationError', "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"));
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'x' }, alice.principal),
    awsError('ValidationError', /Member must have length greater than or equal to 2/));
  await assumeRole(env, alice.principal, roleArn, 'a'.repeat(64));
});

test('AssumeRole: DurationSeconds between 900 and the role\'s MaxSessionDuration', async () => {
  const { env, alice, roleArn } = await setup();
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'd1', DurationSeconds: 899 }, alice.principal),
    awsError('ValidationError', /at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/));
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'd1', DurationSeconds: 3601 }, alice.principal),
    awsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'));
  const longRole = await roleTrusting(env, 'Long', ACCOUNT, { MaxSessionDuration: 43200 });
  const { output } = await assumeRole(env, alice.principal, longRole, 'long', { DurationSeconds: 43200 });
  assert.equal((output.Credentials as { Expiration: Date }).Expiration.toISOString(), '2024-05-02T00:00:00.000Z');
});

test('AssumeRole: role chaining is limited to one hour', async () => {
  const { env, alice } = await setup();
  const first = await roleTrusting(env, 'First', ACCOUNT, { MaxSessionDuration: 43200 });
  await call(env, iamProvider, 'PutRolePolicy', { RoleName: 'First', PolicyName: 'all', PolicyDocument: ALLOW_ALL });
  const second = await roleTrusting(env, 'Second', ACCOUNT, { MaxSessionDuration: 43200 });
  const hop1 = await assumeRole(env, alice.principal, first, 'hop1');
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: second, RoleSessionName: 'hop2', DurationSeconds: 7200 }, hop1.principal),
    awsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'));
  const hop2 = await assumeRole(env, hop1.principal, second, 'hop2');
  assert.equal(hop2.principal.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Second/hop2`);
});

test('AssumeRole: a trust policy naming the role admits its sessions', async () => {
  const { env, alice } = await setup();
  const first = await roleTrusting(env, 'First');
  const onlyFirst = await roleTrusting(env, 'OnlyFirst', first);
  const session = await assumeRole(env, alice.principal, first, 'hop1');
  await assumeRole(env, session.principal, onlyFirst, 'hop2');
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: onlyFirst, RoleSessionName: 'direct' }, alice.principal),
    awsError('AccessDenied'));
});

test('AssumeRole: trust conditions see sts:ExternalId', async () => {
  const { env, alice } = await setup();
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'secret-42' } } }],
  });
  const arn = ((await call(env, iamProvider, 'CreateRole', { RoleName: 'Ext', AssumeRolePolicyDocument: trust })).Role as { Arn: string }).Arn;
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: arn, RoleSessionName: 'e1' }, alice.principal), awsError('AccessDenied'));
  await assumeRole(env, alice.principal, arn, 'e2', { ExternalId: 'secret-42' });
});

test('AssumeRole: session policies are validated and reported as PackedPolicySize', async () => {
  const { env, alice, roleArn } = await setup();
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'p1', Policy: '{"Statement":' }, alice.principal),
    awsError('MalformedPolicyDocument'));
  const { output, principal } = await assumeRole(env, alice.principal, roleArn, 'p2', { Policy: READ });
  assert.equal(typeof output.PackedPolicySize, 'number');
  assert.ok((output.PackedPolicySize as number) > 0 && (output.PackedPolicySize as number) <= 100);
  assert.equal(principal.sessionPolicy, READ);
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', {
    RoleArn: roleArn, RoleSessionName: 'p3', PolicyArns: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Nope` }],
  }, alice.principal), awsError('ValidationError'));
  const adminSession = await assumeRole(env, alice.principal, roleArn, 'p4', { PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }] });
  assert.equal(typeof adminSession.output.PackedPolicySize, 'number');
});

test('AssumeRole: source identity is returned and carried through chaining', async () => {
  const { env, alice } = await setup();
  const first = await roleTrusting(env, 'First');
  await call(env, iamProvider, 'PutRolePolicy', { RoleName: 'First', PolicyName: 'all', PolicyDocument: ALLOW_ALL });
  const hop1 = await assumeRole(env, alice.principal, first, 'hop1', { SourceIdentity: 'alice@example.com' });
  assert.equal(hop1.output.SourceIdentity, 'alice@example.com');
  assert.equal(hop1.principal.sessionContext?.sourceIdentity, 'alice@example.com');
  const hop2 = await assumeRole(env, hop1.principal, await roleTrusting(env, 'Second'), 'hop2');
  assert.equal(hop2.output.SourceIdentity, 'alice@example.com');
});

test('AssumeRole: session tags are refused honestly, federated users are denied', async () => {
  const { env, alice, roleArn } = await setup();
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 't1', Tags: [{ Key: 'k', Value: 'v' }] }, alice.principal),
    awsError('ValidationError', 'Session tags are not supported by HealthTrail.'));
  const fed = await call(env, stsProvider, 'GetFederationToken', { Name: 'fed', Policy: ALLOW_ALL }, alice.principal);
  const fedPrincipal = principalOf(env, (fed.Credentials as { AccessKeyId: string }).AccessKeyId);
  await assert.rejects(callAuthorized(env, stsProvider, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'f1' }, fedPrincipal),
    awsError('AccessDenied', `User: arn:aws:sts::${ACCOUNT}:federated-user/fed is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`));
});

test('AssumeRole across accounts: the session belongs to the role\'s account', async () => {
  const { env, alice } = await setup();
  const other = '210987654321';
  const otherKey = env.store.ensureAccount(other);
  const otherRoot = principalOf(env, otherKey.accessKeyId);
  const out = await call(env, iamProvider, 'CreateRole', { RoleName: 'Partner', AssumeRolePolicyDocument: trustPolicy(ACCOUNT) }, otherRoot);
  const arn = (out.Role as { Arn: string }).Arn;
  const { principal } = await assumeRole(env, alice.principal, arn, 'partner');
  assert.equal(principal.accountId, other);
  assert.equal(principal.arn, `arn:aws:sts::${other}:assumed-role/Partner/partner`);
});

test('authorizations(): AssumeRole targets the role ARN with its trust policy, everything else *', async () => {
  const { env, alice, roleArn } = await setup();
  const ctx = callContext(env, alice.principal, 'AssumeRole', 'sts');
  const [assume] = stsProvider.authorizations!(ctx, 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'x1' });
  assert.equal(assume!.action, 'sts:AssumeRole');
  assert.deepEqual(assume!.resources, [roleArn]);
  assert.deepEqual({ ...assume!.resourcePolicy, document: undefined }, { document: undefined, accountId: ACCOUNT, mustAllow: true });
  assert.equal(assume!.resourcePolicy!.document, trustPolicy(ACCOUNT));
  assert.equal(assume!.conditionKeys!['sts:RoleSessionName'], 'x1');
  assert.deepEqual(stsProvider.authorizations!(ctx, 'GetSessionToken', {}), [{ action: 'sts:GetSessionToken', resources: ['*'] }]);
  assert.ok(stsProvider.unauthenticatedOperations?.has('GetCallerIdentity'));
});
