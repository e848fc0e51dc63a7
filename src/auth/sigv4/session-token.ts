/**
 * Temporary credentials must come with their own session token, and long-term credentials with
 * none. Tokens are compared in constant time; messages never include them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SigV4Failure, type SigV4FailureDetail } from './failure.ts';
import type { SigningCredentials } from './types.ts';

export function checkSessionToken(
  credentials: SigningCredentials,
  sent: string | undefined,
  now: Date,
  detail: SigV4FailureDetail,
): void {
  const carried = sent === '' ? undefined : sent;
  const expected = credentials.sessionToken;
  const valid = expected === undefined ? carried === undefined : carried !== undefined && sameSecret(carried, expected);
  if (!valid) throw new SigV4Failure('InvalidToken', 'The security token included in the request is invalid.', detail);
  if (credentials.expiresAt && credentials.expiresAt.getTime() < now.getTime()) {
    throw new SigV4Failure('ExpiredToken', 'The security token included in the request is expired', detail);
  }
}

/** Equal-length digests, so timingSafeEqual works for any two strings. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
