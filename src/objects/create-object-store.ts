/** The object store the configuration asks for. */
import { join } from 'node:path';
import type { ObjectStore } from './object-store.ts';
import type { ObjectStoreConfig } from './object-store-config.ts';
import { LocalDirectoryObjectStore } from './local/local-directory-store.ts';
import { S3CompatibleObjectStore } from './s3-compatible-store.ts';

export function createObjectStore(config: { dataDir: string; objectStore: ObjectStoreConfig }): ObjectStore {
  const store = config.objectStore;
  if (store.kind === 'local') return new LocalDirectoryObjectStore(join(config.dataDir, 's3'));
  return new S3CompatibleObjectStore({
    endpoint: store.endpoint,
    region: store.region,
    bucket: store.bucket,
    keyPrefix: store.keyPrefix,
    forcePathStyle: store.forcePathStyle,
    credentials: store.accessKeyId && store.secretAccessKey
      ? { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey }
      : undefined,
    stagingDir: join(config.dataDir, 's3-staging'),
  });
}
