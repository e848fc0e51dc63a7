/**
 * The S3 service's API for other parts of the server (no HTTP, no SigV4, no audit record): trail
 * delivery writes log and digest files with it (src/trails/ports.ts TrailBuckets), and readers
 * such as FHIR import can fetch objects. Objects written here are ordinary objects: GetObject
 * and ListObjects see them, and writes take the same per-key lock as API calls.
 */
import type { Readable } from 'node:stream';
import type { ObjectBody, ObjectStore } from '../../objects/object-store.ts';
import type { BucketOwner, TrailBuckets } from '../../trails/ports.ts';
import type { BucketRepository } from './bucket-repository.ts';
import { S3Errors } from './errors.ts';
import type { KeyLocks } from './key-locks.ts';
import { checkKey } from './key-limits.ts';
import { DEFAULT_CONTENT_TYPE } from './object-metadata.ts';

export interface PutObjectOptions {
  contentType?: string;
  contentEncoding?: string;
}

export class S3Buckets implements TrailBuckets {
  constructor(
    private readonly buckets: BucketRepository,
    readonly store: ObjectStore,
    private readonly locks: KeyLocks,
  ) {}

  /** The bucket's owning account and region; undefined when there is no such bucket. */
  bucketOwner(bucket: string): BucketOwner | undefined {
    const row = this.buckets.get(bucket);
    return row && { accountId: row.accountId, region: row.region };
  }

  /** Stores an object as PutObject would. Rejects with AwsError NoSuchBucket / KeyTooLongError. */
  async putObject(bucket: string, key: string, body: Buffer | Readable, userMetadata: Record<string, string> = {},
    options: PutObjectOptions = {}): Promise<void> {
    if (!this.buckets.get(bucket)) throw S3Errors.noSuchBucket(bucket);
    checkKey(key);
    const staged = await this.store.stage(bucket, key, body, {
      userMetadata: Object.fromEntries(Object.entries(userMetadata).map(([k, v]) => [k.toLowerCase(), v])),
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      ...(options.contentEncoding ? { contentEncoding: options.contentEncoding } : {}),
    });
    const release = await this.locks.acquire(bucket, key);
    try {
      await this.store.publish(staged);
    } catch (err) {
      await this.store.discard(staged);
      throw err;
    } finally {
      release();
    }
  }

  /** An object's bytes and metadata; undefined when the bucket or object does not exist. */
  async getObject(bucket: string, key: string): Promise<ObjectBody | undefined> {
    if (!this.buckets.get(bucket)) return undefined;
    return this.store.get(bucket, key);
  }
}
