/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts, ListMultipartUploads. Parts are objects of the object
 * store's internal '.uploads' bucket; completing joins them into the target object
 * (ObjectStore.stageJoined: the local store keeps the part files, without copying a byte) with
 * S3's ETag, the MD5 of the parts' MD5s followed by `-<part count>`.
 */
import { createHash } from 'node:crypto';
import type { Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import { PartChangedError } from '../../../objects/object-store.ts';
import type { Params } from '../../../wire/types.ts';
import { S3Errors } from '../errors.ts';
import { metadataFromInput } from '../object-metadata.ts';
import { discardWrite, owePublish, publishWrite, stageJoinedWrite, stageWrite, type StagedWrite } from '../object-writes.ts';
import { UPLOADS_BUCKET, partKey, purgeUpload } from '../pending-runner.ts';
import { canonicalUserId, reachBucket, setEventData, type S3Deps } from '../s3-context.ts';
import type { PartRow, UploadRow } from '../upload-repository.ts';
import { uploadBody } from './object-handlers.ts';

const MIN_PART_BYTES = 5 * 1024 * 1024;
const UPLOAD_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function bareEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

/** The upload a call names, in the bucket and key it names (NoSuchUpload otherwise). */
function uploadOf(deps: S3Deps, input: Params): UploadRow {
  const uploadId = input.UploadId as string;
  const upload = deps.uploads.get(uploadId);
  if (!upload || upload.bucket !== input.Bucket || upload.key !== input.Key) throw S3Errors.noSuchUpload(uploadId);
  return upload;
}

function checkPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw S3Errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', String(n));
  }
}

/** The parts to join, checked against what was uploaded (order, ETags, sizes). */
function partsToJoin(deps: S3Deps, upload: UploadRow, input: Params): PartRow[] {
  const listed = (input.MultipartUpload as { Parts?: Array<{ PartNumber?: number; ETag?: string }> } | undefined)?.Parts ?? [];
  if (listed.length === 0) throw S3Errors.malformedXml();
  const stored = new Map(deps.uploads.parts(upload.uploadId).map((p) => [p.partNumber, p]));
  const chosen: PartRow[] = [];
  let previous = 0;
  for (const part of listed) {
    const n = part.PartNumber;
    if (n === undefined || part.ETag === undefined) throw S3Errors.malformedXml();
    if (n <= previous) throw S3Errors.invalidPartOrder(upload.uploadId);
    previous = n;
    const row = stored.get(n);
    if (!row || bareEtag(row.etag) !== bareEtag(part.ETag)) throw S3Errors.invalidPart(upload.uploadId, n, part.ETag);
    chosen.push(row);
  }
  chosen.forEach((p, i) => {
    if (i < chosen.length - 1 && p.size < MIN_PART_BYTES) throw S3Errors.entityTooSmall(p.size, p.partNumber, p.etag);
  });
  return chosen;
}

export function multipartEtag(parts: PartRow[]): string {
  const md5 = createHash('md5');
  for (const p of parts) md5.update(Buffer.from(bareEtag(p.etag), 'hex'));
  return `"${md5.digest('hex')}-${parts.length}"`;
}

export function multipartHandlers(deps: S3Deps): { handlers: Record<string, Handler>; staged: Record<string, StagedHandler> } {
  const createMultipartUpload: Handler = (ctx, input) => {
    setEventData(ctx, 0, 0);
    const bucket = input.Bucket as string;
    const key = input.Key as string;
    reachBucket(deps, ctx, bucket, key);
    const uploadId = ctx.ids.chars(64, UPLOAD_ID_ALPHABET);
    deps.uploads.insert({
      uploadId, bucket, key, initiatedAt: ctx.now.getTime(), initiatorArn: ctx.principal.arn,
      initiatorId: ctx.principal.principalId, metadata: metadataFromInput(input),
    });
    return { Bucket: bucket, Key: key, UploadId: uploadId };
  };

  const uploadPart: StagedHandler<{ write: StagedWrite; partNumber: number; uploadId: string }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      reachBucket(deps, ctx, input.Bucket as string, input.Key as string);
      const partNumber = input.PartNumber as number;
      checkPartNumber(partNumber);
      const upload = uploadOf(deps, input);
      const body = uploadBody(deps, ctx, input);
      const write = await stageWrite(deps, UPLOADS_BUCKET, partKey(upload.uploadId, partNumber), body.stream, { userMetadata: {} },
        { etag: body.etag });
      setEventData(ctx, body.result().size, 0);
      return { write, partNumber, uploadId: upload.uploadId };
    },
    commit(ctx, input, s) {
      uploadOf(deps, input);
      const info = s.write.staged.info;
      deps.uploads.putPart(s.uploadId, { partNumber: s.partNumber, etag: info.etag, size: info.size, lastModified: ctx.now.getTime() });
      owePublish(deps, ctx, s.write);
      return { ETag: info.etag };
    },
    publish: async (_ctx, s) => publishWrite(deps, s.write),
    discard: async (_ctx, s) => discardWrite(deps, s.write),
  };

  const completeMultipartUpload: StagedHandler<{ write: StagedWrite; upload: UploadRow; parts: PartRow[] }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const bucket = input.Bucket as string;
      const key = input.Key as string;
      reachBucket(deps, ctx, bucket, key);
      const upload = uploadOf(deps, input);
      const parts = partsToJoin(deps, upload, input);
      let write: StagedWrite;
      try {
        write = await stageJoinedWrite(deps, bucket, key, parts.map((p) => ({
          bucket: UPLOADS_BUCKET, key: partKey(upload.uploadId, p.partNumber), size: p.size, etag: p.etag,
        })), upload.metadata, multipartEtag(parts));
      } catch (e) {
        // A part re-uploaded while completing: the list no longer names what is stored.
        if (!(e instanceof PartChangedError)) throw e;
        const n = parts.find((p) => partKey(upload.uploadId, p.partNumber) === e.part.key);
        throw S3Errors.invalidPart(upload.uploadId, n?.partNumber ?? 0, n?.etag ?? '');
      }
      return { write, upload, parts };
    },
    commit(ctx, input, s) {
      uploadOf(deps, input);
      deps.uploads.delete(s.upload.uploadId);
      owePublish(deps, ctx, s.write);
      deps.pending.add({ id: `purge:${s.upload.uploadId}`, kind: 'purge', bucket: s.upload.bucket, key: s.upload.uploadId }, ctx.now.getTime());
      const host = ctx.http?.headers.host ?? 's3.amazonaws.com';
      return {
        Location: `http://${host}/${encodeURIComponent(s.upload.bucket)}/${s.upload.key.split('/').map(encodeURIComponent).join('/')}`,
        Bucket: s.upload.bucket, Key: s.upload.key, ETag: s.write.staged.info.etag,
      };
    },
    async publish(_ctx, s) {
      await publishWrite(deps, s.write);
      await purgeUpload(deps.store, s.upload.uploadId);
      deps.pending.remove(`purge:${s.upload.uploadId}`);
    },
    discard: async (_ctx, s) => discardWrite(deps, s.write),
  };

  const abortMultipartUpload: StagedHandler<{ uploadId: string }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      reachBucket(deps, ctx, input.Bucket as string, input.Key as string);
      return { uploadId: uploadOf(deps, input).uploadId };
    },
    commit(ctx, input, s) {
      const upload = uploadOf(deps, input);
      deps.uploads.delete(s.uploadId);
      deps.pending.add({ id: `purge:${s.uploadId}`, kind: 'purge', bucket: upload.bucket, key: s.uploadId }, ctx.now.getTime());
      return {};
    },
    async publish(_ctx, s) {
      await purgeUpload(deps.store, s.uploadId);
      deps.pending.remove(`purge:${s.uploadId}`);
    },
  };

  const listParts: Handler = (ctx, input) => {
    setEventData(ctx, 0, 0);
    const row = reachBucket(deps, ctx, input.Bucket as string, input.Key as string);
    const upload = uploadOf(deps, input);
    const maxParts = Math.min((input.MaxParts as number | undefined) ?? 1000, 1000);
    const marker = (input.PartNumberMarker as number | undefined) ?? 0;
    const rows = deps.uploads.parts(upload.uploadId, marker, maxParts + 1);
    const page = rows.slice(0, maxParts);
    const truncated = rows.length > maxParts;
    return {
      Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId,
      PartNumberMarker: marker,
      ...(truncated ? { NextPartNumberMarker: page[page.length - 1]!.partNumber } : {}),
      MaxParts: maxParts,
      IsTruncated: truncated,
      Parts: page.map((p) => ({ PartNumber: p.partNumber, LastModified: new Date(p.lastModified), ETag: p.etag, Size: p.size })),
      Initiator: { ID: upload.initiatorArn, DisplayName: upload.initiatorId },
      Owner: { ID: canonicalUserId(row.accountId) },
      StorageClass: 'STANDARD',
    };
  };

  const listMultipartUploads: Handler = (ctx, input) => {
    setEventData(ctx, 0, 0);
    const bucket = input.Bucket as string;
    const row = reachBucket(deps, ctx, bucket);
    const maxUploads = Math.min((input.MaxUploads as number | undefined) ?? 1000, 1000);
    const prefix = (input.Prefix as string | undefined) ?? '';
    const delimiter = (input.Delimiter as string | undefined) || undefined;
    const rows = deps.uploads.list(bucket, {
      prefix, keyMarker: input.KeyMarker as string | undefined, uploadIdMarker: input.UploadIdMarker as string | undefined,
      limit: 10_000,
    });
    const uploads: UploadRow[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    for (const u of rows) {
      const at = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
      const common = at >= 0 ? u.key.slice(0, at + delimiter!.length) : undefined;
      if (common !== undefined && prefixes[prefixes.length - 1] === common) continue;
      if (uploads.length + prefixes.length === maxUploads) {
        truncated = true;
        break;
      }
      if (common !== undefined) prefixes.push(common);
      else uploads.push(u);
    }
    const last = uploads[uploads.length - 1];
    return {
      Bucket: bucket,
      KeyMarker: (input.KeyMarker as string | undefined) ?? '',
      UploadIdMarker: (input.UploadIdMarker as string | undefined) ?? '',
      ...(truncated && last ? { NextKeyMarker: last.key, NextUploadIdMarker: last.uploadId } : {}),
      MaxUploads: maxUploads,
      IsTruncated: truncated,
      Prefix: prefix,
      Delimiter: delimiter,
      Uploads: uploads.map((u) => ({
        UploadId: u.uploadId, Key: u.key, Initiated: new Date(u.initiatedAt), StorageClass: 'STANDARD',
        Owner: { ID: canonicalUserId(row.accountId) }, Initiator: { ID: u.initiatorArn, DisplayName: u.initiatorId },
      })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: p })),
    };
  };

  return {
    handlers: { CreateMultipartUpload: createMultipartUpload, ListParts: listParts, ListMultipartUploads: listMultipartUploads },
    staged: {
      UploadPart: uploadPart as StagedHandler,
      CompleteMultipartUpload: completeMultipartUpload as StagedHandler,
      AbortMultipartUpload: abortMultipartUpload as StagedHandler,
    },
  };
}
