/**
 * kill -9 during a write load while a trail delivers, then restart: every recorded event reaches
 * the bucket exactly once (none lost, none duplicated), acknowledged calls included.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HealthLakeClient, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { Db } from '../../src/storage/db.ts';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('trail delivery across a crash', () => {
  it('delivers every event exactly once after kill -9 and restart', async () => {
    const dataDir = tempDataDir();
    const env = { HEALTHTRAIL_DELIVERY_INTERVAL_SECONDS: '1', HEALTHTRAIL_LOG_FILE_MAX_BYTES: '30000' };
    try {
      const { child, url } = await spawnServer(dataDir, env);
      await new S3Client({ ...clientOptions({ url }), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'crash-logs' }));
      const cloudtrail = new CloudTrailClient(clientOptions({ url }));
      await cloudtrail.send(new CreateTrailCommand({ Name: 'crash', S3BucketName: 'crash-logs' }));
      await cloudtrail.send(new StartLoggingCommand({ Name: 'crash' }));

      const client = new HealthLakeClient(clientOptions({ url }));
      const acknowledged = new Set<string>();
      let stop = false;
      const worker = async () => {
        while (!stop) {
          try {
            acknowledged.add((await client.send(new ListFHIRDatastoresCommand({}))).$metadata.requestId!);
          } catch {
            return;
          }
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      await new Promise((r) => setTimeout(r, 2500));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all([once(child, 'exit'), ...workers]);
      assert.ok(acknowledged.size > 100, `${acknowledged.size} calls before the crash`);

      const again = await spawnServer(dataDir, env);
      const file = join(dataDir, 'healthtrail.db');
      const deadline = Date.now() + 30_000;
      for (;;) {
        const db = new Db(file, { readonly: true });
        const trail = db.sql.prepare('SELECT delivered_seq AS d FROM trails').get() as { d: number };
        const last = (db.sql.prepare('SELECT max(seq) AS s FROM events').get() as { s: number }).s;
        const pending = (db.sql.prepare('SELECT count(*) AS n FROM trail_log_files WHERE delivered_at IS NULL').get() as { n: number }).n;
        db.close();
        if (trail.d >= last && pending === 0) break;
        assert.ok(Date.now() < deadline, `delivery caught up (delivered ${trail.d} of ${last}, ${pending} pending)`);
        await new Promise((r) => setTimeout(r, 250));
      }
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');

      const delivered: { eventID: string; requestID: string }[] = [];
      for (const path of filesUnder(join(dataDir, 's3', 'crash-logs')).filter((p) => p.endsWith('.json.gz'))) {
        delivered.push(...(JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: { eventID: string; requestID: string }[] }).Records);
      }
      const db = new Db(file, { readonly: true });
      const startSeq = (db.sql.prepare("SELECT min(seq) AS s FROM events WHERE event_name = 'StartLogging'").get() as { s: number }).s;
      const expected = (db.sql.prepare('SELECT event_id AS id FROM events WHERE seq >= ? AND management = 1').all(startSeq) as { id: string }[]).map((r) => r.id);
      db.close();

      const ids = delivered.map((r) => r.eventID);
      assert.equal(new Set(ids).size, ids.length, 'no event delivered twice');
      assert.deepEqual([...ids].sort(), [...expected].sort(), 'every recorded event delivered');
      const requestIds = new Set(delivered.map((r) => r.requestID));
      for (const id of acknowledged) assert.ok(requestIds.has(id), `acknowledged call ${id} delivered`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
