import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/core/aws-error.ts';
import { getServiceModel } from '../../src/wire/models.ts';
import { protocolFor, queryProtocol } from '../../src/wire/protocols/index.ts';
import { parseXmlDocument, xmlChild, xmlText } from '../../src/wire/protocols/xml-reader.ts';
import type { HttpRequest } from '../../src/wire/types.ts';
import { parseQueryOutput } from './support/client-parse.ts';
import { request, text } from './support/http.ts';

const iam = getServiceModel('iam')!;
const sts = getServiceModel('sts')!;
const sns = getServiceModel('sns')!;

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };

function form(body: string): HttpRequest {
  return request('POST', '/', FORM, body);
}

function rejects(req: HttpRequest, code: string, status: number, message?: string | RegExp): void {
  assert.throws(() => queryProtocol.parseRequest(iam, req), (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe('query protocol: requests', () => {
  it('is the protocol of IAM, STS and SNS', () => {
    for (const m of [iam, sts, sns]) assert.equal(protocolFor(m), queryProtocol);
  });

  it('reads scalars, member.N lists of structures and nested structures', () => {
    const { operation, input } = queryProtocol.parseRequest(iam, form(
      'Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fteam%2F&Tags.member.2.Key=b&Tags.member.2.Value=2'
      + '&Tags.member.1.Key=a&Tags.member.1.Value=1+2'));
    assert.equal(operation.name, 'CreateUser');
    assert.deepEqual(input, { Path: '/team/', UserName: 'bob', Tags: [{ Key: 'a', Value: '1 2' }, { Key: 'b', Value: '2' }] });
  });

  it('accepts GET with a query string, flattened lists, empty lists, typed values', () => {
    const { input } = queryProtocol.parseRequest(iam, request('GET', '/?Action=ListUsers&MaxItems=10&PathPrefix=%2F'));
    assert.deepEqual(input, { PathPrefix: '/', MaxItems: 10 });
    const flat = queryProtocol.parseRequest(iam, form('Action=UntagUser&UserName=u&TagKeys.1=a&TagKeys.2=b'));
    assert.deepEqual(flat.input, { UserName: 'u', TagKeys: ['a', 'b'] });
    const empty = queryProtocol.parseRequest(iam, form('Action=UntagUser&UserName=u&TagKeys='));
    assert.deepEqual(empty.input, { UserName: 'u', TagKeys: [] });
    const sts1 = queryProtocol.parseRequest(sts, form('Action=AssumeRole&RoleArn=arn&RoleSessionName=s&DurationSeconds=900'));
    assert.deepEqual(sts1.input, { RoleArn: 'arn', RoleSessionName: 's', DurationSeconds: 900 });
  });

  it('reads entry.N.key/value maps with the model\'s key and value names', () => {
    const { input } = queryProtocol.parseRequest(sns, form(
      'Action=Publish&Message=hi&TopicArn=t&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String'
      + '&MessageAttributes.entry.1.Value.StringValue=red'));
    assert.deepEqual(input, { TopicArn: 't', Message: 'hi', MessageAttributes: { color: { DataType: 'String', StringValue: 'red' } } });
  });

  it('answers MissingAction and InvalidAction', () => {
    rejects(form('Version=2010-05-08'), 'MissingAction', 400);
    rejects(form('Action=Frobnicate&Version=2010-05-08'), 'InvalidAction', 400, 'Could not find operation Frobnicate for version 2010-05-08');
    rejects(form('Action=toString'), 'InvalidAction', 400);
  });

  it('rejects malformed encoding and values of the wrong type', () => {
    rejects(form('Action=ListUsers&PathPrefix=%E0%A4%A'), 'MalformedQueryString', 404);
    rejects(request('POST', '/', FORM, Buffer.from([0x41, 0x3d, 0xff])), 'MalformedQueryString', 404);
    rejects(form('Action=ListUsers&MaxItems=ten'), 'InvalidParameterValue', 400, /MaxItems/);
    rejects(form('Action=CreateLoginProfile&UserName=u&Password=p&PasswordResetRequired=yes'), 'InvalidParameterValue', 400);
  });
});

describe('query protocol: responses and errors', () => {
  it('wraps output in <OpResponse><OpResult> with lists as <member> and ISO timestamps', () => {
    const op = iam.operations.ListUsers!;
    const res = queryProtocol.serializeResponse(iam, op, {
      Users: [{ Path: '/', UserName: 'a&b', UserId: 'AIDA', Arn: 'arn:aws:iam::1:user/a', CreateDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) }],
      IsTruncated: false,
    }, 'rid-1');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/xml');
    assert.equal(text(res), '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>'
      + '<Users><member><Path>/</Path><UserName>a&amp;b</UserName><UserId>AIDA</UserId><Arn>arn:aws:iam::1:user/a</Arn>'
      + '<CreateDate>2024-01-02T03:04:05Z</CreateDate></member></Users><IsTruncated>false</IsTruncated></ListUsersResult>'
      + '<ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></ListUsersResponse>');
    assert.deepEqual(parseQueryOutput(iam, op, res).Users, [{
      Path: '/', UserName: 'a&b', UserId: 'AIDA', Arn: 'arn:aws:iam::1:user/a', CreateDate: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    }]);
  });

  it('writes an operation without output as ResponseMetadata only', () => {
    const res = queryProtocol.serializeResponse(iam, iam.operations.DeleteUser!, {}, 'rid');
    assert.equal(text(res), '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
      + '<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteUserResponse>');
  });

  it('escapes attacker-controlled text and replaces characters XML cannot carry', () => {
    const nasty = '</UserName><x>&"\'\r\u0000\u0007\ud800';
    const res = queryProtocol.serializeResponse(iam, iam.operations.GetUser!, {
      User: { Path: '/', UserName: nasty, UserId: 'i', Arn: 'a', CreateDate: new Date(0) },
    }, 'rid');
    const out = parseQueryOutput(iam, iam.operations.GetUser!, res) as { User: { UserName: string } };
    assert.equal(out.User.UserName, '</UserName><x>&"\'\r\ufffd\ufffd\ufffd');
  });

  it('writes <ErrorResponse> with Type, Code, Message, RequestId and the modelled status', () => {
    const res = queryProtocol.serializeError(iam, new AwsError('NoSuchEntity', 'The user with name bob cannot be found.'), 'rid');
    assert.equal(res.status, 404);
    assert.equal(res.headers['content-type'], 'text/xml');
    assert.equal(text(res), '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
      + '<Code>NoSuchEntity</Code><Message>The user with name bob cannot be found.</Message></Error>'
      + '<RequestId>rid</RequestId></ErrorResponse>');
  });

  it('takes the status from the error, else the model, else 400 / 500 (Receiver)', () => {
    assert.equal(queryProtocol.serializeError(iam, new AwsError('EntityAlreadyExists', 'x'), 'r').status, 409);
    assert.equal(queryProtocol.serializeError(iam, new AwsError('AccessDenied', 'x', { status: 403 }), 'r').status, 403);
    assert.equal(queryProtocol.serializeError(iam, new AwsError('ValidationError', 'x'), 'r').status, 400);
    const fault = queryProtocol.serializeError(iam, new AwsError('InternalFailure', '<boom>', { status: 500, sender: false }), 'r');
    assert.equal(fault.status, 500);
    const { node } = parseXmlDocument(text(fault));
    const error = xmlChild(node, 'Error');
    assert.equal(xmlText(xmlChild(error, 'Type')), 'Receiver');
    assert.equal(xmlText(xmlChild(error, 'Message')), '<boom>');
  });

  it('writes extra error fields as elements', () => {
    const res = queryProtocol.serializeError(sts, new AwsError('RegionDisabledException', 'off', { fields: { Region: 'eu-south-1' } }), 'r');
    assert.match(text(res), /<Message>off<\/Message><Region>eu-south-1<\/Region><\/Error>/);
    assert.equal(res.status, 403);
  });
});
