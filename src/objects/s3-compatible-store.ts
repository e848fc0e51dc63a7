/**
 * Object storage in an external S3-compatible service (AWS S3, MinIO, Ceph...) through
 * @aws-sdk/client-s3, so many stateless HealthTrail instances can share it. One external bucket
 * holds everything: our (bucket, key) is `<targetBucket>/<keyPrefix><bucket>/<key>`.
 *
 * Metadata lives in the external object itself (Content-Type, Content-Encoding, x-amz-meta-*),
 * and the external ETag is the object's ETag: single objects are one PutObject (ETag = MD5) and
 * multipart objects are uploaded with the same part sizes they were completed with, so the
 * external `"<md5 of md5s>-N"` is ours too. (An external bucket whose ETags are not MD5s, such
 * as SSE-KMS on AWS, shows its own ETags in listings.)
 *
 * Staging writes the bytes to a local directory; publishing uploads them. The external
 * service's own PutObject is atomic, which gives readers old-or-new. A joined object
 * (stageJoined) is published as an external multipart upload whose parts are server-side copies
 * of the part objects (UploadPartCopy): no byte comes back through this server.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
  UploadPartCopyCommand, type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { forEachLimit } from './each-limit.ts';
import {
  PartChangedError, type ByteRange, type JoinPart, type ListPage, type ListQuery, type ObjectBody, type ObjectInfo,
  type ObjectMetadata, type ObjectStore, type StagedObject, type StagedRef, type StageOptions,
} from './object-store.ts';
import { etagOf, StagingArea } from './staging-area.ts';

export interface S3CompatibleStoreOptions {
  endpoint?: string;
  region: string;
  bucket: string;
  /** Prepended to every key, e.g. 'healthtrail/'. */
  keyPrefix: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Local directory for staged bytes. */
  stagingDir: string;
}

interface StagedMeta {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  lastModified: number;
  metadata: ObjectMetadata;
  partSizes?: number[];
  /** A joined object: the part objects to copy, in order (the staged data file is empty). */
  join?: Array<{ bucket: string; key: string; size: number }>;
}

/** Requests to the external store at once when joining parts. */
const JOIN_CONCURRENCY = 8;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

export class S3CompatibleObjectStore implements ObjectStore {
  readonly client: S3Client;
  private readonly staging: StagingArea;

  constructor(private readonly options: S3CompatibleStoreOptions, private readonly now: () => number = Date.now) {
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Checksums beyond MD5/ETag are the external store's business, not ours.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
    // Staged bytes are read back at publish: keep them in the page cache.
    this.staging = new StagingArea(options.stagingDir, now, { direct: false });
  }

  private target(bucket: string, key: string): string {
    return `${this.base(bucket)}${key}`;
  }

  private base(bucket: string): string {
    if (!/^[A-Za-z0-9._-]{1,255}$/.test(bucket)) throw new Error(`invalid bucket name for the object store: ${bucket}`);
    return `${this.options.keyPrefix}${bucket}/`;
  }

  // Our buckets are key prefixes in the one external bucket: nothing to create or remove.
  async createBucket(bucket: string): Promise<void> {
    this.base(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    this.base(bucket);
  }

  async put(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options?: StageOptions): Promise<ObjectInfo> {
    const staged = await this.stage(bucket, key, body, metadata, options);
    try {
      await this.publish(staged);
    } finally {
      await this.discard(staged);
    }
    return staged.info;
  }

  async stage(bucket: string, key: string, body: Buffer | Readable, metadata: ObjectMetadata, options: StageOptions = {}): Promise<StagedObject> {
    this.target(bucket, key);
    const { id, meta } = await this.staging.write<StagedMeta>(body, (file) => ({
      bucket, key, size: file.size, etag: etagOf(options, file.md5Hex), lastModified: this.now(), metadata,
      ...(options.partSizes && options.partSizes.length > 1 ? { partSizes: options.partSizes } : {}),
    }), { md5: options.etag === undefined });
    const info: ObjectInfo = { key, size: meta.size, etag: meta.etag, lastModified: new Date(meta.lastModified), ...metadata };
    return { id, bucket, key, info };
  }

  /** Checks that every part is there with its size; the copying is the publish's. (Not the
   * ETags: an external bucket with SSE-KMS has ETags of its own, and the check could not hold
   * until the publish copies anyway.) */
  async stageJoined(bucket: string, key: string, parts: JoinPart[], metadata: ObjectMetadata, options: { etag: string }): Promise<StagedObject> {
    this.target(bucket, key);
    if (parts.length === 0) throw new Error('a joined object needs at least one part');
    await forEachLimit(parts, JOIN_CONCURRENCY, async (part) => {
      const info = await this.head(part.bucket, part.key);
      if (!info) throw new PartChangedError(part, 'it is missing');
      if (info.size !== part.size) throw new PartChangedError(part, 'it was replaced');
    });
    const size = parts.reduce((n, p) => n + p.size, 0);
    const { id, meta } = await this.staging.write<StagedMeta>(Buffer.alloc(0), () => ({
      bucket, key, size, etag: options.etag, lastModified: this.now(), metadata,
      join: parts.map((p) => ({ bucket: p.bucket, key: p.key, size: p.size })),
    }), { md5: false });
    const info: ObjectInfo = { key, size, etag: meta.etag, lastModified: new Date(meta.lastModified), ...metadata };
    return { id, bucket, key, info };
  }

  async publish(ref: StagedRef): Promise<void> {
    const meta = await this.staging.readMeta<StagedMeta>(ref.id);
    if (!meta || !(await this.staging.has(ref.id))) return;
    const path = this.staging.paths(ref.id).data;
    const common = {
      Bucket: this.options.bucket,
      Key: this.target(meta.bucket, meta.key),
      Metadata: meta.metadata.userMetadata,
      ContentType: meta.metadata.contentType,
      ContentEncoding: meta.metadata.contentEncoding,
    };
    if (meta.join) {
      await this.uploadByCopy(common, meta.join);
    } else if (meta.partSizes) {
      await this.uploadInParts(common, path, meta.partSizes);
    } else {
      await this.client.send(new PutObjectCommand({ ...common, Body: createReadStream(path), ContentLength: meta.size }));
    }
    await this.staging.discard(ref.id);
  }

  private async uploadInParts(common: { Bucket: string; Key: string; Metadata: Record<string, string>; ContentType?: string;
    ContentEncoding?: string }, path: string, partSizes: number[]): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand(common));
    try {
      const parts: Array<{ PartNumber: number; ETag: string }> = [];
      let offset = 0;
      for (let i = 0; i < partSizes.length; i++) {
        const size = partSizes[i]!;
        const body = size === 0 ? Buffer.alloc(0) : createReadStream(path, { start: offset, end: offset + size - 1 });
        const out = await this.client.send(new UploadPartCommand({
          Bucket: common.Bucket, Key: common.Key, UploadId, PartNumber: i + 1, Body: body, ContentLength: size,
        }));
        parts.push({ PartNumber: i + 1, ETag: out.ETag! });
        offset += size;
      }
      await this.client.send(new CompleteMultipartUploadCommand({
        Bucket: common.Bucket, Key: common.Key, UploadId, MultipartUpload: { Parts: parts },
      }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: common.Bucket, Key: common.Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  /** A multipart upload of server-side copies (an empty part is uploaded: there is nothing to copy). */
  private async uploadByCopy(common: { Bucket: string; Key: string; Metadata: Record<string, string>; ContentType?: string;
    ContentEncoding?: string }, join: NonNullable<StagedMeta['join']>): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand(common));
    try {
      const parts: Array<{ PartNumber: number; ETag: string }> = [];
      await forEachLimit(join, JOIN_CONCURRENCY, async (part, i) => {
        const target = { Bucket: common.Bucket, Key: common.Key, UploadId, PartNumber: i + 1 };
        if (part.size === 0) {
          const out = await this.client.send(new UploadPartCommand({ ...target, Body: Buffer.alloc(0), ContentLength: 0 }));
          parts[i] = { PartNumber: i + 1, ETag: out.ETag! };
        } else {
          const source = this.target(part.bucket, part.key).split('/').map(encodeURIComponent).join('/');
          const out = await this.client.send(new UploadPartCopyCommand({ ...target, CopySource: `${this.options.bucket}/${source}` }));
          parts[i] = { PartNumber: i + 1, ETag: out.CopyPartResult!.ETag! };
        }
      });
      await this.client.send(new CompleteMultipartUploadCommand({
        Bucket: common.Bucket, Key: common.Key, UploadId, MultipartUpload: { Parts: parts },
      }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: common.Bucket, Key: common.Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async discard(ref: StagedRef): Promise<void> {
    await this.staging.discard(ref.id);
  }

  async sweepStaged(keep: Set<string>, maxAgeMs: number): Promise<number> {
    return this.staging.sweep(keep, maxAgeMs);
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.target(bucket, key) }));
      return infoOf(key, out);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async get(bucket: string, key: string, range?: (size: number) => ByteRange | undefined): Promise<ObjectBody | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const info = await this.head(bucket, key);
      if (!info) return undefined;
      const served = range?.(info.size);
      try {
        const out = await this.client.send(new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.target(bucket, key),
          IfMatch: info.etag,
          ...(served ? { Range: `bytes=${served.start}-${served.end}` } : {}),
        }));
        const body = out.Body as Readable;
        return served ? { info, body, range: served } : { info, body };
      } catch (err) {
        // Replaced between the HEAD and the GET (412), or deleted: look again.
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 412 || isNotFound(err)) continue;
        throw err;
      }
    }
    return undefined;
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.target(bucket, key) }));
  }

  async list(bucket: string, query: ListQuery): Promise<ListPage> {
    const base = this.base(bucket);
    const page: ListPage = { objects: [], commonPrefixes: [], isTruncated: false };
    if (query.maxKeys <= 0) return page;
    const prefix = base + (query.prefix ?? '');
    const after = query.after === undefined ? undefined : base + query.after;
    let token: string | undefined;
    let count = 0;
    for (;;) {
      const out = await this.client.send(new ListObjectsV2Command({
        Bucket: this.options.bucket,
        Prefix: prefix,
        Delimiter: query.delimiter || undefined,
        MaxKeys: Math.min(1000, query.maxKeys + 1 - count),
        ...(token ? { ContinuationToken: token } : after && after > prefix ? { StartAfter: after } : {}),
      }));
      // Objects and common prefixes come in two lists; S3 orders them together.
      const items: Array<{ key: string; info?: ObjectInfo }> = [];
      for (const o of out.Contents ?? []) {
        items.push({ key: o.Key!.slice(base.length), info: {
          key: o.Key!.slice(base.length), size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: o.LastModified ?? new Date(0), userMetadata: {},
        } });
      }
      for (const p of out.CommonPrefixes ?? []) items.push({ key: p.Prefix!.slice(base.length) });
      items.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
      for (const item of items) {
        if (query.after !== undefined && Buffer.compare(Buffer.from(item.key), Buffer.from(query.after)) <= 0) continue;
        if (count === query.maxKeys) {
          page.isTruncated = true;
          return page;
        }
        count++;
        if (item.info) page.objects.push(item.info);
        else page.commonPrefixes.push(item.key);
        page.lastKey = item.key;
      }
      if (!out.IsTruncated || !out.NextContinuationToken) return page;
      token = out.NextContinuationToken;
    }
  }
}

function infoOf(key: string, out: { ContentLength?: number; ETag?: string; LastModified?: Date; ContentType?: string;
  ContentEncoding?: string; Metadata?: Record<string, string> }): ObjectInfo {
  const info: ObjectInfo = {
    key, size: out.ContentLength ?? 0, etag: out.ETag ?? '', lastModified: out.LastModified ?? new Date(0), userMetadata: { ...out.Metadata },
  };
  if (out.ContentType !== undefined) info.contentType = out.ContentType;
  if (out.ContentEncoding !== undefined) info.contentEncoding = out.ContentEncoding;
  return info;
}
