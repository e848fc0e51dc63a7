/**
 * Where HealthOmics keeps the bytes of references and read sets: the server's object store
 * (local directory or S3-compatible, as configured), in an internal bucket whose name no S3
 * client can create (bucket names cannot start with '.'), so the S3 API never serves or
 * overwrites them. Keys: `referenceStore/<storeId>/<referenceId>/<file>`,
 * `sequenceStore/<storeId>/<readSetId>/<file>`, `uploads/<storeId>/<uploadId>/<source>/<part>`.
 * Stored bytes are reached by clients only through the Omics byte operations (GetReference,
 * GetReadSet) and the stores' S3 access points, each authorized as such.
 */
import type { Readable } from 'node:stream';
import type { ByteRange, ObjectBody, ObjectInfo, ObjectStore } from '../../objects/object-store.ts';

export const OMICS_FILES_BUCKET = '.omics-files';

export class OmicsFiles {
  constructor(readonly store: ObjectStore) {}

  put(key: string, body: Buffer | Readable, contentType = 'application/octet-stream'): Promise<ObjectInfo> {
    return this.store.put(OMICS_FILES_BUCKET, key, body, { userMetadata: {}, contentType });
  }

  head(key: string): Promise<ObjectInfo | undefined> {
    return this.store.head(OMICS_FILES_BUCKET, key);
  }

  /** The file's bytes, or the range `range` picks once the size is known. */
  get(key: string, range?: (size: number) => ByteRange | undefined): Promise<ObjectBody | undefined> {
    return this.store.get(OMICS_FILES_BUCKET, key, range);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(OMICS_FILES_BUCKET, key);
  }

  /** Deletes every file under a prefix (a deleted reference's or read set's folder). */
  async deleteFolder(prefix: string): Promise<void> {
    for (;;) {
      const page = await this.store.list(OMICS_FILES_BUCKET, { prefix, maxKeys: 1000 });
      for (const o of page.objects) await this.store.delete(OMICS_FILES_BUCKET, o.key);
      if (!page.isTruncated || page.objects.length === 0) return;
    }
  }
}
