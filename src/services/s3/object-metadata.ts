/** Object metadata between S3's request/response members and the object store. */
import type { ObjectInfo, ObjectMetadata } from '../../objects/object-store.ts';
import type { Params } from '../../wire/types.ts';
import { S3Errors } from './errors.ts';
import { storedContentEncoding } from './upload-body.ts';

/** S3's limit on user metadata: 2 KB (keys: key-limits.ts). */
const MAX_METADATA_BYTES = 2048;
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/** What PutObject / CreateMultipartUpload / CopyObject (REPLACE) store with the object. */
export function metadataFromInput(input: Params): ObjectMetadata {
  const userMetadata: Record<string, string> = {};
  let size = 0;
  for (const [k, v] of Object.entries((input.Metadata as Record<string, string> | undefined) ?? {})) {
    userMetadata[k.toLowerCase()] = v;
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > MAX_METADATA_BYTES) {
    throw S3Errors.invalidArgument('Your metadata headers exceed the maximum allowed metadata size.', 'x-amz-meta-*', String(size));
  }
  const metadata: ObjectMetadata = { userMetadata, contentType: (input.ContentType as string | undefined) ?? DEFAULT_CONTENT_TYPE };
  const encoding = storedContentEncoding(input.ContentEncoding as string | undefined);
  if (encoding) metadata.contentEncoding = encoding;
  return metadata;
}

/** The response members GetObject and HeadObject share. */
export function objectOutput(info: ObjectInfo, input: Params): Params {
  const out: Params = {
    AcceptRanges: 'bytes',
    LastModified: info.lastModified,
    ContentLength: info.size,
    ETag: info.etag,
    ContentType: (input.ResponseContentType as string | undefined) ?? info.contentType ?? DEFAULT_CONTENT_TYPE,
    Metadata: info.userMetadata,
  };
  const encoding = (input.ResponseContentEncoding as string | undefined) ?? info.contentEncoding;
  if (encoding) out.ContentEncoding = encoding;
  for (const [from, to] of [['ResponseCacheControl', 'CacheControl'], ['ResponseContentDisposition', 'ContentDisposition'],
    ['ResponseContentLanguage', 'ContentLanguage'], ['ResponseExpires', 'Expires']] as const) {
    if (input[from] !== undefined) out[to] = input[from];
  }
  return out;
}
