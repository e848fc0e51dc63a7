/**
 * Role trust policies: Principal forms, NotPrincipal, Deny precedence, actions and conditions.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  evaluateTrustPolicy,
  trustPolicyAllows,
  type ConditionContext,
  type TrustCaller,
} from '../../src/auth/policy/index.ts';

const A = '123456789012';
const B = '210987654321';

const user: TrustCaller = { arn: `arn:aws:iam::${A}:user/alice`, accountId: A };
const pathUser: TrustCaller = { arn: `arn:aws:iam::${A}:user/eng/bob`, accountId: A };
const session: TrustCaller = {
  arn: `arn:aws:sts::${A}:assumed-role/Deployer/ci-run-7`,
  accountId: A,
  roleArn: `arn:aws:iam::${A}:role/Deployer`,
};
const otherAccountUser: TrustCaller = { arn: `arn:aws:iam::${B}:user/mallory`, accountId: B };
const root: TrustCaller = { arn: `arn:aws:iam::${A}:root`, accountId: A };
const service: TrustCaller = { arn: '', accountId: A, service: 'healthlake.amazonaws.com' };
const webIdentity: TrustCaller = { arn: '', accountId: '', federated: 'cognito-identity.amazonaws.com' };

function trust(statements: unknown, version = '2012-10-17'): string {
  return JSON.stringify({ Version: version, Statement: statements });
}

function allowing(principal: unknown, extra: Record<string, unknown> = {}): string {
  return trust([{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }]);
}

const can = (policy: string, caller: TrustCaller, action = 'sts:AssumeRole', ctx: ConditionContext = {}): boolean =>
  trustPolicyAllows(policy, caller, action, ctx);

describe('Principal forms', () => {
  const rows: Array<[name: string, principal: unknown, caller: TrustCaller, expected: boolean]> = [
    ['"*" admits any user', '*', otherAccountUser, true],
    ['"*" admits services', '*', service, true],
    ['AWS "*" admits any AWS principal', { AWS: '*' }, otherAccountUser, true],
    ['account id admits its users', { AWS: A }, user, true],
    ['account id admits its role sessions', { AWS: A }, session, true],
    ['account id admits its root', { AWS: A }, root, true],
    ['account id refuses other accounts', { AWS: A }, otherAccountUser, false],
    ['root ARN admits the account', { AWS: `arn:aws:iam::${A}:root` }, pathUser, true],
    ['root ARN refuses other accounts', { AWS: `arn:aws:iam::${A}:root` }, otherAccountUser, false],
    ['account principal does not admit a service', { AWS: A }, service, false],
    ['user ARN admits that user', { AWS: `arn:aws:iam::${A}:user/alice` }, user, true],
    ['user ARN refuses another user', { AWS: `arn:aws:iam::${A}:user/alice` }, pathUser, false],
    ['user ARN with a path', { AWS: `arn:aws:iam::${A}:user/eng/bob` }, pathUser, true],
    ['user ARN without the path does not match', { AWS: `arn:aws:iam::${A}:user/bob` }, pathUser, false],
    ['role ARN admits the role sessions', { AWS: `arn:aws:iam::${A}:role/Deployer` }, session, true],
    ['another role ARN refuses', { AWS: `arn:aws:iam::${A}:role/Other` }, session, false],
    ['assumed-role session ARN admits that session', { AWS: `arn:aws:sts::${A}:assumed-role/Deployer/ci-run-7` }, session, true],
    ['assumed-role session ARN refuses other sessions', { AWS: `arn:aws:sts::${A}:assumed-role/Deployer/ci-run-8` }, session, false],
    ['list of principals (ORed)', { AWS: [`arn:aws:iam::${B}:root`, `arn:aws:iam::${A}:user/alice`] }, user, true],
    ['list of principals, none matching', { AWS: [`arn:aws:iam::${B}:root`, `arn:aws:iam::${A}:user/zed`] }, user, false],
    ['service principal', { Service: 'healthlake.amazonaws.com' }, service, true],
    ['service principal list', { Service: ['ec2.amazonaws.com', 'healthlake.amazonaws.com'] }, service, true],
    ['another service refuses', { Service: 'ec2.amazonaws.com' }, service, false],
    ['service principal does not admit users', { Service: 'healthlake.amazonaws.com' }, user, false],
    ['mixed AWS and Service', { AWS: A, Service: 'healthlake.amazonaws.com' }, service, true],
    ['federated provider', { Federated: 'cognito-identity.amazonaws.com' }, webIdentity, true],
    ['federated provider does not admit users', { Federated: 'cognito-identity.amazonaws.com' }, user, false],
    ['account principal does not admit web identities', { AWS: A }, { ...webIdentity, accountId: A }, false],
  ];
  for (const [name, principal, caller, expected] of rows) {
    it(name, () => assert.equal(can(allowing(principal), caller), expected));
  }
});

describe('matchedBy', () => {
  it('reports how the caller was named (strongest match wins)', () => {
    assert.equal(evaluateTrustPolicy(allowing({ AWS: A }), user, 'sts:AssumeRole', {}).matchedBy, 'account');
    assert.equal(evaluateTrustPolicy(allowing({ AWS: user.arn }), user, 'sts:AssumeRole', {}).matchedBy, 'principal');
    assert.equal(evaluateTrustPolicy(allowing({ AWS: [A, user.arn] }), user, 'sts:AssumeRole', {}).matchedBy, 'principal');
    assert.equal(evaluateTrustPolicy(allowing('*'), user, 'sts:AssumeRole', {}).matchedBy, 'wildcard');
    assert.equal(evaluateTrustPolicy(allowing({ AWS: session.roleArn }), session, 'sts:AssumeRole', {}).matchedBy, 'role');
    assert.equal(evaluateTrustPolicy(allowing({ AWS: session.arn }), session, 'sts:AssumeRole', {}).matchedBy, 'principal');
    assert.equal(evaluateTrustPolicy(allowing({ Service: service.service }), service, 'sts:AssumeRole', {}).matchedBy, 'service');
    const twoStatements = trust([
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: user.arn }, Action: 'sts:AssumeRole' },
    ]);
    assert.deepEqual(evaluateTrustPolicy(twoStatements, user, 'sts:AssumeRole', {}), {
      allowed: true,
      decision: 'Allow',
      matchedBy: 'principal',
    });
    assert.deepEqual(evaluateTrustPolicy(allowing({ AWS: B }), user, 'sts:AssumeRole', {}), {
      allowed: false,
      decision: 'ImplicitDeny',
    });
  });
});

describe('Actions', () => {
  it('the action must be listed', () => {
    const p = allowing({ AWS: A });
    assert.equal(can(p, user, 'sts:AssumeRole'), true);
    assert.equal(can(p, user, 'sts:TagSession'), false);
    assert.equal(can(p, user, 'STS:assumerole'), true);
  });
  it('lists and wildcards', () => {
    assert.equal(can(allowing({ AWS: A }, { Action: ['sts:AssumeRole', 'sts:TagSession'] }), user, 'sts:TagSession'), true);
    assert.equal(can(allowing({ AWS: A }, { Action: 'sts:*' }), user, 'sts:SetSourceIdentity'), true);
    assert.equal(can(allowing({ AWS: A }, { Action: 'sts:AssumeRole*' }), user, 'sts:AssumeRoleWithWebIdentity'), true);
  });
  it('NotAction', () => {
    const p = trust([{ Effect: 'Allow', Principal: { AWS: A }, NotAction: 'sts:TagSession' }]);
    assert.equal(can(p, user, 'sts:AssumeRole'), true);
    assert.equal(can(p, user, 'sts:TagSession'), false);
  });
});

describe('Deny and NotPrincipal', () => {
  it('a matching Deny refuses even a named principal', () => {
    const p = trust([
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: user.arn }, Action: 'sts:AssumeRole' },
    ]);
    assert.equal(can(p, user), false);
    assert.equal(evaluateTrustPolicy(p, user, 'sts:AssumeRole', {}).decision, 'ExplicitDeny');
    assert.equal(can(p, pathUser), true);
  });
  it('Deny with NotPrincipal refuses everyone but the listed principals', () => {
    const p = trust([
      { Effect: 'Allow', Principal: { AWS: A }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:iam::${A}:role/Deployer`] }, Action: 'sts:AssumeRole' },
    ]);
    assert.equal(can(p, session), true);
    assert.equal(can(p, user), false);
  });
  it('a Deny for another action does not apply', () => {
    const p = trust([
      { Effect: 'Allow', Principal: { AWS: A }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
      { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' },
    ]);
    assert.equal(can(p, user, 'sts:AssumeRole'), true);
    assert.equal(can(p, user, 'sts:TagSession'), false);
  });
});

describe('Conditions', () => {
  const external = allowing(
    { AWS: `arn:aws:iam::${B}:root` },
    { Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } },
  );
  it('sts:ExternalId', () => {
    assert.equal(can(external, otherAccountUser, 'sts:AssumeRole', { 'sts:ExternalId': 'Unique-1234' }), true);
    assert.equal(can(external, otherAccountUser, 'sts:AssumeRole', { 'sts:ExternalId': 'wrong' }), false);
    assert.equal(can(external, otherAccountUser, 'sts:AssumeRole', {}), false);
  });
  it('MFA and source IP', () => {
    const p = allowing(
      { AWS: A },
      {
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        },
      },
    );
    assert.equal(can(p, user, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '10.2.3.4' }), true);
    assert.equal(can(p, user, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '2001:db8::7' }), true);
    assert.equal(can(p, user, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'false', 'aws:SourceIp': '10.2.3.4' }), false);
    assert.equal(can(p, user, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '192.0.2.1' }), false);
  });
  it('aws:PrincipalArn narrowing an account principal', () => {
    const p = allowing({ AWS: A }, { Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Deploy*` } } });
    assert.equal(can(p, session, 'sts:AssumeRole', { 'aws:PrincipalArn': session.roleArn! }), true);
    assert.equal(can(p, user, 'sts:AssumeRole', { 'aws:PrincipalArn': user.arn }), false);
  });
  it('service principal with aws:SourceAccount', () => {
    const p = allowing({ Service: 'healthlake.amazonaws.com' }, { Condition: { StringEquals: { 'aws:SourceAccount': A } } });
    assert.equal(can(p, service, 'sts:AssumeRole', { 'aws:SourceAccount': A }), true);
    assert.equal(can(p, service, 'sts:AssumeRole', { 'aws:SourceAccount': B }), false);
  });
  it('sts:TagSession with aws:RequestTag and aws:TagKeys', () => {
    const p = trust([
      {
        Effect: 'Allow',
        Principal: { AWS: A },
        Action: 'sts:TagSession',
        Condition: {
          StringLike: { 'aws:RequestTag/Project': 'proj-*' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['Project', 'CostCenter'] },
        },
      },
    ]);
    assert.equal(can(p, user, 'sts:TagSession', { 'aws:RequestTag/Project': 'proj-a', 'aws:TagKeys': ['Project'] }), true);
    assert.equal(can(p, user, 'sts:TagSession', { 'aws:RequestTag/Project': 'proj-a', 'aws:TagKeys': ['Project', 'Owner'] }), false);
    assert.equal(can(p, user, 'sts:TagSession', { 'aws:RequestTag/Project': 'other', 'aws:TagKeys': ['Project'] }), false);
  });
});

describe('Documents', () => {
  it('a 2008-10-17 trust policy', () => {
    assert.equal(can(trust({ Effect: 'Allow', Principal: { Service: 'healthlake.amazonaws.com' }, Action: 'sts:AssumeRole' }, '2008-10-17'), service), true);
  });
  it('statements without a principal never apply', () => {
    assert.equal(can(trust({ Effect: 'Allow', Action: 'sts:AssumeRole' }), user), false);
  });
  it('an unparsable trust policy admits no one', () => {
    assert.equal(can('{', user), false);
  });
  it('an empty Principal object admits no one', () => {
    assert.equal(can(allowing({}), user), false);
  });
});
