/**
 * The `page` value of a searchset's next link. It carries the whole search (the next link is
 * just `{base}{type}?_count=N&page=<token>`, as HealthLake's is) and is base64url without
 * padding, so clients sign it as it stands (spec/healthlake.md §2.4).
 */
import { badRequest } from '../errors.ts';

export interface PageToken {
  /** Resource type searched. */
  t: string;
  /** The search's own parameters (without _count and page). */
  p: [string, string][];
  /** The _count the token is bound to. */
  c: number;
  /** Offset of the next page. */
  o: number;
  /** Keyset cursor: last rid of the previous page (default order only). */
  a?: number;
}

export function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodePageToken(text: string, type: string): PageToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as PageToken | undefined;
  const valid = t && typeof t === 'object' && t.t === type && Array.isArray(t.p)
    && t.p.every((kv) => Array.isArray(kv) && kv.length === 2 && typeof kv[0] === 'string' && typeof kv[1] === 'string')
    && Number.isSafeInteger(t.c) && t.c > 0 && Number.isSafeInteger(t.o) && t.o >= 0
    && (t.a === undefined || Number.isSafeInteger(t.a));
  if (!valid) throw badRequest('Invalid page token.');
  return t;
}
