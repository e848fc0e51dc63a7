/** Principal builders produce CloudTrail's userIdentity shapes exactly (spec/cloudtrail.md §1.4). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assumedRolePrincipal, federatedUserPrincipal, iamUserPrincipal, rootPrincipal,
} from '../../src/auth/identities/index.ts';
import { lookupUserName } from '../../src/core/principal.ts';

const ACCT = '111122223333';
const created = new Date('2024-05-01T12:34:56.789Z');
const alice = { id: 'AIDAEXAMPLEUSER00001', accountId: ACCT, name: 'alice', arn: `arn:aws:iam::${ACCT}:user/eng/alice` };
const role = { id: 'AROAEXAMPLEROLE00001', accountId: ACCT, name: 'Deployer', arn: `arn:aws:iam::${ACCT}:role/ci/Deployer` };

/** userIdentity as the audit record would copy it: JSON key order matters. */
const json = (v: unknown) => JSON.stringify(v);

test('Root: principalId is the account, no userName without an alias', () => {
  const p = rootPrincipal(ACCT, 'AKIAROOT');
  assert.equal(json(p), json({ type: 'Root', principalId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT, accessKeyId: 'AKIAROOT' }));
  assert.equal(lookupUserName(p), 'root');
});

test('Root: userName is the account alias when one is set; session attributes with GetSessionToken', () => {
  const p = rootPrincipal(ACCT, 'ASIAROOT', 'my-alias', { creationDate: created });
  assert.equal(p.userName, 'my-alias');
  assert.deepEqual(p.sessionContext, { attributes: { creationDate: '2024-05-01T12:34:56Z', mfaAuthenticated: 'false' } });
  assert.equal(p.identityArn, undefined);
});

test('IAMUser: long-term key', () => {
  const p = iamUserPrincipal(alice, 'AKIAALICE');
  assert.equal(json(p), json({
    type: 'IAMUser', principalId: alice.id, arn: alice.arn, accountId: ACCT, accessKeyId: 'AKIAALICE', userName: 'alice',
    identityArn: alice.arn,
  }));
});

test('IAMUser: session credentials carry sessionContext.attributes', () => {
  const p = iamUserPrincipal(alice, 'ASIAALICE', { creationDate: created });
  assert.equal(p.type, 'IAMUser');
  assert.equal(json(p.sessionContext), json({ attributes: { creationDate: '2024-05-01T12:34:56Z', mfaAuthenticated: 'false' } }));
});

test('AssumedRole: AROA:session principalId, sts assumed-role ARN, sessionIssuer of type Role', () => {
  const p = assumedRolePrincipal(role, 'build-42', 'ASIAROLE', { creationDate: created });
  assert.equal(json(p), json({
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEROLE00001:build-42',
    arn: `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-42`,
    accountId: ACCT,
    accessKeyId: 'ASIAROLE',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: role.id, arn: role.arn, accountId: ACCT, userName: 'Deployer' },
      webIdFederationData: {},
      attributes: { creationDate: '2024-05-01T12:34:56Z', mfaAuthenticated: 'false' },
    },
    sessionName: 'build-42',
    identityArn: role.arn,
    issuerArn: role.arn,
  }));
  assert.equal(p.userName, undefined);
  assert.equal(lookupUserName(p), 'build-42');
});

test('AssumedRole: session policy and source identity', () => {
  const p = assumedRolePrincipal(role, 's', 'ASIA', { creationDate: created }, { sessionPolicy: '{}', sourceIdentity: 'alice' });
  assert.equal(p.sessionPolicy, '{}');
  assert.equal(p.sessionContext?.sourceIdentity, 'alice');
});

test('FederatedUser issued by an IAM user', () => {
  const p = federatedUserPrincipal('Bob', { type: 'IAMUser', user: alice }, 'ASIAFED', { creationDate: created }, '{"p":1}');
  assert.equal(json(p), json({
    type: 'FederatedUser',
    principalId: `${ACCT}:Bob`,
    arn: `arn:aws:sts::${ACCT}:federated-user/Bob`,
    accountId: ACCT,
    accessKeyId: 'ASIAFED',
    sessionContext: {
      sessionIssuer: { type: 'IAMUser', principalId: alice.id, arn: alice.arn, accountId: ACCT, userName: 'alice' },
      webIdFederationData: {},
      attributes: { creationDate: '2024-05-01T12:34:56Z', mfaAuthenticated: 'false' },
    },
    sessionName: 'Bob',
    issuerArn: alice.arn,
    identityArn: alice.arn,
    sessionPolicy: '{"p":1}',
  }));
  assert.equal(lookupUserName(p), 'Bob');
});

test('FederatedUser issued by root: sessionIssuer type Root, userName only with an alias', () => {
  const plain = federatedUserPrincipal('Bob', { type: 'Root', accountId: ACCT }, 'ASIAFED', { creationDate: created });
  assert.deepEqual(plain.sessionContext?.sessionIssuer, { type: 'Root', principalId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT });
  assert.equal(plain.identityArn, undefined);
  const aliased = federatedUserPrincipal('Bob', { type: 'Root', accountId: ACCT, alias: 'corp' }, 'ASIAFED', { creationDate: created });
  assert.equal(aliased.sessionContext?.sessionIssuer?.userName, 'corp');
});
