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
 *
 * `stageJoined` stages an object made of objects already in the store, one after another
 * (CompleteMultipartUpload joins its uploaded parts): the local directory store keeps the part
 * files as they are instead of copying their bytes, the S3-compatible store joins them with a
 * multipart upload of server-side part copies.
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
  /** ETag to record instead of the bytes' MD5 (multipart objects: `"<md5 of md5s>-<parts>"`); a
   * function is asked once the body has been read to its end (the caller hashed the bytes on
   * their way: S3 uploads), and the store then does not compute the MD5 itself. */
  etag?: string | (() => string);
  /** Part sizes of a multipart object, so an S3 backend stores it with the same parts (and
   * therefore the same ETag). */
  partSizes?: number[];
}

/** One part of a joined object: an object of the store, as it was when its upload was answered. */
export interface JoinPart {
  bucket: string;
  key: string;
  size: number;
  /** The part object's ETag; a part whose object no longer has it (or its size) fails the join
   * where the store can tell (the local store; an external store's ETags may not be MD5s). */
  etag: string;
}

/** A part given to `stageJoined` is missing, or is no longer the object it was (replaced meanwhile). */
export class PartChangedError extends Error {
  constructor(readonly part: JoinPart, detail: string) {
    super(`part ${part.bucket}/${part.key} cannot be joined: ${detail}`);
    this.name = 'PartChangedError';
  }
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
  /** Stages an object whose bytes are the parts' bytes in order, recorded with `options.etag`.
   * The parts must stay in place until publish or discard; once published, the joined object no
   * longer depends on them (they can be deleted). Fails with PartChangedError when a part is
   * missing or changed. */
  stageJoined(bucket: string, key: string, parts: JoinPart[], metadata: ObjectMetadata, options: { etag: string }): Promise<StagedObject>;
  /** Makes a staged object visible at its key, replacing any object there. Idempotent: a ref
   * already published (or discarded) is a no-op. */
  publish(ref: StagedRef): Promise<void>;
  /** Drops a staged object that will not be published. */
  discard(ref: StagedRef): Promise<void>;
  /** Removes staged objects older than `maxAgeMs` whose ids are not in `keep` (left by a crash),
   * and whatever else a crash left that no object refers to (the local store: part files of
   * joined objects since overwritten or deleted). Another process publishing into the same
   * store meanwhile may lose its work: call it at start-up. */
  sweepStaged(keep: Set<string>, maxAgeMs: number): Promise<number>;
  /** Undefined when the object does not exist. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Undefined when the object does not exist. */
  get(bucket: string, key: string, range?: (size: number) => ByteRange | undefined): Promise<ObjectBody | undefined>;
  /** Deleting a missing object is not an error (S3 semantics). */
  delete(bucket: string, key: string): Promise<void>;
  list(bucket: string, query: ListQuery): Promise<ListPage>;
}
