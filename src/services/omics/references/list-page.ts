/** Paging and the createdAfter/createdBefore filters shared by the reference-store lists. */
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import type { Params } from '../../../wire/types.ts';

/** Omics lists return up to 100 items a page (maxResults 1..100, checked by the model). */
const DEFAULT_PAGE = 100;

/** One page: `fetch(limit, offset)` runs the filtered, ordered query; the token is tied to `scope`. */
export function pageOf<T>(input: Params, operation: string, scope: unknown, fetch: (limit: number, offset: number) => T[]): { items: T[]; nextToken?: string } {
  const size = (input.maxResults as number | undefined) ?? DEFAULT_PAGE;
  const offset = input.nextToken ? decodePageToken(input.nextToken as string, operation, scope) : 0;
  const rows = fetch(size + 1, offset);
  const items = rows.slice(0, size);
  return rows.length > size ? { items, nextToken: encodePageToken(offset + size, operation, scope) } : { items };
}

export interface Where {
  clauses: string[];
  params: unknown[];
}

/** SQL for a filter's creation-time bounds (ISO strings compare in time order). */
export function createdBetween(filter: Params | undefined, where: Where, column = 'creation_time'): Where {
  const after = filter?.createdAfter as Date | undefined;
  const before = filter?.createdBefore as Date | undefined;
  if (after) { where.clauses.push(`${column} >= ?`); where.params.push(after.toISOString()); }
  if (before) { where.clauses.push(`${column} <= ?`); where.params.push(before.toISOString()); }
  return where;
}

export function whereSql(where: Where): string {
  return where.clauses.length ? ` WHERE ${where.clauses.join(' AND ')}` : '';
}

/** The filter as a token scope: dates as ISO strings so a replayed token must match exactly. */
export function filterScope(filter: Params | undefined): unknown {
  return JSON.parse(JSON.stringify(filter ?? {}));
}
