/**
 * ListPublicKeys (spec/cloudtrail.md §3.6): every digest signing key of the region whose validity
 * window meets [StartTime, EndTime] (both default to now), PKCS#1 DER, MD5 fingerprint.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { Handler } from '../../core/service.ts';
import type { SigningKeys } from '../../trails/signing-keys.ts';

export function publicKeyHandlers(keys: SigningKeys): Record<string, Handler> {
  return {
    ListPublicKeys(ctx, input) {
      const now = Math.floor(ctx.now.getTime() / 1000);
      const start = input.StartTime instanceof Date ? Math.floor(input.StartTime.getTime() / 1000) : now;
      const end = input.EndTime instanceof Date ? Math.floor(input.EndTime.getTime() / 1000) : now;
      if (start > end) throw new AwsError('InvalidTimeRangeException', 'Start time must be before end time.');
      if (input.NextToken !== undefined) throw new AwsError('InvalidTokenException', 'Invalid NextToken.');
      // The region always has a current key, as on AWS.
      keys.current(ctx.region, now);
      return {
        PublicKeyList: keys.publicKeys(ctx.region, start, end).map((k) => ({
          Value: k.value,
          ValidityStartTime: new Date(k.validFrom * 1000),
          ValidityEndTime: new Date(k.validTo * 1000),
          Fingerprint: k.fingerprint,
        })),
      };
    },
  };
}
