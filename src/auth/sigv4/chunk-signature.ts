/**
 * SigV4 streaming uploads (S3's STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]): the body comes
 * in aws-chunked chunks, each signed over the previous signature (the first over the request's
 * own, the "seed"), and an optional signed trailer. The strings to sign are fixed by the spec:
 *
 *   AWS4-HMAC-SHA256-PAYLOAD \n amzDate \n scope \n previousSignature \n sha256("") \n sha256(chunk)
 *   AWS4-HMAC-SHA256-TRAILER \n amzDate \n scope \n previousSignature \n sha256(trailerLines)
 *
 * @smithy/signature-v4 signs such chunks on the client side (signMessage is for event streams,
 * not this format) but exposes no verifier, so these two HMACs are done here with node:crypto.
 */
import { createHash } from 'node:crypto';
import { hmac } from './signing-key.ts';
import { signatureMatches } from './signature.ts';

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** What a verified request hands to whoever reads its streamed body. */
export interface ChunkSigningContext {
  signingKey: Buffer;
  amzDate: string;
  /** `yyyymmdd/region/service/aws4_request`. */
  scope: string;
  /** The request's own signature, which the first chunk signs over. */
  seedSignature: string;
}

export function chunkSignature(ctx: ChunkSigningContext, previous: string, chunkSha256Hex: string): string {
  const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', ctx.amzDate, ctx.scope, previous, EMPTY_SHA256, chunkSha256Hex].join('\n');
  return hmac(ctx.signingKey, toSign).toString('hex');
}

/** `trailerText` is the trailer lines as `name:value\n` each (the signature line excluded). */
export function trailerSignature(ctx: ChunkSigningContext, previous: string, trailerText: string): string {
  const hashed = createHash('sha256').update(trailerText, 'utf8').digest('hex');
  const toSign = ['AWS4-HMAC-SHA256-TRAILER', ctx.amzDate, ctx.scope, previous, hashed].join('\n');
  return hmac(ctx.signingKey, toSign).toString('hex');
}

/** Constant-time comparison of an expected hex signature with the client's. */
export function sameSignature(expectedHex: string, provided: string): boolean {
  return signatureMatches(Buffer.from(expectedHex, 'hex').toString('latin1'), provided);
}
