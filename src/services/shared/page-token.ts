/**
 * Opaque pagination tokens. A token carries its position and a fingerprint of the operation and
 * parameters it was issued for, so it cannot be replayed with other parameters; anything else
 * (forged, truncated, reused elsewhere) is refused with the service's own error code.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../core/aws-error.ts';

function fingerprint(operation: string, params: unknown): string {
  return createHash('sha256').update(operation).update(JSON.stringify(params ?? null)).digest('base64url').slice(0, 16);
}

export function encodeToken(position: Record<string, number>, operation: string, params: unknown): string {
  return Buffer.from(JSON.stringify({ ...position, f: fingerprint(operation, params) })).toString('base64url');
}

/** The position fields named in `fields`, each a non-negative safe integer. */
export function decodeToken<K extends string>(
  token: string, operation: string, params: unknown, fields: readonly K[], code = 'ValidationException',
): Record<K, number> {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid = parsed.f === fingerprint(operation, params)
      && fields.every((k) => Number.isSafeInteger(parsed[k]) && (parsed[k] as number) >= 0);
    if (valid) return Object.fromEntries(fields.map((k) => [k, parsed[k] as number])) as Record<K, number>;
  } catch {
    // fall through to the error below
  }
  throw new AwsError(code, code === 'ValidationException' ? 'Invalid pagination token.' : 'Invalid NextToken.');
}

/** Offset-paged lists. */
export function encodePageToken(offset: number, operation: string, params: unknown): string {
  return encodeToken({ o: offset }, operation, params);
}

export function decodePageToken(token: string, operation: string, params: unknown, code = 'ValidationException'): number {
  return decodeToken(token, operation, params, ['o'] as const, code).o;
}
