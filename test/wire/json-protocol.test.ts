import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/core/aws-error.ts';
import { getServiceModel } from '../../src/wire/models.ts';
import { jsonProtocol, protocolFor } from '../../src/wire/protocols/index.ts';
import type { HttpRequest } from '../../src/wire/types.ts';
import { json, request } from './support/http.ts';

const healthlake = getServiceModel('healthlake')!;
const cloudtrail = getServiceModel('cloudtrail')!;

function hl(op: string, body: string | Buffer, contentType = 'application/x-amz-json-1.0'): HttpRequest {
  return request('POST', '/', { 'X-Amz-Target': `HealthLake.${op}`, 'Content-Type': contentType }, body);
}

function rejects(req: HttpRequest, code: string, message?: RegExp | string, model = healthlake): void {
  assert.throws(() => jsonProtocol.parseRequest(model, req), (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, code);
    assert.ok(e.status !== undefined && e.status >= 400 && e.status < 500);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

describe('json protocol: requests', () => {
  it('is the protocol of HealthLake and CloudTrail', () => {
    assert.equal(protocolFor(healthlake), jsonProtocol);
    assert.equal(protocolFor(cloudtrail), jsonProtocol);
  });

  it('parses typed input; an empty body is {}', () => {
    const { operation, input } = jsonProtocol.parseRequest(healthlake, hl('ListFHIRDatastores',
      '{"MaxResults":10,"Filter":{"CreatedAfter":1700000000.5,"DatastoreStatus":"ACTIVE"},"Unknown":1}'));
    assert.equal(operation.name, 'ListFHIRDatastores');
    assert.deepEqual(input, { MaxResults: 10, Filter: { CreatedAfter: new Date(1700000000500), DatastoreStatus: 'ACTIVE' } });
    assert.deepEqual(jsonProtocol.parseRequest(healthlake, hl('ListFHIRDatastores', '')).input, {});
  });

  it('accepts CloudTrail targets with the full prefix or any dot-separated suffix of it', () => {
    for (const prefix of ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101', 'CloudTrail_20131101', 'v20131101.CloudTrail_20131101']) {
      const req = request('POST', '/', { 'X-Amz-Target': `${prefix}.LookupEvents`, 'Content-Type': 'application/x-amz-json-1.1' }, '{}');
      assert.equal(jsonProtocol.parseRequest(cloudtrail, req).operation.name, 'LookupEvents');
    }
    for (const prefix of ['Trail_20131101', 'CloudTrail', 'HealthLake', '']) {
      const req = request('POST', '/', { 'X-Amz-Target': `${prefix}.LookupEvents`, 'Content-Type': 'application/x-amz-json-1.1' }, '{}');
      rejects(req, 'UnknownOperationException', undefined, cloudtrail);
    }
  });

  it('rejects unknown or missing operations', () => {
    rejects(hl('NoSuchThing', '{}'), 'UnknownOperationException', 'Unknown operation HealthLake.NoSuchThing');
    rejects(hl('constructor', '{}'), 'UnknownOperationException');
    rejects(request('POST', '/', { 'Content-Type': 'application/x-amz-json-1.0' }, '{}'), 'UnknownOperationException', /X-Amz-Target/);
  });

  it('rejects a Content-Type that is not AWS JSON', () => {
    rejects(hl('ListFHIRDatastores', '{}', 'application/json'), 'UnknownOperationException', /Content-Type/);
    rejects(request('POST', '/', { 'X-Amz-Target': 'HealthLake.ListFHIRDatastores' }, '{}'), 'UnknownOperationException');
    assert.doesNotThrow(() => jsonProtocol.parseRequest(healthlake, hl('ListFHIRDatastores', '{}', 'application/x-amz-json-1.0; charset=utf-8')));
  });

  it('rejects malformed JSON and invalid UTF-8 with SerializationException', () => {
    rejects(hl('ListFHIRDatastores', '{"MaxResults":'), 'SerializationException');
    rejects(hl('ListFHIRDatastores', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 'SerializationException', /UTF-8/);
    rejects(hl('ListFHIRDatastores', '[1,2]'), 'SerializationException', /Start of list/);
    rejects(hl('ListFHIRDatastores', '"text"'), 'SerializationException');
  });

  it('rejects wrong JSON types, naming the member', () => {
    rejects(hl('ListFHIRDatastores', '{"MaxResults":"10"}'), 'SerializationException',
      "STRING_VALUE can not be converted to an Integer at 'MaxResults'");
    rejects(hl('ListFHIRDatastores', '{"MaxResults":1.5}'), 'SerializationException', /Integer/);
    rejects(hl('ListFHIRDatastores', '{"MaxResults":9999999999}'), 'SerializationException', /Integer/);
    rejects(hl('CreateFHIRDatastore', '{"DatastoreName":123}'), 'SerializationException',
      "NUMBER_VALUE can not be converted to a String at 'DatastoreName'");
    rejects(hl('CreateFHIRDatastore', '{"Tags":{"Key":"a"}}'), 'SerializationException', /Start of structure or map found where not expected at 'Tags'/);
    rejects(hl('CreateFHIRDatastore', '{"Tags":[{"Key":true}]}'), 'SerializationException', /TRUE_VALUE .* at 'Tags\.1\.member\.Key'/);
    rejects(hl('ListFHIRDatastores', '{"Filter":{"CreatedAfter":"yesterday"}}'), 'SerializationException', /Date/);
  });

  it('ignores unknown members, __proto__ included', () => {
    const req = hl('ListFHIRDatastores', '{"__proto__":{"polluted":true},"MaxResults":1}');
    assert.deepEqual(jsonProtocol.parseRequest(healthlake, req).input, { MaxResults: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('json protocol: responses and errors', () => {
  it('writes epoch-second timestamps (with a ms fraction) and omits absent members', () => {
    const op = healthlake.operations.DescribeFHIRDatastore!;
    const res = jsonProtocol.serializeResponse(healthlake, op, {
      DatastoreProperties: {
        DatastoreId: 'id', DatastoreArn: 'arn', DatastoreStatus: 'ACTIVE', DatastoreTypeVersion: 'R4',
        DatastoreEndpoint: 'https://x/', CreatedAt: new Date(1700000000123), DatastoreName: undefined,
      },
    }, 'rid-1');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/x-amz-json-1.0');
    assert.equal(res.headers['x-amzn-requestid'], 'rid-1');
    assert.deepEqual(json(res), {
      DatastoreProperties: {
        DatastoreId: 'id', DatastoreArn: 'arn', DatastoreStatus: 'ACTIVE', DatastoreTypeVersion: 'R4',
        DatastoreEndpoint: 'https://x/', CreatedAt: 1700000000.123,
      },
    });
    const ct = jsonProtocol.serializeResponse(cloudtrail, cloudtrail.operations.LookupEvents!, { Events: [] }, 'r');
    assert.equal(ct.headers['content-type'], 'application/x-amz-json-1.1');
  });

  it('writes modelled errors with the shape\'s message member and status', () => {
    const res = jsonProtocol.serializeError(healthlake, new AwsError('ValidationException', 'bad'), 'rid-2');
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ValidationException');
    assert.equal(res.headers['x-amzn-requestid'], 'rid-2');
    assert.deepEqual(json(res), { __type: 'ValidationException', Message: 'bad' });
    const fault = jsonProtocol.serializeError(healthlake, new AwsError('InternalServerException', 'boom'), 'r');
    assert.equal(fault.status, 500);
  });

  it('writes unmodelled errors with "message", extra fields and headers; status from the error or 400/500', () => {
    const res = jsonProtocol.serializeError(cloudtrail, new AwsError('TrailNotFoundException', 'Unknown trail', {
      fields: { Extra: 'x' }, headers: { 'retry-after': '1' },
    }), 'r');
    assert.equal(res.status, 400);
    assert.equal(res.headers['retry-after'], '1');
    assert.deepEqual(json(res), { __type: 'TrailNotFoundException', Extra: 'x', message: 'Unknown trail' });
    assert.equal(jsonProtocol.serializeError(cloudtrail, new AwsError('Throttled', 'slow', { status: 429 }), 'r').status, 429);
    assert.equal(jsonProtocol.serializeError(cloudtrail, new AwsError('Oops', 'x', { sender: false }), 'r').status, 500);
  });
});
