/**
 * S3 multipart uploads through @aws-sdk/client-s3: the whole cycle with S3's ETag, part
 * listings, aborts, and each way CompleteMultipartUpload refuses a bad part list. With the
 * local directory store a completed upload keeps its part files (no copy): ranges across part
 * boundaries, copies, overwrites and deletes of such objects, and where their files go.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command,
  ListPartsCommand, PutObjectCommand, UploadPartCommand, type S3Client,
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

  /** An upload of `bodies` as parts 1..N, completed; its ETag. */
  async function uploadWhole(key: string, bodies: Buffer[]): Promise<string> {
    const uploadId = await start(key);
    const etags = [];
    for (const [i, body] of bodies.entries()) etags.push(await part(key, uploadId, i + 1, body));
    const done = await s3.send(new CompleteMultipartUploadCommand({
      Bucket: 'multi', Key: key, UploadId: uploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) },
    }));
    return done.ETag!;
  }

  const groups = () => {
    const dir = join(server.dataDir, 's3', '.parts');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const uploadsLeft = () => {
    const dir = join(server.dataDir, 's3', '.uploads');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('serves a completed upload from its parts: every range across part boundaries, HEAD, listing', async () => {
    const sizes = [5 * MiB, 5 * MiB + 3, 5 * MiB, 1234];
    const bodies = sizes.map((size, i) => {
      const b = Buffer.alloc(size);
      for (let j = 0; j < size; j += 4) b.writeUInt32BE((j * 31 + i) >>> 0, Math.min(j, size - 4));
      return b;
    });
    const whole = Buffer.concat(bodies);
    const before = groups().length;
    const etag = await uploadWhole('ranges.bin', bodies);
    assert.equal(groups().length, before + 1, 'kept as one group of part files');
    assert.deepEqual(uploadsLeft(), [], "the upload's own part files are gone");
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'multi', Key: 'ranges.bin' }));
    assert.deepEqual([head.ContentLength, head.ETag], [whole.length, etag]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'multi', Prefix: 'ranges' }));
    assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.Size, o.ETag]), [['ranges.bin', whole.length, etag]]);
    const ends = sizes.reduce<number[]>((acc, size) => [...acc, (acc[acc.length - 1] ?? 0) + size], []);
    for (const [start, end] of [
      [0, 9], [ends[0]! - 1, ends[0]!], [ends[0]! - 5, ends[2]! + 5], [ends[1]!, ends[1]!], [ends[2]! - 1, whole.length - 1],
      [3, whole.length - 4],
    ] as Array<[number, number]>) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'ranges.bin', Range: `bytes=${start}-${end}` }));
      assert.equal(got.ContentRange, `bytes ${start}-${end}/${whole.length}`);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole.subarray(start, end + 1)), `bytes=${start}-${end}`);
    }
    const suffix = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'ranges.bin', Range: 'bytes=-1300' }));
    assert.ok(Buffer.from(await suffix.Body!.transformToByteArray()).equals(whole.subarray(whole.length - 1300)));
    const all = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'ranges.bin' }));
    assert.ok(Buffer.from(await all.Body!.transformToByteArray()).equals(whole));
  });

  it('copies such an object into a plain one, and removes its part files on overwrite and delete', async () => {
    const bodies = [Buffer.alloc(5 * MiB, 5), Buffer.from('five')];
    const whole = Buffer.concat(bodies);
    const before = groups();
    await uploadWhole('replaced.bin', bodies);
    await uploadWhole('deleted.bin', bodies);
    await uploadWhole('batch-deleted.bin', bodies);
    assert.equal(groups().length, before.length + 3);

    const copy = await s3.send(new CopyObjectCommand({ Bucket: 'multi', Key: 'copy.bin', CopySource: 'multi/replaced.bin' }));
    assert.equal(copy.CopyObjectResult?.ETag, `"${createHash('md5').update(whole).digest('hex')}"`);
    const copied = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'copy.bin' }));
    assert.ok(Buffer.from(await copied.Body!.transformToByteArray()).equals(whole));
    assert.equal(groups().length, before.length + 3, 'a copy is a plain object');

    await s3.send(new PutObjectCommand({ Bucket: 'multi', Key: 'replaced.bin', Body: 'small now' }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'replaced.bin' }))).Body!.transformToString(), 'small now');
    await s3.send(new DeleteObjectCommand({ Bucket: 'multi', Key: 'deleted.bin' }));
    await s3.send(new DeleteObjectsCommand({ Bucket: 'multi', Delete: { Objects: [{ Key: 'batch-deleted.bin' }] } }));
    assert.deepEqual(groups().sort(), before.sort(), 'overwritten and deleted objects leave no part files');
    assert.equal(await errorName(s3.send(new HeadObjectCommand({ Bucket: 'multi', Key: 'deleted.bin' }))), 'NotFound');
  });

  it('completes over an existing multipart object, whose parts then go', async () => {
    await uploadWhole('twice.bin', [Buffer.alloc(5 * MiB, 1), Buffer.from('one')]);
    const before = groups();
    const etag = await uploadWhole('twice.bin', [Buffer.alloc(5 * MiB, 2), Buffer.from('two')]);
    assert.equal(groups().length, before.length);
    assert.notDeepEqual(groups().sort(), before.sort());
    const got = await s3.send(new GetObjectCommand({ Bucket: 'multi', Key: 'twice.bin', Range: `bytes=${5 * MiB - 1}-${5 * MiB + 2}` }));
    assert.deepEqual([...await got.Body!.transformToByteArray()], [2, ...Buffer.from('two')]);
    assert.equal(got.ETag, etag);
  });

  it('refuses with InvalidPart a part whose stored bytes changed since it was uploaded', async () => {
    const uploadId = await start('tampered');
    const e1 = await part('tampered', uploadId, 1, Buffer.from('original'));
    // Replaced behind the server's back (not through UploadPart): the file no longer has its ETag.
    const partFile = join(server.dataDir, 's3', '.uploads', uploadId, '1');
    writeFileSync(`${partFile}.new`, 'tampered');
    renameSync(`${partFile}.new`, partFile);
    assert.equal(await errorName(s3.send(new CompleteMultipartUploadCommand({
      Bucket: 'multi', Key: 'tampered', UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }] },
    }))), 'InvalidPart');
    assert.equal(await errorName(s3.send(new HeadObjectCommand({ Bucket: 'multi', Key: 'tampered' }))), 'NotFound');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'multi', Key: 'tampered', UploadId: uploadId }));
    assert.equal(existsSync(join(server.dataDir, 's3', '.uploads', uploadId)), false, 'abort removes the part files');
  });
});
