/**
 * S3 through @aws-sdk/client-s3 (path style, and one virtual-hosted-style client): buckets,
 * objects with metadata, ranges and conditions, copies, deletes, listings, and errors in S3's
 * shape. The SDK's default flexible checksums send PutObject as aws-chunked with a CRC32
 * trailer, so those paths run here too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CopyObjectCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, DeleteObjectsCommand,
  GetBucketLocationCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand,
  ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, type S3Client,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { rawS3, s3Client, s3Records, streamingPut, virtualHostedClient } from '../helpers/s3.ts';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = s3Client(server);
});
after(async () => server?.stop());

async function fails(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as S3ServiceException;
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}

function md5(s: string | Buffer): string {
  return `"${createHash('md5').update(s).digest('hex')}"`;
}

describe('S3 buckets', () => {
  it('creates, finds, lists, locates and deletes a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'bucket-life' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'bucket-life' }));
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets?.some((b) => b.Name === 'bucket-life' && b.BucketRegion === 'us-east-1'));
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'bucket-life' }))).LocationConstraint, undefined);
    await s3.send(new DeleteBucketCommand({ Bucket: 'bucket-life' }));
    assert.deepEqual(await fails(s3.send(new HeadBucketCommand({ Bucket: 'bucket-life' }))), { name: 'NotFound', status: 404, message: 'UnknownError' });
  });

  it('creates a bucket in another region with its LocationConstraint', async () => {
    const west = s3Client(server, undefined, 'us-west-2');
    await west.send(new CreateBucketCommand({ Bucket: 'bucket-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'bucket-west' }))).LocationConstraint, 'us-west-2');
    assert.equal((await fails(west.send(new CreateBucketCommand({ Bucket: 'bucket-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } })))).name, 'BucketAlreadyOwnedByYou');
    // A request signed for the wrong region is told the bucket's region.
    const wrong = await fails(s3.send(new PutObjectCommand({ Bucket: 'bucket-west', Key: 'k', Body: 'x' })));
    assert.equal(wrong.name, 'AuthorizationHeaderMalformed');
    assert.match(wrong.message, /expecting 'us-west-2'/);
    await west.send(new PutObjectCommand({ Bucket: 'bucket-west', Key: 'k', Body: 'x' }));
  });

  it('refuses bad names, taken names, and non-empty buckets in S3 terms', async () => {
    for (const name of ['ab', 'Upper-Case', 'under_score', '192.168.1.1', 'double..dot', '-leading', 'x'.repeat(64)]) {
      assert.equal((await fails(s3.send(new CreateBucketCommand({ Bucket: name })))).name, 'InvalidBucketName', name);
    }
    await s3.send(new CreateBucketCommand({ Bucket: 'bucket-full' }));
    // us-east-1 keeps answering 200 to the owner who creates the bucket again.
    await s3.send(new CreateBucketCommand({ Bucket: 'bucket-full' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bucket-full', Key: 'k', Body: 'x' }));
    const notEmpty = await fails(s3.send(new DeleteBucketCommand({ Bucket: 'bucket-full' })));
    assert.deepEqual([notEmpty.name, notEmpty.status], ['BucketNotEmpty', 409]);
    assert.equal((await fails(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k' })))).name, 'NoSuchBucket');
  });
});

describe('S3 objects', () => {
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });

  it('stores bytes, content type and metadata; answers them back on GET and HEAD', async () => {
    const put = await s3.send(new PutObjectCommand({
      Bucket: 'objects', Key: 'docs/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { Colour: 'blue', team: 'health' },
    }));
    assert.equal(put.ETag, md5('hello world'));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'docs/hello.txt' }));
    assert.equal(await got.Body!.transformToString(), 'hello world');
    assert.equal(got.ContentType, 'text/plain');
    assert.equal(got.ContentLength, 11);
    assert.deepEqual(got.Metadata, { colour: 'blue', team: 'health' });
    assert.equal(got.ETag, md5('hello world'));
    assert.ok(got.LastModified instanceof Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'docs/hello.txt' }));
    assert.equal(head.ContentLength, 11);
    assert.deepEqual(head.Metadata, { colour: 'blue', team: 'health' });
    // Browsable where the local directory store keeps it.
    assert.equal(readFileSync(join(server.dataDir, 's3/objects/docs/hello.txt'), 'utf8'), 'hello world');
  });

  it('serves ranges with 206 and Content-Range, and 416 InvalidRange past the end', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'digits', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=2-5' }));
    assert.equal(part.$metadata.httpStatusCode, 206);
    assert.equal(part.ContentRange, 'bytes 2-5/10');
    assert.equal(await part.Body!.transformToString(), '2345');
    const suffix = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=-3' }));
    assert.equal(await suffix.Body!.transformToString(), '789');
    const open = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=8-' }));
    assert.equal(await open.Body!.transformToString(), '89');
    const beyond = await fails(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=10-20' })));
    assert.deepEqual([beyond.name, beyond.status], ['InvalidRange', 416]);
  });

  it('honours If-None-Match / If-Match / If-Modified-Since with 304 and 412', async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cond', Body: 'v1' }));
    assert.equal((await fails(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfNoneMatch: ETag })))).status, 304);
    assert.equal((await fails(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfMatch: '"other"' })))).status, 412);
    const later = new Date(Date.now() + 60_000);
    assert.equal((await fails(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfModifiedSince: later })))).status, 304);
    const ok = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfMatch: ETag }));
    assert.equal(await ok.Body!.transformToString(), 'v1');
    assert.equal((await fails(s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cond', Body: 'v2', IfNoneMatch: '*' })))).status, 412);
  });

  it('copies with the source metadata (COPY) or new metadata (REPLACE)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'src', Body: 'copy me', ContentType: 'text/x-src', Metadata: { a: '1' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'dst/copy', CopySource: 'objects/src' }));
    assert.equal(copied.CopyObjectResult?.ETag, md5('copy me'));
    const a = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dst/copy' }));
    assert.deepEqual([a.ContentType, a.Metadata], ['text/x-src', { a: '1' }]);
    await s3.send(new CopyObjectCommand({
      Bucket: 'objects', Key: 'dst/replaced', CopySource: 'objects/src', MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/x-new',
    }));
    const b = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dst/replaced' }));
    assert.deepEqual([b.ContentType, b.Metadata], ['text/x-new', { b: '2' }]);
    assert.equal((await fails(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'src', CopySource: 'objects/src' })))).name, 'InvalidRequest');
    assert.equal((await fails(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/missing' })))).name, 'NoSuchKey');
  });

  it('deletes one object, and many at once (Quiet or not)', async () => {
    for (const k of ['d/1', 'd/2', 'd/3']) await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'd/1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'd/never-existed' }));
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: [{ Key: 'd/2' }] } }));
    assert.deepEqual(loud.Deleted?.map((d) => d.Key), ['d/2']);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: [{ Key: 'd/3' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'd/' }))).KeyCount, 0);
    assert.deepEqual(await fails(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'd/1' }))),
      { name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' });
  });

  it('accepts a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload and refuses a tampered one', async () => {
    const chunks = [Buffer.alloc(70_000, 'x'), Buffer.from('tail')];
    const ok = await streamingPut(server, '/objects/streamed', chunks);
    assert.equal(ok.status, 200, ok.text);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'streamed' }));
    assert.equal((await got.Body!.transformToByteArray()).length, 70_004);
    const bad = await streamingPut(server, '/objects/streamed', chunks, { tamperChunk: 1 });
    assert.equal(bad.status, 403);
    assert.match(bad.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'streamed' }))).ContentLength, 70_004);
  });

  it('checks Content-MD5 (BadDigest) and x-amz-content-sha256 (XAmzContentSHA256Mismatch)', async () => {
    const wrongMd5 = await rawS3(server, { method: 'PUT', path: '/objects/digest', body: 'abc', headers: { 'content-md5': createHash('md5').update('abd').digest('base64') } });
    assert.equal(wrongMd5.status, 400);
    assert.match(wrongMd5.text, /<Code>BadDigest<\/Code>/);
    const wrongSha = await rawS3(server, { method: 'PUT', path: '/objects/digest', body: 'abc', payloadHash: createHash('sha256').update('abd').digest('hex') });
    assert.equal(wrongSha.status, 400);
    assert.match(wrongSha.text, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
    assert.equal((await fails(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'digest' })))).status, 404);
  });

  it('serves presigned URLs, recorded as QueryString authentication', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'shared link.txt', Body: 'presigned!' }));
    const url = new URL(server.url);
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: ROOT, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
    const presigned = await signer.presign({
      method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/objects/shared%20link.txt',
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    }, { expiresIn: 300 });
    const res = await fetch(`${server.url}/objects/shared%20link.txt?${new URLSearchParams(presigned.query as Record<string, string>)}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'presigned!');
    const record = s3Records(server, 'GetObject').at(-1)!;
    assert.equal(record.additionalEventData.AuthenticationMethod, 'QueryString');
    assert.deepEqual(Object.keys(record.requestParameters), ['bucketName', 'Host', 'key']);
  });

  it('speaks virtual-hosted style (bucket in the Host header)', async () => {
    const vhost = virtualHostedClient(server);
    await vhost.send(new PutObjectCommand({ Bucket: 'objects', Key: 'vhost/key.txt', Body: 'by host' }));
    const got = await vhost.send(new GetObjectCommand({ Bucket: 'objects', Key: 'vhost/key.txt' }));
    assert.equal(await got.Body!.transformToString(), 'by host');
    const list = await vhost.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'vhost/' }));
    assert.deepEqual(list.Contents?.map((o) => o.Key), ['vhost/key.txt']);
  });
});

describe('S3 listings', () => {
  const keys = ['a.txt', 'dir/1.txt', 'dir/2.txt', 'dir/sub/3.txt', 'sp ace/ä+é.txt', 'z'];
  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: k, Body: k }));
  });

  it('ListObjectsV2 pages with continuation tokens, start-after, delimiter, KeyCount and fetch-owner', async () => {
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2 }));
    assert.deepEqual(first.Contents?.map((o) => o.Key), ['a.txt', 'dir/1.txt']);
    assert.equal(first.KeyCount, 2);
    assert.equal(first.IsTruncated, true);
    assert.equal(first.Contents?.[0]?.Owner, undefined);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 10, ContinuationToken: first.NextContinuationToken, FetchOwner: true }));
    assert.deepEqual(second.Contents?.map((o) => o.Key), keys.slice(2));
    assert.ok(second.Contents?.[0]?.Owner?.ID);
    const rolled = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', StartAfter: 'a.txt' }));
    assert.deepEqual(rolled.Contents?.map((o) => o.Key), ['z']);
    assert.deepEqual(rolled.CommonPrefixes?.map((p) => p.Prefix), ['dir/', 'sp ace/']);
    assert.equal(rolled.KeyCount, 3);
    const bad = await fails(s3.send(new ListObjectsV2Command({ Bucket: 'listing', ContinuationToken: 'garbage' })));
    assert.equal(bad.name, 'InvalidArgument');
  });

  it('ListObjects (v1) with markers, NextMarker for delimited pages, and encoding-type=url', async () => {
    const page = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2 }));
    assert.deepEqual(page.Contents?.map((o) => o.Key), ['a.txt']);
    assert.deepEqual(page.CommonPrefixes?.map((p) => p.Prefix), ['dir/']);
    assert.equal(page.NextMarker, 'dir/');
    const next = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', Marker: page.NextMarker }));
    assert.deepEqual([next.Contents?.map((o) => o.Key), next.CommonPrefixes?.map((p) => p.Prefix)], [['z'], ['sp ace/']]);
    const encoded = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Prefix: 'sp ace/', EncodingType: 'url' }));
    assert.equal(encoded.EncodingType, 'url');
    assert.deepEqual(encoded.Contents?.map((o) => o.Key), ['sp%20ace/%C3%A4%2B%C3%A9.txt']);
    assert.equal(encoded.Prefix, 'sp%20ace/');
    assert.equal(decodeURIComponent(encoded.Contents![0]!.Key!), 'sp ace/ä+é.txt');
  });
});
