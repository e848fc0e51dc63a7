/**
 * Keys over S3's 1,024 bytes: every operation that names one answers 400 KeyTooLongError in
 * S3's XML shape, before any state change, and the call is recorded as the failure it is.
 * Before the fix a DELETE of such a key answered 500 after being recorded as a success and
 * left a pending delete that no later start could carry out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListPartsCommand,
  PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { rmSync } from 'node:fs';
import { startServer } from '../../src/server.ts';
import { startTestServer, testConfig, type TestServer } from '../helpers/server.ts';
import { rawS3, s3Client, s3Records } from '../helpers/s3.ts';

const LONG = 'A'.repeat(1100);
const HUGE = 'k'.repeat(6000);
/** 1,025 bytes in 342 characters: the limit is in UTF-8 bytes. */
const LONG_UTF8 = `${'€'.repeat(341)}xy`;

let server: TestServer | undefined;
let s3: S3Client;

before(async () => {
  server = await startTestServer();
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'own' }));
  await s3.send(new PutObjectCommand({ Bucket: 'own', Key: 'ok', Body: 'fine' }));
});
after(async () => server?.stop());

function pendingRows(): unknown[] {
  return server!.db.sql.prepare('SELECT * FROM s3_pending_work').all();
}

async function assertKeyTooLong(send: () => Promise<unknown>): Promise<void> {
  await assert.rejects(send, (e: any) => {
    assert.equal(e.$metadata?.httpStatusCode, 400);
    if (e.name !== 'BadRequest' && e.name !== 'Unknown') assert.equal(e.name, 'KeyTooLongError'); // HEAD has no body
    return true;
  });
}

describe('S3 keys over 1,024 bytes', () => {
  it('a DELETE answers 400 KeyTooLongError, is recorded as that error, and owes nothing', async () => {
    const res = await rawS3(server!, { method: 'DELETE', path: `/own/${LONG}` });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /^<\?xml[^>]*>\n<Error><Code>KeyTooLongError<\/Code><Message>Your key is too long<\/Message>/);
    assert.match(res.text, /<Size>1100<\/Size><MaxSizeAllowed>1024<\/MaxSizeAllowed>/);
    assert.match(res.text, /<RequestId>[^<]+<\/RequestId>/);
    assert.deepEqual(pendingRows(), []);
    const record = s3Records(server!, 'DeleteObject').at(-1)!;
    assert.equal(record.errorCode, 'KeyTooLongError');
  });

  it('GET of a 6,000-byte key and every other keyed operation answer 400 KeyTooLongError', async () => {
    const got = await rawS3(server!, { method: 'GET', path: `/own/${HUGE}` });
    assert.equal(got.status, 400, got.text);
    assert.match(got.text, /<Code>KeyTooLongError<\/Code>/);
    for (const Key of [LONG, LONG_UTF8]) {
      await assertKeyTooLong(() => s3.send(new GetObjectCommand({ Bucket: 'own', Key })));
      await assertKeyTooLong(() => s3.send(new HeadObjectCommand({ Bucket: 'own', Key })));
      await assertKeyTooLong(() => s3.send(new PutObjectCommand({ Bucket: 'own', Key, Body: 'x' })));
      await assertKeyTooLong(() => s3.send(new DeleteObjectCommand({ Bucket: 'own', Key })));
      await assertKeyTooLong(() => s3.send(new CopyObjectCommand({ Bucket: 'own', Key, CopySource: 'own/ok' })));
      await assertKeyTooLong(() => s3.send(new CopyObjectCommand({ Bucket: 'own', Key: 'copy', CopySource: `own/${encodeURIComponent(Key)}` })));
      await assertKeyTooLong(() => s3.send(new CreateMultipartUploadCommand({ Bucket: 'own', Key })));
      await assertKeyTooLong(() => s3.send(new UploadPartCommand({ Bucket: 'own', Key, UploadId: 'u', PartNumber: 1, Body: 'x' })));
      await assertKeyTooLong(() => s3.send(new CompleteMultipartUploadCommand({
        Bucket: 'own', Key, UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
      })));
      await assertKeyTooLong(() => s3.send(new AbortMultipartUploadCommand({ Bucket: 'own', Key, UploadId: 'u' })));
      await assertKeyTooLong(() => s3.send(new ListPartsCommand({ Bucket: 'own', Key, UploadId: 'u' })));
      await assertKeyTooLong(() => s3.send(new GetObjectTaggingCommand({ Bucket: 'own', Key })));
    }
    assert.deepEqual(pendingRows(), []);
    assert.equal(s3Records(server!, 'PutObject').filter((r) => r.errorCode === undefined).length, 1); // the before() one
  });

  it('DeleteObjects answers over-long entries in Errors and deletes the others', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'own', Key: 'gone', Body: 'x' }));
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: 'own', Delete: { Objects: [{ Key: LONG }, { Key: 'gone' }] } }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ['gone']);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code, e.Message]), [[LONG, 'KeyTooLongError', 'Your key is too long']]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'own', Delete: { Quiet: true, Objects: [{ Key: LONG }] } }));
    assert.equal(quiet.Errors?.length, 1);
    assert.deepEqual(pendingRows(), []);
  });

  it('a key S3 accepts but the local store cannot hold (one 256-byte part) is refused on PUT, absent on GET, deleted as absent', async () => {
    const Key = `dir/${'x'.repeat(256)}`;
    await assertKeyTooLong(() => s3.send(new PutObjectCommand({ Bucket: 'own', Key, Body: 'x' })));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'own', Key })), (e: any) => e.name === 'NoSuchKey');
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'own', Key })), (e: any) => e.$metadata?.httpStatusCode === 404);
    await s3.send(new DeleteObjectCommand({ Bucket: 'own', Key }));
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: 'own', Delete: { Objects: [{ Key }] } }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key), [Key]);
    assert.deepEqual(pendingRows(), []);
  });

  it('the server starts again afterwards and still serves the bucket', async () => {
    await server!.close();
    const again = await startServer(testConfig(server!.dataDir));
    try {
      const got = await s3Client(again).send(new GetObjectCommand({ Bucket: 'own', Key: 'ok' }));
      assert.equal(await got.Body!.transformToString(), 'fine');
    } finally {
      await again.close();
    }
    rmSync(server!.dataDir, { recursive: true, force: true });
    server = undefined;
  });
});
