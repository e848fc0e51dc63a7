/**
 * S3 multipart uploads through @aws-sdk/client-s3: the whole cycle with S3's ETag, part
 * listings, aborts, and each way CompleteMultipartUpload refuses a bad part list.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { rawS3, s3Client } from '../helpers/s3.ts';

const MiB = 1024 * 1024;
let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'multi' }));
});
after(async () => server?.stop());

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (e) {
    return (e as Error).name;
  }
}

async function start(key: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await s3.send(new CreateMultipartUploadCommand({ Bucket: 'multi', Key: key, ...extra }))).UploadId!;
}

async function part(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
  return (await s3.send(new UploadPartCommand({ Bucket: 'multi', Key: key, UploadId: uploadId, PartNumber: n, Body: body }))).ETag!;
}

describe('S3 multipart uploads', () => {
  it('uploads, lists and completes parts into one object with the md5-of-md5s-N ETag', async () => {
    const p1 = Buffer.alloc(5 * MiB, 1);
    const p2 = Buffer.alloc(5 * MiB, 2);
    const p3 = Buffer.from('the end');
    const uploadId = await start('big/object.bin', { ContentType: 'application/x-big', Metadata: { origin: 'multipart' } });
    const e1 = await part('big/object.bin', uploadId, 1, p1);
    const e3 = await part('big/object.bin', uploadId, 3, p3);
    const e2 = await part('big/object.bin', uploadId, 2, p2);

    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'multi' }));
    assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['big/object.bin', uploadId]]);
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'multi', Key: 'big/object.bin', UploadId: uploadId, MaxParts: 2 }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), [[1, 5 * MiB, e1], [2, 5 * MiB, e2]]);
    assert.equal(parts.IsTruncated, true);
    const rest = await s3.send(new ListPartsCommand({ Bucket: 'multi', Key: 'big/object.bin', UploadId: uploadId, PartNumberMarker: parts.NextPartNumberMarker }));
    assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [3]);

    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: 'multi', Key: 'big/object.bin', UploadId: uploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }, { PartNumber: 3, ETag: e3 }] },
    }));
    const md5s = [p1, p2, p3].map((p) => createHash('md5').update(p).digest());
    const expected = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3"`;
    assert.equal(done.ETag, expected);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'multi', Key: 'big/object.bin' }));
    assert.deepEqual([head.ETag, head.ContentLength, head.ContentType, head.Metadata], [expected, 10 * MiB + 7, 'application/x-big', { origin: 'multipart' }]);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'big/object.bin', Range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` }));
    assert.deepEqual([...await got.Body!.transformToByteArray()], [1, 1, 2, 2]);
    // The upload is gone, and so are its parts.
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'multi' }))).Uploads, undefined);
    assert.equal(await errorName(s3.send(new ListPartsCommand({ Bucket: 'multi', Key: 'big/object.bin', UploadId: uploadId }))), 'NoSuchUpload');
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'multi' }))).KeyCount, 1);
  });

  it('refuses part lists that are out of order, unknown, or with a small part before the last', async () => {
    const uploadId = await start('bad');
    const small = await part('bad', uploadId, 1, Buffer.from('small'));
    const last = await part('bad', uploadId, 2, Buffer.from('last'));
    const complete = (parts: Array<{ PartNumber: number; ETag: string }>) => s3.send(new CompleteMultipartUploadCommand({
      Bucket: 'multi', Key: 'bad', UploadId: uploadId, MultipartUpload: { Parts: parts },
    }));
    assert.equal(await errorName(complete([{ PartNumber: 2, ETag: last }, { PartNumber: 1, ETag: small }])), 'InvalidPartOrder');
    assert.equal(await errorName(complete([{ PartNumber: 1, ETag: '"0000"' }])), 'InvalidPart');
    assert.equal(await errorName(complete([{ PartNumber: 7, ETag: small }])), 'InvalidPart');
    assert.equal(await errorName(complete([{ PartNumber: 1, ETag: small }, { PartNumber: 2, ETag: last }])), 'EntityTooSmall');
    // A single small part is a whole object.
    await complete([{ PartNumber: 1, ETag: small }]);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'bad' }))).Body!.transformToString(), 'small');
  });

  it('aborts an upload, and answers NoSuchUpload afterwards', async () => {
    const uploadId = await start('aborted');
    await part('aborted', uploadId, 1, Buffer.from('x'));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'aborted', UploadId: uploadId }));
    assert.equal(await errorName(part('aborted', uploadId, 2, Buffer.from('y'))), 'NoSuchUpload');
    assert.equal(await errorName(s3.send(new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'aborted', UploadId: uploadId }))), 'NoSuchUpload');
    assert.equal(await errorName(s3.send(new UploadPartCommand({ Bucket: 'multi', Key: 'aborted', UploadId: 'nope', PartNumber: 1, Body: 'x' }))), 'NoSuchUpload');
    assert.equal(await errorName(s3.send(new UploadPartCommand({ Bucket: 'multi', Key: 'aborted', UploadId: uploadId, PartNumber: 10_001, Body: 'x' }))), 'InvalidArgument');
  });

  it('answers malformed CompleteMultipartUpload XML with MalformedXML, never a 5xx', async () => {
    const uploadId = await start('xml');
    for (const body of ['<CompleteMultipartUpload><Part>', 'not xml at all', '<CompleteMultipartUpload/>',
      '<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>"e"</ETag></Part></CompleteMultipartUpload>',
      '<!DOCTYPE a [<!ENTITY x "y">]><CompleteMultipartUpload/>']) {
      const res = await rawS3(server, { method: 'POST', path: '/multi/xml', query: { uploadId }, body });
      assert.equal(res.status, 400, body);
      assert.match(res.text, /<Code>MalformedXML<\/Code>/, body);
    }
  });
});
