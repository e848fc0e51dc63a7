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
import { resourceTypes } from '../operation-params.ts';
import { badRequest } from '../errors.ts';
import { checkCombinedCost, parseSearch, type SearchQuery } from './parser.ts';
import { SearchSql } from './sql.ts';
import { entriesOf, searchLinks, searchParams, searchset, type SearchOutcome } from './run.ts';

const PER_TYPE_ONLY = /^_(rev)?include(:iterate|:recurse)?$/;

function searchedTypes(ctx: FhirContext, params: [string, string][]): { types: string[]; named: boolean } {
  const named = params.filter(([k]) => k === '_type').flatMap(([, v]) => resourceTypes(v));
  if (named.length > 0) return { types: [...new Set(named)].sort(), named: true };
  const held = ctx.repo.prepared('SELECT DISTINCT rtype FROM fhir_resources WHERE store = ? AND deleted = 0 ORDER BY rtype').all(ctx.store) as { rtype: string }[];
  return { types: held.map((r) => r.rtype), named: false };
}

export function executeSystemSearch(ctx: FhirContext, input: { params: [string, string][] }, options: { raw?: boolean } = {}): SearchOutcome {
  const { params, page } = searchParams({ resourceType: '', params: input.params });
  const criteria = params.filter(([k]) => k !== '_type');
  for (const [k] of criteria) if (PER_TYPE_ONLY.test(k)) throw badRequest(`${k} is not supported in a search across resource types.`);
  const { types, named } = searchedTypes(ctx, params);
  // Strict per type: a parameter one of the types does not define is an error, not ignored.
  const queries = types.map((t) => parseSearch(t, criteria, { strict: true }));
  checkCombinedCost(queries);
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

  const link = searchLinks(ctx, '', input.params, hasMore ? {
    params, count: shape.count, offset: offset + shape.count, after: shape.sort.length === 0 ? rows[rows.length - 1]!.rid : undefined,
  } : undefined);
  const names = [...new Set(params.map(([k]) => k))];
  return { bundle: searchset(ctx, total, link, entriesOf(ctx, rows, 'match', shape, options.raw)), names };
}
