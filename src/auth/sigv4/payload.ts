/**
 * The payload hash line of the canonical request. A declared x-amz-content-sha256 is signed as
 * sent; when it names a real hash it must also match the body. Without one the body is hashed,
 * except S3 presigned URLs, which always sign UNSIGNED-PAYLOAD.
 */
import type { HttpRequest } from '../../wire/types.ts';
import { firstValue } from './query.ts';
import { sha256 } from './sha256.ts';
import type { SignatureInput } from './signature-input.ts';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** sha256 of no bytes: the payload hash of every GET. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(body: Buffer): string {
  // One-shot (sha256.ts): cheaper for a small body, as fast for a 10 MiB one (the buffered-body limit).
  return body.length === 0 ? EMPTY_SHA256 : sha256(body, 'hex');
}

/**
 * The payload hash the client declared: the header, or for presigned URLs the hoisted query
 * parameter (the JS S3 presigner sends `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD`).
 */
export function declaredPayloadHash(req: HttpRequest, input: SignatureInput): string | undefined {
  const header = req.headers['x-amz-content-sha256'];
  if (header !== undefined || !input.presigned) return header;
  return firstValue(input.queryPairs, 'X-Amz-Content-Sha256') ?? firstValue(input.queryPairs, 'x-amz-content-sha256');
}

/** UNSIGNED-PAYLOAD and the STREAMING-* (aws-chunked) modes, whose body is not one sha256. */
export function isUncheckedPayload(declared: string): boolean {
  return declared === UNSIGNED_PAYLOAD || declared.startsWith('STREAMING-');
}
