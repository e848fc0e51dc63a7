/**
 * One digest file (spec/cloudtrail.md §3.2–§3.4): the JSON listing the log files delivered in
 * its window, chained to the previous digest, and the RSA signature over
 *   digestEndTime \n bucket/key \n sha256(uncompressed digest) \n previousSignature|"null".
 */
import { createHash, sign } from 'node:crypto';
import type { LogFileRow, DigestRow } from './delivery-store.ts';
import type { SigningKey } from './signing-keys.ts';
import { digestTime } from './object-keys.ts';

export const SIGNATURE_ALGORITHM = 'SHA256withRSA';

export interface DigestInput {
  accountId: string;
  bucket: string;
  key: string;
  start: number;
  end: number;
  logFiles: LogFileRow[];
  /** The previous digest of the chain; undefined starts a new chain (previousDigest* null). */
  previous?: DigestRow;
  signingKey: SigningKey;
}

export interface DigestFile {
  json: Buffer;
  sha256: string;
  /** Lower-case hex, stored as the object's x-amz-meta-signature. */
  signature: string;
}

export function stringToSign(endTime: string, bucket: string, key: string, sha256: string, previousSignature: string | null): string {
  return `${endTime}\n${bucket}/${key}\n${sha256}\n${previousSignature ?? 'null'}`;
}

export function buildDigestFile(input: DigestInput): DigestFile {
  const times = input.logFiles.flatMap((f) => [f.oldestEventTime, f.newestEventTime]);
  const endTime = digestTime(input.end);
  const previous = input.previous;
  const body = {
    awsAccountId: input.accountId,
    digestStartTime: digestTime(input.start),
    digestEndTime: endTime,
    digestS3Bucket: input.bucket,
    digestS3Object: input.key,
    digestPublicKeyFingerprint: input.signingKey.fingerprint,
    digestSignatureAlgorithm: SIGNATURE_ALGORITHM,
    newestEventTime: times.length ? digestTime(Math.max(...times)) : null,
    oldestEventTime: times.length ? digestTime(Math.min(...times)) : null,
    previousDigestS3Bucket: previous?.s3Bucket ?? null,
    previousDigestS3Object: previous?.s3Key ?? null,
    previousDigestHashValue: previous?.sha256 ?? null,
    previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
    previousDigestSignature: previous?.signature ?? null,
    logFiles: input.logFiles.map((f) => ({
      s3Bucket: f.s3Bucket,
      s3Object: f.s3Key,
      hashValue: f.sha256,
      hashAlgorithm: 'SHA-256',
      newestEventTime: digestTime(f.newestEventTime),
      oldestEventTime: digestTime(f.oldestEventTime),
    })),
  };
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const sha256 = createHash('sha256').update(json).digest('hex');
  const data = stringToSign(endTime, input.bucket, input.key, sha256, previous?.signature ?? null);
  const signature = sign('sha256', Buffer.from(data, 'utf8'), input.signingKey.privateKey).toString('hex');
  return { json, sha256, signature };
}
