/** S3 ARNs and the resources[] entries CloudTrail writes for S3 calls. */
import type { ResourceRef } from '../../core/service.ts';

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** The bucket entry names its owner's account; AWS writes object entries without one. */
export function bucketResource(bucket: string, ownerAccountId: string): ResourceRef {
  return { type: 'AWS::S3::Bucket', name: bucketArn(bucket), arn: bucketArn(bucket), accountId: ownerAccountId };
}

export function objectResource(bucket: string, key: string): ResourceRef {
  return { type: 'AWS::S3::Object', name: objectArn(bucket, key), arn: objectArn(bucket, key), accountId: null };
}
