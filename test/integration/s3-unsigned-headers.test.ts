/**
 * Issue 17 item 6: S3 signatures cover every x-amz-* header. The attacks, with a real
 * low-privilege signer (s3:GetObject everywhere, s3:PutObject on inbox/*):
 *  - her presigned PUT URL plus an unsigned `x-amz-copy-source: /vault/secret.txt` header would
 *    have been a CopyObject of a secret into her inbox;
 *  - unsigned `x-amz-meta-*` / `x-amz-tagging` headers on presigned and header-signed PUTs were
 *    stored.
 * Each is 403 AccessDenied "There were headers present in the request which were not signed" with
 * `HeadersNotSigned`, and nothing is written. A signed header stripped from the request is
 * SignatureDoesNotMatch (the signature covered its value), as S3 answers. Non-S3 services keep
 * signing only what the client lists.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createHash } from 'node:crypto';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { clientOptions, REGION, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { presignS3Command } from '../helpers/s3-presign.ts';

const NOT_SIGNED = 'There were headers present in the request which were not signed';

interface Answer { status: number; text: string }

function send(server: TestServer, method: string, pathAndQuery: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function signer(credentials: Credentials): SignatureV4 {
  return new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
}

async function presignedPath(server: TestServer, credentials: Credentials, method: string, path: string, signedHeaders: Record<string, string> = {}): Promise<string> {
  const url = new URL(server.url);
  const presigned = await signer(credentials).presign({
    method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...signedHeaders },
  }, { expiresIn: 300, unhoistableHeaders: new Set(Object.keys(signedHeaders)) });
  return `${path}?${new URLSearchParams(presigned.query as Record<string, string>)}`;
}

/** A PUT signed in the Authorization header over `signed`; `unsigned` are added afterwards. */
async function headerSignedPut(server: TestServer, credentials: Credentials, path: string, body: string, signed: Record<string, string>, unsigned: Record<string, string> = {}, strip: string[] = []): Promise<Answer> {
  const url = new URL(server.url);
  const out = await signer(credentials).sign({
    method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'), 'content-length': String(body.length), ...signed },
  });
  const headers = { ...(out.headers as Record<string, string>), ...unsigned };
  for (const name of strip) delete headers[name];
  return send(server, 'PUT', path, headers, body);
}

function assertHeadersNotSigned(answer: Answer, names: string): void {
  assert.equal(answer.status, 403, answer.text);
  assert.match(answer.text, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\s*<Error><Code>AccessDenied</Code><Message>${NOT_SIGNED}</Message><HeadersNotSigned>${names}</HeadersNotSigned><RequestId>`));
}

describe('S3: every x-amz-* header must be signed', () => {
  let server: TestServer;
  let root: S3Client;
  let uploader: Credentials;

  async function exists(key: string): Promise<boolean> {
    try {
      await root.send(new HeadObjectCommand({ Bucket: 'inbox', Key: key }));
      return true;
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw e;
    }
  }

  before(async () => {
    server = await startTestServer();
    root = s3Client(server);
    await root.send(new CreateBucketCommand({ Bucket: 'inbox' }));
    await root.send(new CreateBucketCommand({ Bucket: 'vault' }));
    await root.send(new PutObjectCommand({ Bucket: 'vault', Key: 'secret.txt', Body: 'the secret' }));
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'uploader' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'uploader', PolicyName: 'inbox',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::inbox/*' },
        ],
      }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'uploader' }));
    uploader = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  });
  after(async () => server?.stop());

  it('a presigned PUT plus an unsigned x-amz-copy-source is refused, and nothing is copied', async () => {
    const path = await presignedPath(server, uploader, 'PUT', '/inbox/upload.txt');
    const answer = await send(server, 'PUT', path, { 'x-amz-copy-source': '/vault/secret.txt' });
    assertHeadersNotSigned(answer, 'x-amz-copy-source');
    assert.equal(await exists('upload.txt'), false);
    // The same URL without the extra header is the upload it was made for.
    assert.equal((await send(server, 'PUT', path, {}, 'mine')).status, 200);
    assert.equal(await exists('upload.txt'), true);
  });

  it('unsigned x-amz-meta-* and x-amz-tagging on a presigned PUT are refused, all named, sorted', async () => {
    const path = await presignedPath(server, uploader, 'PUT', '/inbox/meta.txt');
    const answer = await send(server, 'PUT', path, { 'x-amz-tagging': 'Classification=public', 'x-amz-meta-owner': 'mallory' }, 'x');
    assertHeadersNotSigned(answer, 'x-amz-meta-owner, x-amz-tagging');
    assert.equal(await exists('meta.txt'), false);
  });

  it('the same with an Authorization-header signature', async () => {
    const answer = await headerSignedPut(server, uploader, '/inbox/header.txt', 'x', {}, { 'x-amz-meta-owner': 'mallory', 'x-amz-copy-source': '/vault/secret.txt' });
    assertHeadersNotSigned(answer, 'x-amz-copy-source, x-amz-meta-owner');
    assert.equal(await exists('header.txt'), false);
  });

  it('an unsigned x-amz-security-token is named too; x-amz-content-sha256 is covered by the payload line', async () => {
    const path = await presignedPath(server, uploader, 'PUT', '/inbox/token.txt');
    assertHeadersNotSigned(await send(server, 'PUT', path, { 'x-amz-security-token': 'forged' }, 'x'), 'x-amz-security-token');
    // Changing the payload hash a presigned URL signed (UNSIGNED-PAYLOAD) breaks the signature.
    const changed = await send(server, 'PUT', path, { 'x-amz-content-sha256': createHash('sha256').update('x').digest('hex') }, 'x');
    assert.equal(changed.status, 403);
    assert.match(changed.text, /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it('signed x-amz-* headers are accepted; a signed header stripped from the request is SignatureDoesNotMatch', async () => {
    const signedMeta = { 'x-amz-meta-owner': 'uploader' };
    assert.equal((await headerSignedPut(server, uploader, '/inbox/signed.txt', 'x', signedMeta)).status, 200);
    const head = await root.send(new HeadObjectCommand({ Bucket: 'inbox', Key: 'signed.txt' }));
    assert.deepEqual(head.Metadata, { owner: 'uploader' });

    const stripped = await headerSignedPut(server, uploader, '/inbox/stripped.txt', 'x', signedMeta, {}, ['x-amz-meta-owner']);
    assert.equal(stripped.status, 403);
    assert.match(stripped.text, /<Code>SignatureDoesNotMatch<\/Code>/);

    const path = await presignedPath(server, uploader, 'PUT', '/inbox/presigned-meta.txt', signedMeta);
    assert.match(path, /X-Amz-SignedHeaders=host%3Bx-amz-meta-owner/);
    assert.equal((await send(server, 'PUT', path, signedMeta, 'x')).status, 200);
    const withoutIt = await send(server, 'PUT', path, {}, 'x');
    assert.equal(withoutIt.status, 403);
    assert.match(withoutIt.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(await exists('stripped.txt'), false);
  });

  it('with the client-s3 presigner: its URL works as made and refuses an added x-amz-copy-source', async () => {
    const client = new S3Client({ ...clientOptions(server, uploader), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const url = new URL(await presignS3Command(client, new PutObjectCommand({ Bucket: 'inbox', Key: 'sdk.txt' }), { credentials: uploader }));
    const pathAndQuery = `${url.pathname}${url.search}`;
    assertHeadersNotSigned(await send(server, 'PUT', pathAndQuery, { 'x-amz-copy-source': '/vault/secret.txt' }), 'x-amz-copy-source');
    assert.equal(await exists('sdk.txt'), false);
    assert.equal((await send(server, 'PUT', pathAndQuery, {}, 'from the sdk url')).status, 200);
    assert.equal(await exists('sdk.txt'), true);
  });

  it('other services sign only what the client lists: an unsigned x-amz-* header on IAM is not refused', async () => {
    const url = new URL(server.url);
    const body = 'Action=ListUsers&Version=2010-05-08';
    const iamSigner = new SignatureV4({ service: 'iam', region: REGION, credentials: uploader, sha256: Hash.bind(null, 'sha256') });
    const signed = await iamSigner.sign({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body,
    });
    const answer = await send(server, 'POST', '/', { ...(signed.headers as Record<string, string>), 'x-amz-extra': 'unsigned' }, body);
    // Authenticated (her policy has no iam:ListUsers, so IAM's AccessDenied, not a signature error).
    assert.equal(answer.status, 403);
    assert.match(answer.text, /<Code>AccessDenied<\/Code>/);
    assert.match(answer.text, /is not authorized to perform: iam:ListUsers/);
  });
});
