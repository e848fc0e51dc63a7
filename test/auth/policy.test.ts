/**
 * evaluatePolicies: Action/Resource matching, NotAction/NotResource, explicit-deny precedence,
 * session policies, permissions boundaries, policy variables in Resource, the compile cache.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  accessDeniedReason,
  CACHE_LIMIT,
  clearPolicyCache,
  evaluatePolicies,
  policyCacheSize,
  type ConditionContext,
  type PolicySet,
} from '../../src/auth/policy/index.ts';
import { isPolicyCached } from '../../src/auth/policy/compile.ts';

const ACCT = '123456789012';
const DS = `arn:aws:healthlake:us-east-1:${ACCT}:datastore/fhir/0123456789abcdef0123456789abcdef`;

function doc(statements: unknown, version: string | undefined = '2012-10-17'): string {
  return JSON.stringify(version === undefined ? { Statement: statements } : { Version: version, Statement: statements });
}

function allow(action: unknown, resource: unknown = '*', extra: Record<string, unknown> = {}): string {
  return doc([{ Effect: 'Allow', Action: action, Resource: resource, ...extra }]);
}

function decide(set: PolicySet | string[], action: string, resource = '*', context: ConditionContext = {}) {
  const s = Array.isArray(set) ? { identityPolicies: set } : set;
  return evaluatePolicies(s, { action, resource, context });
}

const allowed = (set: PolicySet | string[], action: string, resource = '*', context: ConditionContext = {}): boolean =>
  decide(set, action, resource, context).decision === 'Allow';

describe('Action matching', () => {
  const rows: Array<[pattern: string | string[], action: string, expected: boolean]> = [
    ['*', 'healthlake:DescribeFHIRDatastore', true],
    ['healthlake:*', 'healthlake:DescribeFHIRDatastore', true],
    ['healthlake:*', 'cloudtrail:LookupEvents', false],
    ['healthlake:Describe*', 'healthlake:DescribeFHIRDatastore', true],
    ['healthlake:Describe*', 'healthlake:DeleteFHIRDatastore', false],
    ['healthlake:describefhirdatastore', 'healthlake:DescribeFHIRDatastore', true],
    ['HEALTHLAKE:DESCRIBE*', 'healthlake:DescribeFHIRDatastore', true],
    ['healthlake:DescribeFHIRDatastore', 'HealthLake:describeFhirDatastore', true],
    ['healthlake:*FHIRDatastore', 'healthlake:CreateFHIRDatastore', true],
    ['healthlake:*FHIRDatastore', 'healthlake:ListFHIRDatastores', false],
    ['healthlake:?eleteFHIRDatastore', 'healthlake:DeleteFHIRDatastore', true],
    ['healthlake:?FHIRDatastore', 'healthlake:DeleteFHIRDatastore', false],
    ['healthlake:List*s', 'healthlake:ListFHIRDatastores', true],
    ['health*', 'healthlake:ListFHIRDatastores', true],
    ['*:ListFHIRDatastores', 'healthlake:ListFHIRDatastores', true],
    ['healthlake:ListFHIRDatastores', 'healthlake:ListFHIRDatastore', false],
    ['healthlake:ListFHIRDatastore', 'healthlake:ListFHIRDatastores', false],
    ['healthlake', 'healthlake:ListFHIRDatastores', false],
    [['cloudtrail:LookupEvents', 'healthlake:List*'], 'healthlake:ListFHIRDatastores', true],
    [['cloudtrail:LookupEvents', 'iam:*'], 'healthlake:ListFHIRDatastores', false],
  ];
  for (const [pattern, action, expected] of rows) {
    it(`${JSON.stringify(pattern)} vs ${action} → ${expected}`, () => {
      assert.equal(allowed([allow(pattern)], action), expected);
    });
  }
});

describe('Resource matching', () => {
  const rows: Array<[pattern: string | string[], resource: string, expected: boolean]> = [
    ['*', DS, true],
    ['*', '*', true],
    [DS, DS, true],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore/fhir/*`, DS, true],
    [`arn:aws:healthlake:*:${ACCT}:datastore/fhir/*`, DS, true],
    [`arn:aws:healthlake:us-east-?:${ACCT}:datastore/fhir/*`, DS, true],
    [`arn:aws:healthlake:eu-west-1:${ACCT}:datastore/fhir/*`, DS, false],
    [`arn:aws:healthlake:us-east-1:*:datastore/fhir/*`, DS, true],
    [`arn:aws:healthlake:us-east-1:111111111111:datastore/fhir/*`, DS, false],
    ['arn:aws:healthlake:*:*:*', DS, true],
    ['arn:aws:healthlake:*', DS, true],
    ['arn:aws:*', DS, true],
    ['arn:aws:s3:*', DS, false],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore/fhir/0123456789ABCDEF0123456789ABCDEF`, DS, false],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore/fhir/0123456789abcdef0123456789abcde?`, DS, true],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore/fhir/0123456789abcdef0123456789abcde`, DS, false],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore/*`, DS, true],
    [`arn:aws:healthlake:us-east-1:${ACCT}:*`, DS, true],
    [`arn:aws:healthlake:us-east-1:${ACCT}:`, DS, false],
    [`arn:aws:healthlake:us-east-1:${ACCT}:datastore`, DS, false],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b.txt', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-2/key', true],
    ['arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/key', false],
    ['arn:aws:s3:::bucket/*.txt', 'arn:aws:s3:::bucket/a/b.txt', true],
    ['arn:aws:s3:::bucket/*.txt', 'arn:aws:s3:::bucket/a/b.txt.gz', false],
    [`arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/app:*`, `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/app:log-stream:s1`, true],
    [`arn:aws:iam::${ACCT}:user/*`, `arn:aws:iam::${ACCT}:user/team/bob`, true],
    [`arn:aws:iam::${ACCT}:user/*`, `arn:aws:iam::${ACCT}:role/bob`, false],
    [`arn:aws:iam::*:*`, `arn:aws:iam::${ACCT}:role/bob`, true],
    ['arn:aws:s3:::*', '*', false],
    ['arn:aws:s3:::*', `arn:aws:iam::${ACCT}:user/x`, false],
    [['arn:aws:s3:::a/*', DS], DS, true],
    [['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'], DS, false],
  ];
  for (const [pattern, resource, expected] of rows) {
    it(`${JSON.stringify(pattern)} vs ${resource} → ${expected}`, () => {
      assert.equal(allowed([allow('*', pattern)], 'healthlake:ReadResource', resource), expected);
    });
  }
});

describe('NotAction and NotResource', () => {
  it('Allow with NotAction allows everything but the listed actions', () => {
    const p = doc({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: '*' });
    assert.equal(allowed([p], 'healthlake:ListFHIRDatastores'), true);
    assert.equal(allowed([p], 'iam:CreateUser'), false);
    assert.equal(allowed([p], 'STS:AssumeRole'), false);
  });
  it('Deny with NotAction denies everything but the listed actions', () => {
    const p = doc([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', NotAction: 'healthlake:Describe*', Resource: '*' },
    ]);
    assert.equal(allowed([p], 'healthlake:DescribeFHIRDatastore'), true);
    assert.deepEqual(decide([p], 'healthlake:DeleteFHIRDatastore'), {
      decision: 'ExplicitDeny',
      reason: 'explicit-deny',
      denySource: 'identity',
    });
  });
  it('Allow with NotResource allows everything but the listed resources', () => {
    const p = doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' });
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::public/x'), true);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::secret/x'), false);
    assert.equal(allowed([p], 's3:GetObject', '*'), true);
  });
  it('Deny with NotResource fences a principal into listed resources', () => {
    const p = doc([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] },
    ]);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::HRBucket/Payroll/jan.csv'), true);
    assert.equal(decide([p], 's3:GetObject', 'arn:aws:s3:::HRBucket/Other').decision, 'ExplicitDeny');
  });
  it('NotAction and NotResource together', () => {
    const p = doc({ Effect: 'Allow', NotAction: 'iam:*', NotResource: `arn:aws:iam::${ACCT}:*` });
    assert.equal(allowed([p], 'healthlake:ListFHIRDatastores', '*'), true);
    assert.equal(allowed([p], 'iam:GetUser', '*'), false);
    assert.equal(allowed([p], 'sts:GetCallerIdentity', `arn:aws:iam::${ACCT}:user/x`), false);
  });
});

describe('Explicit deny precedence', () => {
  const allowAll = allow('*');
  const denyDelete = doc({ Effect: 'Deny', Action: 'healthlake:Delete*', Resource: '*' });
  it('a Deny in another policy wins over an Allow', () => {
    assert.equal(decide([allowAll, denyDelete], 'healthlake:DeleteFHIRDatastore', DS).decision, 'ExplicitDeny');
    assert.equal(decide([denyDelete, allowAll], 'healthlake:DeleteFHIRDatastore', DS).decision, 'ExplicitDeny');
  });
  it('a Deny in the same policy wins regardless of statement order', () => {
    const a = doc([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'healthlake:Delete*', Resource: '*' },
    ]);
    const b = doc([
      { Effect: 'Deny', Action: 'healthlake:Delete*', Resource: '*' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ]);
    assert.equal(decide([a], 'healthlake:DeleteFHIRDatastore').decision, 'ExplicitDeny');
    assert.equal(decide([b], 'healthlake:DeleteFHIRDatastore').decision, 'ExplicitDeny');
  });
  it('a Deny that does not match leaves the Allow', () => {
    assert.equal(decide([allowAll, denyDelete], 'healthlake:DescribeFHIRDatastore').decision, 'Allow');
  });
  it('a conditional Deny only applies when its condition holds', () => {
    const denyNoMfa = doc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
    assert.equal(decide([allowAll, denyNoMfa], 'iam:ListUsers', '*', {}).decision, 'ExplicitDeny');
    assert.equal(decide([allowAll, denyNoMfa], 'iam:ListUsers', '*', { 'aws:MultiFactorAuthPresent': 'false' }).decision, 'ExplicitDeny');
    assert.equal(decide([allowAll, denyNoMfa], 'iam:ListUsers', '*', { 'aws:MultiFactorAuthPresent': 'true' }).decision, 'Allow');
  });
  it('no policies means implicit deny', () => {
    assert.deepEqual(decide([], 'iam:ListUsers'), { decision: 'ImplicitDeny', reason: 'no-allow' });
  });
  it('a deny-only policy never allows', () => {
    assert.deepEqual(decide([denyDelete], 'healthlake:DescribeFHIRDatastore'), { decision: 'ImplicitDeny', reason: 'no-allow' });
  });
  it('a single Statement object (not a list) works', () => {
    assert.equal(allowed([doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' })], 'iam:ListUsers'), true);
  });
  it('documents without Version evaluate (2008-10-17 language)', () => {
    assert.equal(allowed([doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }, undefined)], 'iam:ListUsers'), true);
  });
  it('unparsable documents contribute nothing', () => {
    assert.equal(decide(['{not json', allowAll], 'iam:ListUsers').decision, 'Allow');
    assert.equal(decide(['{not json'], 'iam:ListUsers').decision, 'ImplicitDeny');
  });
  it('statements with an unknown Effect are ignored', () => {
    assert.equal(allowed([doc({ Effect: 'Permit', Action: '*', Resource: '*' })], 'iam:ListUsers'), false);
  });
});

describe('Session policies', () => {
  const identity = [allow(['healthlake:*', 's3:*'])];
  it('the session policy intersects with identity policies', () => {
    const set = { identityPolicies: identity, sessionPolicies: [allow('healthlake:Describe*')] };
    assert.deepEqual(decide(set, 'healthlake:DescribeFHIRDatastore', DS), { decision: 'Allow', reason: 'allowed' });
    assert.deepEqual(decide(set, 'healthlake:DeleteFHIRDatastore', DS), { decision: 'ImplicitDeny', reason: 'session-policy' });
  });
  it('a session policy cannot grant beyond identity policies', () => {
    const set = { identityPolicies: identity, sessionPolicies: [allow('iam:*')] };
    assert.deepEqual(decide(set, 'iam:ListUsers'), { decision: 'ImplicitDeny', reason: 'no-allow' });
  });
  it('several session policies: any Allow among them suffices', () => {
    const set = { identityPolicies: identity, sessionPolicies: [allow('s3:GetObject'), allow('healthlake:*')] };
    assert.equal(decide(set, 'healthlake:ListFHIRDatastores').decision, 'Allow');
    assert.equal(decide(set, 's3:GetObject').decision, 'Allow');
    assert.equal(decide(set, 's3:PutObject').reason, 'session-policy');
  });
  it('an explicit deny in a session policy', () => {
    const set = {
      identityPolicies: identity,
      sessionPolicies: [doc([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*' }])],
    };
    assert.deepEqual(decide(set, 's3:GetObject'), { decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'session-policy' });
  });
  it('an empty session-policy list does not restrict', () => {
    assert.equal(decide({ identityPolicies: identity, sessionPolicies: [] }, 's3:GetObject').decision, 'Allow');
  });
});

describe('Permissions boundary', () => {
  const identity = [allow('*')];
  it('the boundary caps identity permissions', () => {
    const set = { identityPolicies: identity, permissionsBoundary: allow('healthlake:*') };
    assert.equal(decide(set, 'healthlake:ListFHIRDatastores').decision, 'Allow');
    assert.deepEqual(decide(set, 'iam:CreateUser'), { decision: 'ImplicitDeny', reason: 'permissions-boundary' });
  });
  it('the boundary alone grants nothing', () => {
    const set = { identityPolicies: [allow('s3:*')], permissionsBoundary: allow('*') };
    assert.deepEqual(decide(set, 'iam:CreateUser'), { decision: 'ImplicitDeny', reason: 'no-allow' });
  });
  it('an explicit deny in the boundary', () => {
    const set = {
      identityPolicies: identity,
      permissionsBoundary: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' }]),
    };
    assert.deepEqual(decide(set, 'iam:CreateUser'), {
      decision: 'ExplicitDeny',
      reason: 'explicit-deny',
      denySource: 'permissions-boundary',
    });
  });
  it('boundary and session policy together: all three must allow', () => {
    const set = {
      identityPolicies: [allow(['healthlake:*', 's3:*', 'iam:*'])],
      permissionsBoundary: allow(['healthlake:*', 's3:*']),
      sessionPolicies: [allow(['healthlake:*', 'iam:*'])],
    };
    assert.equal(decide(set, 'healthlake:ListFHIRDatastores').decision, 'Allow');
    assert.equal(decide(set, 's3:GetObject').reason, 'session-policy');
    assert.equal(decide(set, 'iam:ListUsers').reason, 'permissions-boundary');
    assert.equal(decide(set, 'sts:GetCallerIdentity').reason, 'no-allow');
  });
  it('an identity deny is reported before boundary and session denies', () => {
    const deny = doc({ Effect: 'Deny', Action: '*', Resource: '*' });
    const set = { identityPolicies: [deny], permissionsBoundary: deny, sessionPolicies: [deny] };
    assert.equal(decide(set, 'iam:ListUsers').denySource, 'identity');
  });
});

describe('Policy variables in Resource', () => {
  const ctx = { 'aws:username': 'bob', 'aws:userid': 'AIDAEXAMPLE', 'aws:PrincipalAccount': ACCT };
  it('${aws:username}', () => {
    const p = allow('iam:*AccessKey*', `arn:aws:iam::${ACCT}:user/\${aws:username}`);
    assert.equal(allowed([p], 'iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/bob`, ctx), true);
    assert.equal(allowed([p], 'iam:CreateAccessKey', `arn:aws:iam::${ACCT}:user/alice`, ctx), false);
  });
  it('${aws:userid} and a wildcard after it', () => {
    const p = allow('s3:*', 'arn:aws:s3:::home/${aws:userid}/*');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/AIDAEXAMPLE/notes.txt', ctx), true);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/AIDAOTHER/notes.txt', ctx), false);
  });
  it('${aws:PrincipalAccount} in the account part', () => {
    const p = allow('healthlake:*', 'arn:aws:healthlake:*:${aws:PrincipalAccount}:datastore/fhir/*');
    assert.equal(allowed([p], 'healthlake:ReadResource', DS, ctx), true);
    assert.equal(allowed([p], 'healthlake:ReadResource', DS, { ...ctx, 'aws:PrincipalAccount': '111111111111' }), false);
  });
  it('a missing variable matches nothing', () => {
    const p = allow('s3:*', 'arn:aws:s3:::home/${aws:username}/*');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/bob/x', {}), false);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/${aws:username}/x', {}), false);
  });
  it('a default value stands in for a missing variable', () => {
    const p = allow('s3:*', "arn:aws:s3:::home/${aws:username, 'shared'}/*");
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/shared/x', {}), true);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/bob/x', ctx), true);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/shared/x', ctx), false);
  });
  it('a resolved value is literal, not a wildcard', () => {
    const p = allow('s3:*', 'arn:aws:s3:::home/${aws:username}');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/bobby', { 'aws:username': 'bob*' }), false);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/bob*', { 'aws:username': 'bob*' }), true);
  });
  it('${*}, ${?} and ${$} are literal characters', () => {
    const p = allow('s3:*', 'arn:aws:s3:::b/${*}${?}${$}');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::b/*?$'), true);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::b/xy$'), false);
  });
  it('variables are literal text without Version 2012-10-17', () => {
    const p = doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}' }, '2008-10-17');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/bob', ctx), false);
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::home/${aws:username}', ctx), true);
  });
  it('a variable whose name has a colon does not split the ARN', () => {
    const p = allow('s3:*', 'arn:aws:s3:::${aws:username}-bucket/*');
    assert.equal(allowed([p], 's3:GetObject', 'arn:aws:s3:::bob-bucket/k', ctx), true);
  });
});

describe('accessDeniedReason', () => {
  it('words each outcome as AWS does', () => {
    const a = 'healthlake:DeleteFHIRDatastore';
    assert.equal(accessDeniedReason({ decision: 'Allow', reason: 'allowed' }, a), undefined);
    assert.equal(
      accessDeniedReason({ decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'identity' }, a),
      'with an explicit deny in an identity-based policy',
    );
    assert.equal(
      accessDeniedReason({ decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'permissions-boundary' }, a),
      'with an explicit deny in a permissions boundary',
    );
    assert.equal(
      accessDeniedReason({ decision: 'ExplicitDeny', reason: 'explicit-deny', denySource: 'session-policy' }, a),
      'with an explicit deny in a session policy',
    );
    assert.equal(
      accessDeniedReason({ decision: 'ImplicitDeny', reason: 'no-allow' }, a),
      'because no identity-based policy allows the healthlake:DeleteFHIRDatastore action',
    );
    assert.equal(
      accessDeniedReason({ decision: 'ImplicitDeny', reason: 'permissions-boundary' }, a),
      'because no permissions boundary allows the healthlake:DeleteFHIRDatastore action',
    );
    assert.equal(
      accessDeniedReason({ decision: 'ImplicitDeny', reason: 'session-policy' }, a),
      'because no session policy allows the healthlake:DeleteFHIRDatastore action',
    );
  });
});

describe('Repeated evaluation of one compiled policy', () => {
  it('gives the right answer as request values alternate', () => {
    const p = allow('*', '*', {
      Condition: {
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
      },
    });
    const cases: Array<[string, string, boolean]> = [
      ['10.1.1.1', '2029-12-31T23:59:59Z', true],
      ['11.1.1.1', '2029-12-31T23:59:59Z', false],
      ['10.1.1.1', '2030-01-01T00:00:00Z', false],
      ['2001:db8::5', '2020-01-01T00:00:00Z', true],
      ['2001:db9::5', '2020-01-01T00:00:00Z', false],
      ['10.1.1.1', '2020-01-01T00:00:00Z', true],
      ['bogus', '2020-01-01T00:00:00Z', false],
      ['10.1.1.1', 'bogus', false],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [ip, time, expected] of cases) {
        assert.equal(allowed([p], 's3:GetObject', '*', { 'aws:SourceIp': ip, 'aws:CurrentTime': time }), expected, `${ip} ${time}`);
      }
    }
  });
});

describe('Compiled-policy cache', () => {
  it('compiles each distinct document once', () => {
    clearPolicyCache();
    const p = allow('s3:*');
    for (let i = 0; i < 5; i++) decide([p, p], 's3:GetObject');
    assert.equal(policyCacheSize(), 1);
    decide([allow('iam:*')], 'iam:ListUsers');
    assert.equal(policyCacheSize(), 2);
  });
  it('is bounded and keeps recently used documents', () => {
    clearPolicyCache();
    const hot = allow('healthlake:*');
    for (let i = 0; i < CACHE_LIMIT * 2; i++) {
      decide([allow(`s3:Get${i}`)], 's3:GetObject');
      if (i % 100 === 0) decide([hot], 'healthlake:ListFHIRDatastores');
    }
    assert.equal(policyCacheSize(), CACHE_LIMIT);
    assert.equal(isPolicyCached(hot), true);
    assert.equal(isPolicyCached(allow('s3:Get0')), false);
    assert.equal(isPolicyCached(allow(`s3:Get${CACHE_LIMIT * 2 - 1}`)), true);
    clearPolicyCache();
  });
});
