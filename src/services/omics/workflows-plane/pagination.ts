/**
 * The workflows plane's list dialect (GET with ?startingToken=&maxResults= -> {items, nextToken}):
 * keyset pages over a stable sort key, the token an opaque encoding of the last key served, so a
 * page costs what it returns whatever the offset. A token this server did not issue is a
 * ValidationException, as AWS answers a bad token.
 */
import { AwsError } from '../../../core/aws-error.ts';

export const DEFAULT_MAX_RESULTS = 100;

export function encodeToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString('base64url');
}

/** The key after which the page starts ('' for the first page). */
export function decodeToken(token: unknown): string {
  if (token === undefined || token === null || token === '') return '';
  try {
    const parsed = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw new AwsError('ValidationException', 'The startingToken is not valid.');
}

/** One page of `rows` (already sorted by key and fetched with limit maxResults + 1). */
export function page<R, I>(rows: R[], maxResults: number, key: (row: R) => string, item: (row: R) => I): { items: I[]; nextToken?: string } {
  const more = rows.length > maxResults;
  const shown = more ? rows.slice(0, maxResults) : rows;
  return { items: shown.map(item), ...(more ? { nextToken: encodeToken(key(shown.at(-1)!)) } : {}) };
}

export function maxResultsOf(input: { maxResults?: unknown }): number {
  return typeof input.maxResults === 'number' ? input.maxResults : DEFAULT_MAX_RESULTS;
}
