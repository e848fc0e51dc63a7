/**
 * validatePolicyDocument: IAM's MalformedPolicyDocument messages for identity and trust policies.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validatePolicyDocument, type PolicyKind } from '../../src/auth/policy/index.ts';

const V = '2012-10-17';
const BUCKET = 'arn:aws:s3:::example_bucket';
const S = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, ...extra });
const T = (extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:root' },
  Action: 'sts:AssumeRole',
  ...extra,
});
const without = (o: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const IAM_PATH_MESSAGE =
  'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.';

type Row = [name: string, doc: unknown, expected: string];

function check(kind: PolicyKind, rows: Row[]): void {
  for (const [name, doc, expected] of rows) {
    it(`${name} → ${expected}`, () => {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      assert.equal(validatePolicyDocument(text, kind), expected);
    });
  }
}

describe('identity policies: rejected', () => {
  check('identity', [
    ['not JSON', 'This is not a json document', 'Syntax errors in policy.'],
    ['a JSON array', '[]', 'Syntax errors in policy.'],
    ['unknown Version', { Version: '2013-10-17', Statement: S() }, 'Syntax errors in policy.'],
    ['Version not a string', { Version: 2012, Statement: S() }, 'Syntax errors in policy.'],
    ['no Statement', { Version: V }, 'Syntax errors in policy.'],
    ['empty Statement list', { Version: V, Statement: [] }, 'Syntax errors in policy.'],
    ['Statement of strings', { Version: V, Statement: ['afd'] }, 'Syntax errors in policy.'],
    ['unknown top-level field', { Version: V, Statement: S(), Extra: 'value' }, 'Syntax errors in policy.'],
    ['unknown statement field', { Version: V, Statement: S({ Actions: 's3:*' }) }, 'Syntax errors in policy.'],
    ['Id not a string', { Version: V, Id: ['x'], Statement: S() }, 'Syntax errors in policy.'],
    ['invalid Effect', { Version: V, Statement: S({ Effect: 'Permit' }) }, 'Syntax errors in policy.'],
    ['missing Effect', { Version: V, Statement: without(S(), 'Effect') }, 'Syntax errors in policy.'],
    ['Action and NotAction', { Version: V, Statement: S({ NotAction: 'iam:*' }) }, 'Syntax errors in policy.'],
    ['Resource and NotResource', { Version: V, Statement: S({ NotResource: '*' }) }, 'Syntax errors in policy.'],
    ['Action as an object', { Version: V, Statement: S({ Action: {} }) }, 'Syntax errors in policy.'],
    ['Action list with a list', { Version: V, Statement: S({ Action: [[]] }) }, 'Syntax errors in policy.'],
    ['Resource as an object', { Version: V, Statement: S({ Resource: { a: BUCKET } }) }, 'Syntax errors in policy.'],
    ['Resource list with an object', { Version: V, Statement: S({ Resource: ['arn:aws:s3:::b', {}] }) }, 'Syntax errors in policy.'],
    ['Sid as an object', { Version: V, Statement: S({ Sid: {} }) }, 'Syntax errors in policy.'],
    ['Condition as a list', { Version: V, Statement: S({ Condition: [] }) }, 'Syntax errors in policy.'],
    ['Condition as a string', { Version: V, Statement: S({ Condition: 'a' }) }, 'Syntax errors in policy.'],
    ['Condition operator body a string', { Version: V, Statement: S({ Condition: { DateGreaterThan: 'b' } }) }, 'Syntax errors in policy.'],
    ['Condition value an object', { Version: V, Statement: S({ Condition: { DateGreaterThan: { a: {} } } }) }, 'Syntax errors in policy.'],
    ['unknown condition operator', { Version: V, Statement: S({ Condition: { StringEqualz: { a: '1' } } }) }, 'Syntax errors in policy.'],
    ['malformed set qualifier', { Version: V, Statement: S({ Condition: { 'ForAnyValue::StringEquals': { a: 'b' } } }) }, 'Syntax errors in policy.'],
    ['unknown set qualifier', { Version: V, Statement: S({ Condition: { 'ForSomeValues:StringEquals': { a: 'b' } } }) }, 'Syntax errors in policy.'],
    ['Principal', { Version: V, Statement: S({ Principal: { AWS: '*' } }) }, 'Policy document should not specify a principal.'],
    ['NotPrincipal', { Version: V, Statement: S({ NotPrincipal: { AWS: '*' } }) }, 'Policy document should not specify a principal.'],
    ['Effect in the wrong case', { Version: V, Statement: S({ Effect: 'allow' }) }, 'The policy failed legacy parsing'],
    ['Effect in the wrong case (Deny)', { Version: V, Statement: S({ Effect: 'denY' }) }, 'The policy failed legacy parsing'],
    ['date value not a date', { Version: V, Statement: S({ Condition: { DateGreaterThan: { 'aws:CurrentTime': 'soon' } } }) }, 'The policy failed legacy parsing'],
    ['date month out of range', { Version: V, Statement: S({ Condition: { DateLessThanEquals: { a: '234-13' } } }) }, 'The policy failed legacy parsing'],
    ['date zone with one digit', { Version: V, Statement: S({ Condition: { DateLessThan: { a: '2016-12-13t2:00:00.593194+1' } } }) }, 'The policy failed legacy parsing'],
    ['epoch beyond a long', { Version: V, Statement: S({ Condition: { DateLessThan: { a: '9223372036854775808' } } }) }, 'The policy failed legacy parsing'],
    ['date under IfExists and a set qualifier', { Version: V, Statement: S({ Condition: { 'ForAnyValue:DateLessThanIfExists': { a: 'x' } } }) }, 'The policy failed legacy parsing'],
    ['five-part ARN with "::"', { Version: V, Statement: S({ Resource: 'arn:aws:s3::example_bucket' }) }, 'The policy failed legacy parsing'],
    ['ARN with an empty service', { Version: V, Statement: S({ Resource: 'arn:aws::fdsasf' }) }, 'The policy failed legacy parsing'],
    ['NotResource five-part ARN', { Version: V, Statement: without(S({ NotResource: 'arn:aws:s3::example_bucket' }), 'Resource') }, 'The policy failed legacy parsing'],
    ['ARN with empty partition parts', { Version: V, Statement: without(S({ NotAction: 's3:x', Resource: 'arn:aws::::example_bucket' }), 'Action') }, 'The policy failed legacy parsing'],
    ['duplicate Sid', { Version: V, Statement: [S({ Sid: 'One' }), S({ Sid: 'One' })] }, 'Statement IDs (SID) in a single policy must be unique.'],
    [
      'Sid with a hyphen',
      { Version: V, Statement: S({ Sid: 'autogenerated-id' }) },
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    [
      'Sid with a space',
      { Version: V, Statement: S({ Sid: 'Space Space' }) },
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    ['no Action', { Version: V, Statement: without(S(), 'Action') }, 'Policy statement must contain actions.'],
    ['empty Action list', { Version: V, Statement: S({ Action: [] }) }, 'Policy statement must contain actions.'],
    ['no Action in a later statement', { Version: V, Statement: [S(), { Effect: 'Deny' }] }, 'Policy statement must contain actions.'],
    ['no Resource', { Version: V, Statement: without(S(), 'Resource') }, 'Policy statement must contain resources.'],
    ['empty Resource list', { Version: V, Statement: S({ Resource: [] }) }, 'Policy statement must contain resources.'],
    ['Resource not an ARN', { Version: V, Statement: S({ Resource: 'invalid resource' }) }, 'Resource invalid resource must be in ARN format or "*".'],
    ['Resource empty', { Version: V, Statement: S({ Resource: '' }) }, 'Resource  must be in ARN format or "*".'],
    ['Resource list entry not an ARN', { Version: V, Statement: S({ Resource: ['adf'] }) }, 'Resource adf must be in ARN format or "*".'],
    ['Resource with a bad partition', { Version: V, Statement: S({ Resource: 'a:bsdfdsafsad' }) }, 'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'],
    ['Resource with a bad partition and more parts', { Version: V, Statement: S({ Resource: 'a:b:c:d:e:f:g:h' }) }, 'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'],
    ['Resource without "arn:"', { Version: V, Statement: S({ Resource: 'aws:s3:::example_bucket' }) }, 'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".'],
    [
      'the smallest bad resource of a list is reported',
      { Version: V, Statement: S({ Resource: ['arn:error:s3:::example_bucket', 'arn:error:s3::example_bucket'] }) },
      'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".',
    ],
    ['Resource "arn:aws"', { Version: V, Statement: S({ Resource: 'arn:aws' }) }, 'Resource vendor must be fully qualified and cannot contain regexes.'],
    ['IAM resource with a region', { Version: V, Statement: S({ Resource: 'arn:aws:iam:us-east-1::user/x' }) }, 'IAM resource arn:aws:iam:us-east-1::user/x cannot contain region information.'],
    ['S3 resource with a region', { Version: V, Statement: S({ Resource: 'arn:aws:s3:us-east-1::example_bucket' }) }, 'Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.'],
    ['IAM resource of no known type', { Version: V, Statement: S({ Resource: 'arn:aws:iam:::example_bucket' }) }, IAM_PATH_MESSAGE],
    ['missing actions are reported before resource format', { Version: V, Statement: [S({ Resource: 'x' }), { Effect: 'Allow', Resource: '*' }] }, 'Policy statement must contain actions.'],
    ['Action without a vendor', { Version: V, Statement: S({ Action: 'invalid' }) }, 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    ['empty NotAction', { Version: V, Statement: without(S({ NotAction: '' }), 'Action') }, 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
    ['Action with two colons', { Version: V, Statement: S({ Action: 's3:List:Bucket' }) }, 'Actions/Condition can contain only one colon.'],
    ['Action with a bad vendor', { Version: V, Statement: S({ Action: 'a a:ListBucket' }) }, 'Vendor a a is not valid'],
  ]);
});

describe('identity policies: accepted', () => {
  const valid: Array<[string, unknown]> = [
    ['minimal', { Version: V, Statement: S() }],
    ['Statement list', { Version: V, Statement: [S(), S({ Action: 'iam:*', Resource: '*' })] }],
    ['no Version (2008-10-17 language)', { Statement: S() }],
    ['Version 2008-10-17', { Version: '2008-10-17', Statement: S() }],
    ['Id', { Version: V, Id: 'abc', Statement: S() }],
    ['Action "*"', { Version: V, Statement: S({ Action: '*' }) }],
    ['odd action text after the vendor', { Version: V, Statement: S({ Action: 'iam: asdf safdsf af ' }) }],
    ['vendor with dots and dashes', { Version: V, Statement: S({ Action: ['s3-s:ListBucket', 's3.s:ListBucket'] }) }],
    ['Resource list with "*"', { Version: V, Statement: S({ Resource: [BUCKET, '*'] }) }],
    ['NotAction + NotResource', { Version: V, Statement: without(S({ NotAction: 's3:ListBucket', NotResource: '*' }), 'Action', 'Resource') }],
    ['IAM user resource', { Version: V, Statement: S({ Resource: 'arn:aws:iam::*:user/${aws:username}' }) }],
    ['IAM "*" resource', { Version: V, Statement: S({ Resource: 'arn:aws:iam::123456789012:*' }) }],
    ['short ARN', { Version: V, Statement: S({ Resource: 'arn:aws:healthlake:*' }) }],
    ['HealthLake datastore ARN', { Version: V, Statement: S({ Action: 'healthlake:*', Resource: 'arn:aws:healthlake:*:123456789012:datastore/fhir/*' }) }],
    ['region in a service ARN', { Version: V, Statement: S({ Resource: 'arn:aws:ec2:us-east-1::example' }) }],
    ['empty Condition', { Version: V, Statement: S({ Condition: {} }) }],
    ['unknown operator with nothing under it', { Version: V, Statement: S({ Condition: { x: {}, y: {} } }) }],
    ['empty operator body', { Version: V, Statement: S({ Condition: { DateGreaterThan: {} } }) }],
    ['empty value list', { Version: V, Statement: S({ Condition: { DateGreaterThan: { a: [] } } }) }],
    [
      'every operator family',
      {
        Version: V,
        Statement: S({
          Condition: {
            StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] },
            StringNotLikeIfExists: { 'aws:PrincipalTag/team': 'ops*' },
            NumericLessThanEquals: { 's3:max-keys': 10 },
            DateGreaterThan: { 'aws:CurrentTime': '2019-07-01T00:00:00Z' },
            DateLessThan: { 'aws:EpochTime': '1735689600' },
            Bool: { 'aws:SecureTransport': true },
            BinaryEquals: { 'k:bin': 'QmluYXJ5' },
            IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
            ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' },
            Null: { 'aws:TokenIssueTime': 'false' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] },
            'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': 'a' },
          },
        }),
      },
    ],
    ['lenient date forms', { Version: V, Statement: S({ Condition: { DateLessThan: { a: ['01T', '-292275054', '2016-12-13T21:20:37.593194+00:00', '2016-12-13t2:00:00.593194+23'] } } }) }],
    ['Sid alphanumeric and empty', { Version: V, Statement: [S({ Sid: 'Stmt1' }), S({ Sid: '' }), S({ Sid: '' })] }],
    ['unique Sids', { Version: V, Statement: [S({ Sid: 'A' }), S({ Sid: 'B' })] }],
  ];
  for (const [name, doc] of valid) {
    it(name, () => assert.equal(validatePolicyDocument(JSON.stringify(doc), 'identity'), undefined));
  }
  it('managed policies must declare 2012-10-17 when asked', () => {
    const opts = { requireCurrentVersion: true };
    const msg = 'Policy document must be version 2012-10-17 or greater.';
    assert.equal(validatePolicyDocument(JSON.stringify({ Statement: S() }), 'identity', opts), msg);
    assert.equal(validatePolicyDocument(JSON.stringify({ Version: '2008-10-17', Statement: S() }), 'identity', opts), msg);
    assert.equal(validatePolicyDocument(JSON.stringify({ Version: V, Statement: S() }), 'identity', opts), undefined);
    // Syntax errors come first.
    assert.equal(validatePolicyDocument(JSON.stringify({ Version: '2013-10-17', Statement: S() }), 'identity', opts), 'Syntax errors in policy.');
  });
});

describe('trust policies: rejected', () => {
  check('trust', [
    ['not JSON', '{invalid', 'This policy contains invalid Json'],
    ['empty Statement list', { Version: V, Statement: [] }, 'Could not parse the policy: Statement is empty!'],
    ['Resource', { Version: V, Statement: T({ Resource: '*' }) }, 'Has prohibited field Resource'],
    ['NotResource', { Version: V, Statement: T({ NotResource: '*' }) }, 'AssumeRole policy must not contain resources.'],
    ['identity policy given as a trust policy', { Version: V, Statement: S() }, 'Has prohibited field Resource'],
    ['no Principal', { Version: V, Statement: without(T(), 'Principal') }, 'Missing required field Principal'],
    ['empty Principal', { Version: V, Statement: T({ Principal: {} }) }, 'Missing required field Principal cannot be empty!'],
    ['Allow with NotPrincipal', { Version: V, Statement: without(T({ NotPrincipal: { AWS: '*' } }), 'Principal') }, 'Allow with NotPrincipal is not allowed.'],
    ['unknown Version', { Version: '2013-10-17', Statement: T() }, 'Syntax errors in policy.'],
    ['unknown principal type', { Version: V, Statement: T({ Principal: { User: 'bob' } }) }, 'Syntax errors in policy.'],
    ['principal string other than "*"', { Version: V, Statement: T({ Principal: '123456789012' }) }, 'Syntax errors in policy.'],
    ['Principal and NotPrincipal', { Version: V, Statement: T({ NotPrincipal: { AWS: '*' } }) }, 'Syntax errors in policy.'],
    ['Effect in the wrong case', { Version: V, Statement: T({ Effect: 'ALLOW' }) }, 'The policy failed legacy parsing'],
    ['duplicate Sid', { Version: V, Statement: [T({ Sid: 'A' }), T({ Sid: 'A' })] }, 'Statement IDs (SID) in a single policy must be unique.'],
    ['no Action', { Version: V, Statement: without(T(), 'Action') }, 'Policy statement must contain actions.'],
    ['Action "*"', { Version: V, Statement: T({ Action: '*' }) }, 'AssumeRole policy may only specify STS AssumeRole actions.'],
    ['non-STS action', { Version: V, Statement: T({ Action: ['sts:AssumeRole', 's3:GetObject'] }) }, 'AssumeRole policy may only specify STS AssumeRole actions.'],
    ['AWS principal not an ARN', { Version: V, Statement: T({ Principal: { AWS: 'bob' } }) }, 'Invalid principal in policy: "AWS":"bob"'],
    ['AWS principal with a wildcard', { Version: V, Statement: T({ Principal: { AWS: 'arn:aws:sts::123456789012:assumed-role/Dev/*' } }) }, 'Invalid principal in policy: "AWS":"arn:aws:sts::123456789012:assumed-role/Dev/*"'],
    ['AWS principal of a short account id', { Version: V, Statement: T({ Principal: { AWS: '12345' } }) }, 'Invalid principal in policy: "AWS":"12345"'],
    ['AWS principal naming a group', { Version: V, Statement: T({ Principal: { AWS: 'arn:aws:iam::123456789012:group/devs' } }) }, 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/devs"'],
    ['Service principal not a service', { Version: V, Statement: T({ Principal: { Service: 'healthlake' } }) }, 'Invalid principal in policy: "SERVICE":"healthlake"'],
    ['Service principal in another partition', { Version: V, Statement: T({ Principal: { Service: 'eks.amazonaws.com.cn' } }) }, 'Invalid principal in policy: "SERVICE":"eks.amazonaws.com.cn"'],
    ['Federated principal unknown', { Version: V, Statement: T({ Principal: { Federated: 'example.com' } }) }, 'Invalid principal in policy: "FEDERATED":"example.com"'],
  ]);
});

describe('trust policies: accepted', () => {
  const valid: Array<[string, unknown]> = [
    ['account root', { Version: V, Statement: T() }],
    ['account id', { Version: V, Statement: T({ Principal: { AWS: '123456789012' } }) }],
    ['"*"', { Version: V, Statement: T({ Principal: '*' }) }],
    ['AWS "*"', { Version: V, Statement: T({ Principal: { AWS: '*' } }) }],
    ['user and role ARNs (with paths)', { Version: V, Statement: T({ Principal: { AWS: ['arn:aws:iam::123456789012:user/eng/bob', 'arn:aws:iam::123456789012:role/Deployer'] } }) }],
    ['assumed-role session', { Version: V, Statement: T({ Principal: { AWS: 'arn:aws:sts::123456789012:assumed-role/Dev/session1' } }) }],
    ['service', { Version: V, Statement: T({ Principal: { Service: ['healthlake.amazonaws.com', 'omics.amazonaws.com'] } }) }],
    ['federated OIDC provider', { Version: V, Statement: T({ Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }) }],
    ['Version 2008-10-17', { Version: '2008-10-17', Statement: T({ Principal: { Service: 'ec2.amazonaws.com' } }) }],
    ['no Version', { Statement: T() }],
    ['several STS actions', { Version: V, Statement: T({ Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }) }],
    ['sts:*', { Version: V, Statement: T({ Action: 'sts:*' }) }],
    ['Deny with NotPrincipal', { Version: V, Statement: [T(), without(T({ Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/Deployer' } }), 'Principal')] }],
    ['conditions', { Version: V, Statement: T({ Condition: { StringEquals: { 'sts:ExternalId': 'x' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) }],
  ];
  for (const [name, doc] of valid) {
    it(name, () => assert.equal(validatePolicyDocument(JSON.stringify(doc), 'trust'), undefined));
  }
  it('principal existence is checked through principalExists', () => {
    const doc = JSON.stringify({ Version: V, Statement: T({ Principal: { AWS: ['arn:aws:iam::123456789012:root', 'arn:aws:iam::123456789012:role/Gone'] } }) });
    const known = new Set(['arn:aws:iam::123456789012:role/Here']);
    const principalExists = (arn: string) => known.has(arn);
    assert.equal(validatePolicyDocument(doc, 'trust', { principalExists }), 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/Gone"');
    known.add('arn:aws:iam::123456789012:role/Gone');
    assert.equal(validatePolicyDocument(doc, 'trust', { principalExists }), undefined);
  });
  it('service names are checked through serviceExists', () => {
    const doc = JSON.stringify({ Version: V, Statement: T({ Principal: { Service: 'nope.amazonaws.com' } }) });
    assert.equal(validatePolicyDocument(doc, 'trust', { serviceExists: (s) => s !== 'nope.amazonaws.com' }), 'Invalid principal in policy: "SERVICE":"nope.amazonaws.com"');
    assert.equal(validatePolicyDocument(doc, 'trust'), undefined);
  });
});
