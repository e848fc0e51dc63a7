/**
 * Where an S3 key lives in the local directory store: `s3://bucket/a/b.txt` is the file
 * `<root>/bucket/a/b.txt`, so people can browse what was delivered. Each '/'-separated part of
 * the key is one path segment; the parts a file system cannot hold as a name are escaped:
 *
 *   ''  (from 'a//b', '/a', or the folder marker 'a/')    ->  '.~'
 *   '.' and '..'                                           ->  '.~%2E', '.~%2E%2E'
 *   parts containing NUL                                   ->  '.~' + percent-encoded
 *   parts starting with '.~' (our escape prefix)           ->  escaped too, so decoding is exact
 *
 * Nothing else changes, so no key can name a path outside its bucket's directory (no segment
 * is '..', empty or contains '/'), and resolvePaths checks that again anyway.
 *
 * Refused, with S3-shaped errors: a part longer than a file name may be (255 bytes), and keys
 * that need one path to be both a file and a directory ('a/b' beside 'a/b/c') — the store
 * keeps keys as files and directories; MinIO's file-system mode refuses the same.
 */
import { resolve, sep } from 'node:path';
import { AwsError } from '../../core/aws-error.ts';

export const ESCAPE_PREFIX = '.~';
const NAME_MAX_BYTES = 255;

function needsEscape(part: string): boolean {
  return part === '' || part === '.' || part === '..' || part.startsWith(ESCAPE_PREFIX) || part.includes('\0');
}

function escapePart(part: string): string {
  return ESCAPE_PREFIX + encodeURIComponent(part).replace(/[.~!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The file name for one key part. */
export function encodePart(part: string): string {
  return needsEscape(part) ? escapePart(part) : part;
}

/** The key part a file name stands for; undefined for names this store did not write. */
export function decodePart(name: string): string | undefined {
  if (!name.startsWith(ESCAPE_PREFIX)) return name;
  try {
    const part = decodeURIComponent(name.slice(ESCAPE_PREFIX.length));
    return encodePart(part) === name ? part : undefined;
  } catch {
    return undefined;
  }
}

export function keyTooLong(key: string, message: string): AwsError {
  return new AwsError('KeyTooLongError', message, { status: 400, fields: { Key: key } });
}

/** The file-name segments of a key, or an AwsError when the store cannot hold it. */
export function keySegments(key: string): string[] {
  const names = key.split('/').map(encodePart);
  for (const name of names) {
    const bytes = Buffer.byteLength(name);
    if (bytes > NAME_MAX_BYTES) {
      throw keyTooLong(key, `Your key is too long for the local directory object store: each '/'-separated part of a key is kept as a file name of at most ${NAME_MAX_BYTES} bytes, and one part needs ${bytes}. Use shorter parts, or the S3-compatible object store.`);
    }
  }
  return names;
}

/** Joins segments under a base directory, refusing anything that would leave it. */
export function resolveUnder(base: string, segments: string[]): string {
  const path = resolve(base, ...segments);
  if (!path.startsWith(base + sep)) throw new AwsError('InvalidArgument', 'The object key resolves outside its bucket.', { status: 400 });
  return path;
}

export function pathConflict(key: string, detail: string): AwsError {
  return new AwsError('KeyPathConflict',
    `The key '${key}' cannot be stored by the local directory object store: ${detail}. It keeps keys as files and directories, so one key cannot be both an object and a prefix of other keys followed by '/'.`,
    { status: 409, fields: { Key: key } });
}
