/**
 * S3 under hostile or broken input: path traversal keys, awkward keys, bad bucket names,
 * malformed XML and aws-chunked bodies, oversized uploads. Every answer is a 4xx in S3's XML
 * shape, nothing lands outside the bucket's directory, and the server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { rawS3, s3Client } from '../helpers/s3.ts';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer({ s3MaxUploadBytes: 64 * 1024, maxBodyBytes: 16 * 1024 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'hostile' }));
});
after(async () => server?.stop());

function md5b64(body: string): string {
  return createHash('md5').update(body).digest('base64');
}

function assertS3Error(res: { status: number; text: string }, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.text, new RegExp(`^<\\?xml[^>]*>\\n<Error><Code>${code}</Code><Message>[^<]+</Message>`));
}

describe('S3 bad input', () => {
  it('keeps path traversal keys inside the bucket, as ordinary keys', async () => {
    const keys = ['../../../../etc/passwd', 'a/../../escape', './dot', 'x/..', '.~reserved', 'nul\u0000byte'];
    for (const Key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: 'hostile', Key, Body: `content of ${JSON.stringify(Key)}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'hostile', Key }));
      assert.equal(await got.Body!.transformToString(), `content of ${JSON.stringify(Key)}`);
    }
    // XML cannot carry NUL: such keys are listed with encoding-type=url, as in S3.
    const listed = (await s3.send(new ListObjectsV2Command({ Bucket: 'hostile', EncodingType: 'url' }))).Contents!
      .map((o) => decodeURIComponent(o.Key!)).sort();
    assert.deepEqual(listed, [...keys].sort());
    // Nothing outside <data>/s3/hostile, and no stray files in the data directory.
    assert.equal(existsSync(join(server.dataDir, 'etc')), false);
    assert.equal(existsSync(join(server.dataDir, 's3', 'escape')), false);
    assert.deepEqual(readdirSync(join(server.dataDir, 's3')).filter((n) => !n.startsWith('.')), ['hostile']);
    // Encoded dots in a raw path are a key too, never a directory climb.
    const raw = await rawS3(server, { method: 'GET', path: '/hostile/%2E%2E/%2E%2E/etc/passwd' });
    assertS3Error(raw, 404, 'NoSuchKey');
  });

  it('refuses keys the store cannot hold, and over-long keys, in S3 terms', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'hostile', Key: 'file/and', Body: 'x' }));
    const conflict = await rawS3(server, { method: 'PUT', path: '/hostile/file/and/dir', body: 'y' });
    assertS3Error(conflict, 409, 'KeyPathConflict');
    assertS3Error(await rawS3(server, { method: 'PUT', path: `/hostile/${'k'.repeat(300)}`, body: 'y' }), 400, 'KeyTooLongError');
    assertS3Error(await rawS3(server, { method: 'PUT', path: `/hostile/${'k/'.repeat(600)}x`, body: 'y' }), 400, 'KeyTooLongError');
  });

  it('refuses bad bucket names with InvalidBucketName', async () => {
    for (const name of ['..', 'a', 'UPPER', 'bad_name', '.hidden', 'xn--punycode']) {
      assertS3Error(await rawS3(server, { method: 'PUT', path: `/${encodeURIComponent(name)}` }), 400, 'InvalidBucketName');
    }
  });

  it('answers malformed DeleteObjects requests with 4xx', async () => {
    for (const body of ['<Delete><Object>', '<Delete></Delete>', 'garbage', '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "b">]><Delete/>',
      `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`.slice(0, 15000)]) {
      const res = await rawS3(server, { method: 'POST', path: '/hostile', query: { delete: '' }, body, headers: { 'content-md5': md5b64(body) } });
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} for ${body.slice(0, 40)}`);
      assert.match(res.text, /<Code>(MalformedXML|InvalidRequest)<\/Code>/);
    }
    const ok = '<Delete><Object><Key>..</Key></Object></Delete>';
    const noMd5 = await rawS3(server, { method: 'POST', path: '/hostile', query: { delete: '' }, body: ok });
    assertS3Error(noMd5, 400, 'InvalidRequest');
    const wrongMd5 = await rawS3(server, { method: 'POST', path: '/hostile', query: { delete: '' }, body: ok, headers: { 'content-md5': md5b64('other') } });
    assertS3Error(wrongMd5, 400, 'BadDigest');
    const deleted = await rawS3(server, { method: 'POST', path: '/hostile', query: { delete: '' }, body: ok, headers: { 'content-md5': md5b64(ok) } });
    assert.equal(deleted.status, 200, deleted.text);
    assert.match(deleted.text, /<DeleteResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><Deleted><Key>\.\.<\/Key><\/Deleted><\/DeleteResult>/);
  });

  it('refuses oversized uploads and XML documents before reading them', async () => {
    const big = await rawS3(server, { method: 'PUT', path: '/hostile/big', body: Buffer.alloc(64 * 1024 + 1), payloadHash: 'UNSIGNED-PAYLOAD' });
    assertS3Error(big, 400, 'EntityTooLarge');
    const xml = `<Delete>${'<Object><Key>k</Key></Object>'.repeat(1000)}</Delete>`;
    const tooBig = await rawS3(server, { method: 'POST', path: '/hostile', query: { delete: '' }, body: xml, headers: { 'content-md5': md5b64(xml) } });
    assertS3Error(tooBig, 400, 'MaxMessageLengthExceeded');
  });

  it('refuses broken aws-chunked bodies and lengths that do not add up', async () => {
    const send = (body: string, decoded: string) => rawS3(server, {
      method: 'PUT', path: '/hostile/chunked', body, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': decoded, 'x-amz-trailer': 'x-amz-checksum-crc32' },
    });
    assertS3Error(await send('zz\r\nhello\r\n0\r\n\r\n', '5'), 400, 'InvalidRequest');
    assertS3Error(await send('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', '5'), 400, 'BadDigest');
    assertS3Error(await send('5\r\nhello\r\n0\r\n\r\n', '5'), 400, 'InvalidRequest');
    assertS3Error(await send('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n', '9'), 400, 'IncompleteBody');
    assertS3Error(await rawS3(server, {
      method: 'PUT', path: '/hostile/chunked', body: 'abc', payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', headers: { 'content-encoding': 'aws-chunked' },
    }), 411, 'MissingContentLength');
    // Still serving after all that.
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'hostile', Prefix: 'chunked' }))).KeyCount, 0);
  });

  it('answers unknown operations and methods in S3 terms', async () => {
    assertS3Error(await rawS3(server, { method: 'GET', path: '/hostile', query: { acl: '' } }), 501, 'NotImplemented');
    assertS3Error(await rawS3(server, { method: 'PATCH', path: '/hostile/k' }), 405, 'MethodNotAllowed');
  });
});
