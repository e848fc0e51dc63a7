/**
 * Large object bytes go to and from the disk with direct I/O (aligned batches) and small ones
 * through the page cache: both ways must give back exactly the bytes, for sizes around the batch
 * and alignment edges, bodies in odd-sized chunks, ranges at unaligned offsets; and with direct
 * I/O off (where a platform refuses O_DIRECT), the ordinary calls serve alone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DIRECT_BATCH_BYTES, useDirectIo } from '../../src/objects/direct-io.ts';
import { LocalDirectoryObjectStore } from '../../src/objects/local/local-directory-store.ts';
import { writeStagingFile } from '../../src/objects/staging-file.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(parent: string): string {
  const dir = mkdtempSync(join(parent, 'healthtrail-direct-io-'));
  dirs.push(dir);
  return dir;
}

/** `bytes` as a stream of chunks of the given sizes, repeated. */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, bytes.length - at);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(chunks);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

const MiB = DIRECT_BATCH_BYTES;
const SIZES = [0, 1, 4095, 4096, MiB - 1, MiB, MiB + 1, 2 * MiB, 3 * MiB + 12345];

for (const direct of [true, false]) {
  describe(`staged object bytes, direct I/O ${direct ? 'on' : 'off'}`, () => {
    const parent = tmpdir();
    before(() => useDirectIo(direct));
    after(() => useDirectIo(true));

    it('are written exactly, whatever the size and chunking', async () => {
      const dir = tempDir(parent);
      for (const size of SIZES) {
        const bytes = randomBytes(size);
        const path = join(dir, `${size}.data`);
        const file = await writeStagingFile(path, chunked(bytes, [65536, 1000, 7, 300_001]));
        assert.equal(file.size, size);
        assert.equal(file.md5Hex, createHash('md5').update(bytes).digest('hex'));
        assert.ok(readFileSync(path).equals(bytes), `${size} bytes read back`);
      }
    });

    it('read back whole and in ranges at unaligned offsets, from one file and from parts', async () => {
      const store = new LocalDirectoryObjectStore(tempDir(parent));
      await store.createBucket('b');
      const bytes = randomBytes(3 * MiB + 777);
      await store.put('b', 'one', chunked(bytes, [65536]), { userMetadata: {} });
      const split = [MiB + 5, 2 * MiB, 772];
      let at = 0;
      const parts = [];
      for (const [i, n] of split.entries()) {
        const info = await store.put('b', `part${i}`, bytes.subarray(at, at + n), { userMetadata: {} });
        parts.push({ bucket: 'b', key: `part${i}`, size: n, etag: info.etag });
        at += n;
      }
      const joined = await store.stageJoined('b', 'joined', parts, { userMetadata: {} }, { etag: '"x-3"' });
      await store.publish(joined);
      const ranges: Array<[number, number]> = [[0, bytes.length - 1], [1, MiB + 4100], [4095, 4096], [MiB + 4, MiB + 6],
        [MiB - 3, 3 * MiB + 776], [2 * MiB + 100, 3 * MiB + 100]];
      for (const key of ['one', 'joined']) {
        assert.ok((await readAll((await store.get('b', key))!.body)).equals(bytes), `${key} whole`);
        for (const [start, end] of ranges) {
          const got = await readAll((await store.get('b', key, () => ({ start, end })))!.body);
          assert.ok(got.equals(bytes.subarray(start, end + 1)), `${key} bytes ${start}-${end}`);
        }
      }
    });

    it('are written exactly by more writers at once than there are aligned batches', async () => {
      const dir = tempDir(parent);
      const bodies = Array.from({ length: 72 }, () => randomBytes(2 * MiB + 5));
      const files = await Promise.all(bodies.map((bytes, i) => writeStagingFile(join(dir, `${i}.data`), chunked(bytes, [65536]))));
      files.forEach((file, i) => {
        assert.equal(file.md5Hex, createHash('md5').update(bodies[i]!).digest('hex'));
        assert.ok(readFileSync(file.path).equals(bodies[i]!), `writer ${i}`);
      });
    });

    it('leave nothing behind when the body fails half way', async () => {
      const dir = tempDir(parent);
      const path = join(dir, 'failed.data');
      const body = new Readable({ read() {} });
      body.push(randomBytes(2 * MiB + 3));
      setImmediate(() => body.destroy(new Error('client went away')));
      await assert.rejects(writeStagingFile(path, body), /client went away/);
      assert.equal(existsSync(path), false);
    });
  });
}
