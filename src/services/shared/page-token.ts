/**
 * Opaque pagination tokens for offset-paged lists. A token names its operation and a hash of
 * the filters it was issued for, so it cannot be replayed with other parameters.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../core/aws-error.ts';

function fingerprint(operation: string, filter: unknown): string {
  return createHash('sha256').update(operation).update(JSON.stringify(filter ?? null)).digest('base64url').slice(0, 16);
}

export function encodePageToken(offset: number, operation: string, filter: unknown): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint(operation, filter) })).toString('base64url');
}

export function decodePageToken(token: string, operation: string, filter: unknown, code = 'ValidationException'): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; f?: unknown };
    if (Number.isSafeInteger(parsed.o) && (parsed.o as number) >= 0 && parsed.f === fingerprint(operation, filter)) return parsed.o as number;
  } catch {
    // fall through to the error below
  }
  throw new AwsError(code, 'Invalid pagination token.');
}
