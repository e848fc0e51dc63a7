/**
 * Writing a trail's files to its bucket: the key scope (prefix, organization, account, region)
 * and the put itself, refused like S3 would when the bucket is gone or belongs elsewhere.
 */
import type { Trail } from './trail-store.ts';
import type { Organization, TrailBuckets } from './ports.ts';
import type { KeyScope } from './object-keys.ts';
import { trailAccounts } from './trail-filter.ts';

export function keyScope(trail: Trail, organization: Organization | undefined, accountId: string, region: string): KeyScope {
  const org = trail.organizationTrail ? organization : undefined;
  return { prefix: trail.s3KeyPrefix, organizationId: org?.id, accountId, region };
}

export async function putTrailObject(
  buckets: TrailBuckets, organization: Organization | undefined, trail: Trail,
  bucket: string, key: string, body: Buffer, metadata: Record<string, string>,
): Promise<void> {
  const owner = buckets.bucketOwner(bucket);
  const problem = !owner ? 'NoSuchBucket'
    : trailAccounts(trail, organization).includes(owner.accountId) ? undefined : 'AccessDenied';
  if (problem) throw Object.assign(new Error(problem), { code: problem });
  await buckets.putObject(bucket, key, body, metadata);
}

/** The S3 error code of a failed put, as GetTrailStatus reports it. */
export function deliveryErrorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code ?? (e as { name?: unknown })?.name;
  return typeof code === 'string' && code ? code : 'InternalError';
}
