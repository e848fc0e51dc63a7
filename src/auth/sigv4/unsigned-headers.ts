/**
 * S3 requires every `x-amz-*` header a request carries to be covered by its signature, with
 * Authorization-header signatures and presigned URLs alike: an unsigned header would let whoever
 * holds a presigned URL (or replays a signed request) change what the request does, e.g. add
 * `x-amz-copy-source` to a presigned PUT and turn it into a CopyObject with the signer's read
 * permission. S3 answers 403 AccessDenied naming the headers in `HeadersNotSigned`.
 *
 * `x-amz-content-sha256` is exempt: its value is the canonical request's payload line, so the
 * signature covers it whether or not it is listed (a changed value is SignatureDoesNotMatch, as
 * S3 answers an unsigned one on a presigned URL). Other AWS services sign what the client lists
 * and ignore the rest (IAM, STS, HealthLake...), so this is S3's rule only.
 */
import { SigV4Failure, type SigV4FailureDetail } from './failure.ts';

const COVERED_BY_PAYLOAD_LINE = 'x-amz-content-sha256';
export const HEADERS_NOT_SIGNED = 'There were headers present in the request which were not signed';

/** The request's x-amz-* header names missing from SignedHeaders, sorted. */
export function unsignedAmzHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): string[] {
  let unsigned: string[] | undefined;
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-') || name === COVERED_BY_PAYLOAD_LINE) continue;
    if (signedHeaders.includes(name)) continue;
    (unsigned ??= []).push(name);
  }
  return unsigned === undefined ? [] : unsigned.sort();
}

/** Throws S3's AccessDenied when any x-amz-* header is unsigned. */
export function requireSignedAmzHeaders(headers: Record<string, string>, signedHeaders: readonly string[], detail: SigV4FailureDetail): void {
  const unsigned = unsignedAmzHeaders(headers, signedHeaders);
  if (unsigned.length === 0) return;
  throw new SigV4Failure('HeadersNotSigned', HEADERS_NOT_SIGNED, {
    ...detail,
    s3: { code: 'AccessDenied', message: HEADERS_NOT_SIGNED, status: 403, fields: { HeadersNotSigned: unsigned.join(', ') } },
  });
}
