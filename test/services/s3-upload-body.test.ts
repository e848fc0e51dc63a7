/**
 * S3 upload bodies checked as declared, against AWS's own examples where there are some:
 * "Example: PUT Object" of the SigV4 streaming (chunked upload) documentation, verified end to
 * end (seed signature by verifySigV4, then every chunk), and the signed-trailer example.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Readable } from 'node:stream';
import { verifySigV4, type PayloadSigning } from '../../src/auth/sigv4/index.ts';
import { deriveSigningKey } from '../../src/auth/sigv4/signing-key.ts';
import type { HttpRequest } from '../../src/wire/types.ts';
import { openUploadBody } from '../../src/services/s3/upload-body.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');

async function read(stream: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** AWS's example body: 65536 + 1024 bytes of 'a' and the final empty chunk, with its signatures. */
function exampleBody(signatures: [string, string, string], tamper = false): Buffer {
  const data = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)];
  if (tamper) data[1]![5] = 'b'.charCodeAt(0);
  return Buffer.concat(data.flatMap((d, i) => [
    Buffer.from(`${d.length.toString(16)};chunk-signature=${signatures[i]}\r\n`), d, Buffer.from('\r\n'),
  ]));
}

const STREAMING_SIGNATURES: [string, string, string] = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];

function exampleRequest(body: Buffer): HttpRequest {
  return {
    method: 'PUT',
    path: '/examplebucket/chunkObject.txt',
    query: '',
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
    },
    body: Buffer.alloc(0),
    bodyStream: Readable.from([body]),
  };
}

function verified(req: HttpRequest): PayloadSigning {
  return verifySigV4(req, (id) => (id === 'AKIAIOSFODNN7EXAMPLE' ? { secretAccessKey: SECRET } : undefined), EXAMPLE_TIME).payload!;
}

function plain(headers: Record<string, string>, body: Buffer | string, declaredSha256 = 'UNSIGNED-PAYLOAD', max = 1 << 20) {
  const bytes = Buffer.from(body);
  return openUploadBody(Readable.from([bytes]), { 'content-length': String(bytes.length), ...headers }, { declaredSha256 }, max);
}

describe('S3 upload bodies', () => {
  it("verifies AWS's chunked-upload example: seed, every chunk, the final chunk", async () => {
    const req = exampleRequest(exampleBody(STREAMING_SIGNATURES));
    const signing = verified(req);
    assert.ok(signing.chunks, 'a streaming signature hands over its chunk-signing chain');
    const upload = openUploadBody(req.bodyStream!, req.headers, signing, 1 << 30);
    const bytes = await read(upload.stream);
    assert.equal(bytes.length, 66560);
    assert.ok(bytes.every((b) => b === 0x61));
    assert.equal(upload.result().size, 66560);
  });

  it('refuses a chunk whose bytes were changed after signing', async () => {
    const req = exampleRequest(exampleBody(STREAMING_SIGNATURES, true));
    const upload = openUploadBody(req.bodyStream!, req.headers, verified(req), 1 << 30);
    await assert.rejects(read(upload.stream), { code: 'SignatureDoesNotMatch' });
  });

  it('refuses chunks without signatures in a signed stream', async () => {
    const req = exampleRequest(Buffer.from('3\r\nabc\r\n0\r\n\r\n'));
    req.headers['x-amz-decoded-content-length'] = '3';
    const signing: PayloadSigning = {
      declaredSha256: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      chunks: { signingKey: deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3'), amzDate: '20130524T000000Z',
        scope: '20130524/us-east-1/s3/aws4_request', seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9' },
    };
    await assert.rejects(read(openUploadBody(req.bodyStream!, req.headers, signing, 1 << 20).stream), { code: 'SignatureDoesNotMatch' });
  });

  it("verifies AWS's signed-trailer example (CRC32C in the trailer)", async () => {
    const signatures = [
      'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
      '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
      '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
    ] as [string, string, string];
    const trailer = 'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n';
    // The trailer lines follow the final chunk's line directly.
    const chunks = exampleBody(signatures);
    const body = Buffer.concat([chunks.subarray(0, chunks.length - 2), Buffer.from(trailer)]);
    const headers = {
      'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '66560', 'x-amz-trailer': 'x-amz-checksum-crc32c',
    };
    const signing: PayloadSigning = {
      declaredSha256: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
      chunks: { signingKey: deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3'), amzDate: '20130524T000000Z',
        scope: '20130524/us-east-1/s3/aws4_request', seedSignature: '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e' },
    };
    const upload = openUploadBody(Readable.from([body]), headers, signing, 1 << 20);
    assert.equal((await read(upload.stream)).length, 66560);
    assert.deepEqual(upload.result().checksums, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });

    const forged = Buffer.from(body.toString('latin1').replace('sOO8/Q==', 'AAAAAA=='), 'latin1');
    await assert.rejects(read(openUploadBody(Readable.from([forged]), headers, signing, 1 << 20).stream), { code: 'SignatureDoesNotMatch' });
  });

  it('checks an unsigned trailer checksum (what the JS SDK sends by default)', async () => {
    const body = '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n';
    const headers = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '5', 'x-amz-trailer': 'x-amz-checksum-crc32' };
    const ok = openUploadBody(Readable.from([Buffer.from(body)]), headers, { declaredSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }, 100);
    assert.equal((await read(ok.stream)).toString(), 'hello');
    assert.deepEqual(ok.result().checksums, { 'x-amz-checksum-crc32': 'NhCmhg==' });
    const bad = body.replace('NhCmhg==', 'AAAAAA==');
    await assert.rejects(read(openUploadBody(Readable.from([Buffer.from(bad)]), headers,
      { declaredSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }, 100).stream), { code: 'BadDigest' });
  });

  it('checks a signed SHA-256, Content-MD5 and x-amz-checksum-* headers', async () => {
    const sha = createHash('sha256').update('payload').digest('hex');
    assert.equal((await read(plain({}, 'payload', sha).stream)).toString(), 'payload');
    await assert.rejects(read(plain({}, 'payloaX', sha).stream), { code: 'XAmzContentSHA256Mismatch' });
    const md5 = createHash('md5').update('payload').digest('base64');
    await read(plain({ 'content-md5': md5 }, 'payload').stream);
    await assert.rejects(read(plain({ 'content-md5': md5 }, 'payloaX').stream), { code: 'BadDigest' });
    assert.throws(() => plain({ 'content-md5': 'not-base64' }, 'payload'), { code: 'InvalidDigest' });
    const sha256b64 = createHash('sha256').update('payload').digest('base64');
    await read(plain({ 'x-amz-checksum-sha256': sha256b64 }, 'payload').stream);
    await assert.rejects(read(plain({ 'x-amz-checksum-sha256': sha256b64 }, 'payloaX').stream), { code: 'BadDigest' });
  });

  it('holds the client to its declared length, and to the upload limit before reading', async () => {
    const short = openUploadBody(Readable.from([Buffer.from('abc')]), { 'content-length': '5' }, { declaredSha256: 'UNSIGNED-PAYLOAD' }, 100);
    await assert.rejects(read(short.stream), { code: 'IncompleteBody' });
    assert.throws(() => plain({ 'content-length': '101' }, 'x', 'UNSIGNED-PAYLOAD', 100), { code: 'EntityTooLarge' });
    assert.throws(() => openUploadBody(Readable.from([]), {}, { declaredSha256: 'UNSIGNED-PAYLOAD' }, 100), { code: 'MissingContentLength' });
    assert.throws(() => plain({}, 'x', 'not-a-hash'), { code: 'InvalidArgument' });
  });

  it('checks large bodies the same way (hashed on worker threads), and computes the MD5 once for ETag and Content-MD5', async () => {
    // 3 MiB + 5 in chunks of awkward sizes, one larger than a hashing batch.
    const body = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
    const chunks = [body.subarray(0, 1000), body.subarray(1000, 1000 + 1536 * 1024), body.subarray(1000 + 1536 * 1024)];
    const sha = createHash('sha256').update(body).digest('hex');
    const md5 = createHash('md5').update(body).digest();
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    const headers = {
      'content-length': String(body.length), 'content-md5': md5.toString('base64'), 'x-amz-checksum-crc32': crc.toString('base64'),
    };
    const open = (bytes: Buffer[], h: Record<string, string> = headers, declared = sha) =>
      openUploadBody(Readable.from(bytes), h, { declaredSha256: declared }, 1 << 30, { md5: true });

    const ok = open(chunks);
    assert.ok((await read(ok.stream)).equals(body));
    assert.equal(ok.etag(), `"${md5.toString('hex')}"`);
    assert.deepEqual(ok.result(), { size: body.length, checksums: { 'x-amz-checksum-crc32': crc.toString('base64') }, md5Hex: md5.toString('hex') });

    const tampered = Buffer.from(body);
    tampered[2 * 1024 * 1024 + 3] ^= 1;
    await assert.rejects(read(open([tampered]).stream), { code: 'XAmzContentSHA256Mismatch' });
    await assert.rejects(read(open([tampered], headers, 'UNSIGNED-PAYLOAD').stream), { code: 'BadDigest' });
    const { 'content-md5': _, ...withoutMd5 } = headers;
    await assert.rejects(read(open([tampered], withoutMd5, 'UNSIGNED-PAYLOAD').stream), { code: 'BadDigest', message: /CRC32/ });
    // An algorithm node does not hash natively (CRC32C) stays on this thread, beside the others.
    const crc32c = Buffer.from(await (async () => {
      const { Crc32c } = await import('@aws-sdk/checksums/crc');
      const c = new Crc32c();
      c.update(body);
      return c.digest();
    })()).toString('base64');
    const mixed = open(chunks, { 'content-length': String(body.length), 'x-amz-checksum-crc32c': crc32c });
    assert.ok((await read(mixed.stream)).equals(body));
    assert.deepEqual(mixed.result().checksums, { 'x-amz-checksum-crc32c': crc32c });
  });

  it('stops hashing a large body whose client goes away', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024 * 1024, 1));
        this.destroy(new Error('client went away'));
      },
    });
    const upload = openUploadBody(failing, { 'content-length': String(8 * 1024 * 1024) }, { declaredSha256: 'UNSIGNED-PAYLOAD' }, 1 << 30,
      { md5: true });
    await assert.rejects(read(upload.stream), /client went away/);
    assert.throws(() => upload.etag(), /no MD5/);
  });
});
