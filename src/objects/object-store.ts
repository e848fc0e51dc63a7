/**
 * Object storage: where the bytes of S3 objects live (buckets served by the S3 API, trail log
 * and digest files, FHIR import input and export output). Two backends implement it and pass
 * the same tests: a local directory (the default; `s3://bucket/key` is `<data dir>/s3/bucket/key`)
 * and an external S3-compatible store reached through @aws-sdk/client-s3.
 *
 * Buckets here are plain namespaces; who owns a bucket, its region and its policy are the S3
 * service's business (kept in the database), not the store's.
 *
 * Writes come in two steps so that an S3 call's audit record and its object change can commit
 * together: `stage` takes the bytes (the slow part, before the database transaction) and
 * `publish` makes them visible at their key (after it; idempotent, so it can be replayed after
 * a crash from the database's list of pending publishes). `put` is both at once.
 */
import type { Readable } from 'node:stream';

export interface ObjectMetadata {
  /** User metadata (x-amz-meta-*), keys lower-case without the prefix. */
  userMetadata: Record<string, string>;
  contentType?: string;
  contentEncoding?: string;
}

export interface ObjectInfo extends ObjectMetadata {
  key: string;
  size: number;
  /** Quoted hex MD5 for single-part objects, `"<md5 of md5s>-<parts>"` for multipart ones. */
  etag: string;
  lastModified: Date;
}

export interface ByteRange {
  /** Inclusive first and last byte offsets, already resolved against the object's size. */
  start: number;
  end: number;
}

export interface ObjectBody {
  info: ObjectInfo;
  body: Readable;
  /** The range served, when one was asked for. */
  range?: ByteRange;
}

export interface ListQuery {
  prefix?: string;
  /** Keys strictly after this one (ListObjects marker, ListObjectsV2 start-after/token). */
  after?: string;
  delimiter?: string;
  maxKeys: number;
}

export interface ListPage {
  /** Lexicographically (UTF-8 byte order) sorted, as S3 lists them. */
  objects: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned, to continue from. */
  lastKey?: string;
}

export interface StageOptions {
  /** ETag to record instead of the bytes' MD5 (multipart objects: `"<md5 of md5s>-<parts>"`). */
  etag?: string;
  /** Part sizes of a multipart object, so an S3 backend stores it with the same parts (and
   * therefore the same ETag). */
  partSizes?: number[];
}

/** What `publish` needs to find a staged object again, also after a restart. */
export interface StagedRef {
  id: string;
  bucket: string;
  key: string;
}

export interface StagedObject extends StagedRef {
  info: ObjectInfo;
}

export interface ObjectStore {
  createBucket(bucket: string): Promise<void>;
  /** Removes an empty bucket's namespace. */
  deleteBucket(bucket: string): Promise<void>;
  /** Stores the whole object atomically: readers see the old object or the new one, never a part. */
  put(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options?: StageOptions): Promise<ObjectInfo>;
  /** Takes the bytes without making them visible. Refuses keys the store cannot hold (AwsError).
   * A failing body stream fails the stage and leaves nothing behind. */
  stage(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options?: StageOptions): Promise<StagedObject>;
  /** Makes a staged object visible at its key, replacing any object there. Idempotent: a ref
   * already published (or discarded) is a no-op. */
  publish(ref: StagedRef): Promise<void>;
  /** Drops a staged object that will not be published. */
  discard(ref: StagedRef): Promise<void>;
  /** Removes staged objects older than `maxAgeMs` whose ids are not in `keep` (left by a crash). */
  sweepStaged(keep: Set<string>, maxAgeMs: number): Promise<number>;
  /** Undefined when the object does not exist. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Undefined when the object does not exist. */
  get(bucket: string, key: string, range?: (size: number) => ByteRange | undefined): Promise<ObjectBody | undefined>;
  /** Deleting a missing object is not an error (S3 semantics). */
  delete(bucket: string, key: string): Promise<void>;
  list(bucket: string, query: ListQuery): Promise<ListPage>;
}
