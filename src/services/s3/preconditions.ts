/**
 * HTTP preconditions and ranges as S3 applies them to GetObject / HeadObject (RFC 9110 with
 * S3's precedence: If-Match beats If-Unmodified-Since, If-None-Match beats If-Modified-Since).
 */
import type { ByteRange, ObjectInfo } from '../../objects/object-store.ts';
import type { Params } from '../../wire/types.ts';
import { S3Errors } from './errors.ts';

function etagMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/^"|"$/g, '');
  return list.split(',').some((item) => {
    const t = item.trim().replace(/^W\//, '');
    return t === '*' || t.replace(/^"|"$/g, '') === bare;
  });
}

function seconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/** Throws 412 PreconditionFailed or 304 NotModified when the request's conditions say so. */
export function checkPreconditions(input: Params, info: ObjectInfo): void {
  const ifMatch = input.IfMatch as string | undefined;
  const ifNoneMatch = input.IfNoneMatch as string | undefined;
  const ifModifiedSince = input.IfModifiedSince as Date | undefined;
  const ifUnmodifiedSince = input.IfUnmodifiedSince as Date | undefined;
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, info.etag)) throw S3Errors.preconditionFailed('If-Match');
  } else if (ifUnmodifiedSince && seconds(info.lastModified) > seconds(ifUnmodifiedSince)) {
    throw S3Errors.preconditionFailed('If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, info.etag)) throw S3Errors.notModified();
  } else if (ifModifiedSince && seconds(info.lastModified) <= seconds(ifModifiedSince)) {
    throw S3Errors.notModified();
  }
}

export type RangeOutcome = { kind: 'whole' } | { kind: 'range'; range: ByteRange } | { kind: 'unsatisfiable' };

/** A single `bytes=` range against the object's size. Syntax S3 does not serve (several
 * ranges, other units, garbage) means the whole object, as HTTP says. */
export function resolveRange(header: string | undefined, size: number): RangeOutcome {
  if (header === undefined) return { kind: 'whole' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end } };
}
