/**
 * Start-up recovery never refuses to start over one bad pending entry. The entry planted here is
 * the one the old DELETE-of-an-over-long-key bug left behind (a pending delete of a 1,100-byte
 * key: before the fix every later start exited with "Your key is too long"; now the store knows
 * it has nothing to do), beside one no store can carry out (a bucket name the store refuses). The server
 * starts, logs one line naming the entry, sets it aside in the database, counts it in /health
 * and serves everything else; the next start does not try it again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import pino from 'pino';
import { startServer } from '../../src/server.ts';
import { Db } from '../../src/storage/db.ts';
import { tempDataDir, testConfig } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';

const dataDir = tempDataDir();
after(() => rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

const BAD_KEY = 'A'.repeat(1100);

function capturingLog(lines: Array<Record<string, any>>) {
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return pino({ level: 'info', base: undefined }, sink);
}

async function health(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/health`);
  assert.equal(res.status, 200);
  return await res.json() as Record<string, unknown>;
}

describe('S3 start-up recovery with a pending entry it cannot carry out', () => {
  it('starts, logs and sets the entry aside, counts it in /health, and serves S3', async () => {
    const first = await startServer(testConfig(dataDir));
    await s3Client(first).send(new CreateBucketCommand({ Bucket: 'own' }));
    await s3Client(first).send(new PutObjectCommand({ Bucket: 'own', Key: 'kept', Body: 'still here' }));
    assert.equal((await health(first.url)).s3PendingWorkSetAside, 0);
    await first.close();

    // The stopped server's database, as the old bug left it.
    const db = new Db(join(dataDir, 'healthtrail.db'));
    // The old bug's entry (a delete the store now knows has nothing to do), and one that no
    // store can carry out (a bucket name the object store refuses).
    const plant = db.sql.prepare('INSERT INTO s3_pending_work (id, kind, bucket, key, created_at) VALUES (?, ?, ?, ?, ?)');
    plant.run('delete:old-bug', 'delete', 'own', BAD_KEY, Date.now());
    plant.run('delete:planted', 'delete', 'no/such bucket', 'k', Date.now());
    await db.close();

    const lines: Array<Record<string, any>> = [];
    const second = await startServer(testConfig(dataDir), { log: capturingLog(lines) });
    try {
      const s3 = s3Client(second);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'own', Key: 'kept' }));
      assert.equal(await got.Body!.transformToString(), 'still here');
      await s3.send(new PutObjectCommand({ Bucket: 'own', Key: 'new', Body: 'x' }));
      assert.deepEqual(await health(second.url), { status: 'ok', s3PendingWorkSetAside: 1 });
      const named = lines.filter((l) => l.pendingWork?.id === 'delete:planted');
      assert.equal(named.length, 1);
      assert.equal(named[0]!.level, 50);
      assert.deepEqual(named[0]!.pendingWork, { id: 'delete:planted', kind: 'delete', bucket: 'no/such bucket', key: 'k' });
      assert.equal((second.db.sql.prepare("SELECT count(*) AS n FROM s3_pending_work WHERE id = 'delete:old-bug'").get() as { n: number }).n, 0);
      const row = second.db.sql.prepare("SELECT set_aside_at, set_aside_reason FROM s3_pending_work WHERE id = 'delete:planted'").get() as
        { set_aside_at: number | null; set_aside_reason: string };
      assert.notEqual(row.set_aside_at, null);
      assert.match(row.set_aside_reason, /bucket is not valid/);
    } finally {
      await second.close();
    }

    // Set aside, not retried: the next start is quiet about it and still counts it.
    const quiet: Array<Record<string, any>> = [];
    const third = await startServer(testConfig(dataDir), { log: capturingLog(quiet) });
    try {
      assert.equal((await health(third.url)).s3PendingWorkSetAside, 1);
      assert.equal(quiet.filter((l) => l.pendingWork).length, 0);
    } finally {
      await third.close();
    }
  });
});
