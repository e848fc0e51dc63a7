/** String to sign, the signature over it, and a constant-time comparison with the client's. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ALGORITHM } from './credential-scope.ts';
import { hmac } from './signing-key.ts';

export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  const hashed = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${hashed}`;
}

/** The 32-byte signature (the client sends it as 64 lower-case hex digits). */
export function computeSignature(signingKey: Buffer, toSign: string): Buffer {
  return hmac(signingKey, toSign);
}

const HEX64 = /^[0-9a-f]{64}$/;

export function signatureMatches(expected: Buffer, provided: string): boolean {
  const wellFormed = HEX64.test(provided);
  // Compare even a malformed signature, so the time taken says nothing about why it failed.
  const candidate = wellFormed ? Buffer.from(provided, 'hex') : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, candidate) && wellFormed;
}
