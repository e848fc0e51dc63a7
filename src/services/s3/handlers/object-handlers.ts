/** Objects: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject. */
import { Readable } from 'node:stream';
import type { CallContext } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { ObjectBody, ObjectInfo } from '../../../objects/object-store.ts';
import type { Params } from '../../../wire/types.ts';
import { parseCopySource } from '../copy-source.ts';
import { S3Errors } from '../errors.ts';
import { keyTooLongSize } from '../key-limits.ts';
import { metadataFromInput, objectOutput } from '../object-metadata.ts';
import { discardWrite, owePublish, publishWrite, stageWrite, type StagedWrite } from '../object-writes.ts';
import { checkPreconditions, resolveRange } from '../preconditions.ts';
import { reachBucket, setEventData, type S3Deps } from '../s3-context.ts';
import { openUploadBody, type UploadResult } from '../upload-body.ts';

function target(input: Params): { bucket: string; key: string } {
  return { bucket: input.Bucket as string, key: input.Key as string };
}

/** The body of an upload: streamed from the socket, or (handler tests) the parsed Body. Its MD5
 * (the ETag) is computed with its checks, so `etag()` gives it once the body is read. */
export function uploadBody(deps: S3Deps, ctx: CallContext, input: Params) {
  const body = ctx.http?.body;
  if (body) return openUploadBody(body.raw, ctx.http!.headers, body.signing, deps.maxUploadBytes, { md5: true });
  const bytes = Buffer.isBuffer(input.Body) ? input.Body : Buffer.alloc(0);
  return openUploadBody(Readable.from([bytes]), { 'content-length': String(bytes.length) }, { declaredSha256: 'UNSIGNED-PAYLOAD' },
    deps.maxUploadBytes, { md5: true });
}

function checksumOutput(result: UploadResult): Params {
  const names: Record<string, string> = {
    'x-amz-checksum-crc32': 'ChecksumCRC32', 'x-amz-checksum-crc32c': 'ChecksumCRC32C', 'x-amz-checksum-crc64nvme': 'ChecksumCRC64NVME',
    'x-amz-checksum-sha1': 'ChecksumSHA1', 'x-amz-checksum-sha256': 'ChecksumSHA256',
  };
  const out: Params = {};
  for (const [header, value] of Object.entries(result.checksums)) if (names[header]) out[names[header]!] = value;
  return out;
}

/** Conditional writes (If-None-Match: * / If-Match), checked under the key's lock. */
async function checkWriteConditions(deps: S3Deps, input: Params, bucket: string, key: string): Promise<void> {
  const ifNoneMatch = input.IfNoneMatch as string | undefined;
  const ifMatch = input.IfMatch as string | undefined;
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const current = await deps.store.head(bucket, key);
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw S3Errors.notImplemented('If-None-Match other than * on PutObject');
    if (current) throw S3Errors.preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined && (!current || current.etag.replace(/"/g, '') !== ifMatch.replace(/"/g, '').trim())) {
    if (!current) throw S3Errors.noSuchKey(key);
    throw S3Errors.preconditionFailed('If-Match');
  }
}

interface ServedObject {
  got?: ObjectBody;
  info: ObjectInfo;
  range?: { start: number; end: number };
}

/** Conditions first, then the range (S3's order). */
function served(input: Params, info: ObjectInfo, body?: ObjectBody): ServedObject {
  checkPreconditions(input, info);
  const outcome = resolveRange(input.Range as string | undefined, info.size);
  if (outcome.kind === 'unsatisfiable') throw S3Errors.invalidRange(String(input.Range), info.size);
  return { got: body, info, ...(outcome.kind === 'range' ? { range: outcome.range } : {}) };
}

function servedOutput(ctx: CallContext, input: Params, s: ServedObject): Params {
  const out = objectOutput(s.info, input);
  if (s.range) {
    out.ContentLength = s.range.end - s.range.start + 1;
    out.ContentRange = `bytes ${s.range.start}-${s.range.end}/${s.info.size}`;
    ctx.responseStatus = 206;
  }
  return out;
}

export function objectHandlers(deps: S3Deps): Record<string, StagedHandler> {
  const putObject: StagedHandler<{ write: StagedWrite; result: UploadResult }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const { bucket, key } = target(input);
      reachBucket(deps, ctx, bucket, key);
      const metadata = metadataFromInput(input);
      const upload = uploadBody(deps, ctx, input);
      const write = await stageWrite(deps, bucket, key, upload.stream, metadata, { etag: upload.etag });
      try {
        await checkWriteConditions(deps, input, bucket, key);
      } catch (e) {
        await discardWrite(deps, write);
        throw e;
      }
      const result = upload.result();
      setEventData(ctx, result.size, 0);
      return { write, result };
    },
    commit(ctx, _input, { write, result }) {
      owePublish(deps, ctx, write);
      return { ETag: write.staged.info.etag, ...checksumOutput(result) };
    },
    publish: async (_ctx, { write }) => publishWrite(deps, write),
    discard: async (_ctx, { write }) => discardWrite(deps, write),
  };

  const getObject: StagedHandler<ServedObject> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const { bucket, key } = target(input);
      reachBucket(deps, ctx, bucket, key);
      let outcome: ReturnType<typeof resolveRange> = { kind: 'whole' };
      const got = await deps.store.get(bucket, key, (size) => {
        outcome = resolveRange(input.Range as string | undefined, size);
        return outcome.kind === 'range' ? outcome.range : undefined;
      });
      if (!got) throw S3Errors.noSuchKey(key);
      try {
        const s = served(input, got.info, got);
        setEventData(ctx, 0, s.range ? s.range.end - s.range.start + 1 : got.info.size);
        return s;
      } catch (e) {
        got.body.destroy();
        throw e;
      }
    },
    commit(ctx, input, s) {
      return { ...servedOutput(ctx, input, s), Body: s.got!.body };
    },
    discard: async (_ctx, s) => {
      s.got?.body.destroy();
    },
  };

  const headObject: StagedHandler<ServedObject> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const { bucket, key } = target(input);
      reachBucket(deps, ctx, bucket, key);
      const info = await deps.store.head(bucket, key);
      if (!info) throw S3Errors.noSuchKey(key);
      return served(input, info);
    },
    commit: (ctx, input, s) => servedOutput(ctx, input, s),
  };

  const deleteObject: StagedHandler<{ bucket: string; key: string; release: () => void }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const { bucket, key } = target(input);
      reachBucket(deps, ctx, bucket, key);
      return { bucket, key, release: await deps.locks.acquire(bucket, key) };
    },
    commit(ctx, _input, s) {
      deps.pending.add({ id: `delete:${ctx.requestId}`, kind: 'delete', bucket: s.bucket, key: s.key }, ctx.now.getTime());
      return {};
    },
    async publish(ctx, s) {
      try {
        await deps.store.delete(s.bucket, s.key);
        deps.pending.remove(`delete:${ctx.requestId}`);
      } finally {
        s.release();
      }
    },
    discard: async (_ctx, s) => s.release(),
  };

  /** Entries over S3's key limit are answered one by one in Errors, the others deleted. */
  const deleteObjects: StagedHandler<{ bucket: string; keys: string[]; tooLong: string[]; releases: Array<() => void> }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const bucket = input.Bucket as string;
      reachBucket(deps, ctx, bucket);
      const h = ctx.http?.headers ?? {};
      if (h['content-md5'] === undefined && !Object.keys(h).some((n) => n.startsWith('x-amz-checksum-'))) {
        throw S3Errors.invalidRequest('Missing required header for this request: Content-MD5');
      }
      const objects = (input.Delete as { Objects?: Array<{ Key?: string }> } | undefined)?.Objects ?? [];
      if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformedXml();
      const named = objects.map((o) => o.Key ?? '');
      if (named.some((k) => k === '')) throw S3Errors.malformedXml();
      const keys = named.filter((k) => keyTooLongSize(k) === undefined);
      const tooLong = named.filter((k) => keyTooLongSize(k) !== undefined);
      const releases: Array<() => void> = [];
      // One order for everyone, so two multi-deletes cannot wait on each other.
      for (const key of [...new Set(keys)].sort()) releases.push(await deps.locks.acquire(bucket, key));
      setEventData(ctx, Buffer.byteLength(JSON.stringify(objects)), 0);
      return { bucket, keys, tooLong, releases };
    },
    commit(ctx, input, s) {
      [...new Set(s.keys)].forEach((key, i) => {
        deps.pending.add({ id: `delete:${ctx.requestId}:${i}`, kind: 'delete', bucket: s.bucket, key }, ctx.now.getTime());
      });
      const quiet = (input.Delete as { Quiet?: boolean }).Quiet === true;
      const out: Params = quiet || s.keys.length === 0 ? {} : { Deleted: s.keys.map((Key) => ({ Key })) };
      if (s.tooLong.length > 0) {
        const error = S3Errors.keyTooLong(0);
        out.Errors = s.tooLong.map((Key) => ({ Key, Code: error.code, Message: error.message }));
      }
      return out;
    },
    async publish(ctx, s) {
      try {
        const unique = [...new Set(s.keys)];
        for (let i = 0; i < unique.length; i++) {
          await deps.store.delete(s.bucket, unique[i]!);
          deps.pending.remove(`delete:${ctx.requestId}:${i}`);
        }
      } finally {
        for (const release of s.releases) release();
      }
    },
    discard: async (_ctx, s) => {
      for (const release of s.releases) release();
    },
  };

  const copyObject: StagedHandler<{ write: StagedWrite; info: ObjectInfo }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const { bucket, key } = target(input);
      const source = parseCopySource(input.CopySource as string);
      const sourceBucket = deps.buckets.get(source.bucket);
      if (!sourceBucket) throw S3Errors.noSuchBucket(source.bucket);
      if (sourceBucket.accountId !== ctx.principal.accountId) throw S3Errors.accessDenied();
      reachBucket(deps, ctx, bucket, key);
      const replace = input.MetadataDirective === 'REPLACE';
      if (!replace && source.bucket === bucket && source.key === key) {
        throw S3Errors.invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
      }
      const got = await deps.store.get(source.bucket, source.key);
      if (!got) throw S3Errors.noSuchKey(source.key);
      try {
        copySourceConditions(input, got.info);
      } catch (e) {
        got.body.destroy();
        throw e;
      }
      const metadata = replace ? metadataFromInput(input) : {
        userMetadata: got.info.userMetadata, contentType: got.info.contentType, contentEncoding: got.info.contentEncoding,
      };
      const write = await stageWrite(deps, bucket, key, got.body, metadata);
      setEventData(ctx, 0, 0);
      return { write, info: write.staged.info };
    },
    commit(ctx, _input, { write, info }) {
      owePublish(deps, ctx, write);
      return { CopyObjectResult: { ETag: info.etag, LastModified: info.lastModified } };
    },
    publish: async (_ctx, { write }) => publishWrite(deps, write),
    discard: async (_ctx, { write }) => discardWrite(deps, write),
  };

  return {
    PutObject: putObject as StagedHandler,
    GetObject: getObject as StagedHandler,
    HeadObject: headObject as StagedHandler,
    DeleteObject: deleteObject as StagedHandler,
    DeleteObjects: deleteObjects as StagedHandler,
    CopyObject: copyObject as StagedHandler,
  };
}

/** x-amz-copy-source-if-* (412 for every failed condition, as S3 answers a copy). */
function copySourceConditions(input: Params, info: ObjectInfo): void {
  try {
    checkPreconditions({
      IfMatch: input.CopySourceIfMatch, IfNoneMatch: input.CopySourceIfNoneMatch,
      IfModifiedSince: input.CopySourceIfModifiedSince, IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
    }, info);
  } catch (e) {
    if ((e as { code?: string }).code === 'NotModified') throw S3Errors.preconditionFailed('x-amz-copy-source-If-None-Match');
    throw e;
  }
}
