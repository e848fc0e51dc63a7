/** What S3 handlers share: repositories, the object store, key locks, and common checks. */
import { createHash } from 'node:crypto';
import type { CallContext } from '../../core/service.ts';
import type { ObjectStore } from '../../objects/object-store.ts';
import { s3HostId } from '../../wire/protocols/rest-xml.ts';
import { bucketResource, objectResource } from './arns.ts';
import type { BucketRepository, BucketRow } from './bucket-repository.ts';
import { S3Errors } from './errors.ts';
import type { KeyLocks } from './key-locks.ts';
import type { PendingWorkRepository } from './pending-work.ts';
import type { UploadRepository } from './upload-repository.ts';

export interface S3Deps {
  buckets: BucketRepository;
  uploads: UploadRepository;
  pending: PendingWorkRepository;
  store: ObjectStore;
  locks: KeyLocks;
  /** Largest PutObject / UploadPart body. */
  maxUploadBytes: number;
}

/**
 * The bucket a call targets, once the caller may reach it: it exists (NoSuchBucket), belongs to
 * the caller's account (AccessDenied: there are no bucket policies to admit others), and the
 * request was signed for its region (S3's AuthorizationHeaderMalformed otherwise). The record
 * then carries the bucket's region and resources.
 */
export function reachBucket(deps: S3Deps, ctx: CallContext, bucket: string, key?: string): BucketRow {
  const row = deps.buckets.get(bucket);
  if (!row) throw S3Errors.noSuchBucket(bucket);
  if (row.accountId !== ctx.principal.accountId) throw S3Errors.accessDenied();
  if (row.region !== ctx.region) throw S3Errors.wrongRegion(ctx.region, row.region);
  setResources(ctx, row, key);
  return row;
}

export function setResources(ctx: CallContext, row: BucketRow, key?: string): void {
  ctx.resources.length = 0;
  if (key !== undefined) ctx.resources.push(objectResource(row.name, key));
  ctx.resources.push(bucketResource(row.name, row.accountId));
}

/** S3's additionalEventData (there is no TLS here, so no CipherSuite). */
export function setEventData(ctx: CallContext, bytesIn: number, bytesOut: number): void {
  ctx.additionalEventData = {
    SignatureVersion: 'SigV4',
    bytesTransferredIn: bytesIn,
    AuthenticationMethod: ctx.http?.presigned ? 'QueryString' : 'AuthHeader',
    'x-amz-id-2': s3HostId(ctx.requestId),
    bytesTransferredOut: bytesOut,
  };
}

/** S3's canonical user id for an account: 64 hex digits, stable. */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`healthtrail-canonical-user:${accountId}`).digest('hex');
}
