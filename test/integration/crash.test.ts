/**
 * kill -9 during writes, then restart: every acknowledged change has its event, and every
 * recorded change happened (the record is written in the change's own transaction).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { Db } from '../../src/storage/db.ts';
import { ROOT, clientOptions, tempDataDir } from '../helpers/server.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

async function spawnServer(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    env: {
      ...process.env,
      HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_PORT: '0', HEALTHTRAIL_LOG_LEVEL: 'silent',
      HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { child, url };
}

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
