/**
 * Executes a parsed search: matches (one SQL query over the indexes), the page, _include and
 * _revinclude (with :iterate), _total, _summary/_elements, and the searchset Bundle with its
 * self and next links.
 */
import type { FhirContext } from '../context.ts';
import type { PageRow, StoredResource } from '../repository.ts';
import { parseSearch, type IncludeSpec, type SearchQuery } from './parser.ts';
import { SearchSql } from './sql.ts';
import { applyElements, applySummary } from './elements.ts';
import { decodePageToken, encodePageToken, type PageToken } from './page-token.ts';
import { badRequest } from '../errors.ts';
import { RawJson } from '../raw-json.ts';
import { typedReferenceRows, type SearchParamDef } from '../search-params.ts';

const MAX_INCLUDED = 1000;
const MAX_ITERATIONS = 3;

export interface SearchRequestInput {
  resourceType: string;
  /** Decoded query (or form) parameters, in order. */
  params: [string, string][];
}

export interface SearchOutcome {
  bundle: Record<string, unknown>;
  /** Parameter names (no values) for the audit record. */
  names: string[];
}

function queryString(params: [string, string][]): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** Resolves a `page` token into the search it continues, or the request's own parameters. */
export function searchParams(input: SearchRequestInput): { params: [string, string][]; page?: PageToken } {
  const pageParam = input.params.find(([k]) => k === 'page');
  if (!pageParam) return { params: input.params };
  const page = decodePageToken(pageParam[1], input.resourceType);
  const count = input.params.find(([k]) => k === '_count');
  if (count && count[1] !== String(page.c)) throw badRequest(`The page token was issued for _count=${page.c}.`);
  return { params: [...page.p, ['_count', String(page.c)]], page };
}

/**
 * `raw`: entries carry each resource as its stored JSON text (RawJson), for a response that is
 * serialized with stringifyWithRaw; otherwise as parsed objects.
 */
export function executeSearch(ctx: FhirContext, input: SearchRequestInput, options: { raw?: boolean } = {}): SearchOutcome {
  const { params, page } = searchParams(input);
  const query = parseSearch(input.resourceType, params, { strict: ctx.strictSearch });
  const sql = new SearchSql(ctx.store, (n) => ctx.repo.key(n), ctx.now.getTime());
  const { set, keyset, filter, everything } = sql.plan(query.resourceType, query.criteria);

  let total: number | undefined;
  if (query.total === 'accurate' || query.summary === 'count') {
    total = (ctx.repo.prepared(`SELECT count(*) AS n FROM (${set.sql}) m WHERE ${filter.sql}`).get(...set.args, ...filter.args) as { n: number }).n;
  }

  // The page's rids from the indexes first; then only those resource rows are read.
  const offset = page?.o ?? 0;
  let rows: PageRow[] = [];
  let hasMore = false;
  if (query.summary !== 'count') {
    let rids: number[];
    if (query.sort.length === 0) {
      // Keyset paging in rid order; the cursor also lets SQLite merge index sets in rid order.
      const distinct = keyset.distinct ? 'DISTINCT ' : '';
      rids = (ctx.repo.prepared(`SELECT ${distinct}m.rid AS rid FROM (${keyset.sql}) m WHERE ${filter.sql} AND m.rid > ? ORDER BY m.rid LIMIT ?`)
        .all(...keyset.args, ...filter.args, page?.a ?? 0, query.count + 1) as { rid: number }[]).map((r) => r.rid);
    } else {
      rids = sortedPage(ctx, sql, query, { set, filter, everything }, offset, query.count + 1);
    }
    hasMore = rids.length > query.count;
    rows = ctx.repo.pageByRids(rids.slice(0, query.count));
  }
  if (total === undefined && query.total !== 'none' && offset === 0 && !hasMore) total = rows.length;

  const seen = new Set(rows.map((r) => `${r.rtype}/${r.id}`));
  const entries = [...entriesOf(ctx, rows, 'match', query, options.raw), ...entriesOf(ctx, included(ctx, query, rows, seen), 'include', query, options.raw)];

  const link = searchLinks(ctx, query.resourceType, input.params, hasMore ? {
    params, count: query.count, offset: offset + query.count, after: query.sort.length === 0 ? rows[rows.length - 1]!.rid : undefined,
  } : undefined);
  return { bundle: searchset(ctx, total, link, entries), names: query.names };
}

/**
 * A searchset page's self link (the request as made) and, when another page follows, its next
 * link: `{base}{path}?_count=N&page=<token>`, the token carrying the search's own parameters, its
 * _count and where the next page starts (`after`: the keyset cursor of rid-ordered pages). `path`
 * is the search's (a type, '' across types, Patient/{id}/$everything); the token is bound to it.
 */
export function searchLinks(ctx: FhirContext, path: string, requested: [string, string][],
  next?: { params: [string, string][]; count: number; offset: number; after?: number }): Record<string, string>[] {
  const link = [{ relation: 'self', url: `${ctx.base}${path}${requested.length > 0 ? `?${queryString(requested)}` : ''}` }];
  if (next) {
    const token: PageToken = { t: path, p: next.params.filter(([k]) => k !== '_count' && k !== 'page'), c: next.count, o: next.offset };
    if (next.after !== undefined) token.a = next.after;
    link.push({ relation: 'next', url: `${ctx.base}${path}?_count=${next.count}&page=${encodePageToken(token)}` });
  }
  return link;
}

/** Searchset entries for stored rows, shaped by _summary or _elements (`include` rows take _summary only). */
export function entriesOf(ctx: FhirContext, rows: PageRow[], mode: 'match' | 'include', query: Pick<SearchQuery, 'summary' | 'elements'>,
  raw = false): Record<string, unknown>[] {
  const summary = query.summary === 'true' || query.summary === 'text' || query.summary === 'data' ? query.summary : undefined;
  return rows.map((row) => {
    let resource: Record<string, unknown> | RawJson;
    if (summary) resource = applySummary(JSON.parse(row.content!), summary);
    else if (query.elements && mode === 'match') resource = applyElements(JSON.parse(row.content!), query.elements);
    else resource = raw ? new RawJson(row.content!) : JSON.parse(row.content!);
    return { fullUrl: `${ctx.base}${row.rtype}/${row.id}`, resource, search: { mode } };
  });
}

/** The searchset Bundle around a page's entries. */
export function searchset(ctx: FhirContext, total: number | undefined, link: Record<string, string>[], entries: Record<string, unknown>[]): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    id: ctx.ids.uuid(),
    meta: { lastUpdated: ctx.now.toISOString() },
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    link,
    entry: entries,
  };
}

/** Index and column that order a single-key sort: the first time a rid appears is its sort value. */
const SORT_INDEX: Record<string, [string, string, string]> = {
  // [table, ascending order, descending order] — each the order of a covering index.
  token: ['fhir_idx_token', 'code, system, rid', 'code DESC, system DESC, rid DESC'],
  string: ['fhir_idx_string', 'norm, rid', 'norm DESC, rid DESC'],
  reference: ['fhir_idx_reference', 'ref_id, ref_type, rid', 'ref_id DESC, ref_type DESC, rid DESC'],
  date: ['fhir_idx_date', 'low, high, rid', 'high DESC, low DESC, rid DESC'],
  number: ['fhir_idx_number', 'value, rid', 'value DESC, rid DESC'],
  quantity: ['fhir_idx_quantity', 'value, rid', 'value DESC, rid DESC'],
  uri: ['fhir_idx_uri', 'uri, rid', 'uri DESC, rid DESC'],
};
/** Below this many matches, sorting them directly beats walking the sort index. */
const WALK_INDEX_FROM = 2000;

type Plan = { set: { sql: string; args: unknown[] }; filter: { sql: string; args: unknown[] }; everything: boolean };

/**
 * One page of an explicitly sorted search. A single index-backed key with many matches walks
 * that key's index in order (a page costs offset + count, not the number of matches), then
 * appends the matches without a value; anything else sorts the matches.
 */
function sortedPage(ctx: FhirContext, sql: SearchSql, query: SearchQuery, plan: Plan, offset: number, limit: number): number[] {
  const { set, filter } = plan;
  const key = query.sort[0]!;
  // A union or subset parameter's rows lie under several keys: no single index order to walk.
  const walkable = query.sort.length === 1 && !key.param.column && !key.param.unionOf && !key.param.subsetOf && SORT_INDEX[key.param.type];
  let members: Set<number> | undefined;
  if (walkable && !plan.everything) {
    members = new Set((ctx.repo.prepared(`SELECT m.rid AS rid FROM (${set.sql}) m WHERE ${filter.sql}`).all(...set.args, ...filter.args) as { rid: number }[]).map((r) => r.rid));
  }
  if (!walkable || (members && members.size < WALK_INDEX_FROM)) {
    const order = sql.orderBy(query.sort);
    return (ctx.repo.prepared(`SELECT m.rid AS rid FROM (${set.sql}) m JOIN fhir_resources r ON r.rid = m.rid WHERE ${filter.sql} ORDER BY ${order.sql} LIMIT ? OFFSET ?`)
      .all(...set.args, ...filter.args, ...order.args, limit, offset) as { rid: number }[]).map((r) => r.rid);
  }
  const [table, asc, desc] = SORT_INDEX[key.param.type]!;
  const seen = new Set<number>();
  const out: number[] = [];
  let valued = 0;
  const walk = ctx.repo.prepared(`SELECT rid FROM ${table} WHERE store = ? AND key = ? ORDER BY ${key.descending ? desc : asc}`).raw(true);
  for (const [rid] of walk.iterate(ctx.store, ctx.repo.key(key.param.keyName)) as Iterable<[number]>) {
    if (seen.has(rid) || (members && !members.has(rid))) continue;
    seen.add(rid);
    if (valued++ >= offset) out.push(rid);
    if (out.length >= limit) return out;
  }
  // Matches without a value for the key come last, in rid order.
  const x = 'sv';
  const rest = ctx.repo.prepared(`SELECT m.rid AS rid FROM (${set.sql}) m WHERE ${filter.sql} AND NOT EXISTS (SELECT 1 FROM ${table} ${x} WHERE ${x}.rid = m.rid AND ${x}.key = ?) ORDER BY m.rid LIMIT ? OFFSET ?`)
    .all(...set.args, ...filter.args, ctx.repo.key(key.param.keyName), limit - out.length, Math.max(0, offset - valued)) as { rid: number }[];
  return [...out, ...rest.map((r) => r.rid)];
}

/** typedReferenceRows with the key's number. Rows without a type are never followed by
 * _include or _revinclude. */
function typedRowsKey(ctx: FhirContext, param: SearchParamDef): { key: number; refType?: string } {
  const { keyName, refType } = typedReferenceRows(param);
  return { key: ctx.repo.key(keyName), refType };
}

function referencedFrom(ctx: FhirContext, rows: PageRow[], spec: IncludeSpec): StoredResource[] {
  const sources = rows.filter((r) => r.rtype === spec.sourceType).map((r) => r.rid);
  if (sources.length === 0) return [];
  const byType = new Map<string, Set<string>>();
  const { key, refType } = typedRowsKey(ctx, spec.param);
  // Read no more resources than could be included (the references of a page can be many more).
  let wanted = 0;
  for (const ref of ctx.repo.referencesOf(sources, key)) {
    if ((spec.targetType && ref.refType !== spec.targetType) || (refType && ref.refType !== refType)) continue;
    const ids = byType.get(ref.refType) ?? byType.set(ref.refType, new Set()).get(ref.refType)!;
    if (!ids.has(ref.refId) && wanted++ < MAX_INCLUDED) ids.add(ref.refId);
  }
  return [...byType].flatMap(([type, ids]) => ctx.repo.liveByIds(ctx.store, type, [...ids]));
}

function referencing(ctx: FhirContext, rows: PageRow[], spec: IncludeSpec): StoredResource[] {
  const { key, refType } = typedRowsKey(ctx, spec.param);
  const byType = new Map<string, string[]>();
  for (const r of rows) {
    if ((spec.targetType && r.rtype !== spec.targetType) || (refType && r.rtype !== refType)) continue;
    byType.set(r.rtype, [...(byType.get(r.rtype) ?? []), r.id]);
  }
  const rids = [...byType].flatMap(([type, ids]) => ctx.repo.referringRids(ctx.store, key, type, ids, MAX_INCLUDED));
  // Index rows exist only for live resources.
  return ctx.repo.byRids([...new Set(rids)].slice(0, MAX_INCLUDED));
}

/** _include and _revinclude, then their :iterate forms over what was added, a few rounds deep. */
function included(ctx: FhirContext, query: SearchQuery, matches: PageRow[], seen: Set<string>): StoredResource[] {
  const out: StoredResource[] = [];
  const add = (list: StoredResource[]): StoredResource[] => {
    const added: StoredResource[] = [];
    for (const r of list) {
      const k = `${r.rtype}/${r.id}`;
      if (seen.has(k) || out.length >= MAX_INCLUDED) continue;
      seen.add(k);
      out.push(r);
      added.push(r);
    }
    return added;
  };
  const iterates = query.include.some((s) => s.iterate) || query.revinclude.some((s) => s.iterate);
  // Round 0 applies every spec to the matches; later rounds apply the :iterate ones to what the
  // previous round added.
  let frontier = matches;
  for (let round = 0; round <= MAX_ITERATIONS && frontier.length > 0; round++) {
    const next: StoredResource[] = [];
    for (const spec of query.include) if (round === 0 || spec.iterate) next.push(...add(referencedFrom(ctx, frontier, spec)));
    for (const spec of query.revinclude) if (round === 0 || spec.iterate) next.push(...add(referencing(ctx, frontier, spec)));
    if (!iterates) break;
    frontier = next;
  }
  return out;
}
