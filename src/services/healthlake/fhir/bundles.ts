/**
 * batch and transaction Bundles (POST to the base). A transaction is atomic: every entry runs
 * in the call's transaction and the first failure rolls all of them back; urn:uuid fullUrls are
 * given ids first and references to them rewritten, and every reference must then resolve
 * (transaction-references.ts). A batch runs each entry on its own.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirContext } from './context.ts';
import { badRequest, FhirError, isFhirError } from './errors.ts';
import { fhirDefinitions } from './definitions.ts';
import {
  conditionalUpdate, contentOf, createResource, deleteResource, etag, matching, newResourceId, parseIfMatch, patchResource, readCurrent, updateResource,
  type WriteOutcome,
} from './writes.ts';
import { executeSearch } from './search/run.ts';
import { checkTransactionReferences } from './transaction-references.ts';

interface BundleEntry {
  fullUrl?: string;
  resource?: Record<string, unknown>;
  request?: { method?: string; url?: string; ifMatch?: string; ifNoneExist?: string; ifNoneMatch?: string };
}

export interface EntryResponse {
  status: string;
  location?: string;
  etag?: string;
  lastModified?: string;
  outcome?: Record<string, unknown>;
}

interface EntryResult {
  response: EntryResponse;
  resource?: Record<string, unknown>;
}

interface ParsedUrl {
  type: string;
  id?: string;
  vid?: string;
  params?: [string, string][];
}

const METHOD_ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

export function parseEntryUrl(url: string, base: string): ParsedUrl {
  let rest = url.startsWith(base) ? url.slice(base.length) : url.replace(/^\/+/, '');
  const q = rest.indexOf('?');
  const params: [string, string][] | undefined = q >= 0 ? [...new URLSearchParams(rest.slice(q + 1)).entries()] : undefined;
  if (q >= 0) rest = rest.slice(0, q);
  const segments = rest.split('/').filter(Boolean);
  const [type, id, history, vid] = segments;
  if (!type || !fhirDefinitions().resourceTypeSet.has(type)) throw badRequest(`Bundle entry url '${url.slice(0, 200)}' does not name a resource type.`);
  if (segments.length > 4 || (history !== undefined && history !== '_history') || (segments.length === 3)) {
    throw badRequest(`Bundle entry url '${url.slice(0, 200)}' is not supported.`);
  }
  return { type, id, vid, params };
}

const ACTION: Record<string, string> = {
  POST: 'CreateResource', PUT: 'UpdateResource', PATCH: 'PatchResource', DELETE: 'DeleteResource', GET: 'ReadResource', HEAD: 'ReadResource',
};

function written(ctx: FhirContext, out: WriteOutcome): EntryResult {
  return {
    response: {
      status: String(out.status),
      location: `${out.rtype}/${out.id}/_history/${out.version}`,
      etag: etag(out.version),
      lastModified: new Date(out.updated).toISOString(),
      ...(out.issues.length > 0 ? { outcome: { resourceType: 'OperationOutcome', issue: out.issues } } : {}),
    },
    resource: out.resource,
  };
}

function runEntry(ctx: FhirContext, entry: BundleEntry, preassigned: Map<number, string>, index: number): EntryResult {
  const method = (entry.request?.method ?? '').toUpperCase();
  const url = entry.request?.url;
  if (!ACTION[method] || typeof url !== 'string') throw badRequest('Each Bundle entry needs request.method (GET, POST, PUT, PATCH, DELETE) and request.url.');
  const target = parseEntryUrl(url, ctx.base);
  const action = method === 'GET' && !target.id ? 'SearchWithGet' : method === 'GET' && target.vid ? 'VersionReadResource' : ACTION[method]!;
  ctx.authorizeEntry(action);
  const ifMatch = parseIfMatch(entry.request?.ifMatch);
  switch (method) {
    case 'POST': {
      if (target.id || target.params) throw badRequest(`POST entries create: their url must be a resource type, not '${url.slice(0, 200)}'.`);
      if (entry.request?.ifNoneExist) {
        const params = [...new URLSearchParams(entry.request.ifNoneExist.replace(/^[^?]*\?/, '')).entries()];
        const found = matching(ctx, target.type, params, 2);
        if (found.length > 1) throw new FhirError(412, `ifNoneExist criteria match more than one ${target.type}.`);
        if (found.length === 1) {
          const row = found[0]!;
          return { response: { status: '200', location: `${row.rtype}/${row.id}/_history/${row.version}`, etag: etag(row.version), lastModified: new Date(row.updated).toISOString() }, resource: contentOf(row) };
        }
      }
      return written(ctx, createResource(ctx, entry.resource, target.type, preassigned.get(index)));
    }
    case 'PUT':
      if (target.params) return written(ctx, conditionalUpdate(ctx, entry.resource, target.type, target.params));
      if (!target.id || target.vid) throw badRequest(`PUT entries need a url Type/id or Type?criteria, not '${url.slice(0, 200)}'.`);
      return written(ctx, updateResource(ctx, entry.resource, target.type, target.id, { ifMatch, ifNoneMatchAny: entry.request?.ifNoneMatch === '*' }));
    case 'PATCH': {
      if (!target.id) throw badRequest('PATCH entries need a url Type/id (conditional PATCH is not supported).');
      const r = entry.resource;
      if (r?.resourceType === 'Binary') {
        let ops: unknown;
        try {
          ops = JSON.parse(Buffer.from(String(r.data ?? ''), 'base64').toString('utf8'));
        } catch {
          throw badRequest('The Binary of a JSON Patch entry must hold base64 JSON Patch.');
        }
        return written(ctx, patchResource(ctx, ops, 'json-patch', target.type, target.id, ifMatch));
      }
      if (r?.resourceType === 'Parameters') return written(ctx, patchResource(ctx, r, 'fhirpath-patch', target.type, target.id, ifMatch));
      throw badRequest('A PATCH entry carries a Binary (JSON Patch) or a Parameters (FHIRPath Patch) resource.');
    }
    case 'DELETE': {
      if (target.params) {
        const found = matching(ctx, target.type, target.params, 2);
        if (found.length > 1) throw new FhirError(412, `The conditional delete criteria match more than one ${target.type}.`);
        if (found.length === 0) throw new FhirError(404, `No ${target.type} matches the conditional delete criteria.`);
        target.id = found[0]!.id;
      }
      if (!target.id) throw badRequest('DELETE entries need a url Type/id or Type?criteria.');
      const out = deleteResource(ctx, target.type, target.id, ifMatch);
      return { response: { status: '204', ...(out.version ? { etag: etag(out.version) } : {}) } };
    }
    default: {
      if (!target.id) {
        const { bundle } = executeSearch(ctx, { resourceType: target.type, params: target.params ?? [] });
        return { response: { status: '200' }, resource: bundle };
      }
      if (target.vid) {
        const row = ctx.repo.version(ctx.store, target.type, target.id, Number(target.vid));
        if (!row || !/^\d+$/.test(target.vid)) throw new FhirError(404, `Version ${target.vid} of ${target.type}/${target.id} is not known.`);
        if (row.deleted) throw new FhirError(410, `Version ${target.vid} of ${target.type}/${target.id} is a deletion.`);
        return { response: { status: '200', etag: etag(row.version), lastModified: new Date(row.updated).toISOString() }, resource: JSON.parse(row.content!) };
      }
      const row = readCurrent(ctx, target.type, target.id);
      return { response: { status: '200', etag: etag(row.version), lastModified: new Date(row.updated).toISOString() }, resource: contentOf(row) };
    }
  }
}

/** Every `reference` in `value` that names a urn:uuid fullUrl of the bundle, rewritten to Type/id.
 * Iterative: a client's body may nest thousands of levels (the entry's own shape check refuses
 * it afterwards), which recursion would answer with a stack overflow. */
function rewriteReferences(value: unknown, ids: Map<string, string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) { for (const item of v) stack.push(item); continue; }
    for (const [k, child] of Object.entries(v)) {
      if (k === 'reference' && typeof child === 'string' && ids.has(child)) (v as Record<string, unknown>)[k] = ids.get(child);
      else if (child && typeof child === 'object') stack.push(child);
    }
  }
}

function entryError(e: unknown, index: number, entry: BundleEntry): FhirError {
  if (!isFhirError(e)) throw e;
  const what = `${entry.request?.method ?? '?'} ${String(entry.request?.url ?? '?').slice(0, 100)}`;
  return new FhirError(e.status ?? 400, `Bundle entry ${index} (${what}) failed: ${e.message}`, { issues: e.outcome.issue.map((i) => ({ ...i, diagnostics: `Bundle entry ${index} (${what}): ${i.diagnostics ?? ''}` })), code: e.code });
}

const ENTRY_REQUEST_STRINGS = ['method', 'url', 'ifMatch', 'ifNoneExist', 'ifNoneMatch', 'ifModifiedSince'] as const;

/** What makes an entry's fullUrl or request the wrong JSON type (BundleEntry's types are then
 * true for the code below), or undefined. */
function entryShapeProblem(e: BundleEntry): string | undefined {
  const raw = e as { fullUrl?: unknown; request?: unknown; resource?: unknown };
  if (raw.fullUrl !== undefined && typeof raw.fullUrl !== 'string') return 'fullUrl must be a string.';
  if (raw.resource !== undefined && (!raw.resource || typeof raw.resource !== 'object' || Array.isArray(raw.resource))) return 'resource must be an object.';
  if (raw.request === undefined) return undefined;
  if (!raw.request || typeof raw.request !== 'object' || Array.isArray(raw.request)) return 'request must be an object.';
  const request = raw.request as Record<string, unknown>;
  const bad = ENTRY_REQUEST_STRINGS.find((k) => request[k] !== undefined && typeof request[k] !== 'string');
  return bad ? `request.${bad} must be a string.` : undefined;
}

export interface BundleOutcome {
  bundle: Record<string, unknown>;
  entryCount: number;
  bundleType: string;
}

export function processBundle(ctx: FhirContext, body: unknown, preferAsync: boolean): BundleOutcome {
  const bundle = body as { resourceType?: string; type?: string; entry?: unknown };
  if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') throw badRequest('POST to the base takes a Bundle of type batch or transaction.');
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    throw badRequest(`A Bundle of type '${String(bundle.type).slice(0, 32)}' cannot be processed; POST it to Bundle to store it.`);
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) throw badRequest('Bundle.entry must be an array.');
  const entries = (bundle.entry ?? []) as BundleEntry[];
  if (entries.length > ctx.bundleEntryLimit) {
    throw new FhirError(422, preferAsync
      ? `Asynchronous Bundle processing is not supported; a Bundle may have at most ${ctx.bundleEntryLimit} entries.`
      : `A synchronous Bundle may have at most ${ctx.bundleEntryLimit} entries (this one has ${entries.length}).`, { issueCode: 'too-costly' });
  }
  entries.forEach((e, i) => {
    if (!e || typeof e !== 'object') throw badRequest(`Bundle entry ${i} is not an object.`);
    const wrong = entryShapeProblem(e);
    if (wrong) throw badRequest(`Bundle entry ${i}: ${wrong}`);
  });
  const results = bundle.type === 'transaction' ? transaction(ctx, entries) : batch(ctx, entries);
  return {
    bundle: {
      resourceType: 'Bundle',
      id: ctx.ids.uuid(),
      type: `${bundle.type}-response`,
      entry: results.map((r) => ({ ...(r.resource ? { resource: r.resource } : {}), response: r.response })),
    },
    entryCount: entries.length,
    bundleType: bundle.type,
  };
}

function transaction(ctx: FhirContext, entries: BundleEntry[]): EntryResult[] {
  // Ids for every created resource first, so references between entries can be rewritten.
  const fullUrls = new Map<string, string>();
  const preassigned = new Map<number, string>();
  entries.forEach((e, i) => {
    const method = (e.request?.method ?? '').toUpperCase();
    const type = (e.resource as Resource | undefined)?.resourceType;
    if (method === 'POST' && type) {
      const id = newResourceId(ctx);
      preassigned.set(i, id);
      if (e.fullUrl?.startsWith('urn:')) fullUrls.set(e.fullUrl, `${type}/${id}`);
    } else if (method === 'PUT' && type && e.fullUrl?.startsWith('urn:') && e.request?.url) {
      const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(e.request.url);
      if (m) fullUrls.set(e.fullUrl, `${m[1]}/${m[2]}`);
    }
  });
  if (fullUrls.size > 0) entries.forEach((e) => rewriteReferences(e.resource, fullUrls));
  const order = entries.map((_, i) => i).sort((a, b) =>
    (METHOD_ORDER[(entries[a]!.request?.method ?? '').toUpperCase()] ?? 9) - (METHOD_ORDER[(entries[b]!.request?.method ?? '').toUpperCase()] ?? 9) || a - b);
  const results: EntryResult[] = new Array(entries.length);
  for (const i of order) {
    try {
      results[i] = runEntry(ctx, entries[i]!, preassigned, i);
    } catch (e) {
      throw entryError(e, i, entries[i]!);
    }
  }
  checkTransactionReferences(ctx, results.flatMap((r, index) => {
    const method = (entries[index]!.request?.method ?? '').toUpperCase();
    // (A POST whose ifNoneExist found a match wrote nothing: status 200.)
    if (!r.resource || !['POST', 'PUT', 'PATCH'].includes(method) || (method === 'POST' && r.response.status === '200')) return [];
    return [{ index, what: `${method} ${String(entries[index]!.request?.url ?? '?').slice(0, 100)}`, resource: r.resource }];
  }));
  return results;
}

function batch(ctx: FhirContext, entries: BundleEntry[]): EntryResult[] {
  return entries.map((entry, i) => {
    try {
      return ctx.repo.db.transaction(() => runEntry(ctx, entry, new Map(), i));
    } catch (e) {
      if (!isFhirError(e)) throw e;
      return { response: { status: String(e.status ?? 400), outcome: e.outcome as unknown as Record<string, unknown> } };
    }
  });
}
