/**
 * The write interactions on one resource — create, update, patch, delete, and their conditional
 * forms — shared by the REST routes and Bundle entries. Each writes the resource, its version
 * history and its index rows in the caller's transaction.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirContext } from './context.ts';
import type { StoredResource } from './repository.ts';
import { badRequest, conflict, FhirError, gone, notFound, preconditionFailed, type OutcomeIssue } from './errors.ts';
import { checkResourceShape, validateForWrite } from './validation.ts';
import { indexRows } from './indexer.ts';
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
 * Stamps id and meta, validates, and stores a new current version. Every refusal (FhirError)
 * is thrown before the first write; the import relies on it to skip a savepoint per line.
 */
function store(ctx: FhirContext, resource: Resource, id: string, method: string, previous: StoredResource | undefined): WriteOutcome {
  const version = previous ? previous.version + 1 : 1;
  const updated = ctx.now.getTime();
  const stamped = {
    ...resource,
    id,
    meta: { ...(resource.meta ?? {}), versionId: String(version), lastUpdated: new Date(updated).toISOString() },
  } as Resource;
  const issues = validateForWrite(stamped, ctx.validationLevel);
  const rows = indexRows(stamped);
  // Key order as clients expect: resourceType, id, meta, then the rest.
  const { resourceType, id: _id, meta, ...rest } = stamped as unknown as Record<string, unknown>;
  const ordered = { resourceType, id, meta, ...rest };
  ctx.repo.write(ctx.store, stamped.resourceType, id, version, updated, method, JSON.stringify(ordered), rows, previous);
  return { status: previous && !previous.deleted ? 200 : 201, resource: ordered, rtype: stamped.resourceType, id, version, updated, issues };
}

/** Live resources of `type` matching search criteria (conditional interactions), up to `limit`. */
export function matching(ctx: FhirContext, type: string, params: [string, string][], limit: number): StoredResource[] {
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

export function createResource(ctx: FhirContext, body: unknown, type: string, id?: string): WriteOutcome {
  const resource = checkResourceShape(body, type);
  return store(ctx, resource, id ?? ctx.ids.uuid(), 'POST', undefined);
}

export function readCurrent(ctx: FhirContext, type: string, id: string): StoredResource {
  const current = ctx.repo.get(ctx.store, type, id);
  if (!current) throw notFound(`Resource ${type}/${id} is not known.`);
  if (current.deleted) throw gone(`Resource ${type}/${id} has been deleted.`);
  return current;
}

export function updateResource(ctx: FhirContext, body: unknown, type: string, id: string,
  options: { ifMatch?: number; ifNoneMatchAny?: boolean } = {}): WriteOutcome {
  const resource = checkResourceShape(body, type);
  if (resource.id === undefined) throw badRequest('The resource in an update must carry its id.');
  if (resource.id !== id) throw badRequest(`The resource id '${resource.id}' does not match the id '${id}' in the URL.`);
  const current = ctx.repo.get(ctx.store, type, id);
  if (current && !current.deleted) checkMutable(type);
  checkIfMatch(current, options.ifMatch);
  if (options.ifNoneMatchAny && current && !current.deleted) throw preconditionFailed(`Resource ${type}/${id} already exists (If-None-Match: *).`);
  return store(ctx, resource, id, 'PUT', current);
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
  return store(ctx, resource, ctx.ids.uuid(), 'PUT', undefined);
}

export type PatchKind = 'json-patch' | 'fhirpath-patch';

export function patchResource(ctx: FhirContext, patch: unknown, kind: PatchKind, type: string, id: string, ifMatch?: number): WriteOutcome {
  const current = readCurrent(ctx, type, id);
  checkMutable(type);
  checkIfMatch(current, ifMatch);
  const before = JSON.parse(current.content!) as Record<string, unknown>;
  const after = kind === 'json-patch' ? applyJsonPatch(before, patch) : applyFhirPathPatch(before, patch);
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
