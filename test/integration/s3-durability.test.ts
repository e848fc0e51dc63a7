/**
 * S3 state across restarts and crashes, and the in-process API trail delivery uses:
 * objects and metadata survive a restart; an object-store publish a crash left owed is done at
 * the next start (also a CompleteMultipartUpload's, with the purge of its parts); staged bytes
 * and part files no object owns are swept; S3Buckets writes ordinary objects.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from '../../src/server.ts';
import { tempDataDir, testConfig } from '../helpers/server.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';

const dataDir = tempDataDir();
const running: RunningServer[] = [];
after(async () => {
  for (const s of running) await s.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'none';
  } catch (e) {
    return (e as Error).name;
  }
}

async function start(): Promise<RunningServer> {
  const server = await startServer(testConfig(dataDir));
  running.push(server);
  return server;
}

describe('S3 durability', () => {
  it('keeps objects and their metadata across a restart', async () => {
    const first = await start();
    const s3 = s3Client(first);
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k.txt', Body: 'kept', ContentType: 'text/x-kept', Metadata: { v: '1' } }));
    await first.close();

    const second = await start();
    const head = await s3Client(second).send(new HeadObjectCommand({ Bucket: 'durable', Key: 'k.txt' }));
    assert.deepEqual([head.ContentType, head.Metadata, head.ContentLength], ['text/x-kept', { v: '1' }, 4]);
    await second.close();
  });

  it('finishes a publish a crash left owed, and sweeps staged bytes nobody owns', async () => {
    const server = await start();
    // As if a PutObject committed (record + owed publish) and the process died before publishing.
    const staged = await server.s3.store.stage('durable', 'after-crash.txt', Buffer.from('recovered'), { userMetadata: { how: 'replay' } });
    server.db.sql.prepare("INSERT INTO s3_pending_work (id, kind, bucket, key, created_at) VALUES (?, 'publish', ?, ?, ?)")
      .run(staged.id, 'durable', 'after-crash.txt', Date.now());
    // And as if an upload died while streaming: staged, never committed, long ago.
    const orphan = await server.s3.store.stage('durable', 'never.txt', Buffer.from('lost'), { userMetadata: {} });
    const stagingDir = join(dataDir, 's3', '.staging');
    const old = new Date(Date.now() - 2 * 3600_000);
    for (const name of readdirSync(stagingDir).filter((n) => n.startsWith(orphan.id))) utimesSync(join(stagingDir, name), old, old);
    await server.close();

    const restarted = await start();
    const got = await s3Client(restarted).send(new GetObjectCommand({ Bucket: 'durable', Key: 'after-crash.txt' }));
    assert.equal(await got.Body!.transformToString(), 'recovered');
    assert.deepEqual(got.Metadata, { how: 'replay' });
    assert.equal((restarted.db.sql.prepare('SELECT count(*) AS n FROM s3_pending_work').get() as { n: number }).n, 0);
    assert.deepEqual(readdirSync(stagingDir), []);
    await restarted.close();
  });

  it('finishes a CompleteMultipartUpload a crash interrupted after its commit, and purges its parts', async () => {
    const server = await start();
    const s3 = s3Client(server);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'durable', Key: 'mp.bin', Metadata: { kind: 'mp' } }));
    const bodies = [Buffer.alloc(5 * 1024 * 1024, 7), Buffer.from('the rest')];
    const etags: string[] = [];
    for (const [i, Body] of bodies.entries()) {
      etags.push((await s3.send(new UploadPartCommand({ Bucket: 'durable', Key: 'mp.bin', UploadId, PartNumber: i + 1, Body }))).ETag!);
    }
    // What Complete's prepare and commit leave when the process dies before its publish: the
    // joined object staged, the upload gone, the publish and the purge owed.
    const md5s = bodies.map((b) => createHash('md5').update(b).digest());
    const etag = `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-2"`;
    const staged = await server.s3.store.stageJoined('durable', 'mp.bin', bodies.map((b, i) => ({
      bucket: '.uploads', key: `${UploadId}/${i + 1}`, size: b.length, etag: etags[i]!,
    })), { userMetadata: { kind: 'mp' }, contentType: 'binary/octet-stream' }, { etag });
    const now = Date.now();
    server.db.sql.prepare('DELETE FROM s3_multipart_uploads WHERE upload_id = ?').run(UploadId);
    server.db.sql.prepare("INSERT INTO s3_pending_work (id, kind, bucket, key, created_at) VALUES (?, 'publish', 'durable', 'mp.bin', ?)")
      .run(staged.id, now);
    server.db.sql.prepare("INSERT INTO s3_pending_work (id, kind, bucket, key, created_at) VALUES (?, 'purge', 'durable', ?, ?)")
      .run(`purge:${UploadId}`, UploadId, now);
    assert.equal(await errorName(s3.send(new HeadObjectCommand({ Bucket: 'durable', Key: 'mp.bin' }))), 'NotFound');
    await server.close();

    const restarted = await start();
    const got = await s3Client(restarted).send(new GetObjectCommand({ Bucket: 'durable', Key: 'mp.bin', Range: `bytes=${5 * 1024 * 1024 - 1}-` }));
    assert.deepEqual([...await got.Body!.transformToByteArray()], [7, ...Buffer.from('the rest')]);
    assert.deepEqual([got.ETag, got.Metadata], [etag, { kind: 'mp' }]);
    assert.equal(existsSync(join(dataDir, 's3', '.uploads', UploadId!)), false, 'the parts were purged');
    assert.equal((await s3Client(restarted).send(new ListMultipartUploadsCommand({ Bucket: 'durable' }))).Uploads, undefined);
    assert.equal((restarted.db.sql.prepare('SELECT count(*) AS n FROM s3_pending_work').get() as { n: number }).n, 0);
    await restarted.close();
  });

  it('removes at start-up the part files of multipart objects a crash left unowned', async () => {
    const server = await start();
    const partsDir = join(dataDir, 's3', '.parts');
    const live = readdirSync(partsDir);
    assert.equal(live.length, 1, 'mp.bin');
    // As if mp.bin had been overwritten and the process died before removing its old parts.
    const orphan = '00000000-0000-4000-8000-0000000000aa';
    cpSync(join(partsDir, live[0]!), join(partsDir, orphan), { recursive: true });
    writeFileSync(join(partsDir, orphan, 'junk'), 'x');
    await server.close();

    const restarted = await start();
    assert.deepEqual(readdirSync(partsDir), live);
    const got = await s3Client(restarted).send(new GetObjectCommand({ Bucket: 'durable', Key: 'mp.bin', Range: 'bytes=0-1' }));
    assert.deepEqual([...await got.Body!.transformToByteArray()], [7, 7]);
    await restarted.close();
  });

  it('gives trail delivery an API that writes ordinary objects (S3Buckets)', async () => {
    const server = await start();
    assert.deepEqual(server.s3.bucketOwner('durable'), { accountId: '123456789012', region: 'us-east-1' });
    assert.equal(server.s3.bucketOwner('no-such-bucket'), undefined);
    const key = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/22/file.json.gz';
    await server.s3.putObject('durable', key, Buffer.from('gzip bytes'), { 'Trail-Name': 'main' }, { contentType: 'application/json' });
    const s3 = s3Client(server);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: key }));
    assert.equal(await got.Body!.transformToString(), 'gzip bytes');
    assert.deepEqual([got.ContentType, got.Metadata], ['application/json', { 'trail-name': 'main' }]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'durable', Prefix: 'AWSLogs/' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), [key]);
    await assert.rejects(server.s3.putObject('no-such-bucket', 'k', Buffer.from('x'), {}), { code: 'NoSuchBucket' });
    // Internal writes are not API calls: no record of them.
    assert.equal(s3Records(server, 'PutObject').filter((r) => r.requestParameters.key === key).length, 0);
    await server.close();
  });
});
