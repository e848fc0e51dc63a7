/**
 * `GET [base]Patient/{id}/$everything` (HealthLake's SearchEverything): the patient and every
 * live resource in its compartment (R4 CompartmentDefinition/patient, patient-compartment.ts),
 * as a searchset Bundle sorted by resource type and id, always with `total` (as HealthLake
 * documents it), paged by `_count` (at most 100) and a `page` token in the next link.
 *
 * Parameters: `_type` (types to include), `_since` (HealthLake also documents `since`: last
 * updated at or after), `start` and `end` (care dates: a resource whose type has the `date`
 * search parameter — Observation's effective, Encounter's period... — must have one of those
 * dates overlapping [start, end]; resources without a care date, the patient among them, are
 * kept). Any other parameter is refused rather than silently ignored.
 */
import type { FhirContext, FhirRequest, FhirResult } from './context.ts';
import type { FhirRoute } from './routes.ts';
import { badRequest } from './errors.ts';
import { patientCompartment } from './patient-compartment.ts';
import { searchParamsFor } from './search-params.ts';
import { parseDateRange } from './search/dates.ts';
import { DEFAULT_COUNT, MAX_COUNT } from './search/parser.ts';
import { stringifyWithRaw } from './raw-json.ts';
import { entriesOf, searchLinks, searchParams, searchset } from './search/run.ts';
import { instant, resourceTypes, wholeNumber } from './operation-params.ts';
import { readCurrent } from './writes.ts';

interface EverythingQuery {
  types?: Set<string>;
  since: number;
  start?: number;
  end?: number;
  count: number;
}

function dateBound(name: string, value: string): [number, number] {
  const range = parseDateRange(value);
  if (!range) throw badRequest(`${name} must be a FHIR date or dateTime, got '${value.slice(0, 64)}'.`);
  return range;
}

function parseQuery(params: [string, string][]): EverythingQuery {
  const q: EverythingQuery = { since: 0, count: DEFAULT_COUNT };
  for (const [k, v] of params) {
    switch (k) {
      case '_type':
        for (const t of resourceTypes(v)) (q.types ??= new Set()).add(t);
        break;
      case '_since': case 'since':
        q.since = instant(k, v);
        break;
      case 'start':
        q.start = dateBound(k, v)[0];
        break;
      case 'end':
        q.end = dateBound(k, v)[1];
        break;
      case '_count':
        q.count = wholeNumber(k, v);
        if (q.count < 1 || q.count > MAX_COUNT) throw badRequest(`_count must be a whole number from 1 to ${MAX_COUNT}.`);
        break;
      default:
        throw badRequest(`Patient/$everything does not support the parameter ${k.slice(0, 64)}.`);
    }
  }
  return q;
}

/** The index keys of every type's `date` (care date) parameter. */
let careDateKeyNames: string[] | undefined;
function careDateKeys(): string[] {
  careDateKeyNames ??= [...patientCompartment().keys()].flatMap((type) => {
    const p = searchParamsFor(type).get('date');
    return p?.type === 'date' ? [p.keyName] : [];
  });
  return careDateKeyNames;
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

export function patientEverything(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const id = route.id!;
  const path = `Patient/${id}/$everything`;
  const { params, page: token } = searchParams({ resourceType: path, params: req.params });
  const q = parseQuery(params);
  const patient = readCurrent(ctx, 'Patient', id);

  const refKeys = [...patientCompartment().values()].flat().map((name) => ctx.repo.key(name));
  const dateKeys = careDateKeys().map((name) => ctx.repo.key(name));
  const where = ['r.deleted = 0', 'r.updated >= ?'];
  const args: unknown[] = [q.since];
  if (q.types) {
    where.push(`r.rtype IN (${placeholders(q.types.size)})`);
    args.push(...q.types);
  }
  if (q.start !== undefined || q.end !== undefined) {
    // Kept: no care date at all, or one overlapping [start, end].
    const overlaps = ['d.rid = r.rid', `d.key IN (${placeholders(dateKeys.length)})`];
    const overlapArgs: unknown[] = [...dateKeys];
    if (q.start !== undefined) { overlaps.push('d.high >= ?'); overlapArgs.push(q.start); }
    if (q.end !== undefined) { overlaps.push('d.low <= ?'); overlapArgs.push(q.end); }
    where.push(`(NOT EXISTS (SELECT 1 FROM fhir_idx_date d WHERE d.rid = r.rid AND d.key IN (${placeholders(dateKeys.length)}))
      OR EXISTS (SELECT 1 FROM fhir_idx_date d WHERE ${overlaps.join(' AND ')}))`);
    args.push(...dateKeys, ...overlapArgs);
  }
  const members = `SELECT ? AS rid UNION SELECT x.rid FROM fhir_idx_reference x
    WHERE x.store = ? AND x.key IN (${placeholders(refKeys.length)}) AND x.ref_id = ? AND x.ref_type = 'Patient'`;
  const memberArgs = [patient.rid, ctx.store, ...refKeys, id];
  const from = `FROM (${members}) m JOIN fhir_resources r ON r.rid = m.rid WHERE ${where.join(' AND ')}`;
  const total = (ctx.repo.prepared(`SELECT count(*) AS n ${from}`).get(...memberArgs, ...args) as { n: number }).n;
  const offset = token?.o ?? 0;
  const rids = (ctx.repo.prepared(`SELECT r.rid AS rid ${from} ORDER BY r.rtype, r.id LIMIT ? OFFSET ?`)
    .all(...memberArgs, ...args, q.count, offset) as { rid: number }[]).map((r) => r.rid);
  const rows = ctx.repo.pageByRids(rids);

  const link = searchLinks(ctx, path, req.params, offset + rows.length < total ? { params, count: q.count, offset: offset + q.count } : undefined);
  const bundle = searchset(ctx, total, link, entriesOf(ctx, rows, 'match', {}, true));
  const names = [...new Set(params.filter(([k]) => k !== '_count').map(([k]) => k))];
  return { status: 200, bodyText: stringifyWithRaw(bundle), audit: { searchParameterNames: names } };
}
