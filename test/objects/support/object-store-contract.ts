/**
 * The behaviour every ObjectStore backend must have, as one suite that each backend's test file
 * runs against its own store.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PartChangedError, type JoinPart, type ObjectStore } from '../../../src/objects/object-store.ts';

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function text(stream: Readable): Promise<string> {
  return (await bytes(stream)).toString('utf8');
}

function md5(s: string | Buffer): string {
  return `"${createHash('md5').update(s).digest('hex')}"`;
}

function byteOrder(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

const meta = { userMetadata: {} };
let counter = 0;
const MiB = 1024 * 1024;

function multipartEtag(parts: Buffer[]): string {
  const md5s = parts.map((p) => createHash('md5').update(p).digest());
  return `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}"`;
}

/** Distinct bytes per position, so a range served from the wrong offset shows. */
function patterned(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) out.writeUInt32LE((i * 2654435761 + seed) >>> 0, Math.min(i, size - 4));
  return out;
}

/** Stores `bodies` as part objects in `bucket` (as UploadPart does) and describes them for stageJoined. */
async function storeParts(store: ObjectStore, bucket: string, prefix: string, bodies: Buffer[]): Promise<JoinPart[]> {
  const parts: JoinPart[] = [];
  for (const [i, body] of bodies.entries()) {
    const info = await store.put(bucket, `${prefix}/${i + 1}`, body, meta);
    parts.push({ bucket, key: `${prefix}/${i + 1}`, size: body.length, etag: info.etag });
  }
  return parts;
}

export interface ContractOptions {
  /** A fresh store for one test (the same backing storage each time: a "restart"). */
  store: () => ObjectStore;
}

export function objectStoreContract(name: string, options: ContractOptions): void {
  const newBucket = async (store: ObjectStore): Promise<string> => {
    const bucket = `contract-${process.pid}-${++counter}`;
    await store.createBucket(bucket);
    return bucket;
  };

  describe(`ObjectStore contract: ${name}`, () => {
    it('puts, heads and gets an object with its metadata', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const info = await store.put(bucket, 'dir/hello.txt', Buffer.from('hello world'), {
        userMetadata: { colour: 'blue', 'x-y': 'z' }, contentType: 'text/plain', contentEncoding: 'identity',
      });
      assert.equal(info.etag, md5('hello world'));
      assert.equal(info.size, 11);
      const head = await store.head(bucket, 'dir/hello.txt');
      assert.ok(head);
      assert.equal(head.etag, md5('hello world'));
      assert.equal(head.size, 11);
      assert.equal(head.contentType, 'text/plain');
      assert.equal(head.contentEncoding, 'identity');
      assert.deepEqual(head.userMetadata, { colour: 'blue', 'x-y': 'z' });
      const got = await store.get(bucket, 'dir/hello.txt');
      assert.ok(got);
      assert.equal(await text(got.body), 'hello world');
      assert.equal(got.info.etag, md5('hello world'));
    });

    it('keeps metadata across a restart', async () => {
      const bucket = await newBucket(options.store());
      await options.store().put(bucket, 'k', Buffer.from('v'), { userMetadata: { a: '1' }, contentType: 'application/x-test' });
      const head = await options.store().head(bucket, 'k');
      assert.equal(head?.contentType, 'application/x-test');
      assert.deepEqual(head?.userMetadata, { a: '1' });
      assert.equal(head?.etag, md5('v'));
    });

    it('streams a body and serves byte ranges', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      await store.put(bucket, 'r', Readable.from([Buffer.from('0123'), Buffer.from('456789')]), meta);
      const got = await store.get(bucket, 'r', (size) => ({ start: 2, end: size - 3 }));
      assert.ok(got);
      assert.deepEqual(got.range, { start: 2, end: 7 });
      assert.equal(await text(got.body), '234567');
    });

    it('answers undefined for missing objects and deletes idempotently', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      assert.equal(await store.head(bucket, 'missing'), undefined);
      assert.equal(await store.get(bucket, 'missing'), undefined);
      await store.put(bucket, 'a/b/c', Buffer.from('x'), meta);
      await store.delete(bucket, 'a/b/c');
      await store.delete(bucket, 'a/b/c');
      assert.equal(await store.head(bucket, 'a/b/c'), undefined);
      assert.deepEqual((await store.list(bucket, { maxKeys: 10 })).objects, []);
    });

    it('replaces an object whole', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      await store.put(bucket, 'k', Buffer.from('first version'), { userMetadata: { v: '1' } });
      await store.put(bucket, 'k', Buffer.from('second'), { userMetadata: { v: '2' } });
      const got = await store.get(bucket, 'k');
      assert.equal(await text(got!.body), 'second');
      assert.deepEqual(got!.info.userMetadata, { v: '2' });
      assert.equal(got!.info.etag, md5('second'));
    });

    it('stages invisibly, publishes idempotently and discards', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const staged = await store.stage(bucket, 'staged', Buffer.from('later'), meta);
      assert.equal(staged.info.etag, md5('later'));
      assert.equal(await store.head(bucket, 'staged'), undefined);
      assert.equal((await store.list(bucket, { maxKeys: 10 })).objects.length, 0);
      await store.publish(staged);
      await store.publish(staged);
      assert.equal((await store.head(bucket, 'staged'))?.size, 5);
      const dropped = await store.stage(bucket, 'dropped', Buffer.from('never'), meta);
      await store.discard(dropped);
      await store.publish(dropped);
      assert.equal(await store.head(bucket, 'dropped'), undefined);
    });

    it('fails a stage whose body stream fails, leaving nothing', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const failing = new Readable({ read() { this.destroy(new Error('client went away')); } });
      await assert.rejects(store.stage(bucket, 'broken', failing, meta), /client went away/);
      assert.equal(await store.sweepStaged(new Set(), 0), 0);
      assert.equal(await store.head(bucket, 'broken'), undefined);
    });

    it('records a given ETag and part sizes (multipart objects)', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
      const part2 = Buffer.from('tail');
      const etag = `"${createHash('md5').update(Buffer.concat([
        createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest(),
      ])).digest('hex')}-2"`;
      await store.put(bucket, 'multi', Buffer.concat([part1, part2]), meta, { etag, partSizes: [part1.length, part2.length] });
      assert.equal((await store.head(bucket, 'multi'))?.etag, etag);
      assert.equal((await store.list(bucket, { maxKeys: 10 })).objects[0]?.etag, etag);
    });

    it('joins part objects into one object (stageJoined): bytes, ETag, ranges across parts', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const bodies = [patterned(5 * MiB, 1), patterned(5 * MiB, 2), patterned(1000, 3)];
      const whole = Buffer.concat(bodies);
      const parts = await storeParts(store, bucket, 'upload-1', bodies);
      const etag = multipartEtag(bodies);
      const staged = await store.stageJoined(bucket, 'joined/object.bin', parts, { userMetadata: { m: 'v' }, contentType: 'application/x-j' }, { etag });
      assert.deepEqual([staged.info.size, staged.info.etag], [whole.length, etag]);
      assert.equal(await store.head(bucket, 'joined/object.bin'), undefined, 'invisible until published');
      await store.publish(staged);
      await store.publish(staged);
      // The object no longer needs its parts.
      for (const part of parts) await store.delete(bucket, part.key);

      const head = await store.head(bucket, 'joined/object.bin');
      assert.deepEqual([head?.size, head?.etag, head?.contentType, head?.userMetadata], [whole.length, etag, 'application/x-j', { m: 'v' }]);
      const listed = await store.list(bucket, { maxKeys: 10 });
      assert.deepEqual(listed.objects.map((o) => [o.key, o.size, o.etag]), [['joined/object.bin', whole.length, etag]]);
      const got = await store.get(bucket, 'joined/object.bin');
      assert.ok((await bytes(got!.body)).equals(whole));
      const boundary = 5 * MiB;
      for (const [start, end] of [
        [0, 0], [boundary - 3, boundary + 2], [boundary, boundary + 9], [boundary - 1, 2 * boundary + 10],
        [2 * boundary, whole.length - 1], [whole.length - 1, whole.length - 1], [100, boundary - 1],
      ] as Array<[number, number]>) {
        const ranged = await store.get(bucket, 'joined/object.bin', () => ({ start, end }));
        assert.deepEqual(ranged!.range, { start, end });
        assert.ok((await bytes(ranged!.body)).equals(whole.subarray(start, end + 1)), `bytes ${start}-${end}`);
      }
    });

    it('refuses to join a part that is missing or no longer what was uploaded', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const bodies = [patterned(5 * MiB, 4), Buffer.from('tail')];
      const parts = await storeParts(store, bucket, 'upload-2', bodies);
      await store.put(bucket, parts[1]!.key, Buffer.from('other tail'), meta);
      await assert.rejects(store.stageJoined(bucket, 'j', parts, meta, { etag: multipartEtag(bodies) }),
        (e: unknown) => e instanceof PartChangedError && e.part.key === parts[1]!.key);
      await store.delete(bucket, parts[0]!.key);
      await assert.rejects(store.stageJoined(bucket, 'j', parts.slice(0, 1), meta, { etag: multipartEtag(bodies.slice(0, 1)) }),
        (e: unknown) => e instanceof PartChangedError && e.part.key === parts[0]!.key);
      assert.equal(await store.head(bucket, 'j'), undefined);
    });

    it('lists in UTF-8 byte order with prefix, after, delimiter and maxKeys', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      // Conflict-free for directory backends, yet 'a-c' < 'a.txt' < 'a/...' < 'a0' tests that a
      // directory sorts as its name plus '/'.
      const keys = ['a-c', 'a.txt', 'a/b/', 'a/b/c', 'a/d', 'a0', 'b', 'é', '\ue000', '😀', 'z/1', 'z/2/x', 'z/2/y', 'z/3'];
      for (const k of keys) await store.put(bucket, k, Buffer.from(k), meta);
      const all = await store.list(bucket, { maxKeys: 100 });
      assert.deepEqual(all.objects.map((o) => o.key), byteOrder(keys));
      assert.equal(all.isTruncated, false);
      assert.equal(all.objects.find((o) => o.key === 'a/b/c')?.etag, md5('a/b/c'));

      const page1 = await store.list(bucket, { maxKeys: 3 });
      assert.deepEqual(page1.objects.map((o) => o.key), ['a-c', 'a.txt', 'a/b/']);
      assert.equal(page1.isTruncated, true);
      assert.equal(page1.lastKey, 'a/b/');
      const page2 = await store.list(bucket, { maxKeys: 3, after: page1.lastKey });
      assert.deepEqual(page2.objects.map((o) => o.key), ['a/b/c', 'a/d', 'a0']);

      const rolled = await store.list(bucket, { maxKeys: 100, delimiter: '/' });
      assert.deepEqual(rolled.objects.map((o) => o.key), byteOrder(['a-c', 'a.txt', 'a0', 'b', 'é', '\ue000', '😀']));
      assert.deepEqual(rolled.commonPrefixes, ['a/', 'z/']);

      const inZ = await store.list(bucket, { prefix: 'z/', delimiter: '/', maxKeys: 100 });
      assert.deepEqual(inZ.objects.map((o) => o.key), ['z/1', 'z/3']);
      assert.deepEqual(inZ.commonPrefixes, ['z/2/']);

      const paged = await store.list(bucket, { prefix: 'z/', delimiter: '/', maxKeys: 2 });
      assert.deepEqual([...paged.objects.map((o) => o.key), ...paged.commonPrefixes], ['z/1', 'z/2/']);
      assert.equal(paged.lastKey, 'z/2/');
      assert.equal(paged.isTruncated, true);
      const rest = await store.list(bucket, { prefix: 'z/', delimiter: '/', maxKeys: 2, after: paged.lastKey });
      assert.deepEqual(rest.objects.map((o) => o.key), ['z/3']);
      assert.deepEqual(rest.commonPrefixes, []);
      assert.equal(rest.isTruncated, false);

      const partial = await store.list(bucket, { prefix: 'a/b', maxKeys: 100 });
      assert.deepEqual(partial.objects.map((o) => o.key), ['a/b/', 'a/b/c']);
      const otherDelimiter = await store.list(bucket, { delimiter: '-', maxKeys: 100 });
      assert.deepEqual(otherDelimiter.commonPrefixes, ['a-']);
      const none = await store.list(bucket, { prefix: 'nothing/', maxKeys: 100 });
      assert.deepEqual(none.objects, []);
    });

    it('holds keys with awkward characters and dot segments inside the bucket', async () => {
      const store = options.store();
      const bucket = await newBucket(store);
      const keys = ['sp ace/plus+percent%hash#q?', 'dot/./x', 'dots/../y', 'double//slash', '/leading', '.~reserved', 'ümlaut/日本'];
      for (const k of keys) await store.put(bucket, k, Buffer.from(`v:${k}`), meta);
      for (const k of keys) assert.equal(await text((await store.get(bucket, k))!.body), `v:${k}`, k);
      assert.deepEqual((await store.list(bucket, { maxKeys: 100 })).objects.map((o) => o.key), byteOrder(keys));
    });
  });
}
