/**
 * The IAM actions S3 calls need, which are not the operation names: s3:ListBucket for
 * ListObjects and HeadBucket, s3:PutObject for every step of a multipart upload, s3:GetObject on
 * the source and s3:PutObject on the target of a copy, and so on.
 */
import type { Authorization, CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { bucketArn, objectArn } from './arns.ts';
import { parseCopySource } from './copy-source.ts';

const BUCKET_ACTIONS: Record<string, string> = {
  CreateBucket: 's3:CreateBucket',
  DeleteBucket: 's3:DeleteBucket',
  HeadBucket: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
};

const OBJECT_ACTIONS: Record<string, string> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  DeleteObject: 's3:DeleteObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
};

export function s3Authorizations(_ctx: CallContext, operation: string, input: Params): Authorization[] {
  const bucket = typeof input.Bucket === 'string' ? input.Bucket : undefined;
  const key = typeof input.Key === 'string' ? input.Key : undefined;
  const bucketResource = bucket ? bucketArn(bucket) : '*';
  const objectResource = bucket && key !== undefined ? objectArn(bucket, key) : bucketResource;
  if (operation === 'ListBuckets') return [{ action: 's3:ListAllMyBuckets', resources: ['*'] }];
  if (BUCKET_ACTIONS[operation]) return [{ action: BUCKET_ACTIONS[operation]!, resources: [bucketResource] }];
  if (OBJECT_ACTIONS[operation]) return [{ action: OBJECT_ACTIONS[operation]!, resources: [objectResource] }];
  if (operation === 'DeleteObjects') {
    const objects = ((input.Delete as { Objects?: Array<{ Key?: string }> } | undefined)?.Objects ?? [])
      .filter((o) => typeof o.Key === 'string').map((o) => objectArn(bucket ?? '', o.Key!));
    return [{ action: 's3:DeleteObject', resources: objects.length ? objects : [bucketResource] }];
  }
  if (operation === 'CopyObject' && typeof input.CopySource === 'string') {
    let source: string;
    try {
      const parsed = parseCopySource(input.CopySource);
      source = objectArn(parsed.bucket, parsed.key);
    } catch {
      source = '*';
    }
    return [{ action: 's3:GetObject', resources: [source] }, { action: 's3:PutObject', resources: [objectResource] }];
  }
  return [{ action: `s3:${operation}`, resources: [key !== undefined ? objectResource : bucketResource] }];
}
