/**
 * Upload digests (src/services/s3/digests.ts): on worker threads for large bodies, on the calling
 * thread for small ones, the same digests either way, in order across many concurrent bodies,
 * with backpressure when the workers lag.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { startDigests, WORKER_THRESHOLD_BYTES, type DigestAlgorithm } from '../../src/services/s3/digests.ts';

const ALL: DigestAlgorithm[] = ['md5', 'sha1', 'sha256', 'sha512', 'crc32'];

function expected(body: Buffer): Map<DigestAlgorithm, string> {
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return new Map<DigestAlgorithm, string>([
    ['md5', createHash('md5').update(body).digest('hex')], ['sha1', createHash('sha1').update(body).digest('hex')],
    ['sha256', createHash('sha256').update(body).digest('hex')], ['sha512', createHash('sha512').update(body).digest('hex')],
    ['crc32', crc.toString('hex')],
  ]);
}

async function digestOf(body: Buffer, chunk: number, declared = body.length): Promise<{ digests: Map<DigestAlgorithm, string>; waits: number }> {
  const digester = startDigests(ALL, declared);
  let waits = 0;
  for (let at = 0; at < body.length; at += chunk) {
    const wait = digester.update(body.subarray(at, at + chunk));
    if (wait) {
      waits++;
      await wait;
    }
  }
  const out = await digester.digests();
  return { digests: new Map([...out].map(([a, b]) => [a, b.toString('hex')])), waits };
}

function body(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed + (i >> 13)) & 0xff;
  return out;
}

describe('S3 upload digests', () => {
  it('gives the same digests on worker threads as on this thread', async () => {
    const small = body(1000, 1);
    assert.deepEqual((await digestOf(small, 100)).digests, expected(small));
    const large = body(WORKER_THRESHOLD_BYTES * 3 + 17, 2);
    for (const chunk of [65536, 1000, 5 * 1024 * 1024]) assert.deepEqual((await digestOf(large, chunk)).digests, expected(large), String(chunk));
    const empty = Buffer.alloc(0);
    assert.deepEqual((await digestOf(empty, 1, WORKER_THRESHOLD_BYTES)).digests, expected(empty));
  });

  it('keeps many concurrent bodies apart, and makes a body wait while its batches are hashed', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => body(6 * 1024 * 1024 + i, i + 10));
    const results = await Promise.all(bodies.map((b) => digestOf(b, 65536)));
    results.forEach((r, i) => assert.deepEqual(r.digests, expected(bodies[i]!), `body ${i}`));
    assert.ok(results.some((r) => r.waits > 0), 'some body was held back');
  });

  it('fails an aborted digest and answers the next ones', async () => {
    const digester = startDigests(['md5'], WORKER_THRESHOLD_BYTES);
    digester.update(body(WORKER_THRESHOLD_BYTES + 5, 3));
    digester.abort();
    await assert.rejects(digester.digests(), /aborted/);
    const next = body(WORKER_THRESHOLD_BYTES, 4);
    assert.equal((await digestOf(next, 65536)).digests.get('md5'), expected(next).get('md5'));
  });
});
