/**
 * rest-xml with S3's model: operations told apart by method, path, literal query parts and
 * required query/header members; S3's response documents and error shape.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AwsError } from '../../src/core/aws-error.ts';
import { getServiceModel } from '../../src/wire/models.ts';
import { restXmlProtocol } from '../../src/wire/protocols/rest-xml.ts';
import { request, text } from './support/http.ts';

const s3 = getServiceModel('s3')!;

function route(method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  return restXmlProtocol.parseRequest(s3, request(method, target, headers, body)).operation.name;
}

describe('rest-xml: S3 requests', () => {
  it('chooses the operation from method, path and query', () => {
    assert.equal(route('GET', '/'), 'ListBuckets');
    assert.equal(route('PUT', '/bucket'), 'CreateBucket');
    assert.equal(route('HEAD', '/bucket'), 'HeadBucket');
    assert.equal(route('GET', '/bucket'), 'ListObjects');
    assert.equal(route('GET', '/bucket?list-type=2&prefix=a'), 'ListObjectsV2');
    assert.equal(route('GET', '/bucket?location'), 'GetBucketLocation');
    assert.equal(route('GET', '/bucket?uploads'), 'ListMultipartUploads');
    assert.equal(route('POST', '/bucket?delete'), 'DeleteObjects');
    assert.equal(route('DELETE', '/bucket'), 'DeleteBucket');
    assert.equal(route('GET', '/bucket/a/b.txt'), 'GetObject');
    assert.equal(route('HEAD', '/bucket/a/b.txt'), 'HeadObject');
    assert.equal(route('PUT', '/bucket/key'), 'PutObject');
    assert.equal(route('PUT', '/bucket/key', { 'x-amz-copy-source': 'src/key' }), 'CopyObject');
    assert.equal(route('PUT', '/bucket/key?partNumber=1&uploadId=u1'), 'UploadPart');
    assert.equal(route('POST', '/bucket/key?uploads'), 'CreateMultipartUpload');
    assert.equal(route('POST', '/bucket/key?uploadId=u1'), 'CompleteMultipartUpload');
    assert.equal(route('DELETE', '/bucket/key?uploadId=u1'), 'AbortMultipartUpload');
    assert.equal(route('GET', '/bucket/key?uploadId=u1'), 'ListParts');
    assert.equal(route('DELETE', '/bucket/key'), 'DeleteObject');
  });

  it('keeps keys exactly: slashes, dots, encoded characters', () => {
    const parse = (path: string) => restXmlProtocol.parseRequest(s3, request('GET', path)).input.Key;
    assert.equal(parse('/b/a//b/'), 'a//b/');
    assert.equal(parse('/b/../x'), '../x');
    assert.equal(parse('/b/sp%20ace%2Bplus%3F'), 'sp ace+plus?');
    assert.equal(parse('/b//leading'), '/leading');
  });

  it('reads members from the query string, headers and the XML body', () => {
    const list = restXmlProtocol.parseRequest(s3, request('GET', '/b?list-type=2&max-keys=5&start-after=k&encoding-type=url&fetch-owner=true'));
    assert.deepEqual(list.input, { Bucket: 'b', MaxKeys: 5, StartAfter: 'k', EncodingType: 'url', FetchOwner: true });
    const put = restXmlProtocol.parseRequest(s3, request('PUT', '/b/k', { 'x-amz-meta-Colour': 'blue', 'content-type': 'text/plain' }));
    assert.deepEqual(put.input.Metadata, { colour: 'blue' });
    assert.equal(put.input.ContentType, 'text/plain');
    const del = restXmlProtocol.parseRequest(s3, request('POST', '/b?delete', {},
      '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object><Object><Key>b &amp; c</Key></Object><Quiet>true</Quiet></Delete>'));
    assert.deepEqual(del.input.Delete, { Objects: [{ Key: 'a' }, { Key: 'b & c' }], Quiet: true });
    const complete = restXmlProtocol.parseRequest(s3, request('POST', '/b/k?uploadId=u', {},
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"e1"</ETag></Part></CompleteMultipartUpload>'));
    assert.deepEqual(complete.input.MultipartUpload, { Parts: [{ PartNumber: 1, ETag: '"e1"' }] });
  });

  it('answers malformed XML and bad values with S3 errors, never a crash', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        assert.ok(e instanceof AwsError);
        return `${e.code} ${e.status}`;
      }
    };
    assert.equal(code(() => route('POST', '/b?delete', {}, '<Delete><Object>')), 'MalformedXML 400');
    assert.equal(code(() => route('POST', '/b?delete', {}, '<!DOCTYPE x [<!ENTITY e "boom">]><Delete/>')), 'MalformedXML 400');
    assert.equal(code(() => route('POST', '/b/k?uploadId=u', {}, '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber></Part></CompleteMultipartUpload>')), 'MalformedXML 400');
    assert.equal(code(() => route('GET', '/b?list-type=2&max-keys=lots')), 'InvalidArgument 400');
    assert.equal(code(() => route('PATCH', '/b/k')), 'MethodNotAllowed 405');
    assert.equal(code(() => route('GET', '/b/%ZZ')), 'MethodNotAllowed 405');
  });

  it('says which requests stream their payload', () => {
    assert.equal(restXmlProtocol.streamsRequestBody!(s3, request('PUT', '/b/k')), true);
    assert.equal(restXmlProtocol.streamsRequestBody!(s3, request('PUT', '/b/k?partNumber=2&uploadId=u')), true);
    assert.equal(restXmlProtocol.streamsRequestBody!(s3, request('PUT', '/b/k', { 'x-amz-copy-source': 'a/b' })), false);
    assert.equal(restXmlProtocol.streamsRequestBody!(s3, request('POST', '/b?delete')), false);
    assert.equal(restXmlProtocol.streamsRequestBody!(s3, request('PUT', '/b')), false);
  });
});

describe('rest-xml: S3 responses', () => {
  const op = (name: string) => s3.operations[name]!;

  it("writes S3's root elements and namespace", () => {
    const res = restXmlProtocol.serializeResponse(s3, op('ListObjectsV2'), {
      Name: 'b', KeyCount: 1, IsTruncated: false, Contents: [{ Key: 'a&b', Size: 3, LastModified: new Date('2024-01-02T03:04:05Z') }],
    }, 'req-1');
    const body = text(res);
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
    assert.match(body, /<Contents><Key>a&amp;b<\/Key><LastModified>2024-01-02T03:04:05Z<\/LastModified><Size>3<\/Size><\/Contents>/);
    assert.equal(res.headers['x-amz-request-id'], 'req-1');
    assert.ok(res.headers['x-amz-id-2']);
    assert.equal(res.headers['content-type'], 'application/xml');
  });

  it('writes GetBucketLocation as the LocationConstraint text, empty for us-east-1', () => {
    assert.match(text(restXmlProtocol.serializeResponse(s3, op('GetBucketLocation'), { LocationConstraint: 'eu-west-1' }, 'r')),
      /<LocationConstraint xmlns="[^"]+">eu-west-1<\/LocationConstraint>$/);
    assert.match(text(restXmlProtocol.serializeResponse(s3, op('GetBucketLocation'), {}, 'r')), /<LocationConstraint xmlns="[^"]+"\/>$/);
  });

  it('puts object metadata in headers and streams the body', () => {
    const body = Readable.from(['x']);
    const res = restXmlProtocol.serializeResponse(s3, op('GetObject'), {
      Body: body, ContentLength: 1, ETag: '"e"', Metadata: { colour: 'blue' }, LastModified: new Date('2024-01-02T03:04:05Z'),
    }, 'r');
    assert.equal(res.stream, body);
    assert.equal(res.headers['content-length'], '1');
    assert.equal(res.headers['x-amz-meta-colour'], 'blue');
    assert.equal(res.headers['last-modified'], 'Tue, 02 Jan 2024 03:04:05 GMT');
    const head = restXmlProtocol.serializeResponse(s3, op('HeadObject'), { ContentLength: 42 }, 'r');
    assert.equal(head.headers['content-length'], '42');
    assert.equal(text(head), '');
  });

  it("writes S3's error document with the modelled status and echoed fields", () => {
    const res = restXmlProtocol.serializeError(s3, new AwsError('NoSuchKey', 'The specified key does not exist.', { fields: { Key: 'a<b' } }), 'req-9');
    assert.equal(res.status, 404);
    const body = text(res);
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Key>a&lt;b<\/Key><RequestId>req-9<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/);
    assert.equal(res.headers['x-amz-request-id'], 'req-9');
  });
});
