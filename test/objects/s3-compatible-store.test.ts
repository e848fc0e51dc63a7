/**
 * S3CompatibleObjectStore against moto's S3 server: the shared contract, plus the mapping of
 * our buckets into one external bucket under a key prefix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3CompatibleObjectStore } from '../../src/objects/s3-compatible-store.ts';
import { createObjectStore } from '../../src/objects/create-object-store.ts';
import { loadObjectStoreConfig } from '../../src/objects/object-store-config.ts';
import { motoUnavailable, startMoto, type MotoServer } from '../helpers/moto.ts';
import { objectStoreContract } from './support/object-store-contract.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const unavailable = motoUnavailable();
const TARGET = 'healthtrail-target';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

if (unavailable) {
  describe('S3CompatibleObjectStore', { skip: `moto is needed for these tests: ${unavailable}` }, () => {});
} else {
  let moto: MotoServer;
  const staging = mkdtempSync(join(tmpdir(), 'healthtrail-s3-staging-'));
  const storeFor = (keyPrefix: string) => new S3CompatibleObjectStore({
    endpoint: moto.url, region: 'us-east-1', bucket: TARGET, keyPrefix, forcePathStyle: true, credentials, stagingDir: staging,
  });

  before(async () => {
    moto = await startMoto();
    const client = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials });
    await client.send(new CreateBucketCommand({ Bucket: TARGET }));
  });
  after(async () => {
    await moto?.stop();
    rmSync(staging, { recursive: true, force: true });
  });

  objectStoreContract('S3-compatible (moto)', { store: () => storeFor('ht/') });

  describe('S3CompatibleObjectStore', () => {
    it('keeps s3://bucket/key at <target>/<prefix><bucket>/<key>', async () => {
      const store = storeFor('tenant-a/');
      await store.put('logs', 'AWSLogs/file.json.gz', Buffer.from('gz'), { userMetadata: { m: 'v' }, contentType: 'application/gzip' });
      const out = await store.client.send(new GetObjectCommand({ Bucket: TARGET, Key: 'tenant-a/logs/AWSLogs/file.json.gz' }));
      assert.equal(await out.Body!.transformToString(), 'gz');
      assert.equal(out.ContentType, 'application/gzip');
      assert.deepEqual(out.Metadata, { m: 'v' });
      // Another prefix is another namespace.
      assert.equal(await storeFor('tenant-b/').head('logs', 'AWSLogs/file.json.gz'), undefined);
    });

    it('is what createObjectStore builds from HEALTHTRAIL_S3_* settings', async () => {
      const objectStore = loadObjectStoreConfig({
        HEALTHTRAIL_OBJECT_STORE: 's3', HEALTHTRAIL_S3_ENDPOINT: moto.url, HEALTHTRAIL_S3_BUCKET: TARGET,
        HEALTHTRAIL_S3_PREFIX: 'factory/', HEALTHTRAIL_S3_ACCESS_KEY_ID: 'test', HEALTHTRAIL_S3_SECRET_ACCESS_KEY: 'test',
        HEALTHTRAIL_S3_FORCE_PATH_STYLE: 'true',
      });
      const store = createObjectStore({ dataDir: staging, objectStore });
      assert.ok(store instanceof S3CompatibleObjectStore);
      await store.put('b', 'k', Buffer.from('via factory'), { userMetadata: {} });
      assert.equal((await storeFor('factory/').head('b', 'k'))?.size, 11);
    });
  });
}
