/**
 * S3's key limit (1,024 UTF-8 bytes), checked for every operation that names a key — the
 * object's own, a copy source's — before anything else happens, so an over-long key never
 * reaches the object store, a pending-work row or a success record. DeleteObjects answers it
 * per entry (handlers/object-handlers.ts), as S3 does.
 */
import type { Params } from '../../wire/types.ts';
import { parseCopySource } from './copy-source.ts';
import { S3Errors } from './errors.ts';

export const MAX_KEY_BYTES = 1024;

/** The key's size in bytes when it is over S3's limit. */
export function keyTooLongSize(key: string): number | undefined {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: most keys are settled without counting.
  if (key.length * 3 <= MAX_KEY_BYTES) return undefined;
  const size = Buffer.byteLength(key);
  return size > MAX_KEY_BYTES ? size : undefined;
}

export function checkKey(key: string): void {
  const size = keyTooLongSize(key);
  if (size !== undefined) throw S3Errors.keyTooLong(size);
}

/** Every key an operation's input names (Key, CopySource), for any S3 operation. */
export function checkInputKeys(_operation: string, input: Params): void {
  if (typeof input.Key === 'string') checkKey(input.Key);
  if (typeof input.CopySource === 'string') {
    let source;
    try {
      source = parseCopySource(input.CopySource);
    } catch {
      return; // the handler answers a malformed copy source in its own words
    }
    checkKey(source.key);
  }
}
