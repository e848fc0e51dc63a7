/**
 * The payload hash line of the canonical request. A declared x-amz-content-sha256 is signed as
 * sent; when it names a real hash it must also match the body. Without one the body is hashed,
 * except S3 presigned URLs, which always sign UNSIGNED-PAYLOAD.
 */
import { createHash } from 'node:crypto';
import type { HttpRequest } from '../../wire/types.ts';
import { firstValue } from './query.ts';
import type { SignatureInput } from './signature-input.ts';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * The payload hash the client declared: the header, or for presigned URLs the hoisted query
 * parameter (the JS S3 presigner sends `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD`).
 */
export function declaredPayloadHash(req: HttpRequest, input: SignatureInput): string | undefined {
  const header = req.headers['x-amz-content-sha256'];
  if (header !== undefined || !input.presigned) return header;
  return firstValue(input.query, 'X-Amz-Content-Sha256') ?? firstValue(input.query, 'x-amz-content-sha256');
}

/** UNSIGNED-PAYLOAD and the STREAMING-* (aws-chunked) modes, whose body is not one sha256. */
export function isUncheckedPayload(declared: string): boolean {
  return declared === UNSIGNED_PAYLOAD || declared.startsWith('STREAMING-');
}
