/**
 * Condition operators, one table row per case: does a single Allow statement guarded by the
 * condition block allow the request?
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { evaluatePolicies, type ConditionContext } from '../../src/auth/policy/index.ts';

function holds(condition: unknown, context: ConditionContext, version = '2012-10-17'): boolean {
  const doc = JSON.stringify({
    Version: version,
    Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition },
  });
  const r = evaluatePolicies({ identityPolicies: [doc] }, { action: 's3:GetObject', resource: '*', context });
  return r.decision === 'Allow';
}

type Row = [name: string, condition: unknown, context: ConditionContext, expected: boolean];

function table(title: string, rows: Row[]): void {
  describe(title, () => {
    for (const [name, condition, context, expected] of rows) {
      it(name, () => assert.equal(holds(condition, context), expected, JSON.stringify(condition)));
    }
  });
}

const K = 'aws:PrincipalTag/team';

table('String operators', [
  ['StringEquals matches', { StringEquals: { [K]: 'red' } }, { [K]: 'red' }, true],
  ['StringEquals is case-sensitive', { StringEquals: { [K]: 'red' } }, { [K]: 'Red' }, false],
  ['StringEquals values are ORed', { StringEquals: { [K]: ['blue', 'red'] } }, { [K]: 'red' }, true],
  ['StringEquals on a missing key is false', { StringEquals: { [K]: 'red' } }, {}, false],
  ['StringEquals treats * literally', { StringEquals: { [K]: 'r*' } }, { [K]: 'red' }, false],
  ['StringEquals literal * matches itself', { StringEquals: { [K]: 'r*' } }, { [K]: 'r*' }, true],
  ['StringEquals with an empty string', { StringEquals: { [K]: '' } }, { [K]: '' }, true],
  ['StringNotEquals different value', { StringNotEquals: { [K]: 'red' } }, { [K]: 'blue' }, true],
  ['StringNotEquals same value', { StringNotEquals: { [K]: 'red' } }, { [K]: 'red' }, false],
  ['StringNotEquals NOR over values (one equal)', { StringNotEquals: { [K]: ['red', 'blue'] } }, { [K]: 'blue' }, false],
  ['StringNotEquals NOR over values (none equal)', { StringNotEquals: { [K]: ['red', 'blue'] } }, { [K]: 'green' }, true],
  ['StringNotEquals on a missing key is true', { StringNotEquals: { [K]: 'red' } }, {}, true],
  ['StringEqualsIgnoreCase folds case', { StringEqualsIgnoreCase: { [K]: 'RED' } }, { [K]: 'rEd' }, true],
  ['StringEqualsIgnoreCase different', { StringEqualsIgnoreCase: { [K]: 'RED' } }, { [K]: 'blue' }, false],
  ['StringNotEqualsIgnoreCase folded equal', { StringNotEqualsIgnoreCase: { [K]: 'RED' } }, { [K]: 'red' }, false],
  ['StringNotEqualsIgnoreCase different', { StringNotEqualsIgnoreCase: { [K]: 'RED' } }, { [K]: 'blue' }, true],
  ['StringNotEqualsIgnoreCase missing', { StringNotEqualsIgnoreCase: { [K]: 'RED' } }, {}, true],
  ['StringLike *', { StringLike: { [K]: 'r*d' } }, { [K]: 'rainbow-red' }, true],
  ['StringLike * matches empty', { StringLike: { [K]: 'red*' } }, { [K]: 'red' }, true],
  ['StringLike ? is one character', { StringLike: { [K]: 'r?d' } }, { [K]: 'red' }, true],
  ['StringLike ? is not zero characters', { StringLike: { [K]: 'r?d' } }, { [K]: 'rd' }, false],
  ['StringLike ? is not two characters', { StringLike: { [K]: 'r?d' } }, { [K]: 'reed' }, false],
  ['StringLike is case-sensitive', { StringLike: { [K]: 'R*' } }, { [K]: 'red' }, false],
  ['StringLike without wildcards is exact', { StringLike: { [K]: 'red' } }, { [K]: 'reddish' }, false],
  ['StringLike backtracking', { StringLike: { [K]: '*a*b*c' } }, { [K]: 'xxaxbxxbyc' }, true],
  ['StringLike backtracking miss', { StringLike: { [K]: '*a*b*c' } }, { [K]: 'xxaxbxxbycd' }, false],
  ['StringLike on a missing key', { StringLike: { [K]: '*' } }, {}, false],
  ['StringNotLike matching', { StringNotLike: { [K]: 'r*' } }, { [K]: 'red' }, false],
  ['StringNotLike not matching', { StringNotLike: { [K]: 'r*' } }, { [K]: 'blue' }, true],
  ['StringNotLike missing key', { StringNotLike: { [K]: 'r*' } }, {}, true],
]);

table('Keys, IfExists and blocks', [
  ['condition key names are case-insensitive (policy side)', { StringEquals: { 'AWS:PRINCIPALTAG/TEAM': 'red' } }, { [K]: 'red' }, true],
  ['condition key names are case-insensitive (context side)', { StringEquals: { [K]: 'red' } }, { 'aws:principaltag/TEAM': 'red' }, true],
  ['IfExists on a missing key is true', { StringEqualsIfExists: { [K]: 'red' } }, {}, true],
  ['IfExists on a present key still tests', { StringEqualsIfExists: { [K]: 'red' } }, { [K]: 'blue' }, false],
  ['IfExists on a present matching key', { StringLikeIfExists: { [K]: 'r*' } }, { [K]: 'red' }, true],
  ['NumericLessThanIfExists missing', { NumericLessThanIfExists: { 's3:max-keys': '10' } }, {}, true],
  ['keys under one operator are ANDed (both)', { StringEquals: { [K]: 'red', 'aws:RequestedRegion': 'us-east-1' } }, { [K]: 'red', 'aws:RequestedRegion': 'us-east-1' }, true],
  ['keys under one operator are ANDed (one)', { StringEquals: { [K]: 'red', 'aws:RequestedRegion': 'us-east-1' } }, { [K]: 'red', 'aws:RequestedRegion': 'eu-west-1' }, false],
  ['operators are ANDed', { StringEquals: { [K]: 'red' }, Bool: { 'aws:SecureTransport': 'true' } }, { [K]: 'red', 'aws:SecureTransport': 'false' }, false],
  ['operators are ANDed (all hold)', { StringEquals: { [K]: 'red' }, Bool: { 'aws:SecureTransport': 'true' } }, { [K]: 'red', 'aws:SecureTransport': 'true' }, true],
  ['an empty block holds', {}, {}, true],
  ['an unknown operator with an empty body is ignored', { Bogus: {} }, {}, true],
]);

const N = 's3:max-keys';
table('Numeric operators', [
  ['NumericEquals', { NumericEquals: { [N]: '10' } }, { [N]: '10' }, true],
  ['NumericEquals compares numbers, not text', { NumericEquals: { [N]: '10' } }, { [N]: '10.0' }, true],
  ['NumericEquals with a JSON number', { NumericEquals: { [N]: 10 } }, { [N]: '10' }, true],
  ['NumericEquals miss', { NumericEquals: { [N]: '10' } }, { [N]: '11' }, false],
  ['NumericNotEquals', { NumericNotEquals: { [N]: ['10', '20'] } }, { [N]: '15' }, true],
  ['NumericNotEquals NOR', { NumericNotEquals: { [N]: ['10', '20'] } }, { [N]: '20' }, false],
  ['NumericNotEquals missing', { NumericNotEquals: { [N]: '10' } }, {}, true],
  ['NumericLessThan', { NumericLessThan: { [N]: '10' } }, { [N]: '9.5' }, true],
  ['NumericLessThan boundary', { NumericLessThan: { [N]: '10' } }, { [N]: '10' }, false],
  ['NumericLessThanEquals boundary', { NumericLessThanEquals: { [N]: '10' } }, { [N]: '10' }, true],
  ['NumericGreaterThan', { NumericGreaterThan: { [N]: '10' } }, { [N]: '11' }, true],
  ['NumericGreaterThan boundary', { NumericGreaterThan: { [N]: '10' } }, { [N]: '10' }, false],
  ['NumericGreaterThanEquals boundary', { NumericGreaterThanEquals: { [N]: '10' } }, { [N]: '10' }, true],
  ['NumericGreaterThanEquals negative', { NumericGreaterThanEquals: { [N]: '-5' } }, { [N]: '-6' }, false],
  ['Numeric values are ORed', { NumericLessThan: { [N]: ['1', '100'] } }, { [N]: '50' }, true],
  ['non-numeric request value fails', { NumericLessThan: { [N]: '10' } }, { [N]: 'abc' }, false],
  ['non-numeric request value fails a negated operator too', { NumericNotEquals: { [N]: '10' } }, { [N]: 'abc' }, false],
  ['Numeric on a missing key', { NumericLessThan: { [N]: '10' } }, {}, false],
]);

const T = 'aws:CurrentTime';
const E = 'aws:EpochTime';
table('Date operators', [
  ['DateLessThan ISO', { DateLessThan: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-05-31T23:59:59Z' }, true],
  ['DateLessThan boundary', { DateLessThan: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-06-01T00:00:00Z' }, false],
  ['DateLessThanEquals boundary', { DateLessThanEquals: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-06-01T00:00:00Z' }, true],
  ['DateGreaterThan', { DateGreaterThan: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-06-01T00:00:01Z' }, true],
  ['DateGreaterThanEquals', { DateGreaterThanEquals: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-05-01T00:00:00Z' }, false],
  ['DateEquals across zone offsets', { DateEquals: { [T]: '2024-06-01T02:00:00+02:00' } }, { [T]: '2024-06-01T00:00:00Z' }, true],
  ['DateEquals with fractional seconds', { DateEquals: { [T]: '2024-06-01T00:00:00.000Z' } }, { [T]: '2024-06-01T00:00:00Z' }, true],
  ['DateNotEquals', { DateNotEquals: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-06-02T00:00:00Z' }, true],
  ['DateNotEquals same instant', { DateNotEquals: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: '2024-06-01T00:00:00Z' }, false],
  ['date-only policy value', { DateGreaterThanEquals: { [T]: '2024-06-01' } }, { [T]: '2024-06-01T00:00:00Z' }, true],
  ['epoch policy value vs ISO request', { DateLessThan: { [T]: '1717200000' } }, { [T]: '2024-05-31T23:59:59Z' }, true],
  ['epoch policy value vs ISO request (equal)', { DateEquals: { [T]: '1717200000' } }, { [T]: '2024-06-01T00:00:00Z' }, true],
  ['ISO policy value vs epoch request (aws:EpochTime)', { DateGreaterThan: { [E]: '2024-06-01T00:00:00Z' } }, { [E]: '1717200001' }, true],
  ['aws:TokenIssueTime', { DateGreaterThan: { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' } }, { 'aws:TokenIssueTime': '2024-03-01T10:00:00Z' }, true],
  ['aws:TokenIssueTime missing', { DateGreaterThan: { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' } }, {}, false],
  ['unparsable request date fails', { DateLessThan: { [T]: '2024-06-01T00:00:00Z' } }, { [T]: 'yesterday' }, false],
  ['aws:CurrentTime is always present (now)', { DateGreaterThan: { [T]: '2020-01-01T00:00:00Z' } }, {}, true],
  ['aws:EpochTime is always present (now)', { DateLessThan: { [E]: '2020-01-01T00:00:00Z' } }, {}, false],
]);

const S = 'aws:SecureTransport';
table('Bool and BinaryEquals', [
  ['Bool true', { Bool: { [S]: 'true' } }, { [S]: 'true' }, true],
  ['Bool false vs true', { Bool: { [S]: 'false' } }, { [S]: 'true' }, false],
  ['Bool is case-insensitive', { Bool: { [S]: 'TRUE' } }, { [S]: 'True' }, true],
  ['Bool with a JSON boolean', { Bool: { [S]: false } }, { [S]: 'false' }, true],
  ['Bool on a missing key', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, {}, false],
  ['BoolIfExists on a missing key', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, {}, true],
  ['BoolIfExists present true vs false', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, { 'aws:MultiFactorAuthPresent': 'true' }, false],
  ['BinaryEquals', { BinaryEquals: { 'k:bin': 'QmluYXJ5VmFsdWU=' } }, { 'k:bin': 'QmluYXJ5VmFsdWU=' }, true],
  ['BinaryEquals different bytes', { BinaryEquals: { 'k:bin': 'QmluYXJ5VmFsdWU=' } }, { 'k:bin': 'T3RoZXI=' }, false],
  ['BinaryEquals missing', { BinaryEquals: { 'k:bin': 'QmluYXJ5VmFsdWU=' } }, {}, false],
]);

const IP = 'aws:SourceIp';
table('IP address operators', [
  ['IPv4 CIDR hit', { IpAddress: { [IP]: '203.0.113.0/24' } }, { [IP]: '203.0.113.77' }, true],
  ['IPv4 CIDR miss', { IpAddress: { [IP]: '203.0.113.0/24' } }, { [IP]: '203.0.114.1' }, false],
  ['IPv4 /0 matches everything v4', { IpAddress: { [IP]: '0.0.0.0/0' } }, { [IP]: '8.8.8.8' }, true],
  ['IPv4 address without mask is /32', { IpAddress: { [IP]: '203.0.113.5' } }, { [IP]: '203.0.113.5' }, true],
  ['IPv4 address without mask is /32 (miss)', { IpAddress: { [IP]: '203.0.113.5' } }, { [IP]: '203.0.113.6' }, false],
  ['IPv4 values are ORed', { IpAddress: { [IP]: ['10.0.0.0/8', '192.168.0.0/16'] } }, { [IP]: '192.168.4.4' }, true],
  ['IPv4 /31 boundary', { IpAddress: { [IP]: '10.0.0.2/31' } }, { [IP]: '10.0.0.3' }, true],
  ['IPv4 /31 outside', { IpAddress: { [IP]: '10.0.0.2/31' } }, { [IP]: '10.0.0.4' }, false],
  ['IPv6 CIDR hit', { IpAddress: { [IP]: '2001:DB8:1234:5678::/64' } }, { [IP]: '2001:db8:1234:5678:abcd::1' }, true],
  ['IPv6 CIDR miss', { IpAddress: { [IP]: '2001:DB8:1234:5678::/64' } }, { [IP]: '2001:db8:1234:5679::1' }, false],
  ['IPv6 single address', { IpAddress: { [IP]: '2001:db8::1' } }, { [IP]: '2001:0db8:0000:0000:0000:0000:0000:0001' }, true],
  ['IPv6 request vs IPv4-only range', { IpAddress: { [IP]: '0.0.0.0/0' } }, { [IP]: '2001:db8::1' }, false],
  ['IPv4-mapped IPv6 request outside an IPv4-only range', { IpAddress: { [IP]: '203.0.113.0/24' } }, { [IP]: '::ffff:198.51.100.1' }, false],
  ['IPv4 request vs IPv6 range', { IpAddress: { [IP]: '2001:db8::/32' } }, { [IP]: '10.0.0.1' }, false],
  ['mixed v4/v6 list', { IpAddress: { [IP]: ['10.0.0.0/8', '2001:db8::/32'] } }, { [IP]: '2001:db8::9' }, true],
  ['IPv4-mapped IPv6 request', { IpAddress: { [IP]: '203.0.113.0/24' } }, { [IP]: '::ffff:203.0.113.9' }, true],
  ['invalid request address fails', { IpAddress: { [IP]: '0.0.0.0/0' } }, { [IP]: 'not-an-ip' }, false],
  ['IpAddress on a missing key', { IpAddress: { [IP]: '0.0.0.0/0' } }, {}, false],
  ['NotIpAddress outside', { NotIpAddress: { [IP]: '10.0.0.0/8' } }, { [IP]: '11.0.0.1' }, true],
  ['NotIpAddress inside', { NotIpAddress: { [IP]: '10.0.0.0/8' } }, { [IP]: '10.9.9.9' }, false],
  ['NotIpAddress NOR over values', { NotIpAddress: { [IP]: ['10.0.0.0/8', '11.0.0.0/8'] } }, { [IP]: '11.0.0.1' }, false],
  ['NotIpAddress IPv6', { NotIpAddress: { [IP]: '2001:db8::/32' } }, { [IP]: '2001:db9::1' }, true],
  ['NotIpAddress on a missing key is true', { NotIpAddress: { [IP]: '10.0.0.0/8' } }, {}, true],
  ['NotIpAddress with an invalid request address fails', { NotIpAddress: { [IP]: '10.0.0.0/8' } }, { [IP]: 'garbage' }, false],
]);

const PA = 'aws:PrincipalArn';
table('ARN operators', [
  ['ArnEquals exact', { ArnEquals: { [PA]: 'arn:aws:iam::123456789012:role/Admin' } }, { [PA]: 'arn:aws:iam::123456789012:role/Admin' }, true],
  ['ArnEquals accepts wildcards too', { ArnEquals: { [PA]: 'arn:aws:iam::*:role/Adm?n' } }, { [PA]: 'arn:aws:iam::123456789012:role/Admin' }, true],
  ['ArnLike wildcard in resource part', { ArnLike: { [PA]: 'arn:aws:iam::123456789012:role/*' } }, { [PA]: 'arn:aws:iam::123456789012:role/team/Dev' }, true],
  ['ArnLike is case-sensitive', { ArnLike: { [PA]: 'arn:aws:iam::123456789012:role/admin' } }, { [PA]: 'arn:aws:iam::123456789012:role/Admin' }, false],
  ['ArnLike account mismatch', { ArnLike: { [PA]: 'arn:aws:iam::111111111111:role/*' } }, { [PA]: 'arn:aws:iam::123456789012:role/Admin' }, false],
  ['ArnLike short pattern with trailing *', { ArnLike: { [PA]: 'arn:aws:iam::*' } }, { [PA]: 'arn:aws:iam::123456789012:user/bob' }, true],
  ['ArnLike service mismatch', { ArnLike: { [PA]: 'arn:aws:sts::*:*' } }, { [PA]: 'arn:aws:iam::123456789012:user/bob' }, false],
  ['ArnLike against a non-ARN fails', { ArnLike: { [PA]: '*' } }, { [PA]: 'not-an-arn' }, false],
  ['ArnNotEquals different', { ArnNotEquals: { [PA]: 'arn:aws:iam::123456789012:role/Admin' } }, { [PA]: 'arn:aws:iam::123456789012:role/Dev' }, true],
  ['ArnNotLike matching', { ArnNotLike: { [PA]: 'arn:aws:iam::123456789012:role/*' } }, { [PA]: 'arn:aws:iam::123456789012:role/Dev' }, false],
  ['ArnNotLike missing key', { ArnNotLike: { [PA]: 'arn:aws:iam::123456789012:role/*' } }, {}, true],
  ['ArnNotLike against a non-ARN fails', { ArnNotLike: { [PA]: 'arn:aws:iam::123456789012:role/*' } }, { [PA]: 'nope' }, false],
  ['ArnEquals with a whole-ARN variable', { ArnEquals: { 'aws:SourceArn': '${aws:PrincipalArn}' } }, { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/R', [PA]: 'arn:aws:iam::123456789012:role/R' }, true],
  ['ArnEquals with a whole-ARN variable (different)', { ArnEquals: { 'aws:SourceArn': '${aws:PrincipalArn}' } }, { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/S', [PA]: 'arn:aws:iam::123456789012:role/R' }, false],
  ['ArnLike with a variable', { ArnLike: { [PA]: 'arn:aws:iam::${aws:PrincipalAccount}:user/*' } }, { [PA]: 'arn:aws:iam::123456789012:user/bob', 'aws:PrincipalAccount': '123456789012' }, true],
]);

table('Null', [
  ['Null true on a missing key', { Null: { 'aws:TokenIssueTime': 'true' } }, {}, true],
  ['Null true on a present key', { Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' }, false],
  ['Null false on a present key', { Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2024-01-01T00:00:00Z' }, true],
  ['Null false on a missing key', { Null: { 'aws:TokenIssueTime': 'false' } }, {}, false],
  ['Null with a JSON boolean', { Null: { 'aws:TokenIssueTime': true } }, {}, true],
  ['Null treats an empty list as absent', { Null: { 'aws:TagKeys': 'true' } }, { 'aws:TagKeys': [] }, true],
  ['Null on a non-empty list', { Null: { 'aws:TagKeys': 'false' } }, { 'aws:TagKeys': ['a'] }, true],
]);

const TK = 'aws:TagKeys';
table('Set operators', [
  ['ForAllValues subset', { 'ForAllValues:StringEquals': { [TK]: ['a', 'b', 'c'] } }, { [TK]: ['a', 'c'] }, true],
  ['ForAllValues not a subset', { 'ForAllValues:StringEquals': { [TK]: ['a', 'b'] } }, { [TK]: ['a', 'z'] }, false],
  ['ForAllValues missing key is true', { 'ForAllValues:StringEquals': { [TK]: ['a'] } }, {}, true],
  ['ForAllValues empty set is true', { 'ForAllValues:StringEquals': { [TK]: ['a'] } }, { [TK]: [] }, true],
  ['ForAllValues:StringLike', { 'ForAllValues:StringLike': { [TK]: 'cost-*' } }, { [TK]: ['cost-center', 'cost-owner'] }, true],
  ['ForAllValues:StringLike one outside', { 'ForAllValues:StringLike': { [TK]: 'cost-*' } }, { [TK]: ['cost-center', 'owner'] }, false],
  ['ForAllValues:StringNotEquals none listed', { 'ForAllValues:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, { [TK]: ['Dept', 'SIC'] }, true],
  ['ForAllValues:StringNotEquals one listed', { 'ForAllValues:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, { [TK]: ['DataClass', 'Dept'] }, false],
  ['ForAllValues:StringNotEquals missing', { 'ForAllValues:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, {}, true],
  ['ForAllValues:StringNotLike', { 'ForAllValues:StringNotLike': { [TK]: 'key1*' } }, { [TK]: ['key2:audit'] }, true],
  ['ForAllValues:StringNotLike prefix present', { 'ForAllValues:StringNotLike': { [TK]: 'key1*' } }, { [TK]: ['key1:hr', 'key1:personnel'] }, false],
  ['ForAllValues with a single value treats it as a set of one', { 'ForAllValues:StringEquals': { [TK]: ['a', 'b'] } }, { [TK]: 'a' }, true],
  ['ForAnyValue intersection', { 'ForAnyValue:StringEquals': { [TK]: ['a', 'b'] } }, { [TK]: ['z', 'b'] }, true],
  ['ForAnyValue disjoint', { 'ForAnyValue:StringEquals': { [TK]: ['a', 'b'] } }, { [TK]: ['y', 'z'] }, false],
  ['ForAnyValue missing key is false', { 'ForAnyValue:StringEquals': { [TK]: ['a'] } }, {}, false],
  ['ForAnyValue empty set is false', { 'ForAnyValue:StringEquals': { [TK]: ['a'] } }, { [TK]: [] }, false],
  ['ForAnyValue:StringEqualsIfExists missing key is true', { 'ForAnyValue:StringEqualsIfExists': { [TK]: ['a'] } }, {}, true],
  ['ForAnyValue:StringNotEquals some value unlisted', { 'ForAnyValue:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, { [TK]: ['Dept', 'DataClass'] }, true],
  ['ForAnyValue:StringNotEquals all listed', { 'ForAnyValue:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, { [TK]: ['DataClass', 'Owner'] }, false],
  ['ForAnyValue:StringNotEquals missing', { 'ForAnyValue:StringNotEquals': { [TK]: ['DataClass', 'Owner'] } }, {}, false],
  ['ForAnyValue:StringLike', { 'ForAnyValue:StringLike': { [TK]: ['Owner:*', 'State:??'] } }, { [TK]: ['x', 'State:NY'] }, true],
  ['ForAnyValue:StringLike none', { 'ForAnyValue:StringLike': { [TK]: ['Owner:*', 'State:??'] } }, { [TK]: ['x', 'State:NYC'] }, false],
  ['ForAnyValue:StringEqualsIgnoreCase', { 'ForAnyValue:StringEqualsIgnoreCase': { [TK]: ['OWNER'] } }, { [TK]: ['owner'] }, true],
  ['set qualifier names are case-insensitive', { 'forallvalues:stringequals': { [TK]: ['a'] } }, { [TK]: ['a'] }, true],
  ['plain operator on a multivalued key: any member', { StringEquals: { [TK]: 'a' } }, { [TK]: ['b', 'a'] }, true],
  ['plain operator on a multivalued key: no member', { StringEquals: { [TK]: 'a' } }, { [TK]: ['b', 'c'] }, false],
  ['plain negated operator on a multivalued key: a member equal', { StringNotEquals: { [TK]: 'a' } }, { [TK]: ['b', 'a'] }, false],
  ['plain negated operator on a multivalued key: none equal', { StringNotEquals: { [TK]: 'a' } }, { [TK]: ['b', 'c'] }, true],
  ['plain operator on an empty list behaves as absent', { StringEquals: { [TK]: 'a' } }, { [TK]: [] }, false],
]);

const U = 'aws:username';
table('Policy variables in condition values', [
  ['variable resolves', { StringEquals: { [K]: '${aws:username}' } }, { [K]: 'bob', [U]: 'bob' }, true],
  ['variable resolves to another value', { StringEquals: { [K]: '${aws:username}' } }, { [K]: 'bob', [U]: 'alice' }, false],
  ['variable names are case-insensitive', { StringEquals: { [K]: '${AWS:UserName}' } }, { [K]: 'bob', [U]: 'bob' }, true],
  ['variable embedded in text', { StringLike: { [K]: 'team-${aws:username}-*' } }, { [K]: 'team-bob-x', [U]: 'bob' }, true],
  ['unresolvable variable matches nothing', { StringEquals: { [K]: '${aws:username}' } }, { [K]: '' }, false],
  ['unresolvable variable: negated operator holds', { StringNotEquals: { [K]: '${aws:username}' } }, { [K]: 'bob' }, true],
  ['default value', { StringEquals: { [K]: "${aws:username, 'nobody'}" } }, { [K]: 'nobody' }, true],
  ['default value with a quote', { StringEquals: { [K]: "${aws:username, 'o''brien'}" } }, { [K]: "o'brien" }, true],
  ['default unused when the key exists', { StringEquals: { [K]: "${aws:username, 'nobody'}" } }, { [K]: 'nobody', [U]: 'bob' }, false],
  ['multivalued key is not a variable', { StringEquals: { [K]: '${aws:TagKeys}' } }, { [K]: 'a', [TK]: ['a'] }, false],
  ['resolved value is literal in StringLike', { StringLike: { [K]: '${aws:username}' } }, { [K]: 'bob', [U]: 'b*' }, false],
  ['${*} is a literal star', { StringLike: { [K]: 'a${*}' } }, { [K]: 'a*' }, true],
  ['${*} does not act as wildcard', { StringLike: { [K]: 'a${*}' } }, { [K]: 'ab' }, false],
  ['${?} is a literal question mark', { StringLike: { [K]: 'why${?}' } }, { [K]: 'why?' }, true],
  ['${$} is a literal dollar', { StringEquals: { [K]: '${$}{x}' } }, { [K]: '${x}' }, true],
  ['StringEqualsIgnoreCase folds the resolved value', { StringEqualsIgnoreCase: { [K]: '${aws:username}' } }, { [K]: 'BOB', [U]: 'bob' }, true],
]);

describe('Policy variables need Version 2012-10-17', () => {
  it('are literal text under 2008-10-17', () => {
    assert.equal(holds({ StringEquals: { [K]: '${aws:username}' } }, { [K]: 'bob', [U]: 'bob' }, '2008-10-17'), false);
    assert.equal(holds({ StringEquals: { [K]: '${aws:username}' } }, { [K]: '${aws:username}' }, '2008-10-17'), true);
  });
});
