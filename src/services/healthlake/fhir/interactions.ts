/**
 * The FHIR REST interactions: typed functions (context, route, request) -> result, over the
 * repository. No HTTP here beyond the FHIR headers the interactions define (ETag, Location,
 * If-Match, If-None-Exist, x-amz-fhir-idempotency-key, Prefer).
 */
import { patientEverything } from './everything.ts';
import { generateDocument } from './document-operation.ts';
import { expandValueSet, lookupCode } from './terminology-operations.ts';
import { cancelExport, describeExport, exportedFile, startExport } from './export-operation.ts';
import type { FhirContext, FhirRequest, FhirResult } from './context.ts';
import type { FhirRoute } from './routes.ts';
import { badRequest, FhirError, notFound, outcomeFor } from './errors.ts';
import { mediaType, parseFormBody, parseJsonBody } from './body.ts';
import { capabilityStatement } from './capability.ts';
import { checkResourceShape, validationIssues } from './validation.ts';
import { processBundle } from './bundles.ts';
import { stringifyWithRaw } from './raw-json.ts';
import { executeSearch } from './search/run.ts';
import { executeSystemSearch } from './search/system.ts';
import {
  conditionalUpdate, contentOf, createResource, deleteResource, etag, matching, parseIfMatch, patchResource, readCurrent, updateResource,
  type WriteOutcome,
} from './writes.ts';
import type { HistoryRow } from './repository.ts';
import { parseDateRange } from './search/dates.ts';
import { MAX_COUNT } from './search/parser.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resourceHeaders(ctx: FhirContext, type: string, id: string, version: number, updated: number): Record<string, string> {
  return {
    etag: etag(version),
    'last-modified': new Date(updated).toUTCString(),
    'content-location': `${ctx.base}${type}/${id}/_history/${version}`,
  };
}

function writeResult(ctx: FhirContext, out: WriteOutcome): FhirResult {
  const headers = resourceHeaders(ctx, out.rtype, out.id, out.version, out.updated);
  if (out.status === 201) headers.location = `${ctx.base}${out.rtype}/${out.id}/_history/${out.version}`;
  if (out.issues.length > 0) headers['x-amzn-healthlake-validation-issues'] = 'true';
  return {
    status: out.status, body: out.resource, headers, written: true,
    audit: { resourceId: out.id, versionId: String(out.version) },
  };
}

function create(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const type = route.resourceType!;
  const idemKey = req.headers['x-amz-fhir-idempotency-key'];
  if (idemKey !== undefined) {
    if (!UUID.test(idemKey)) throw badRequest('x-amz-fhir-idempotency-key must be a UUID.');
    const previous = ctx.repo.idempotentResource(ctx.store, idemKey);
    if (previous) {
      // HealthLake answers with the original resource: the version this key created, which is
      // what the retrying client sent — not the current one, which later writers may have
      // changed and which CreateResource alone must not read. Nothing once it is deleted.
      const current = ctx.repo.get(ctx.store, previous.rtype, previous.id);
      const original = current && !current.deleted ? ctx.repo.version(ctx.store, previous.rtype, previous.id, 1) : undefined;
      throw new FhirError(409, `The idempotency key ${idemKey} was already used to create ${previous.rtype}/${previous.id}.`, {
        resource: original && !original.deleted ? JSON.parse(original.content!) as Record<string, unknown> : undefined,
      });
    }
  }
  const body = parseJsonBody(req.headers, req.body);
  const ifNoneExist = req.headers['if-none-exist'];
  if (ifNoneExist !== undefined) {
    const params = [...new URLSearchParams(ifNoneExist.replace(/^[^?]*\?/, '')).entries()];
    checkResourceShape(body, type);
    const found = matching(ctx, type, params, 2);
    if (found.length > 1) throw new FhirError(412, `If-None-Exist criteria match more than one ${type}.`);
    if (found.length === 1) {
      // FHIR: one match, the create is ignored with 200 OK. The body is the existing resource:
      // exactly what the search with these criteria, which matching() required the caller to be
      // allowed, returns in its searchset — so it needs no ReadResource besides; and as a write's
      // answer Prefer: return=minimal|OperationOutcome still replaces it (written: true).
      const row = found[0]!;
      return { status: 200, body: contentOf(row), headers: resourceHeaders(ctx, row.rtype, row.id, row.version, row.updated), written: true,
        audit: { resourceId: row.id, versionId: String(row.version) } };
    }
  }
  const out = createResource(ctx, body, type);
  if (idemKey !== undefined) ctx.repo.rememberIdempotencyKey(ctx.store, idemKey, out.rtype, out.id, ctx.now.getTime());
  return writeResult(ctx, out);
}

function read(ctx: FhirContext, route: FhirRoute): FhirResult {
  const row = readCurrent(ctx, route.resourceType!, route.id!);
  return { status: 200, bodyText: row.content!, headers: resourceHeaders(ctx, row.rtype, row.id, row.version, row.updated) };
}

function vread(ctx: FhirContext, route: FhirRoute): FhirResult {
  const { resourceType: type, id, vid } = route;
  if (!/^\d{1,9}$/.test(vid!)) throw notFound(`Version '${vid!.slice(0, 32)}' of ${type}/${id} is not known.`);
  const row = ctx.repo.version(ctx.store, type!, id!, Number(vid));
  if (!row) throw notFound(`Version ${vid} of ${type}/${id} is not known.`);
  if (row.deleted) throw new FhirError(410, `Version ${vid} of ${type}/${id} is a deletion.`);
  return { status: 200, body: JSON.parse(row.content!), headers: resourceHeaders(ctx, row.rtype, row.id, row.version, row.updated) };
}

function update(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const body = parseJsonBody(req.headers, req.body);
  return writeResult(ctx, updateResource(ctx, body, route.resourceType!, route.id!, {
    ifMatch: parseIfMatch(req.headers['if-match']),
    ifNoneMatchAny: req.headers['if-none-match']?.trim() === '*',
  }));
}

function patch(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const type = mediaType(req.headers);
  const body = parseJsonBody(req.headers, req.body);
  const kind = type === 'application/json-patch+json' || Array.isArray(body) ? 'json-patch' : 'fhirpath-patch';
  return writeResult(ctx, patchResource(ctx, body, kind, route.resourceType!, route.id!, parseIfMatch(req.headers['if-match'])));
}

function remove(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const out = deleteResource(ctx, route.resourceType!, route.id!, parseIfMatch(req.headers['if-match']));
  return { status: 204, headers: out.version ? { etag: etag(out.version) } : {}, audit: { resourceId: out.id } };
}

function conditionalDelete(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const type = route.resourceType!;
  const countParam = req.params.find(([k]) => k === '_count');
  if (countParam) {
    if (req.headers['if-match'] !== undefined) throw badRequest('If-Match cannot be combined with _count on a conditional delete.');
    if (!/^\d{1,9}$/.test(countParam[1]) || Number(countParam[1]) < 1 || Number(countParam[1]) > MAX_COUNT) {
      throw badRequest(`_count must be between 1 and ${MAX_COUNT}.`);
    }
    const found = matching(ctx, type, req.params, Number(countParam[1]));
    const entry = found.map((row) => {
      deleteResource(ctx, type, row.id);
      return { response: { status: '204', location: `${type}/${row.id}` } };
    });
    return { status: 200, body: { resourceType: 'Bundle', id: ctx.ids.uuid(), type: 'batch-response', entry }, audit: { deletedCount: entry.length } };
  }
  const found = matching(ctx, type, req.params, 2);
  if (found.length === 0) throw notFound(`No ${type} matches the conditional delete criteria.`);
  if (found.length > 1) throw new FhirError(412, `The conditional delete criteria match more than one ${type}.`);
  const out = deleteResource(ctx, type, found[0]!.id, parseIfMatch(req.headers['if-match']));
  return { status: 204, headers: out.version ? { etag: etag(out.version) } : {}, audit: { resourceId: out.id } };
}

function search(ctx: FhirContext, route: FhirRoute, req: FhirRequest, post: boolean): FhirResult {
  let params = req.params;
  if (post) {
    const type = mediaType(req.headers);
    if (req.body.length > 0) {
      if (type !== 'application/x-www-form-urlencoded') {
        throw new FhirError(415, 'POST _search takes an application/x-www-form-urlencoded body.', { issueCode: 'not-supported' });
      }
      if (params.length > 0) throw badRequest('POST _search takes its parameters in the URL or in the body, not both.');
      params = parseFormBody(req.body);
    }
  }
  const { bundle, names } = route.resourceType === undefined
    ? executeSystemSearch(ctx, { params }, { raw: true })
    : executeSearch(ctx, { resourceType: route.resourceType, params }, { raw: true });
  return { status: 200, bodyText: stringifyWithRaw(bundle), audit: { searchParameterNames: names } };
}

function historyEntry(ctx: FhirContext, row: HistoryRow): Record<string, unknown> {
  const url = `${row.rtype}/${row.id}`;
  const method = row.method === 'PATCH' ? 'PATCH' : row.method;
  return {
    fullUrl: `${ctx.base}${url}`,
    ...(row.deleted ? {} : { resource: JSON.parse(row.content!) }),
    request: { method, url: method === 'POST' ? row.rtype : url },
    response: {
      status: row.deleted ? '204' : row.version === 1 || method === 'POST' ? '201' : '200',
      location: `${url}/_history/${row.version}`,
      etag: etag(row.version),
      lastModified: new Date(row.updated).toISOString(),
    },
  };
}

function history(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const { resourceType: rtype, id } = route;
  if (id && !ctx.repo.get(ctx.store, rtype!, id)) throw notFound(`Resource ${rtype}/${id} is not known.`);
  let count = 100;
  let offset = 0;
  let since: number | undefined;
  const own: [string, string][] = [];
  for (const [k, v] of req.params) {
    if (k === '_count') {
      if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > MAX_COUNT) throw badRequest(`_count must be between 1 and ${MAX_COUNT}.`);
      count = Number(v);
    } else if (k === '_since') {
      const r = parseDateRange(v);
      if (!r) throw badRequest(`Invalid _since '${v.slice(0, 64)}'.`);
      since = r[0];
      own.push([k, v]);
    } else if (k === 'page') {
      if (!/^\d{1,9}$/.test(v)) throw badRequest('Invalid page token.');
      offset = Number(v);
    }
  }
  const rows = ctx.repo.history(ctx.store, { rtype, id, since, limit: count + 1, offset });
  const more = rows.length > count;
  const path = `${ctx.base}${rtype ? `${rtype}/` : ''}${id ? `${id}/` : ''}_history`;
  const qs = (extra: [string, string][]) => {
    const all = [...own, ...extra];
    return all.length > 0 ? `?${all.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
  };
  const link = [{ relation: 'self', url: `${path}${qs(req.params.filter(([k]) => k === '_count' || k === 'page'))}` }];
  if (more) link.push({ relation: 'next', url: `${path}${qs([['_count', String(count)], ['page', String(offset + count)]])}` });
  const total = offset === 0 && !more ? rows.length : ctx.repo.historyCount(ctx.store, { rtype, id, since });
  return {
    status: 200,
    body: {
      resourceType: 'Bundle', id: ctx.ids.uuid(), meta: { lastUpdated: ctx.now.toISOString() }, type: 'history', total, link,
      entry: rows.slice(0, count).map((r) => historyEntry(ctx, r)),
    },
  };
}

function validate(_ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  let body = parseJsonBody(req.headers, req.body) as Record<string, unknown>;
  if (body?.resourceType === 'Parameters') {
    const p = (body.parameter as { name?: string; resource?: Record<string, unknown> }[] | undefined)?.find((x) => x.name === 'resource');
    if (!p?.resource) throw badRequest('$validate with Parameters needs a parameter named resource.');
    body = p.resource;
  }
  const resource = checkResourceShape(body, route.resourceType);
  const issues = validationIssues(resource);
  const outcome = issues.length > 0
    ? { resourceType: 'OperationOutcome', issue: issues }
    : outcomeFor('information', 'informational', 'Validation successful: no issues found.');
  return { status: 200, body: outcome as unknown as Record<string, unknown> };
}

function bundle(ctx: FhirContext, _route: FhirRoute, req: FhirRequest): FhirResult {
  const body = parseJsonBody(req.headers, req.body);
  const preferAsync = /respond-async/i.test(req.headers.prefer ?? '');
  const out = processBundle(ctx, body, preferAsync);
  // Prefer: return=minimal|OperationOutcome applies to each entry's resource.
  const want = /return=(minimal|OperationOutcome)/i.exec(req.headers.prefer ?? '')?.[1];
  if (want) {
    for (const entry of out.bundle.entry as Record<string, unknown>[]) {
      const response = entry.response as { status: string; location?: string; outcome?: unknown };
      if (!response.location || !entry.resource) continue; // writes only; reads keep what they read
      if (want.toLowerCase() === 'operationoutcome' && !response.outcome) response.outcome = outcomeFor('information', 'informational', `Entry processed (${response.status}).`);
      delete entry.resource;
    }
  }
  return { status: 200, body: out.bundle, audit: { bundleType: out.bundleType, entryCount: out.entryCount } };
}

/** Runs one routed interaction. */
export function runInteraction(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  switch (route.interaction) {
    case 'capabilities': return { status: 200, body: capabilityStatement() };
    case 'create': return create(ctx, route, req);
    case 'read': return read(ctx, route);
    case 'vread': return vread(ctx, route);
    case 'update': return update(ctx, route, req);
    case 'conditional-update': {
      const body = parseJsonBody(req.headers, req.body);
      return writeResult(ctx, conditionalUpdate(ctx, body, route.resourceType!, req.params));
    }
    case 'patch': return patch(ctx, route, req);
    case 'delete': return remove(ctx, route, req);
    case 'conditional-delete': return conditionalDelete(ctx, route, req);
    case 'search-get': return search(ctx, route, req, false);
    case 'search-post': return search(ctx, route, req, true);
    case 'search-system': return search(ctx, route, req, req.method === 'POST');
    case 'history-instance': case 'history-type': case 'history-system': return history(ctx, route, req);
    case 'validate': return validate(ctx, route, req);
    case 'bundle': return bundle(ctx, route, req);
    case 'export-start': return startExport(ctx, req, route);
    case 'export-describe': return describeExport(ctx, route.id!);
    case 'export-cancel': return cancelExport(ctx, route.id!);
    case 'export-file': return exportedFile(ctx, route.id!, route.file!);
    case 'everything': return patientEverything(ctx, route, req);
    case 'expand': return expandValueSet(ctx, route, req);
    case 'lookup': return lookupCode(ctx, req);
    case 'document': return generateDocument(ctx, route, req);
  }
}
