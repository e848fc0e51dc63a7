/**
 * kill -9 during writes, then restart: every acknowledged change has its event, and every
 * recorded change happened (the record is written in the change's own transaction).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { Db } from '../../src/storage/db.ts';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';

describe('crash safety', () => {
  it('kill -9 during a write load loses no acknowledged change and records no phantom', async () => {
    const dataDir = tempDataDir();
    try {
      const { child, url } = await spawnServer(dataDir);
      const client = new HealthLakeClient(clientOptions({ url }));
      const acknowledged = new Map<string, string>(); // datastoreId -> requestId
      let stop = false;
      const worker = async () => {
        while (!stop) {
          try {
            const out = await client.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'crash' }));
            acknowledged.set(out.DatastoreId!, out.$metadata.requestId!);
          } catch {
            return; // the server died mid-request: unacknowledged
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      while (acknowledged.size < 200) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all([once(child, 'exit'), ...workers]);

      const db = new Db(`${dataDir}/healthtrail.db`);
      const stored = new Set((db.sql.prepare('SELECT datastore_id FROM healthlake_datastores').all() as { datastore_id: string }[])
        .map((r) => r.datastore_id));
      const recorded = new Map<string, string>();
      for (const row of db.sql.prepare("SELECT record FROM events WHERE event_name = 'CreateFHIRDatastore'").all() as { record: string }[]) {
        const r = JSON.parse(row.record);
        if (!r.errorCode) recorded.set(r.responseElements.datastoreId, r.requestID);
      }
      db.close();

      assert.ok(acknowledged.size >= 200);
      for (const [id, requestId] of acknowledged) {
        assert.ok(stored.has(id), `acknowledged datastore ${id} survived`);
        assert.equal(recorded.get(id), requestId, `acknowledged datastore ${id} has its event`);
      }
      assert.deepEqual([...recorded.keys()].sort(), [...stored].sort(), 'events and changes match one to one');

      // The restarted server serves the same state.
      const again = await spawnServer(dataDir);
      const res = await fetch(`${again.url}/health`);
      assert.equal(res.status, 200);
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
