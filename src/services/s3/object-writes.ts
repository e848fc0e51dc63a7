/**
 * The write path every S3 call that creates an object shares (PutObject, CopyObject,
 * CompleteMultipartUpload, UploadPart's part objects): stage the bytes, then hold the key's
 * lock from commit (which records the owed publish with the event) until the publish.
 */
import type { Readable } from 'node:stream';
import type { CallContext } from '../../core/service.ts';
import type { JoinPart, ObjectMetadata, StagedObject, StageOptions } from '../../objects/object-store.ts';
import type { S3Deps } from './s3-context.ts';

export interface StagedWrite {
  staged: StagedObject;
  release: () => void;
}

export async function stageWrite(deps: S3Deps, bucket: string, key: string, body: Buffer | Readable,
  metadata: ObjectMetadata, options?: StageOptions): Promise<StagedWrite> {
  const staged = await deps.store.stage(bucket, key, body, metadata, options);
  const release = await deps.locks.acquire(bucket, key);
  return { staged, release };
}

/** CompleteMultipartUpload's write: the object joined from its part objects, no byte copied
 * where the store can help it (ObjectStore.stageJoined). */
export async function stageJoinedWrite(deps: S3Deps, bucket: string, key: string, parts: JoinPart[], metadata: ObjectMetadata,
  etag: string): Promise<StagedWrite> {
  const staged = await deps.store.stageJoined(bucket, key, parts, metadata, { etag });
  const release = await deps.locks.acquire(bucket, key);
  return { staged, release };
}

/** Inside the call's transaction: the publish this call owes. */
export function owePublish(deps: S3Deps, ctx: CallContext, write: StagedWrite): void {
  deps.pending.add({ id: write.staged.id, kind: 'publish', bucket: write.staged.bucket, key: write.staged.key }, ctx.now.getTime());
}

export async function publishWrite(deps: S3Deps, write: StagedWrite): Promise<void> {
  try {
    await deps.store.publish(write.staged);
    deps.pending.remove(write.staged.id);
  } finally {
    write.release();
  }
}

export async function discardWrite(deps: S3Deps, write: StagedWrite): Promise<void> {
  try {
    await deps.store.discard(write.staged);
  } finally {
    write.release();
  }
}
