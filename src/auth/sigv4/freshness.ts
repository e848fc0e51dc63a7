/**
 * Is the signature inside its time window? Header signatures: 15 minutes either side of now.
 * Presigned URLs: from 15 minutes before X-Amz-Date (clock skew) until X-Amz-Date + X-Amz-Expires.
 */
import { formatAmzDate } from './amz-date.ts';
import { SigV4Failure } from './failure.ts';
import type { SignatureInput } from './signature-input.ts';

export const MAX_SKEW_MS = 15 * 60 * 1000;

export function checkFreshness(input: SignatureInput, now: Date): void {
  const signed = input.signedAt.getTime();
  const t = now.getTime();

  if (signed > t + MAX_SKEW_MS) {
    throw new SigV4Failure(
      'RequestExpired',
      `Signature not yet current: ${input.amzDate} is still later than ${formatAmzDate(new Date(t + MAX_SKEW_MS))} (${formatAmzDate(now)} + 15 min.)`,
      { ...failureBase(input, now), expiry: input.presigned ? 'presign-not-yet-valid' : 'skew', expiresSeconds: input.expiresSeconds, expiresAt: expiresAt(input) },
    );
  }
  if (input.presigned) {
    const end = expiresAt(input)!;
    if (t > end.getTime()) {
      throw new SigV4Failure('RequestExpired', 'Request has expired', {
        ...failureBase(input, now),
        expiry: 'presign-expired',
        expiresSeconds: input.expiresSeconds,
        expiresAt: end,
      });
    }
    return;
  }
  if (signed < t - MAX_SKEW_MS) {
    throw new SigV4Failure(
      'RequestExpired',
      `Signature expired: ${input.amzDate} is now earlier than ${formatAmzDate(new Date(t - MAX_SKEW_MS))} (${formatAmzDate(now)} - 15 min.)`,
      { ...failureBase(input, now), expiry: 'skew' },
    );
  }
}

/** What every RequestExpired failure carries (built only on failure: the check runs on every request). */
function failureBase(input: SignatureInput, now: Date) {
  return { presigned: input.presigned, accessKeyId: input.scope.accessKeyId, amzDate: input.amzDate, serverTime: now };
}

function expiresAt(input: SignatureInput): Date | undefined {
  return input.expiresSeconds === undefined ? undefined : new Date(input.signedAt.getTime() + input.expiresSeconds * 1000);
}
