/**
 * S3 XML request bodies that would make the parser work without bound (issue 17, item 3):
 * nesting 10,000 deep, DTDs with entities (never expanded), many predefined entities. Each is
 * a 400 MalformedXML in S3's shape (or parsed, when it is valid), and the server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, CreateMultipartUploadCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { rawS3, s3Client } from '../helpers/s3.ts';

const md5 = (body: string) => createHash('md5').update(body).digest('base64');
const nested = (depth: number, tag: string) => `<${tag}>`.repeat(depth) + `</${tag}>`.repeat(depth);

function assertMalformed(res: { status: number; text: string }): void {
  assert.equal(res.status, 400, res.text.slice(0, 300));
  assert.match(res.text, /^<\?xml[^>]*>\n<Error><Code>MalformedXML<\/Code><Message>[^<]+<\/Message>/);
}

describe('S3 XML bodies are bounded', () => {
  let server: TestServer;
  let s3: S3Client;

  before(async () => {
    server = await startTestServer();
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'xml-limits' }));
  });
  after(async () => server?.stop());

  async function stillServes(): Promise<void> {
    await s3.send(new PutObjectCommand({ Bucket: 'xml-limits', Key: 'after', Body: 'still here' }));
  }

  it('DeleteObjects, CompleteMultipartUpload and PutBucketTagging nested 10,000 deep are 400 MalformedXML', async () => {
    const del = `<Delete>${nested(10_000, 'Object')}</Delete>`;
    assertMalformed(await rawS3(server, { method: 'POST', path: '/xml-limits', query: { delete: '' }, body: del, headers: { 'content-md5': md5(del) } }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'xml-limits', Key: 'mpu' }));
    const complete = `<CompleteMultipartUpload>${nested(10_000, 'Part')}</CompleteMultipartUpload>`;
    assertMalformed(await rawS3(server, { method: 'POST', path: '/xml-limits/mpu', query: { uploadId: upload.UploadId! }, body: complete }));
    const tagging = `<Tagging><TagSet>${nested(10_000, 'Tag')}</TagSet></Tagging>`;
    assertMalformed(await rawS3(server, { method: 'PUT', path: '/xml-limits', query: { tagging: '' }, body: tagging, headers: { 'content-md5': md5(tagging) } }));
    await stillServes();
  });

  it('a DTD (entity expansion) is 400 MalformedXML and nothing is expanded', async () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
      + '<Tagging><TagSet><Tag><Key>k</Key><Value>&c;</Value></Tag></TagSet></Tagging>';
    assertMalformed(await rawS3(server, { method: 'PUT', path: '/xml-limits', query: { tagging: '' }, body: lol, headers: { 'content-md5': md5(lol) } }));
    await stillServes();
  });

  it('many predefined entities are read as text, not refused with a 5xx', async () => {
    const key = '&amp;'.repeat(50) + '&#x41;'.repeat(50);
    const del = `<Delete><Object><Key>${key}</Key></Object></Delete>`;
    const res = await rawS3(server, { method: 'POST', path: '/xml-limits', query: { delete: '' }, body: del, headers: { 'content-md5': md5(del) } });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, new RegExp(`<Deleted><Key>${'&amp;'.repeat(50)}${'A'.repeat(50)}</Key></Deleted>`));
    // A key of 1,000 entities: read in one pass.
    const long = `<Delete><Object><Key>${Array.from({ length: 5 }, () => '&lt;'.repeat(200)).join('/')}</Key></Object></Delete>`;
    const deleted = await rawS3(server, { method: 'POST', path: '/xml-limits', query: { delete: '' }, body: long, headers: { 'content-md5': md5(long) } });
    assert.equal(deleted.status, 200, deleted.text.slice(0, 300));
    await stillServes();
  });
});
