/**
 * Offline log file integrity validation, the same walk `aws cloudtrail validate-logs` makes
 * (spec/cloudtrail.md §3.7) but reading the bucket straight from object storage and the public
 * keys from the database: newest digest first, each digest's signature checked with the key its
 * fingerprint names, each listed log file's SHA-256 compared, then on to the previous digest.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { stringToSign } from './digest-file.ts';

export interface ValidationSource {
  /** Keys under a prefix, sorted. */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  /** The object's bytes and user metadata; undefined when missing. */
  getObject(bucket: string, key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined>;
  /** PKCS#1 DER public key with this fingerprint, if known. */
  publicKey(fingerprint: string): Buffer | undefined;
}

export interface ValidationTarget {
  bucket: string;
  prefix?: string;
  organizationId?: string;
  accountId: string;
  region: string;
  trailName: string;
  homeRegion: string;
  /** Epoch seconds. */
  start: number;
  end: number;
}

export interface FileResult {
  kind: 'Digest file' | 'Log file';
  location: string;
  valid: boolean;
  reason?: string;
}

interface Digest {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  previousDigestSignature: string | null;
  logFiles: { s3Bucket: string; s3Object: string; hashValue: string }[];
}

const stampOf = (key: string): string => key.slice(-24, -8);
const stamp = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');

export async function validateLogs(source: ValidationSource, t: ValidationTarget): Promise<FileResult[]> {
  const root = `${t.prefix ? `${t.prefix}/` : ''}AWSLogs/${t.organizationId ? `${t.organizationId}/` : ''}${t.accountId}`;
  const digestPrefix = `${root}/CloudTrail-Digest/${t.region}/`;
  const pattern = new RegExp(`_CloudTrail-Digest_${t.region}_${t.trailName.replace(/[.]/g, '\\.')}_${t.homeRegion}_\\d{8}T\\d{6}Z\\.json\\.gz$`);
  const keys = (await source.listKeys(t.bucket, digestPrefix))
    .filter((k) => pattern.test(k) && stampOf(k) >= stamp(t.start) && stampOf(k) <= stamp(t.end + 3600));
  const results: FileResult[] = [];
  const visited = new Set<string>();
  let index = keys.length - 1;
  let next: { bucket: string; key: string } | undefined = index >= 0 ? { bucket: t.bucket, key: keys[index]! } : undefined;
  while (next) {
    const location = `s3://${next.bucket}/${next.key}`;
    visited.add(next.key);
    const digest = await checkDigest(source, next.bucket, next.key, results, location);
    if (digest && Date.parse(digest.digestStartTime) / 1000 < t.start) break;
    if (digest?.previousDigestS3Object) {
      next = { bucket: digest.previousDigestS3Bucket ?? t.bucket, key: digest.previousDigestS3Object };
      continue;
    }
    // A chain break: carry on with the next older listed digest, as the CLI does.
    do index -= 1; while (index >= 0 && visited.has(keys[index]!));
    next = index >= 0 ? { bucket: t.bucket, key: keys[index]! } : undefined;
  }
  return results;
}

async function checkDigest(source: ValidationSource, bucket: string, key: string, results: FileResult[], location: string): Promise<Digest | undefined> {
  const invalid = (reason: string): undefined => {
    results.push({ kind: 'Digest file', location, valid: false, reason });
    return undefined;
  };
  const object = await source.getObject(bucket, key);
  if (!object) return invalid('not found');
  let json: Buffer;
  let digest: Digest;
  try {
    json = gunzipSync(object.body);
    digest = JSON.parse(json.toString('utf8')) as Digest;
  } catch {
    return invalid('invalid format');
  }
  if (digest.digestS3Bucket !== bucket || digest.digestS3Object !== key) return invalid('has been moved from its original location');
  const signature = object.metadata.signature;
  const der = source.publicKey(digest.digestPublicKeyFingerprint);
  if (!signature || !object.metadata['signature-algorithm'] || !der) return invalid('signature verification failed');
  const data = stringToSign(digest.digestEndTime, bucket, key, createHash('sha256').update(json).digest('hex'), digest.previousDigestSignature);
  const publicKey = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  if (!verify('sha256', Buffer.from(data, 'utf8'), publicKey, Buffer.from(signature, 'hex'))) return invalid('signature verification failed');
  results.push({ kind: 'Digest file', location, valid: true });
  for (const log of digest.logFiles) {
    const logLocation = `s3://${log.s3Bucket}/${log.s3Object}`;
    const file = await source.getObject(log.s3Bucket, log.s3Object);
    if (!file) {
      results.push({ kind: 'Log file', location: logLocation, valid: false, reason: 'not found' });
      continue;
    }
    let hash: string;
    try {
      hash = createHash('sha256').update(gunzipSync(file.body)).digest('hex');
    } catch {
      results.push({ kind: 'Log file', location: logLocation, valid: false, reason: 'invalid format' });
      continue;
    }
    results.push(hash === log.hashValue
      ? { kind: 'Log file', location: logLocation, valid: true }
      : { kind: 'Log file', location: logLocation, valid: false, reason: 'hash value doesn\'t match' });
  }
  return digest;
}
