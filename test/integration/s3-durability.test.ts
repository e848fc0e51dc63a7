/**
 * S3 state across restarts and crashes, and the in-process API trail delivery uses:
 * objects and metadata survive a restart; an object-store publish a crash left owed is done at
 * the next start; staged bytes no call owns are swept; S3Buckets writes ordinary objects.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from '../../src/server.ts';
import { tempDataDir, testConfig } from '../helpers/server.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';

const dataDir = tempDataDir();
const running: RunningServer[] = [];
after(async () => {
  for (const s of running) await s.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

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
