/**
 * How S3 calls appear in CloudTrail. Object-level operations and bucket listings are data
 * events (AWS: "object-level API operations, such as GetObject, ListObjects, DeleteObject, and
 * PutObject"; Event history never shows them); bucket configuration calls are management
 * events. requestParameters are what S3 logs: bucketName, Host, key and the query parameters
 * as sent; responseElements are null except where S3 logs ids (CreateMultipartUpload).
 */
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import { parseQueryPairs } from '../../wire/protocols/codecs.ts';

const DATA_OPERATIONS = new Set([
  'GetObject', 'HeadObject', 'PutObject', 'DeleteObject', 'DeleteObjects', 'CopyObject', 'GetObjectAttributes',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload',
  'ListParts', 'ListMultipartUploads', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'HeadBucket',
  'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'RestoreObject',
  'SelectObjectContent', 'GetObjectRetention', 'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold',
]);

export function s3EventCategory(operation: string): 'Management' | 'Data' {
  return DATA_OPERATIONS.has(operation) ? 'Data' : 'Management';
}

/** Query parameters that belong to the signature or the SDK, not the request. */
const NOT_LOGGED = /^(x-amz-(algorithm|credential|date|expires|signedheaders|signature|security-token|content-sha256)|x-id)$/i;

export function s3RequestParameters(_operation: string, input: Params, ctx: CallContext): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (typeof input.Bucket === 'string') out.bucketName = input.Bucket;
  out.Host = ctx.http?.headers.host ?? '';
  if (typeof input.Key === 'string') out.key = input.Key;
  for (const [name, value] of parseQueryPairs(ctx.http?.query ?? '') ?? []) {
    if (!NOT_LOGGED.test(name) && !(name in out)) out[name] = value;
  }
  const config = input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined;
  if (config?.LocationConstraint) {
    out.CreateBucketConfiguration = { LocationConstraint: config.LocationConstraint, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' };
  }
  return out;
}

export function s3ResponseElements(operation: string, output: Params): Record<string, unknown> | null {
  if (operation === 'CreateMultipartUpload') return { bucket: output.Bucket, key: output.Key, uploadId: output.UploadId };
  return null;
}
