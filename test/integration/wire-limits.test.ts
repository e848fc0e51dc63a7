/**
 * AWS protocol bodies that ask for much work from few bytes (issue 17, item 3): query keys of
 * a million parts, thousands of list items that each break a constraint, JSON nested 200,000
 * deep. Each answers in the protocol's shape with a bounded message, and the server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IAMClient, GetUserCommand } from '@aws-sdk/client-iam';
import { startTestServer, clientOptions, type TestServer } from '../helpers/server.ts';
import { signedFetch } from '../helpers/signed-fetch.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const LOOKUP_EVENTS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
};

describe('AWS protocol bodies are bounded', () => {
  let server: TestServer;
  let iam: IAMClient;

  before(async () => {
    server = await startTestServer();
    iam = new IAMClient(clientOptions(server));
  });
  after(async () => server?.stop());

  it('a query key of a million parts names no member and is ignored (IAM CreateUser)', async () => {
    const body = `Action=CreateUser&Version=2010-05-08&UserName=deep-key&Tags${'.member'.repeat(1_000_000)}=x`;
    const res = await signedFetch(server.url, { service: 'iam', path: '/', headers: FORM, body });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const user = await iam.send(new GetUserCommand({ UserName: 'deep-key' }));
    assert.equal(user.User?.Tags, undefined);
  });

  it('thousands of query list items are validated as a list (IAM Tags.member.N)', async () => {
    const tags = Array.from({ length: 20_000 }, (_, i) => `Tags.member.${i + 1}.Key=k${i}&Tags.member.${i + 1}.Value=v`).join('&');
    const res = await signedFetch(server.url, { service: 'iam', path: '/', headers: FORM, body: `Action=CreateUser&Version=2010-05-08&UserName=many-tags&${tags}` });
    assert.equal(res.status, 400, res.text.slice(0, 300));
    assert.match(res.text, /<Code>(ValidationError|LimitExceeded)<\/Code>/);
    assert.ok(res.text.length < 5000, `${res.text.length} characters`);
  });

  it('100,000 invalid list items: the message counts them all and lists a few (CloudTrail LookupEvents)', async () => {
    const body = JSON.stringify({ LookupAttributes: Array.from({ length: 100_000 }, () => ({ AttributeKey: 'x', AttributeValue: 'y' })) });
    const res = await signedFetch(server.url, { service: 'cloudtrail', path: '/', headers: LOOKUP_EVENTS, body });
    assert.equal(res.status, 400, res.text.slice(0, 300));
    const error = JSON.parse(res.text);
    assert.match(error.message, /^100000 validation errors detected: Value 'x' at 'lookupAttributes\.1\.member\.attributeKey' failed to satisfy constraint/);
    assert.ok(error.message.length < 5000, `${error.message.length} characters`);
  });

  it('JSON nested 200,000 deep is a 400 SerializationException (CloudTrail, HealthLake)', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const ct = await signedFetch(server.url, { service: 'cloudtrail', path: '/', headers: LOOKUP_EVENTS, body: `{"LookupAttributes":${deep}}` });
    assert.equal(ct.status, 400, ct.text.slice(0, 300));
    assert.equal(JSON.parse(ct.text).__type, 'SerializationException');
    const hl = await signedFetch(server.url, {
      service: 'healthlake', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.CreateFHIRDatastore' },
      body: `{"DatastoreTypeVersion":"R4","Tags":${deep}}`,
    });
    assert.equal(hl.status, 400, hl.text.slice(0, 300));
    assert.match(JSON.parse(hl.text).__type, /SerializationException/);
    assert.equal((await iam.send(new GetUserCommand({}))).User?.Arn?.endsWith(':root'), true);
  });
});
