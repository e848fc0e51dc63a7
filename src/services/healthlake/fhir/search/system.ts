/**
 * System-level search, `GET [base]?...` and `POST [base]_search` (FHIR R4 search across
 * resource types): the types `_type` names, else every type the datastore holds. Each parameter
 * must be defined for every searched type (the common ones — _id, _lastUpdated, _tag, _profile,
 * _security... — always are); each type's matches come from the same plan as a type-level
 * search, and the union is paged in rid order (or by _id/_lastUpdated with _sort). _include and
 * _revinclude, whose meaning is per type, are refused.
 */
import type { FhirContext } from '../context.ts';
import type { PageRow } from '../repository.ts';
import { fhirDefinitions } from '../definitions.ts';
import { badRequest } from '../errors.ts';
import { parseSearch, type SearchQuery } from './parser.ts';
import { SearchSql } from './sql.ts';
import { encodePageToken, type PageToken } from './page-token.ts';
import { entriesOf, queryString, searchParams, searchset, type SearchOutcome } from './run.ts';

/** The page token's "type" for a search across types. */
const SYSTEM = '*';
const PER_TYPE_ONLY = /^_(rev)?include(:iterate|:recurse)?$/;

function searchedTypes(ctx: FhirContext, params: [string, string][]): { types: string[]; named: boolean } {
  const named = params.filter(([k]) => k === '_type').flatMap(([, v]) => v.split(',').map((s) => s.trim()).filter(Boolean));
  for (const t of named) if (!fhirDefinitions().resourceTypeSet.has(t)) throw badRequest(`_type names an unknown resource type '${t.slice(0, 64)}'.`);
  if (named.length > 0) return { types: [...new Set(named)].sort(), named: true };
  const held = ctx.repo.prepared('SELECT DISTINCT rtype FROM fhir_resources WHERE store = ? AND deleted = 0 ORDER BY rtype').all(ctx.store) as { rtype: string }[];
  return { types: held.map((r) => r.rtype), named: false };
}

export function executeSystemSearch(ctx: FhirContext, input: { params: [string, string][] }, options: { raw?: boolean } = {}): SearchOutcome {
  const { params, page } = searchParams({ resourceType: SYSTEM, params: input.params });
  const criteria = params.filter(([k]) => k !== '_type');
  for (const [k] of criteria) if (PER_TYPE_ONLY.test(k)) throw badRequest(`${k} is not supported in a search across resource types.`);
  const { types, named } = searchedTypes(ctx, params);
  // Strict per type: a parameter one of the types does not define is an error, not ignored.
  const queries = types.map((t) => parseSearch(t, criteria, { strict: true }));
  // The result parameters (_count, _total, _summary, _elements, _sort) read the same for every type.
  const shape: SearchQuery = queries[0] ?? parseSearch('Patient', criteria.filter(([k]) => k.startsWith('_')), { strict: true });
  for (const { param } of shape.sort) {
    if (!param.column) throw badRequest(`A search across resource types sorts only by _id or _lastUpdated, not ${param.code}.`);
  }

  const sql = new SearchSql(ctx.store, (n) => ctx.repo.key(n), ctx.now.getTime());
  const plans = queries.map((q) => sql.plan(q.resourceType, q.criteria));
  let matches: { sql: string; args: unknown[] };
  if (plans.every((p) => p.everything)) {
    const ofTypes = named ? ` AND u.rtype IN (${types.map(() => '?').join(', ')})` : '';
    matches = { sql: `SELECT u.rid AS rid FROM fhir_resources u WHERE u.store = ? AND u.deleted = 0${ofTypes}`, args: [ctx.store, ...(named ? types : [])] };
  } else {
    matches = {
      sql: plans.map((p) => `SELECT m.rid AS rid FROM (${p.set.sql}) m WHERE ${p.filter.sql}`).join(' UNION ALL '),
      args: plans.flatMap((p) => [...p.set.args, ...p.filter.args]),
    };
  }

  let total: number | undefined;
  if (types.length > 0 && (shape.total === 'accurate' || shape.summary === 'count')) {
    total = (ctx.repo.prepared(`SELECT count(*) AS n FROM (${matches.sql})`).get(...matches.args) as { n: number }).n;
  }
  const offset = page?.o ?? 0;
  let rows: PageRow[] = [];
  let hasMore = false;
  if (types.length > 0 && shape.summary !== 'count') {
    let rids: number[];
    if (shape.sort.length === 0) {
      rids = (ctx.repo.prepared(`SELECT x.rid AS rid FROM (${matches.sql}) x WHERE x.rid > ? ORDER BY x.rid LIMIT ?`)
        .all(...matches.args, page?.a ?? 0, shape.count + 1) as { rid: number }[]).map((r) => r.rid);
    } else {
      const order = sql.orderBy(shape.sort);
      rids = (ctx.repo.prepared(`SELECT x.rid AS rid FROM (${matches.sql}) x JOIN fhir_resources r ON r.rid = x.rid ORDER BY ${order.sql} LIMIT ? OFFSET ?`)
        .all(...matches.args, ...order.args, shape.count + 1, offset) as { rid: number }[]).map((r) => r.rid);
    }
    hasMore = rids.length > shape.count;
    rows = ctx.repo.pageByRids(rids.slice(0, shape.count));
  }
  if (total === undefined && shape.total !== 'none' && offset === 0 && !hasMore) total = rows.length;

  const link: Record<string, string>[] = [{ relation: 'self', url: `${ctx.base}${input.params.length > 0 ? `?${queryString(input.params)}` : ''}` }];
  if (hasMore) {
    const next: PageToken = { t: SYSTEM, p: params.filter(([k]) => k !== '_count' && k !== 'page'), c: shape.count, o: offset + shape.count };
    if (shape.sort.length === 0) next.a = rows[rows.length - 1]!.rid;
    link.push({ relation: 'next', url: `${ctx.base}?_count=${shape.count}&page=${encodePageToken(next)}` });
  }
  const names = [...new Set(params.map(([k]) => k))];
  return { bundle: searchset(ctx, total, link, entriesOf(ctx, rows, 'match', shape, options.raw)), names };
}
