/**
 * evaluateAccess: AWS's evaluation order when a resource-based policy (here a role trust policy,
 * mustAllow) meets the caller's identity policies, over every combination of identity policy
 * (none / Allow / Deny) × trust policy (none / names the caller / names the caller's role /
 * names the account root / Deny) × same or cross account × principal type (IAM user, role
 * session, AWS service), plus the boundary and session-policy subtleties.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { evaluateAccess, type Decision, type PolicySet, type TrustCaller } from '../../src/auth/policy/index.ts';

const A = '123456789012';
const B = '210987654321';
const ACTION = 'sts:AssumeRole';
const ROLE = `arn:aws:iam::${A}:role/Admin`;

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const IDENTITY = {
  none: [] as string[],
  allow: [doc([{ Effect: 'Allow', Action: ACTION, Resource: '*' }])],
  deny: [doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]), doc([{ Effect: 'Deny', Action: ACTION, Resource: '*' }])],
};
type IdentityKind = keyof typeof IDENTITY;

function caller(kind: 'user' | 'session', account: string): TrustCaller {
  return kind === 'user'
    ? { arn: `arn:aws:iam::${account}:user/alice`, accountId: account }
    : { arn: `arn:aws:sts::${account}:assumed-role/Ops/s1`, accountId: account, roleArn: `arn:aws:iam::${account}:role/Ops` };
}

type TrustKind = 'none' | 'self' | 'role' | 'root' | 'deny';
function trust(kind: TrustKind, c: TrustCaller): string | undefined {
  const allow = (aws: string) => doc([{ Effect: 'Allow', Principal: { AWS: aws }, Action: ACTION }]);
  switch (kind) {
    case 'none': return undefined;
    case 'self': return allow(c.arn);
    case 'role': return allow(c.roleArn!);
    case 'root': return allow(`arn:aws:iam::${c.accountId}:root`);
    case 'deny': return doc([
      { Effect: 'Allow', Principal: { AWS: c.arn }, Action: ACTION },
      { Effect: 'Deny', Principal: { AWS: c.arn }, Action: ACTION },
    ]);
  }
}

const D: Record<string, Decision> = { A: 'Allow', I: 'ImplicitDeny', D: 'ExplicitDeny' };

function decide(c: TrustCaller, identity: PolicySet | undefined, trustDoc: string | undefined) {
  return evaluateAccess({
    action: ACTION, resource: ROLE, context: {}, caller: c, identity,
    resourcePolicy: { document: trustDoc, accountId: A, mustAllow: true },
  });
}

/**
 * [principal, account, trust, expected for identity none / allow / deny]:
 * A = Allow, I = ImplicitDeny, D = ExplicitDeny.
 */
const GRID: Array<[principal: 'user' | 'session', account: 'same' | 'cross', trust: TrustKind, expected: string]> = [
  ['user', 'same', 'none', 'IID'],
  ['user', 'same', 'self', 'AAD'], // a trust policy naming the user suffices in its account...
  ['user', 'same', 'root', 'IAD'], // ...naming the account root delegates to identity policies
  ['user', 'same', 'deny', 'DDD'],
  ['user', 'cross', 'none', 'IID'],
  ['user', 'cross', 'self', 'IAD'], // across accounts both must allow
  ['user', 'cross', 'root', 'IAD'],
  ['user', 'cross', 'deny', 'DDD'],
  ['session', 'same', 'none', 'IID'],
  ['session', 'same', 'self', 'AAD'],
  ['session', 'same', 'role', 'AAD'],
  ['session', 'same', 'root', 'IAD'],
  ['session', 'same', 'deny', 'DDD'],
  ['session', 'cross', 'none', 'IID'],
  ['session', 'cross', 'self', 'IAD'],
  ['session', 'cross', 'role', 'IAD'],
  ['session', 'cross', 'root', 'IAD'],
  ['session', 'cross', 'deny', 'DDD'],
];

describe('identity × trust × account × principal', () => {
  for (const [principal, account, trustKind, expected] of GRID) {
    (['none', 'allow', 'deny'] as IdentityKind[]).forEach((identityKind, i) => {
      it(`${principal}, ${account} account, trust ${trustKind}, identity ${identityKind}: ${D[expected[i]!]}`, () => {
        const c = caller(principal, account === 'same' ? A : B);
        const result = decide(c, { identityPolicies: IDENTITY[identityKind] }, trust(trustKind, c));
        assert.equal(result.decision, D[expected[i]!]);
      });
    });
  }
});

describe('explicit Deny names where it came from', () => {
  it('a Deny in the trust policy is a resource-based policy deny, even with identity Allow', () => {
    const c = caller('user', A);
    assert.deepEqual(decide(c, { identityPolicies: IDENTITY.allow }, trust('deny', c)),
      { decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'resource-policy' });
  });
  it('the attack: only policy `Deny sts:AssumeRole *`, trust names her: identity-based deny', () => {
    const c = caller('user', A);
    assert.deepEqual(decide(c, { identityPolicies: [doc([{ Effect: 'Deny', Action: ACTION, Resource: '*' }])] }, trust('self', c)),
      { decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'identity' });
  });
  it('a Deny in a permissions boundary or session policy wins over a trust policy naming the caller', () => {
    const c = caller('session', A);
    const denyAll = doc([{ Effect: 'Deny', Action: '*', Resource: '*' }]);
    assert.equal(decide(c, { identityPolicies: [], permissionsBoundary: denyAll }, trust('self', c)).denySource, 'permissions-boundary');
    assert.equal(decide(c, { identityPolicies: [], sessionPolicies: [denyAll] }, trust('self', c)).denySource, 'session-policy');
  });
});

describe('role ARN versus role session ARN (same account)', () => {
  const c = caller('session', A);
  const readOnly = doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
  it('a grant to the role is limited by an implicit deny in the session policy', () => {
    assert.deepEqual(decide(c, { identityPolicies: [], sessionPolicies: [readOnly] }, trust('role', c)),
      { decision: 'ImplicitDeny', reason: 'session-policy' });
  });
  it('...and in the permissions boundary', () => {
    assert.deepEqual(decide(c, { identityPolicies: [], permissionsBoundary: readOnly }, trust('role', c)),
      { decision: 'ImplicitDeny', reason: 'permissions-boundary' });
  });
  it('a grant to the session itself is not', () => {
    assert.equal(decide(c, { identityPolicies: [], sessionPolicies: [readOnly], permissionsBoundary: readOnly }, trust('self', c)).decision, 'Allow');
  });
  it('a grant to an IAM user is not limited by the user\'s boundary', () => {
    const u = caller('user', A);
    assert.equal(decide(u, { identityPolicies: [], permissionsBoundary: readOnly }, trust('self', u)).decision, 'Allow');
  });
});

describe('AWS service principals have no identity policies: the trust policy alone decides', () => {
  const service: TrustCaller = { arn: 'healthlake.amazonaws.com', accountId: A, service: 'healthlake.amazonaws.com' };
  const trusting = doc([{ Effect: 'Allow', Principal: { Service: 'healthlake.amazonaws.com' }, Action: ACTION }]);
  const rows: Array<[string, string | undefined, Decision]> = [
    ['trust names the service', trusting, 'Allow'],
    ['no trust policy (unknown role)', undefined, 'ImplicitDeny'],
    ['trust names another service', trusting.replace('healthlake', 'ec2'), 'ImplicitDeny'],
    ['trust names the account root', doc([{ Effect: 'Allow', Principal: { AWS: A }, Action: ACTION }]), 'ImplicitDeny'],
    ['trust denies the service', doc([JSON.parse(trusting).Statement[0], { Effect: 'Deny', Principal: { Service: 'healthlake.amazonaws.com' }, Action: ACTION }]), 'ExplicitDeny'],
  ];
  for (const [name, trustDoc, expected] of rows) {
    it(`${name}: ${expected}`, () => assert.equal(decide(service, undefined, trustDoc).decision, expected));
  }
});

describe('resource policies that need not allow (bucket policies, issue 21)', () => {
  it('same account: the identity side alone suffices; an explicit Deny in the resource policy still wins', () => {
    const c = caller('user', A);
    const base = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {}, caller: c };
    const allowOnly = { identityPolicies: [doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }])] };
    assert.equal(evaluateAccess({ ...base, identity: allowOnly, resourcePolicy: { document: undefined, accountId: A, mustAllow: false } }).decision, 'Allow');
    const denying = doc([{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]);
    assert.equal(evaluateAccess({ ...base, identity: allowOnly, resourcePolicy: { document: denying, accountId: A, mustAllow: false } }).decision, 'ExplicitDeny');
    const otherKeys = denying.replace('b/*', 'other/*');
    assert.equal(evaluateAccess({ ...base, identity: allowOnly, resourcePolicy: { document: otherKeys, accountId: A, mustAllow: false } }).decision, 'Allow');
  });
});
