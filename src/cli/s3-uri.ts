/** `s3://bucket/key` arguments. */
import { InvalidArgumentError } from 'commander';

export interface S3Location {
  bucket: string;
  /** The key, or a prefix; may be empty. */
  key: string;
}

export function parseS3Uri(value: string): S3Location {
  const m = /^s3:\/\/([^/\s]+)(?:\/(.*))?$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected s3://bucket/key.');
  return { bucket: m[1]!, key: m[2] ?? '' };
}

export const s3Uri = (l: S3Location) => `s3://${l.bucket}/${l.key}`;
