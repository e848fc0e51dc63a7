/** IdentityStore: account bootstrap, credential lookup, and the policies that govern a principal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_ALL_POLICY, ALLOW_NOTHING_POLICY, IdentityStore } from '../../src/auth/identities/index.ts';
import { iamProvider } from '../../src/services/iam/index.ts';
import { stsProvider } from '../../src/services/sts/index.ts';
import { Db } from '../../src/storage/db.ts';
import {
  ACCOUNT, ALLOW_ALL, ROOT_KEY, assumeRole, call, principalOf, roleTrusting, testClock, testEnv, testIds, userWithKey,
} from '../helpers/call-context.ts';

const S3_READ = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

test('ensureAccount: creates the account and a random root key once', () => {
  const store = new IdentityStore(new Db(':memory:'), testClock(), testIds());
  const first = store.ensureAccount('210987654321');
  assert.equal(first.created, true);
  assert.match(first.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
  assert.equal(first.secretAccessKey.length, 40);
  const again = store.ensureAccount('210987654321');
  assert.deepEqual(again, { ...first, created: false });
  const principal = store.lookupCredentials(first.accessKeyId)!.principal;
  assert.equal(principal.type, 'Root');
  assert.equal(principal.arn, 'arn:aws:iam::210987654321:root');
});

test('ensureAccount: a configured root key is used, added beside an existing one, re-activated and re-keyed', () => {
  const db = new Db(':memory:');
  const store = new IdentityStore(db, testClock(), testIds());
  const generated = store.ensureAccount(ACCOUNT);
  const configured = store.ensureAccount(ACCOUNT, ROOT_KEY);
  assert.deepEqual(configured, { ...ROOT_KEY, created: true });
  assert.ok(store.lookupCredentials(generated.accessKeyId), 'the older root key still works');
  db.sql.prepare("UPDATE iam_access_keys SET status = 'Inactive' WHERE id = ?").run(ROOT_KEY.accessKeyId);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId), undefined);
  const rekeyed = store.ensureAccount(ACCOUNT, { accessKeyId: ROOT_KEY.accessKeyId, secretAccessKey: 'changed' });
  assert.equal(rekeyed.created, false);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId)!.secretAccessKey, 'changed');
});

test('ensureAccount: refuses a root key id that belongs to another account', () => {
  const store = new IdentityStore(new Db(':memory:'), testClock(), testIds());
  store.ensureAccount(ACCOUNT, ROOT_KEY);
  assert.throws(() => store.ensureAccount('210987654321', ROOT_KEY), /belongs to another identity/);
});

test('lookupCredentials: root and user keys; unknown, inactive and deleted keys do not resolve', async () => {
  const env = testEnv();
  const root = env.store.lookupCredentials(ROOT_KEY.accessKeyId)!;
  assert.equal(root.secretAccessKey, ROOT_KEY.secretAccessKey);
  assert.equal(root.sessionToken, undefined);
  assert.equal(root.expiresAt, undefined);

  const alice = await userWithKey(env, 'alice');
  const resolved = env.store.lookupCredentials(alice.accessKeyId)!;
  assert.equal(resolved.secretAccessKey, alice.secret);
  assert.equal(resolved.principal.type, 'IAMUser');
  assert.equal(resolved.principal.userName, 'alice');
  assert.equal(env.store.lookupCredentials('AKIANOSUCHKEY0000000'), undefined);

  await call(env, iamProvider, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' });
  assert.equal(env.store.lookupCredentials(alice.accessKeyId), undefined);
  await call(env, iamProvider, 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId, Status: 'Active' });
  assert.ok(env.store.lookupCredentials(alice.accessKeyId));
  await call(env, iamProvider, 'DeleteAccessKey', { UserName: 'alice', AccessKeyId: alice.accessKeyId });
  assert.equal(env.store.lookupCredentials(alice.accessKeyId), undefined);
});

test('lookupCredentials: a user renamed keeps authenticating under the new name', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice');
  await call(env, iamProvider, 'UpdateUser', { UserName: 'alice', NewUserName: 'alicia', NewPath: '/eng/' });
  const p = principalOf(env, alice.accessKeyId);
  assert.equal(p.userName, 'alicia');
  assert.equal(p.arn, `arn:aws:iam::${ACCOUNT}:user/eng/alicia`);
});

test('lookupCredentials: temporary credentials carry token and expiry; they stop when the role goes', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const roleArn = await roleTrusting(env, 'Reader');
  const { output } = await assumeRole(env, alice.principal, roleArn, 'reading', { DurationSeconds: 1800 });
  const creds = output.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date };
  const resolved = env.store.lookupCredentials(creds.AccessKeyId)!;
  assert.equal(resolved.secretAccessKey, creds.SecretAccessKey);
  assert.equal(resolved.sessionToken, creds.SessionToken);
  assert.equal(resolved.expiresAt!.toISOString(), '2024-05-01T12:30:00.000Z');
  assert.equal(resolved.principal.type, 'AssumedRole');
  assert.equal(resolved.principal.sessionContext?.attributes.creationDate, '2024-05-01T12:00:00Z');

  // Expiry is reported, not enforced, here: the authenticator answers ExpiredToken.
  env.clock.advance(3600_000);
  assert.ok(env.store.lookupCredentials(creds.AccessKeyId));

  await call(env, iamProvider, 'DeleteRole', { RoleName: 'Reader' });
  assert.equal(env.store.lookupCredentials(creds.AccessKeyId), undefined);
});

test('lookupCredentials: temporary credentials of a deleted user stop working', async () => {
  const env = testEnv();
  const bob = await userWithKey(env, 'bob');
  const out = await call(env, stsProvider, 'GetSessionToken', {}, bob.principal);
  const tempId = (out.Credentials as { AccessKeyId: string }).AccessKeyId;
  assert.equal(principalOf(env, tempId).type, 'IAMUser');
  await call(env, iamProvider, 'DeleteAccessKey', { UserName: 'bob', AccessKeyId: bob.accessKeyId });
  await call(env, iamProvider, 'DeleteUser', { UserName: 'bob' });
  assert.equal(env.store.lookupCredentials(tempId), undefined);
});

test('policiesFor: user inline and attached managed policies (default versions), and a boundary', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', S3_READ);
  const created = await call(env, iamProvider, 'CreatePolicy', { PolicyName: 'All', PolicyDocument: ALLOW_ALL });
  const arn = (created.Policy as { Arn: string }).Arn;
  await call(env, iamProvider, 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn });
  assert.deepEqual(env.store.policiesFor(alice.principal), { identityPolicies: [S3_READ, ALLOW_ALL] });

  await call(env, iamProvider, 'CreateUser', { UserName: 'bounded', PermissionsBoundary: arn });
  const key = await call(env, iamProvider, 'CreateAccessKey', { UserName: 'bounded' });
  const bounded = principalOf(env, (key.AccessKey as { AccessKeyId: string }).AccessKeyId);
  assert.deepEqual(env.store.policiesFor(bounded), { identityPolicies: [], permissionsBoundary: ALLOW_ALL });
});

test('policiesFor: root allows everything; assumed role adds its session policy', async () => {
  const env = testEnv();
  assert.deepEqual(env.store.policiesFor(env.root), { identityPolicies: [ALLOW_ALL_POLICY] });
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const roleArn = await roleTrusting(env, 'Reader');
  await call(env, iamProvider, 'PutRolePolicy', { RoleName: 'Reader', PolicyName: 'read', PolicyDocument: S3_READ });
  const plain = await assumeRole(env, alice.principal, roleArn, 'plain');
  assert.deepEqual(env.store.policiesFor(plain.principal), { identityPolicies: [S3_READ] });
  const scoped = await assumeRole(env, alice.principal, roleArn, 'scoped', { Policy: S3_READ });
  assert.deepEqual(env.store.policiesFor(scoped.principal), { identityPolicies: [S3_READ], sessionPolicies: [S3_READ] });
});

test('policiesFor: managed session policies resolve; a federated session without a policy allows nothing', async () => {
  const env = testEnv();
  const alice = await userWithKey(env, 'alice', ALLOW_ALL);
  const created = await call(env, iamProvider, 'CreatePolicy', { PolicyName: 'Read', PolicyDocument: S3_READ });
  const arn = (created.Policy as { Arn: string }).Arn;

  const bare = await call(env, stsProvider, 'GetFederationToken', { Name: 'bare' }, alice.principal);
  const barePrincipal = principalOf(env, (bare.Credentials as { AccessKeyId: string }).AccessKeyId);
  assert.deepEqual(env.store.policiesFor(barePrincipal), { identityPolicies: [ALLOW_ALL], sessionPolicies: [ALLOW_NOTHING_POLICY] });

  const scoped = await call(env, stsProvider, 'GetFederationToken', { Name: 'scoped', PolicyArns: [{ arn }] }, alice.principal);
  const scopedPrincipal = principalOf(env, (scoped.Credentials as { AccessKeyId: string }).AccessKeyId);
  assert.deepEqual(env.store.policiesFor(scopedPrincipal), { identityPolicies: [ALLOW_ALL], sessionPolicies: [S3_READ] });

  const fromRoot = await call(env, stsProvider, 'GetFederationToken', { Name: 'rooted', Policy: S3_READ }, env.root);
  const rootPrincipal = principalOf(env, (fromRoot.Credentials as { AccessKeyId: string }).AccessKeyId);
  assert.equal(rootPrincipal.sessionContext?.sessionIssuer?.type, 'Root');
  assert.deepEqual(env.store.policiesFor(rootPrincipal), { identityPolicies: [ALLOW_ALL_POLICY], sessionPolicies: [S3_READ] });
});

test('lookupCredentials cache: changes to keys, users and accounts, and rollbacks, take effect at once', () => {
  const db = new Db(':memory:');
  const store = new IdentityStore(db, testClock(), testIds());
  store.ensureAccount(ACCOUNT, ROOT_KEY);
  const first = store.lookupCredentials(ROOT_KEY.accessKeyId)!;
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId), first, 'a second lookup is answered from memory');

  db.sql.prepare("UPDATE accounts SET alias = 'renamed' WHERE id = ?").run(ACCOUNT);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId)!.principal.userName, 'renamed', 'account alias change seen');

  // Re-activated inside a transaction that rolls back after the key was read: the read is dropped.
  db.sql.prepare("UPDATE iam_access_keys SET status = 'Inactive' WHERE id = ?").run(ROOT_KEY.accessKeyId);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId), undefined);
  assert.throws(() => db.transaction(() => {
    db.sql.prepare("UPDATE iam_access_keys SET status = 'Active' WHERE id = ?").run(ROOT_KEY.accessKeyId);
    assert.ok(store.lookupCredentials(ROOT_KEY.accessKeyId));
    throw new Error('handler failed');
  }), /handler failed/);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId), undefined, 'the rolled-back activation is not cached');

  db.sql.prepare("UPDATE iam_access_keys SET status = 'Active' WHERE id = ?").run(ROOT_KEY.accessKeyId);
  assert.ok(store.lookupCredentials(ROOT_KEY.accessKeyId));
  db.sql.prepare('DELETE FROM iam_access_keys WHERE id = ?').run(ROOT_KEY.accessKeyId);
  assert.equal(store.lookupCredentials(ROOT_KEY.accessKeyId), undefined, 'a deleted key stops at once');
});

test('lookupCredentials: unknown keys are remembered (refused from memory, like a wrong signature) until a key is added', () => {
  const later = { accessKeyId: 'AKIALATERKEY00000001', secretAccessKey: 'later/secret/key/0000000000000000000000000' };
  const insert = "INSERT INTO iam_access_keys (id, kind, account_id, secret, status, created_at) VALUES (?, 'root', ?, ?, 'Active', 0)";

  // Remembered: a row added behind the store's back (its insert trigger dropped) is not read.
  const db = new Db(':memory:');
  const store = new IdentityStore(db, testClock(), testIds());
  store.ensureAccount(ACCOUNT, ROOT_KEY);
  assert.equal(store.lookupCredentials(later.accessKeyId), undefined);
  db.sql.exec('DROP TRIGGER temp.healthtrail_iam_access_keys_insert_cache');
  db.sql.prepare(insert).run(later.accessKeyId, ACCOUNT, later.secretAccessKey);
  assert.equal(store.lookupCredentials(later.accessKeyId), undefined, 'answered from memory, no lookup');

  // As the store sets it up, a new key with an id looked up before resolves at once.
  const fresh = new Db(':memory:');
  const store2 = new IdentityStore(fresh, testClock(), testIds());
  store2.ensureAccount(ACCOUNT, ROOT_KEY);
  assert.equal(store2.lookupCredentials(later.accessKeyId), undefined);
  fresh.sql.prepare(insert).run(later.accessKeyId, ACCOUNT, later.secretAccessKey);
  assert.equal(store2.lookupCredentials(later.accessKeyId)?.secretAccessKey, later.secretAccessKey, 'a new key is seen at once');
});
