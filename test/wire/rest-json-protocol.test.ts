import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../src/core/aws-error.ts';
import { getServiceModel } from '../../src/wire/models.ts';
import { matchRoute } from '../../src/wire/protocols/http-bindings.ts';
import { protocolFor, restJsonProtocol } from '../../src/wire/protocols/index.ts';
import type { HttpRequest } from '../../src/wire/types.ts';
import { json, request, text } from './support/http.ts';

const omics = getServiceModel('omics')!;
const s3 = getServiceModel('s3')!;

function rejects(req: HttpRequest, code: string, status: number, message?: RegExp): void {
  assert.throws(() => restJsonProtocol.parseRequest(omics, req), (e: unknown) => {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.status, status);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** A request path for a template, with sample label values; required query/header members set. */
function sampleRequest(model: typeof omics, name: string): HttpRequest {
  const op = model.operations[name]!;
  const [path, literalQuery] = op.http.requestUri.split('?');
  const query = literalQuery ? [literalQuery] : [];
  const headers: Record<string, string> = {};
  const shape = op.input ? model.shapes[op.input.shape] : undefined;
  for (const member of shape?.required ?? []) {
    const ref = shape!.members![member]!;
    if (ref.location === 'querystring') query.push(`${ref.locationName ?? member}=1`);
    if (ref.location === 'header') headers[(ref.locationName ?? member).toLowerCase()] = 'v';
  }
  const p = path!.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, 'x1');
  return request(op.http.method, query.length ? `${p}?${query.join('&')}` : p, headers);
}

describe('rest-json protocol: routing', () => {
  it('is the protocol of Omics', () => {
    assert.equal(protocolFor(omics), restJsonProtocol);
  });

  it('routes every Omics operation to itself from its own template', () => {
    for (const name of Object.keys(omics.operations)) {
      assert.equal(matchRoute(omics, sampleRequest(omics, name))?.operation.name, name, name);
    }
  });

  it('tells apart S3 operations sharing a template by their required query and header members', () => {
    const ambiguous = new Set(['GetBucketLifecycle', 'GetBucketNotification', 'PutBucketLifecycle', 'PutBucketNotification', 'ListDirectoryBuckets']);
    for (const name of Object.keys(s3.operations)) {
      if (ambiguous.has(name)) continue; // deprecated twins, and a host-routed operation
      assert.equal(matchRoute(s3, sampleRequest(s3, name))?.operation.name, name, name);
    }
    const put = matchRoute(s3, request('PUT', '/bucket/dir/key.txt'))!;
    assert.equal(put.operation.name, 'PutObject');
    assert.deepEqual(put.labels, { Bucket: 'bucket', Key: 'dir/key.txt' });
    assert.equal(matchRoute(s3, request('PUT', '/bucket/key', { 'x-amz-copy-source': 'a/b' }))!.operation.name, 'CopyObject');
    assert.equal(matchRoute(s3, request('GET', '/bucket/a/'))!.labels.Key, 'a/');
  });

  it('decodes labels, reads query lists and typed query values', () => {
    const { operation, input } = restJsonProtocol.parseRequest(omics,
      request('GET', '/run/1234?export=DEFINITION&export=OTHER'));
    assert.equal(operation.name, 'GetRun');
    assert.deepEqual(input, { id: '1234', export: ['DEFINITION', 'OTHER'] });
    const tags = restJsonProtocol.parseRequest(omics, request('DELETE',
      '/tags/arn%3Aaws%3Aomics%3Aus-east-1%3A123456789012%3ArunGroup%2F1?tagKeys=a&tagKeys=b%20c'));
    assert.deepEqual(tags.input, { resourceArn: 'arn:aws:omics:us-east-1:123456789012:runGroup/1', tagKeys: ['a', 'b c'] });
    const list = restJsonProtocol.parseRequest(omics, request('POST', '/sequencestore/s1/readsets?maxResults=5', {}, '{"filter":{"name":"n"}}'));
    assert.deepEqual(list.input, { sequenceStoreId: 's1', maxResults: 5, filter: { name: 'n' } });
  });

  it('reads a blob payload as raw bytes', () => {
    const body = Buffer.from([0, 1, 2, 255]);
    const { input } = restJsonProtocol.parseRequest(omics,
      request('PUT', '/sequencestore/s1/upload/u1/part?partSource=SOURCE1&partNumber=2', { 'content-type': 'application/octet-stream' }, body));
    assert.deepEqual(input, { sequenceStoreId: 's1', uploadId: 'u1', partSource: 'SOURCE1', partNumber: 2, payload: body });
  });

  it('keeps map keys such as __proto__ as plain data', () => {
    const { input } = restJsonProtocol.parseRequest(omics, request('POST', '/runGroup', {}, '{"requestId":"r","tags":{"__proto__":"x","a":"b"}}'));
    const tags = input.tags as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
    assert.deepEqual(Object.keys(tags), ['__proto__', 'a']);
    assert.equal(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value, 'x');
  });
});

describe('rest-json protocol: malformed requests', () => {
  it('answers 404 UnknownOperationException when no template matches', () => {
    rejects(request('GET', '/nope'), 'UnknownOperationException', 404);
    rejects(request('PATCH', '/run/1'), 'UnknownOperationException', 404);
  });

  it('rejects bad JSON, invalid UTF-8 and wrong types with SerializationException', () => {
    rejects(request('POST', '/runGroup', {}, '{"name":'), 'SerializationException', 400);
    rejects(request('POST', '/runGroup', {}, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 'SerializationException', 400, /UTF-8/);
    rejects(request('POST', '/runGroup', {}, '{"maxCpus":"many"}'), 'SerializationException', 400, /maxCpus/);
  });

  it('rejects query and label values of the wrong type', () => {
    rejects(request('POST', '/sequencestore/s1/readsets?maxResults=ten'), 'SerializationException', 400, /maxResults/);
    rejects(request('GET', '/run/%E0%A4%A'), 'UnknownOperationException', 404);
    rejects(request('GET', '/run/1?export=%ZZ'), 'SerializationException', 400);
  });
});

describe('rest-json protocol: responses and errors', () => {
  it('uses the modelled status code and JSON body', () => {
    const res = restJsonProtocol.serializeResponse(omics, omics.operations.CreateRunGroup!, { id: '1', arn: 'arn', tags: { a: 'b' } }, 'rid');
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['x-amzn-requestid'], 'rid');
    assert.deepEqual(json(res), { arn: 'arn', id: '1', tags: { a: 'b' } });
  });

  it('sends no body with 204 and raw bytes for a blob payload', () => {
    const tagged = restJsonProtocol.serializeResponse(omics, omics.operations.TagResource!, {}, 'rid');
    assert.equal(tagged.status, 204);
    assert.equal(text(tagged), '');
    const blob = restJsonProtocol.serializeResponse(omics, omics.operations.GetReadSet!, { payload: Buffer.from('ACGT') }, 'rid');
    assert.equal(blob.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(blob.body, Buffer.from('ACGT'));
  });

  it('writes errors with x-amzn-ErrorType, {"message"} and the modelled status', () => {
    const res = restJsonProtocol.serializeError(omics, new AwsError('ResourceNotFoundException', 'no run 1'), 'rid');
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.deepEqual(json(res), { message: 'no run 1' });
    const unknown = restJsonProtocol.serializeError(omics, new AwsError('UnknownOperationException', 'x', { status: 404 }), 'rid');
    assert.equal(unknown.status, 404);
    assert.deepEqual(json(unknown), { message: 'x' });
    assert.equal(restJsonProtocol.serializeError(omics, new AwsError('Boom', 'x', { sender: false }), 'rid').status, 500);
  });
});
