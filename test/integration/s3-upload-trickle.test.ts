/**
 * A streamed upload that trickles (a byte at a time, well under the minimum rate) is cut: S3's
 * 400 RequestTimeout while it can still answer, the connection closed, nothing stored. Before
 * the fix the socket's inactivity timeout was reset by every byte and the upload stayed open
 * for as long as the client kept trickling. The server runs with a small limit (100 B/s over
 * 0.5 s windows) so the test is short; the defaults are 1 KiB/s over 30 s windows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REGION, ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';

let server: TestServer;
let s3: S3Client;

before(async () => {
  server = await startTestServer({ uploadMinBytesPerSecond: 100, uploadRateWindowSeconds: 0.5 });
  s3 = s3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: 'slow' }));
});
after(async () => server?.stop());

/** Sends a signed PUT's head, then its body one byte per `everyMs` until the server answers. */
async function tricklePut(path: string, length: number, everyMs: number): Promise<{ response: string; closed: boolean }> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: ROOT, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const signed = await signer.sign({
    method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(length) },
  });
  const head = [`PUT ${path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let response = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < length && socket.writable) {
        socket.write('x');
        sent++;
      }
    }, everyMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d) => { response += d.toString('utf8'); });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      if (!response) reject(new Error('closed without an answer'));
      else resolve({ response, closed: true });
    });
  });
}

describe('S3 uploads that trickle', () => {
  it('are answered 400 RequestTimeout, the connection closed, nothing stored', async () => {
    const { response, closed } = await tricklePut('/slow/trickled', 1000, 100);
    assert.match(response, /^HTTP\/1\.1 400 /);
    assert.match(response, /<Error><Code>RequestTimeout<\/Code><Message>Your socket connection to the server was not read from or written to within the timeout period\. Idle connections will be closed\.<\/Message>/);
    assert.match(response, /\r\nconnection: close\r\n/i);
    assert.equal(closed, true);
    await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: 'slow', Key: 'trickled' })), (e: any) => e.$metadata?.httpStatusCode === 404);
    assert.deepEqual(readdirSync(join(server.dataDir, 's3', '.staging')).filter((n) => !n.startsWith('.')), []);
  });

  it('a normal upload on the same server is untouched', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'slow', Key: 'quick', Body: Buffer.alloc(256 * 1024, 1) }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'slow', Key: 'quick' }));
    assert.equal(head.ContentLength, 256 * 1024);
  });
});
