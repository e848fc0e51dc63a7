/**
 * The write interactions on one resource — create, update, patch, delete, and their conditional
 * forms — shared by the REST routes and Bundle entries. Each writes the resource, its version
 * history and its index rows in the caller's transaction.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirContext } from './context.ts';
import type { StoredResource } from './repository.ts';
import { badRequest, conflict, FhirError, gone, notFound, preconditionFailed, type OutcomeIssue } from './errors.ts';
import { checkResourceShape, validateForWrite, type ValidationLevel } from './validation.ts';
import { indexRows } from './indexer.ts';
import { packRows, type PackedRows } from './packed-rows.ts';
import { renderStamped, stampedJson, stampedMeta, type StampedJson } from './stamped-json.ts';
import { applyFhirPathPatch, applyJsonPatch } from './patch.ts';
import { parseSearch } from './search/parser.ts';
import { SearchSql } from './search/sql.ts';

/** AuditEvent can be created and read, not changed (spec/healthlake.md §2.3). */
const IMMUTABLE_TYPES = new Set(['AuditEvent']);

export interface WriteOutcome {
  status: number;
  resource: Record<string, unknown>;
  rtype: string;
  id: string;
  version: number;
  updated: number;
  issues: OutcomeIssue[];
}

export interface DeleteOutcome {
  rtype: string;
  id: string;
  version?: number;
}

/** A version's pure work, ready for commitVersion (plain data: it crosses worker threads). */
export interface PreparedVersion {
  rtype: string;
  id: string;
  json: StampedJson;
  rows: PackedRows;
  issues: OutcomeIssue[];
}

export const etag = (version: number | string) => `W/"${version}"`;

/** If-Match: W/"3" (or "3") -> 3. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(value);
  if (!m) throw badRequest(`Invalid If-Match header '${value.slice(0, 64)}'; use W/"<versionId>".`);
  return Number(m[1]);
}

function checkIfMatch(current: StoredResource | undefined, ifMatch: number | undefined): void {
  if (ifMatch === undefined) return;
  if (!current || current.deleted) throw preconditionFailed(`If-Match ${etag(ifMatch)} does not match: the resource does not exist.`);
  if (current.version !== ifMatch) {
    throw preconditionFailed(`If-Match ${etag(ifMatch)} does not match the current version ${etag(current.version)}.`);
  }
}

function checkMutable(type: string): void {
  if (IMMUTABLE_TYPES.has(type)) throw new FhirError(405, `${type} resources cannot be updated or deleted.`, { issueCode: 'not-supported' });
}

/**
 * The pure half of storing a version: stamps id and meta, validates (every refusal, a
 * FhirError, is thrown here, before any write — the import relies on it to skip a savepoint
 * per line) and computes the index rows and the stored JSON. Neither validation nor the index
 * rows depend on the versionId or lastUpdated values (only on their being well-formed), so an
 * import prepares a line in a worker thread with a provisional version and time; commitVersion
 * stamps the real ones.
 */
export function prepareVersion(resource: Resource, id: string, version: number, updated: number, level: ValidationLevel):
  { prepared: PreparedVersion; stamped: Resource } {
  const stamped = { ...resource, id, meta: stampedMeta(resource.meta, version, updated) } as Resource;
  const issues = validateForWrite(stamped, level);
  const rows = packRows(indexRows(stamped));
  const json = stampedJson(stamped as unknown as Record<string, unknown>, id);
  return { prepared: { rtype: stamped.resourceType, id, json, rows, issues }, stamped };
}

/** The SQL half: the next version of the resource, written with its history and index rows. */
export function commitVersion(ctx: FhirContext, p: PreparedVersion, method: string, previous: StoredResource | undefined): Omit<WriteOutcome, 'resource'> {
  const version = previous ? previous.version + 1 : 1;
  const updated = ctx.now.getTime();
  ctx.repo.write(ctx.store, p.rtype, p.id, version, updated, method, renderStamped(p.json, version, updated), p.rows, previous);
  return { status: previous && !previous.deleted ? 200 : 201, rtype: p.rtype, id: p.id, version, updated, issues: p.issues };
}

function store(ctx: FhirContext, resource: Resource, id: string, method: string, previous: StoredResource | undefined): WriteOutcome {
  const { prepared, stamped } = prepareVersion(resource, id, previous ? previous.version + 1 : 1, ctx.now.getTime(), ctx.validationLevel);
  // Key order as clients expect: resourceType, id, meta, then the rest (as stored).
  const { resourceType, id: _id, meta, ...rest } = stamped as unknown as Record<string, unknown>;
  return { ...commitVersion(ctx, prepared, method, previous), resource: { resourceType, id, meta, ...rest } };
}

/**
 * Live resources of `type` matching search criteria (conditional interactions), up to `limit`.
 * Every conditional interaction (If-None-Exist, PUT/DELETE Type?criteria, their Bundle entries)
 * finds its target here, and evaluating criteria is a search: the answer shows what matched
 * (200 against 201, 412, 404, which resource was changed, the existing resource's body). So the
 * caller needs the permission that search needs, besides the interaction's own — otherwise
 * CreateResource, UpdateResource or DeleteResource alone would read the datastore. HealthLake
 * names search actions by how the criteria travel; here they are a query string (URL, header,
 * entry url), as in SearchWithGet. Checked before the criteria are even parsed, so a caller
 * without it learns nothing from the answer.
 */
export function matching(ctx: FhirContext, type: string, params: [string, string][], limit: number): StoredResource[] {
  ctx.authorizeEntry('SearchWithGet');
  const criteria = params.filter(([k]) => !['_count', '_format', '_pretty'].includes(k));
  if (criteria.length === 0) throw badRequest('A conditional interaction needs search criteria.');
  const query = parseSearch(type, criteria, { strict: true });
  if (query.criteria.length === 0) throw badRequest('A conditional interaction needs search criteria.');
  const sql = new SearchSql(ctx.store, (n) => ctx.repo.key(n), ctx.now.getTime());
  const { set, filter } = sql.plan(type, query.criteria);
  const rows = ctx.repo.db.sql.prepare(`SELECT m.rid AS rid FROM (${set.sql}) m WHERE ${filter.sql} ORDER BY m.rid LIMIT ?`)
    .all(...set.args, ...filter.args, limit) as { rid: number }[];
  return ctx.repo.byRids(rows.map((r) => r.rid));
}

/**
 * A server-assigned id: a UUID whose leading bits are the time (version 7), so that the
 * resources index by (type, id) grows at its end like the others instead of taking each new id
 * on a random page (about one page more per create for every COMMIT to write).
 */
export function newResourceId(ctx: FhirContext): string {
  return ctx.ids.timeOrderedUuid(ctx.now);
}

export function createResource(ctx: FhirContext, body: unknown, type: string, id?: string): WriteOutcome {
  const resource = checkResourceShape(body, type);
  return store(ctx, resource, id ?? newResourceId(ctx), 'POST', undefined);
}

export function readCurrent(ctx: FhirContext, type: string, id: string): StoredResource {
  const current = ctx.repo.get(ctx.store, type, id);
  if (!current) throw notFound(`Resource ${type}/${id} is not known.`);
  if (current.deleted) throw gone(`Resource ${type}/${id} has been deleted.`);
  return current;
}

/** The checks of an update that need only the body (pure: an import runs them in a worker thread). */
export function checkUpdateBody(body: unknown, type: string, id: string): Resource {
  const resource = checkResourceShape(body, type);
  if (resource.id === undefined) throw badRequest('The resource in an update must carry its id.');
  if (resource.id !== id) throw badRequest(`The resource id '${resource.id}' does not match the id '${id}' in the URL.`);
  return resource;
}

/** The checks of an update against the current version; returns it (undefined: a create). */
function updateTarget(ctx: FhirContext, type: string, id: string, options: UpdateOptions): StoredResource | undefined {
  const current = ctx.repo.get(ctx.store, type, id);
  if (current && !current.deleted) checkMutable(type);
  checkIfMatch(current, options.ifMatch);
  if (options.ifNoneMatchAny && current && !current.deleted) throw preconditionFailed(`Resource ${type}/${id} already exists (If-None-Match: *).`);
  return current;
}

export interface UpdateOptions { ifMatch?: number; ifNoneMatchAny?: boolean }

export function updateResource(ctx: FhirContext, body: unknown, type: string, id: string, options: UpdateOptions = {}): WriteOutcome {
  const resource = checkUpdateBody(body, type, id);
  return store(ctx, resource, id, 'PUT', updateTarget(ctx, type, id, options));
}

/**
 * updateResource for a body whose pure work (checkUpdateBody, then prepareVersion) was done
 * elsewhere: `prepared` is its result, or the FhirError prepareVersion refused it with — raised
 * here after the checks against the current version, in the same order as updateResource.
 */
export function updatePrepared(ctx: FhirContext, type: string, id: string, prepared: PreparedVersion | FhirError): Omit<WriteOutcome, 'resource'> {
  const current = updateTarget(ctx, type, id, {});
  if (prepared instanceof FhirError) throw prepared;
  return commitVersion(ctx, prepared, 'PUT', current);
}

/** PUT Type?criteria: 0 matches creates, 1 updates it, more is 412. */
export function conditionalUpdate(ctx: FhirContext, body: unknown, type: string, params: [string, string][]): WriteOutcome {
  const resource = checkResourceShape(body, type);
  const found = matching(ctx, type, params, 2);
  if (found.length > 1) throw preconditionFailed(`The conditional update criteria match more than one ${type}.`);
  if (found.length === 1) {
    const target = found[0]!;
    if (resource.id !== undefined && resource.id !== target.id) {
      throw badRequest(`The resource id '${resource.id}' does not match the resource the criteria select (${type}/${target.id}).`);
    }
    checkMutable(type);
    return store(ctx, resource, target.id, 'PUT', target);
  }
  if (resource.id !== undefined) {
    const existing = ctx.repo.get(ctx.store, type, resource.id);
    if (existing && !existing.deleted) throw conflict(`${type}/${resource.id} exists but does not match the conditional update criteria.`);
    return store(ctx, resource, resource.id, 'PUT', existing);
  }
  return store(ctx, resource, newResourceId(ctx), 'PUT', undefined);
}

export type PatchKind = 'json-patch' | 'fhirpath-patch';

export function patchResource(ctx: FhirContext, patch: unknown, kind: PatchKind, type: string, id: string, ifMatch?: number): WriteOutcome {
  const current = readCurrent(ctx, type, id);
  checkMutable(type);
  checkIfMatch(current, ifMatch);
  const before = JSON.parse(current.content!) as Record<string, unknown>;
  const after = kind === 'json-patch' ? applyJsonPatch(before, patch, ctx) : applyFhirPathPatch(before, patch, ctx);
  if (after.resourceType !== type || after.id !== id) throw badRequest('A patch must not change resourceType or id.');
  try {
    return store(ctx, after as unknown as Resource, id, 'PATCH', current);
  } catch (e) {
    if (e instanceof FhirError && e.status === 400) {
      throw new FhirError(422, `The patched resource is not valid: ${e.message}`, { issues: e.outcome.issue });
    }
    throw e;
  }
}

export function deleteResource(ctx: FhirContext, type: string, id: string, ifMatch?: number): DeleteOutcome {
  const current = ctx.repo.get(ctx.store, type, id);
  if (!current) throw notFound(`Resource ${type}/${id} is not known.`);
  if (current.deleted) return { rtype: type, id };
  checkMutable(type);
  checkIfMatch(current, ifMatch);
  const version = ctx.repo.markDeleted(ctx.store, current, ctx.now.getTime());
  return { rtype: type, id, version };
}

/** For responses: the stored JSON of a row as an object. */
export function contentOf(row: StoredResource): Record<string, unknown> {
  return JSON.parse(row.content!) as Record<string, unknown>;
}
