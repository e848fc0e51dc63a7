/**
 * Bad input gets the protocol's own error with a 4xx and a clear message: never a 5xx, a hang
 * or a crash; and the server keeps serving afterwards.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { signedFetch, type RawRequest } from '../helpers/signed-fetch.ts';

const HEALTHLAKE = { service: 'healthlake', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.ListFHIRDatastores' } };
const CLOUDTRAIL = { service: 'cloudtrail', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' } };

function jsonError(text: string): { __type: string; message?: string; Message?: string } {
  return JSON.parse(text);
}

describe('bad input', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ maxBodyBytes: 64 * 1024 }); });
  after(async () => server?.stop());

  const send = (r: RawRequest) => signedFetch(server.url, r);

  it('malformed JSON is a SerializationException', async () => {
    const res = await send({ ...HEALTHLAKE, body: '{"MaxResults": ' });
    assert.equal(res.status, 400);
    assert.match(jsonError(res.text).__type, /SerializationException$/);
  });

  it('a wrong-typed member is a SerializationException naming it', async () => {
    const res = await send({ ...HEALTHLAKE, body: JSON.stringify({ MaxResults: 'ten' }) });
    assert.equal(res.status, 400);
    const err = jsonError(res.text);
    assert.match(err.__type, /SerializationException$/);
  });

  it('invalid UTF-8 is refused', async () => {
    const res = await send({ ...HEALTHLAKE, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) });
    assert.equal(res.status, 400);
  });

  it('an unknown operation is UnknownOperationException', async () => {
    const res = await send({ ...HEALTHLAKE, headers: { ...HEALTHLAKE.headers, 'x-amz-target': 'HealthLake.DropEverything' }, body: '{}' });
    assert.equal(res.status, 400);
    assert.match(jsonError(res.text).__type, /UnknownOperationException$/);
  });

  it('a missing required member is a ValidationException in Coral form, and is recorded', async () => {
    const res = await send({ ...HEALTHLAKE, headers: { ...HEALTHLAKE.headers, 'x-amz-target': 'HealthLake.DescribeFHIRDatastore' }, body: '{}' });
    assert.equal(res.status, 400);
    const err = jsonError(res.text);
    assert.match(err.__type, /ValidationException$/);
    assert.match(err.Message ?? err.message ?? '', /^1 validation error detected: Value null at 'datastoreId' failed to satisfy constraint: Member must not be null$/);
    const requestId = res.headers.get('x-amzn-requestid');
    const lookup = await send({ ...CLOUDTRAIL, body: JSON.stringify({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeFHIRDatastore' }] }) });
    const events = JSON.parse(lookup.text).Events.map((e: { CloudTrailEvent: string }) => JSON.parse(e.CloudTrailEvent));
    const recorded = events.find((e: { requestID: string }) => e.requestID === requestId);
    assert.equal(recorded?.errorCode, 'ValidationException');
  });

  it('an oversized body is refused with 413', async () => {
    const res = await send({ ...HEALTHLAKE, body: JSON.stringify({ NextToken: 'x'.repeat(100 * 1024) }) });
    assert.equal(res.status, 413);
  });

  it('LookupEvents rejects two attributes, a reversed range and MaxResults over 50 with CloudTrail codes', async () => {
    const two = await send({ ...CLOUDTRAIL, body: JSON.stringify({ LookupAttributes: [
      { AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }) });
    assert.match(jsonError(two.text).__type, /InvalidLookupAttributesException$/);
    const range = await send({ ...CLOUDTRAIL, body: JSON.stringify({ StartTime: 2000, EndTime: 1000 }) });
    assert.match(jsonError(range.text).__type, /InvalidTimeRangeException$/);
    const max = await send({ ...CLOUDTRAIL, body: JSON.stringify({ MaxResults: 51 }) });
    assert.match(jsonError(max.text).__type, /InvalidMaxResultsException$/);
    const token = await send({ ...CLOUDTRAIL, body: JSON.stringify({ NextToken: 'forged' }) });
    assert.match(jsonError(token.text).__type, /InvalidNextTokenException$/);
  });

  it('an IAM query request without Action is MissingAction in XML', async () => {
    const res = await send({ service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Version=2010-05-08' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<Code>MissingAction<\/Code>/);
  });

  it('a request with no signature is MissingAuthenticationToken; an unknown service is refused', async () => {
    const res = await fetch(`${server.url}/`, { method: 'POST', headers: HEALTHLAKE.headers, body: '{}' });
    assert.equal(res.status, 403);
    assert.match((await res.json() as { __type: string }).__type, /MissingAuthenticationToken/);
    const unknown = await send({ service: 'kinesis', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, body: '{}' });
    assert.equal(unknown.status, 400);
  });

  it('keeps serving after all of it', async () => {
    const res = await send({ ...HEALTHLAKE, body: '{}' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { DatastorePropertiesList: [] });
  });
});
