/** String to sign, the signature over it, and a constant-time comparison with the client's. */
import { timingSafeEqual } from 'node:crypto';
import { ALGORITHM } from './credential-scope.ts';
import { sha256 } from './sha256.ts';
import { hmacWithPads, type SigningKey } from './signing-key.ts';

export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256(canonicalRequest, 'hex')}`;
}

/** The 32-byte signature as a latin1 string (the client sends it as 64 lower-case hex digits). */
export function computeSignature(key: SigningKey, toSign: string): string {
  return hmacWithPads(key, toSign);
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Both sides of the comparison, in one reused buffer (no allocation per request). */
const scratch = Buffer.alloc(64);
const expectedBytes = scratch.subarray(0, 32);
const providedBytes = scratch.subarray(32, 64);

/** `expected` as computeSignature returns it (32 latin1 characters). */
export function signatureMatches(expected: string, provided: string): boolean {
  if (expected.length !== 32) throw new TypeError('expected a 32-byte signature');
  const wellFormed = HEX64.test(provided);
  expectedBytes.write(expected, 0, 'latin1');
  // Compare even a malformed signature, so the time taken says nothing about why it failed.
  if (wellFormed) providedBytes.write(provided, 0, 'hex');
  else providedBytes.fill(0);
  return timingSafeEqual(expectedBytes, providedBytes) && wellFormed;
}
